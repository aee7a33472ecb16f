//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The crate root (cargo sets `CARGO_MANIFEST_DIR` when it runs tests; it
/// is read at run time so a checkout that moved does not test an old path).
pub fn root() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
}

/// Runs the `socialgraf` binary with `args` in `cwd`.
pub fn run(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_socialgraf"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("the socialgraf binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs the binary in `cwd`, asserts it succeeded, and returns its stdout.
pub fn ok(cwd: &Path, args: &[&str]) -> String {
    let o = run(cwd, args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    stdout(&o)
}

/// Builds the seed corpus into the store `dir/store` and returns its path.
pub fn seed_store(dir: &Path) -> PathBuf {
    let store = dir.join("store");
    ok(
        &root(),
        &[
            "build",
            "corpus/seeds",
            "--store",
            store.to_str().expect("utf-8"),
        ],
    );
    store
}

/// Runs a `SELECT (COUNT(...) AS ?n)` query on `store` through the `sparql`
/// command and returns the count.
pub fn sparql_count(store: &Path, query: &str) -> u64 {
    let out = ok(
        &root(),
        &[
            "sparql",
            query,
            "--store",
            store.to_str().expect("utf-8"),
            "--format",
            "csv",
        ],
    );
    out.lines()
        .nth(1)
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or_else(|| panic!("a count: {out}"))
}
