//! The commands, run as a user would, on temp folders.

use std::fs;

use super::util::{ok, root, run, stderr, stdout};

#[test]
fn facts_writes_one_tsv_per_document_in_the_exchange_format() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("out");
    let o = run(
        &root(),
        &[
            "facts",
            "corpus/seeds",
            "--out",
            out.to_str().expect("utf-8"),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let mut names: Vec<String> = fs::read_dir(&out)
        .expect("out dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 5, "{names:?}");
    assert!(names.contains(&"003_c2c92928c4fea111.tsv".to_string()));
    let tsv = fs::read_to_string(out.join("003_c2c92928c4fea111.tsv")).expect("tsv");
    let mut lines = tsv.lines();
    assert_eq!(
        lines.next(),
        Some("relation\tsubject\trole\tobject\tkommun")
    );
    for l in lines {
        let cols: Vec<&str> = l.split('\t').collect();
        assert_eq!(cols.len(), 5, "{l:?}");
        assert!(["membership", "initiative", "addresses", "faces", "attended"].contains(&cols[0]));
        assert!(
            cols[4].is_empty()
                || (cols[4].len() == 4 && cols[4].bytes().all(|b| b.is_ascii_digit())),
            "{l:?}"
        );
    }
    assert!(
        tsv.contains("membership\tEva Leijon\tenhetschef\t"),
        "{tsv}"
    );
}

#[test]
fn build_writes_turtle_and_a_useful_summary() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let ttl = tmp.path().join("g.ttl");
    let o = run(
        &root(),
        &[
            "build",
            "corpus/seeds",
            "--memory",
            "--turtle",
            ttl.to_str().expect("utf-8"),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let s = stdout(&o);
    assert!(s.contains("5 documents"), "{s}");
    assert!(s.contains("membership"), "{s}");
    assert!(
        s.contains("rule membership."),
        "an example fact with its rule: {s}"
    );
    assert!(s.contains("graph written to"), "{s}");
    // Piped output: no progress bar escape codes on stderr.
    assert!(!stderr(&o).contains('\u{1b}'), "{}", stderr(&o));
    let text = fs::read_to_string(&ttl).expect("turtle written");
    assert!(text.contains("@prefix org: <http://www.w3.org/ns/org#>"));
    assert!(text.contains("org:Membership"));
    assert!(
        text == fs::read_to_string(root().join("graph.ttl")).expect("committed graph"),
        "differs from the committed graph.ttl"
    );
}

#[test]
fn bad_input_is_named_and_the_rest_is_processed() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let corpus = tmp.path().join("corpus");
    fs::create_dir(&corpus).expect("mkdir");
    fs::write(
        corpus.join("good.txt"),
        "Anna Ek, socialchef i Mora kommun, är nöjd.",
    )
    .expect("write");
    fs::write(corpus.join("empty.txt"), "").expect("write");
    // Windows-1252 Swedish is decoded; bytes that are no certain encoding
    // are skipped.
    fs::write(corpus.join("latin1.txt"), b"Socialchef i Bor\xe5s").expect("write");
    fs::write(corpus.join("garbled.txt"), b"Socialchef i Bor\x81s").expect("write");
    fs::write(
        corpus.join("binary.txt"),
        [0x89u8, b'P', b'N', b'G', 0, 0, 1, 2, 3],
    )
    .expect("write");
    // 50 MB: over the default limit of 16 MiB, so it is skipped unread.
    let big = "Text om socialtjänsten. ".repeat(50 * 1024 * 1024 / 24 + 1);
    fs::write(corpus.join("big.txt"), &big).expect("write");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let locked = corpus.join("locked.txt");
        fs::write(&locked, "x").expect("write");
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).expect("chmod");
    }
    let out = tmp.path().join("out");
    let o = run(
        tmp.path(),
        &["facts", "corpus", "--out", out.to_str().expect("utf-8")],
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "exit 1: finished, something skipped"
    );
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    let named = |name: &str, what: &str| {
        lines
            .iter()
            .filter(|l| l.contains(name) && l.contains(what))
            .count()
    };
    assert_eq!(named("empty.txt", "is empty"), 1, "{err}");
    assert_eq!(named("latin1.txt", "decoded as Windows-1252"), 1, "{err}");
    assert_eq!(named("garbled.txt", "not valid UTF-8"), 1, "{err}");
    assert_eq!(named("binary.txt", "binary"), 1, "{err}");
    assert_eq!(named("big.txt", "too large"), 1, "{err}");
    // Root can read anything; the unreadable case is checked when not root.
    if fs::read(corpus.join("locked.txt")).is_err() {
        assert_eq!(named("locked.txt", "cannot be read"), 1, "{err}");
    }
    let good = fs::read_to_string(out.join("good.tsv")).expect("the good document was processed");
    assert!(
        good.contains("membership\tAnna Ek\tsocialchef\tMora kommun\t2062"),
        "{good}"
    );
    // The limit is the user's to set.
    let o = run(
        tmp.path(),
        &[
            "--max-bytes",
            "10",
            "facts",
            "corpus",
            "--out",
            out.to_str().expect("utf-8"),
        ],
    );
    assert!(
        stderr(&o)
            .lines()
            .any(|l| l.contains("good.txt") && l.contains("too large")),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_missing_corpus_is_an_error_naming_it() {
    let o = run(
        &root(),
        &["facts", "no/such/dir", "--out", "/tmp/socialgraf-none"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no/such/dir"), "{}", stderr(&o));
}

#[test]
fn ontology_writes_the_problem_scheme() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let f = tmp.path().join("p.ttl");
    let o = run(
        &root(),
        &["ontology", "--problems", f.to_str().expect("utf-8")],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = fs::read_to_string(&f).expect("written");
    assert!(text.contains("problem:hemmasittare"), "{text}");
    assert!(text.contains("\"Hemmasittare\"@sv"));
}

#[test]
fn bench_corpus_writes_the_same_documents_every_time() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    for dir in [&a, &b] {
        let said = ok(
            &root(),
            &[
                "bench",
                "corpus",
                "--docs",
                "12",
                "--out",
                dir.to_str().expect("utf-8"),
            ],
        );
        assert!(said.contains("wrote 12 documents"), "{said}");
    }
    let mut names: Vec<_> = std::fs::read_dir(&a)
        .expect("a lists")
        .map(|e| e.expect("entry").file_name())
        .collect();
    names.sort();
    assert_eq!(names.len(), 12);
    for name in &names {
        let (x, y) = (
            std::fs::read(a.join(name)).expect("a reads"),
            std::fs::read(b.join(name)).expect("b reads"),
        );
        assert_eq!(x, y, "{name:?}");
    }
    // The corpus is a corpus: `facts` reads it and finds facts in every file.
    let facts = tmp.path().join("facts");
    ok(
        &root(),
        &[
            "facts",
            a.to_str().expect("utf-8"),
            "--out",
            facts.to_str().expect("utf-8"),
        ],
    );
    for name in &names {
        let tsv = facts.join(std::path::Path::new(name).with_extension("tsv"));
        let rows = std::fs::read_to_string(&tsv).expect("facts read");
        assert!(rows.lines().count() > 1, "{}", tsv.display());
    }
}
