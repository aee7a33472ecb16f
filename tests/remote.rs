//! Reading from a remote SPARQL endpoint (`--endpoint`): every canned
//! query, the analytics and the pictures answer as on the embedded store,
//! against a `socialgraf serve` and against Virtuoso Open Source (skipped,
//! with a message, when `virtuoso-t` is not installed; `.ci/setup` installs
//! it).

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use socialgraf::query::CannedQuery;

use crate::serve::{enc, get, post, spawn, which};
use crate::util::{ok, root, run, seed_store, stderr};

/// A Virtuoso server on its own loopback ports and database in a temp
/// folder, killed when dropped.
struct Virtuoso {
    child: Child,
    sparql: String,
    dir: tempfile::TempDir,
}

impl Drop for Virtuoso {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Two free loopback ports (both held open until both are known).
fn free_ports() -> (u16, u16) {
    let a = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let b = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = |l: &TcpListener| l.local_addr().expect("address").port();
    (port(&a), port(&b))
}

/// The configuration of a throwaway Virtuoso: its files in `dir`, SQL on
/// `isql` and HTTP on `http`, both on loopback; no row cap or time limit on
/// SPARQL (the defaults cut results at 10,000 rows and 60 s).
fn virtuoso_ini(dir: &Path, isql: u16, http: u16) -> String {
    let d = dir.display();
    format!(
        "[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{isql}
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {d}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8
EnabledGzipContent = 0

[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 0
MaxSortedTopRows = 10000000
"
    )
}

/// Starts Virtuoso and lets the anonymous SPARQL user update (for `push`);
/// `None`, with a message, when `virtuoso-t` is not installed.
fn start_virtuoso() -> Option<Virtuoso> {
    let Ok(server) = which("virtuoso-t") else {
        eprintln!(
            "remote: SKIPPED the Virtuoso test: virtuoso-t is not installed (.ci/setup installs virtuoso-opensource)"
        );
        return None;
    };
    let isql = which("isql-vt").expect("isql-vt comes with virtuoso-t");
    let dir = tempfile::tempdir().expect("temp dir");
    let (isql_port, http_port) = free_ports();
    let ini = dir.path().join("virtuoso.ini");
    std::fs::write(&ini, virtuoso_ini(dir.path(), isql_port, http_port)).expect("ini written");
    let log = std::fs::File::create(dir.path().join("stdout.log")).expect("log file");
    let child = Command::new(server)
        .args(["+foreground", "+configfile"])
        .arg(&ini)
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("log file"))
        .stderr(log)
        .spawn()
        .expect("virtuoso-t starts");
    let mut v = Virtuoso {
        child,
        sparql: format!("http://127.0.0.1:{http_port}/sparql"),
        dir,
    };
    let ask = format!("{}?query={}", v.sparql, enc("ASK {}"));
    let started = Instant::now();
    loop {
        if let Ok(Some(status)) = v.child.try_wait() {
            panic!("virtuoso-t stopped ({status}): {}", v.log());
        }
        let up = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(5)))
            .build()
            .new_agent()
            .get(&ask)
            .call()
            .is_ok_and(|r| r.status().is_success());
        if up {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "Virtuoso did not answer on {} within 120 s: {}",
            v.sparql,
            v.log()
        );
        std::thread::sleep(Duration::from_millis(300));
    }
    let grant = Command::new(isql)
        .arg(isql_port.to_string())
        .args(["dba", "dba", "exec=GRANT SPARQL_UPDATE TO \"SPARQL\";"])
        .output()
        .expect("isql-vt runs");
    assert!(
        grant.status.success(),
        "GRANT SPARQL_UPDATE: {}",
        String::from_utf8_lossy(&grant.stdout)
    );
    Some(v)
}

impl Virtuoso {
    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("stdout.log")).unwrap_or_default()
    }
}

/// The columns a query fills with GROUP_CONCAT, with their separators.
fn concatenated(query: &str) -> BTreeMap<String, String> {
    let re = regex::Regex::new(
        r#"(?is)GROUP_CONCAT\s*\(.*?SEPARATOR\s*=\s*"([^"]*)"\s*\)\s*AS\s*\?(\w+)"#,
    )
    .expect("regex");
    re.captures_iter(query)
        .map(|c| (c[2].to_string(), c[1].to_string()))
        .collect()
}

/// SPARQL JSON results as rows of comparable cells, in order. Two
/// differences between stores are evened out, and only these:
/// - Virtuoso keeps doubles to 6 significant digits, so numbers of
///   xsd:double, xsd:float and xsd:decimal are compared at 6 significant
///   digits;
/// - the order of GROUP_CONCAT's items is not defined (Virtuoso's differs
///   from Oxigraph's), so they are sorted; and over a group without values
///   Oxigraph leaves GROUP_CONCAT unbound where Virtuoso gives "", so an
///   unbound concatenation reads as "".
fn comparable(json: &str, concatenated: &BTreeMap<String, String>) -> Vec<Vec<String>> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    let vars: Vec<String> = v["head"]["vars"]
        .as_array()
        .expect("vars")
        .iter()
        .map(|x| x.as_str().expect("a name").to_string())
        .collect();
    let rows = v["results"]["bindings"].as_array().expect("bindings");
    rows.iter()
        .map(|row| {
            vars.iter()
                .map(|var| {
                    let cell = &row[var.as_str()];
                    if let Some(sep) = concatenated.get(var) {
                        let text = cell["value"].as_str().unwrap_or("");
                        let mut items: Vec<&str> =
                            text.split(sep.as_str()).filter(|i| !i.is_empty()).collect();
                        items.sort_unstable();
                        return format!("concat:{}", items.join(sep));
                    }
                    if cell.is_null() {
                        return String::new();
                    }
                    let value = cell["value"].as_str().unwrap_or("");
                    let datatype = cell["datatype"].as_str().unwrap_or("");
                    let numeric = ["double", "float", "decimal"]
                        .iter()
                        .any(|t| datatype == format!("http://www.w3.org/2001/XMLSchema#{t}"));
                    match value.parse::<f64>() {
                        Ok(x) if numeric => format!("number:{x:.5e}"),
                        _ => cell.to_string(),
                    }
                })
                .collect()
        })
        .collect()
}

/// Runs every canned query with its example parameters on the store and
/// on `endpoint`, and asserts the same answers; returns how many rows.
fn canned_queries_agree(store: &Path, endpoint: &str) -> usize {
    let queries = CannedQuery::load_dir(&root().join("queries")).expect("queries load");
    assert!(queries.len() >= 8, "every canned query");
    let mut rows = 0;
    for q in &queries {
        let mut args = vec!["query".to_string(), q.name.clone()];
        for p in &q.params {
            args.push("--param".into());
            args.push(format!("{}={}", p.name, p.example));
        }
        args.extend(["--format".into(), "json".into()]);
        let with = |extra: [&str; 2]| {
            let mut a: Vec<&str> = args.iter().map(String::as_str).collect();
            a.extend(extra);
            ok(&root(), &a)
        };
        let local = with(["--store", store.to_str().expect("utf-8")]);
        let remote = with(["--endpoint", endpoint]);
        let concat = concatenated(&q.text);
        let (local, remote) = (comparable(&local, &concat), comparable(&remote, &concat));
        assert_eq!(local, remote, "query {} on {endpoint}", q.name);
        rows += local.len();
    }
    rows
}

/// The analytics tables read from the store and from `endpoint`.
fn analytics_agree(store: &Path, endpoint: &str) {
    for task in [
        &["recurring-problems"][..],
        &["communities", "--view", "municipalities"],
        &["communities", "--view", "actors"],
        &["centrality", "--view", "actors", "--top", "1000"],
        &["centrality", "--view", "problems"],
        &["edges", "--view", "municipality-problem"],
        &["edges", "--view", "actors"],
    ] {
        let with = |from: [&str; 2]| {
            let mut a = vec!["analyze"];
            a.extend(task);
            a.extend(["--format", "tsv"]);
            a.extend(from);
            ok(&root(), &a)
        };
        let local = with(["--store", store.to_str().expect("utf-8")]);
        assert!(local.lines().count() > 1, "{task:?} has rows");
        assert_eq!(
            local,
            with(["--endpoint", endpoint]),
            "analyze {task:?} on {endpoint}"
        );
    }
    for picture in [&["map"][..], &["heatmap"], &["network", "--view", "actors"]] {
        let with = |from: [&str; 2]| {
            let mut a = vec!["render"];
            a.extend(picture);
            a.extend(from);
            ok(&root(), &a)
        };
        assert_eq!(
            with(["--store", store.to_str().expect("utf-8")]),
            with(["--endpoint", endpoint]),
            "render {picture:?} on {endpoint}"
        );
    }
}

/// A CONSTRUCT query's triples (written as Turtle), sorted.
fn constructed(args: &[&str]) -> Vec<String> {
    let ttl = ok(&root(), args);
    let mut triples: Vec<String> =
        oxigraph::io::RdfParser::from_format(oxigraph::io::RdfFormat::Turtle)
            .for_slice(ttl.as_bytes())
            .map(|q| q.expect("Turtle").to_string())
            .collect();
    triples.sort();
    triples
}

const MUNICIPALITIES: &str =
    "CONSTRUCT { ?m ?p ?o } WHERE { ?m a <https://w3id.org/socialgraf/ns#Municipality> ; ?p ?o }";

/// The seed store with analytics written (so the graph holds doubles).
fn seed_store_with_analytics(dir: &Path) -> PathBuf {
    let store = seed_store(dir);
    ok(
        &root(),
        &[
            "analyze",
            "--write",
            "--store",
            store.to_str().expect("utf-8"),
        ],
    );
    store
}

#[test]
fn virtuoso_answers_every_canned_query_and_the_analytics_as_the_store() {
    let Some(virtuoso) = start_virtuoso() else {
        return;
    };
    let tmp = tempfile::tempdir().expect("temp dir");
    let store = seed_store_with_analytics(tmp.path());
    let store_arg = store.to_str().expect("utf-8");
    let pushed = ok(
        &root(),
        &["push", "--endpoint", &virtuoso.sparql, "--store", store_arg],
    );
    assert!(pushed.starts_with("pushed "), "{pushed}");
    let rows = canned_queries_agree(&store, &virtuoso.sparql);
    assert!(rows > 50, "the canned queries have rows ({rows})");
    analytics_agree(&store, &virtuoso.sparql);
    let local = constructed(&["sparql", MUNICIPALITIES, "--store", store_arg]);
    assert!(local.len() > 290, "{}", local.len());
    let remote = constructed(&["sparql", MUNICIPALITIES, "--endpoint", &virtuoso.sparql]);
    assert_eq!(local, remote, "CONSTRUCT on Virtuoso");
    // A server reading from Virtuoso answers a canned query as the
    // command line on the store does.
    let proxy = spawn(
        &["--endpoint", &virtuoso.sparql],
        &[],
        tempfile::tempdir().expect("temp dir"),
    );
    let (status, _, csv) = get(
        &format!(
            "{}/queries/people-at-organisation?org={}",
            proxy.base,
            enc("Borås stad")
        ),
        "text/csv",
    );
    assert_eq!(status, 200, "{csv}");
    let by_cli = ok(
        &root(),
        &[
            "query",
            "people-at-organisation",
            "--param",
            "org=Borås stad",
            "--format",
            "csv",
            "--store",
            store_arg,
        ],
    );
    assert_eq!(csv, by_cli);
}

#[test]
fn another_socialgraf_answers_as_the_store_and_a_server_proxies_it_read_only() {
    let remote = spawn_on_seeds();
    let endpoint = format!("{}/query", remote.0.base);
    canned_queries_agree(&remote.1, &endpoint);
    analytics_agree(&remote.1, &endpoint);

    let proxy = spawn(
        &["--endpoint", &endpoint],
        &[],
        tempfile::tempdir().expect("temp dir"),
    );
    for path in ["/queries/initiatives", "/render/heatmap.svg"] {
        let (status, _, body) = get(&format!("{}{path}", proxy.base), "text/csv");
        assert_eq!(status, 200, "{path}: {body}");
        assert_eq!(
            body,
            get(&format!("{}{path}", remote.0.base), "text/csv").2,
            "{path} through the proxy"
        );
    }
    let (status, body) = post(
        &format!("{}/update", proxy.base),
        "application/sparql-update",
        "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }",
        Some("a-long-test-token-0123456789"),
    );
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("read-only"), "{body}");
    let (status, _, body) = get(&format!("{}/store?default", proxy.base), "text/turtle");
    assert_eq!(status, 501, "{body}");
    assert!(body.contains("remote SPARQL endpoint"), "{body}");
    let (status, _, body) = get(
        &format!("{}/query?query={}", proxy.base, enc("ASK { ?s ?p ?o")),
        "*/*",
    );
    assert_eq!(status, 400, "a syntax error is the client's: {body}");

    // Nothing listens on port 1 of loopback: the proxy answers 502, the
    // command line names the URL.
    let dead = "http://127.0.0.1:1/sparql";
    let proxy = spawn(
        &["--endpoint", dead],
        &[],
        tempfile::tempdir().expect("temp dir"),
    );
    let (status, _, body) = get(
        &format!("{}/query?query={}", proxy.base, enc("ASK {}")),
        "*/*",
    );
    assert_eq!(status, 502, "{body}");
    assert!(body.contains(dead), "{body}");
    let (status, _, body) = get(&format!("{}/render/map.svg", proxy.base), "*/*");
    assert_eq!(status, 502, "{body}");
    let failed = run(&root(), &["sparql", "ASK {}", "--endpoint", dead]);
    assert!(!failed.status.success());
    assert!(stderr(&failed).contains(dead), "{}", stderr(&failed));
    let refused = run(&root(), &["analyze", "--write", "--endpoint", &endpoint]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("local store only"),
        "{}",
        stderr(&refused)
    );
}

/// A `socialgraf serve` on the seed store with analytics, and that store.
fn spawn_on_seeds() -> (crate::serve::Server, PathBuf) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let store = seed_store_with_analytics(tmp.path());
    let server = spawn(&["--store", store.to_str().expect("utf-8")], &[], tmp);
    (server, store)
}
