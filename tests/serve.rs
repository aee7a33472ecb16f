//! The HTTP endpoint: a real `socialgraf serve` process on an ephemeral
//! loopback port, queried with a real HTTP client (ureq).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::util::{root, run, seed_store, stdout};

/// A running server, stopped when dropped.
pub(crate) struct Server {
    child: Child,
    pub(crate) base: String,
    _tmp: tempfile::TempDir,
}

impl Server {
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `serve` on the seed store with `extra` options and `env`.
pub(crate) fn start(extra: &[&str], env: &[(&str, &str)]) -> Server {
    start_on(seed_store, extra, env)
}

#[test]
fn the_token_is_never_taken_from_the_command_line() {
    let tmp = tempfile::tempdir().expect("temp dir");
    for flag in ["--token", "--update-token", "--password"] {
        let o = run(tmp.path(), &["serve", "--allow-update", flag, "secret"]);
        assert_eq!(o.status.code(), Some(2), "{flag} was accepted");
        assert!(
            crate::util::stderr(&o).contains("unexpected argument"),
            "{flag}: {}",
            crate::util::stderr(&o)
        );
    }
}

/// Starts `serve` on the store that `make_store` makes in a temp folder.
fn start_on(
    make_store: fn(&std::path::Path) -> PathBuf,
    extra: &[&str],
    env: &[(&str, &str)],
) -> Server {
    let tmp = tempfile::tempdir().expect("temp dir");
    let store = make_store(tmp.path());
    let mut args = vec!["--store", store.to_str().expect("utf-8")];
    args.extend(extra);
    spawn(&args, env, tmp)
}

/// Starts `serve` with `args` (where it reads from and options) and
/// `env`, keeping `tmp` until it stops.
pub(crate) fn spawn(args: &[&str], env: &[(&str, &str)], tmp: tempfile::TempDir) -> Server {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_socialgraf"));
    cmd.args(["serve", "--bind", "127.0.0.1:0"])
        .args(["--queries", root().join("queries").to_str().expect("utf-8")])
        .args(args)
        .env_remove("SOCIALGRAF_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("serve starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("the ready line");
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("an address in {line:?}"))
        .trim_end_matches('/')
        .to_string();
    Server {
        child,
        base,
        _tmp: tmp,
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// Status, Content-Type and body of a GET.
pub(crate) fn get(url: &str, accept: &str) -> (u16, String, String) {
    let mut r = agent()
        .get(url)
        .header("Accept", accept)
        .call()
        .expect("request");
    let ct = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let status = r.status().as_u16();
    (
        status,
        ct,
        r.body_mut().read_to_string().unwrap_or_default(),
    )
}

pub(crate) fn post(url: &str, content_type: &str, body: &str, auth: Option<&str>) -> (u16, String) {
    let mut req = agent().post(url).header("Content-Type", content_type);
    if let Some(token) = auth {
        req = req.header("Authorization", &format!("Bearer {token}"));
    }
    let mut r = req.send(body).expect("request");
    let status = r.status().as_u16();
    (status, r.body_mut().read_to_string().unwrap_or_default())
}

pub(crate) fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

pub(crate) const PERSONS: &str =
    "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a <http://xmlns.com/foaf/0.1/Person> }";

#[test]
fn the_protocol_by_get_and_post_with_content_negotiation() {
    let s = start(&[], &[]);
    let url = format!("{}/query?query={}", s.base, enc(PERSONS));
    let (status, ct, body) = get(&url, "application/sparql-results+json");
    assert_eq!(status, 200, "{body}");
    assert_eq!(ct, "application/sparql-results+json");
    let json: serde_json::Value = serde_json::from_str(&body).expect("JSON results");
    let n = json["results"]["bindings"][0]["n"]["value"]
        .as_str()
        .expect("a count")
        .to_string();
    assert!(n.parse::<u32>().expect("a number") > 50, "{body}");

    for (accept, want) in [
        (
            "application/sparql-results+xml",
            "application/sparql-results+xml",
        ),
        ("text/csv", "text/csv; charset=utf-8"),
        (
            "text/tab-separated-values",
            "text/tab-separated-values; charset=utf-8",
        ),
        (
            "text/csv;q=0.5, application/sparql-results+json;q=0.9",
            "application/sparql-results+json",
        ),
        ("*/*", "application/sparql-results+json"),
    ] {
        let (status, ct, body) = get(&url, accept);
        assert_eq!((status, ct.as_str()), (200, want), "{accept}: {body}");
        assert!(body.contains(&n), "{accept}: {body}");
    }
    let (_, ct, _) = get(&format!("{url}&format=csv"), "application/json");
    assert_eq!(ct, "text/csv; charset=utf-8", "format= wins over Accept");

    let (status, body) = post(
        &format!("{}/query", s.base),
        "application/x-www-form-urlencoded",
        &format!("query={}", enc(PERSONS)),
        None,
    );
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(&n));
    let (status, body) = post(
        &format!("{}/query", s.base),
        "application/sparql-query",
        PERSONS,
        None,
    );
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(&n));

    let construct = "CONSTRUCT { ?p a <http://xmlns.com/foaf/0.1/Person> } WHERE { ?p a <http://xmlns.com/foaf/0.1/Person> }";
    let curl = format!("{}/query?query={}", s.base, enc(construct));
    for (accept, want) in [
        ("text/turtle", "text/turtle; charset=utf-8"),
        ("application/n-triples", "application/n-triples"),
        ("application/ld+json", "application/ld+json"),
        ("application/rdf+xml", "application/rdf+xml"),
    ] {
        let (status, ct, body) = get(&curl, accept);
        assert_eq!((status, ct.as_str()), (200, want), "{accept}: {body}");
    }
    let (status, _, _) = get(&curl, "application/sparql-results+json");
    assert_eq!(status, 406, "a graph cannot be given as SPARQL results");
    let (status, _, _) = get(&url, "image/png");
    assert_eq!(status, 406);
}

/// `socialgraf query people-at-organisation` for Borås stad on `store`, as CSV.
fn people_at_boras_by_cli(store: &std::path::Path) -> String {
    stdout(&run(
        &root(),
        &[
            "query",
            "people-at-organisation",
            "--param",
            "org=Borås stad",
            "--format",
            "csv",
            "--store",
            store.to_str().expect("utf-8"),
        ],
    ))
}

#[test]
fn canned_queries_over_http_answer_as_the_command_line_does() {
    let s = start(&[], &[]);
    let (status, ct, list) = get(&format!("{}/queries", s.base), "application/json");
    assert_eq!((status, ct.as_str()), (200, "application/json"));
    let list: serde_json::Value = serde_json::from_str(&list).expect("JSON");
    assert!(list.as_array().is_some_and(|l| l.len() >= 7));
    let cli = people_at_boras_by_cli(&s._tmp.path().join("store"));
    let (status, _, http) = get(
        &format!(
            "{}/queries/people-at-organisation?org={}",
            s.base,
            enc("Borås stad")
        ),
        "text/csv",
    );
    assert_eq!(status, 200, "{http}");
    assert!(http.contains("Karin Larsson"));
    assert_eq!(http, cli, "the same answer as `socialgraf query`");
}

#[test]
fn errors_have_the_right_status() {
    let s = start(&["--max-body", "2000"], &[]);
    let (status, _, body) = get(
        &format!("{}/query?query={}", s.base, enc("SELEC ?x")),
        "*/*",
    );
    assert_eq!(status, 400);
    assert!(body.contains("syntax"), "{body}");
    assert_eq!(get(&format!("{}/no/such/path", s.base), "*/*").0, 404);
    let r = agent()
        .delete(&format!("{}/query", s.base))
        .call()
        .expect("request");
    assert_eq!(r.status().as_u16(), 405);
    let big = format!("SELECT * WHERE {{ ?s ?p ?o }} # {}", "x".repeat(5000));
    assert_eq!(
        post(
            &format!("{}/query", s.base),
            "application/sparql-query",
            &big,
            None
        )
        .0,
        413
    );
    assert_eq!(
        post(&format!("{}/query", s.base), "text/plain", PERSONS, None).0,
        415
    );
    assert_eq!(get(&format!("{}/queries/nope", s.base), "*/*").0, 404);
}

#[test]
fn updates_are_refused_unless_allowed_with_the_token() {
    let s = start(&[], &[]);
    let (status, _) = post(
        &format!("{}/update", s.base),
        "application/sparql-update",
        "CLEAR ALL",
        None,
    );
    assert_eq!(status, 403, "read-only by default");
    let count = format!("{}/query?query={}", s.base, enc(PERSONS));
    let before = get(&count, "text/csv").2;
    assert!(
        !before.ends_with(",0\n") && !before.contains("\n0"),
        "{before}"
    );

    let token = "a-long-test-token-0123456789";
    let s = start(&["--allow-update"], &[("SOCIALGRAF_TOKEN", token)]);
    let url = format!("{}/update", s.base);
    let insert = "INSERT DATA { <https://example.org/x> a <http://xmlns.com/foaf/0.1/Person> }";
    assert_eq!(post(&url, "application/sparql-update", insert, None).0, 401);
    assert_eq!(
        post(
            &url,
            "application/sparql-update",
            insert,
            Some("wrong-token-0123456789")
        )
        .0,
        401
    );
    let count = format!("{}/query?query={}", s.base, enc(PERSONS));
    let before = get(&count, "text/csv").2;
    assert_eq!(
        post(&url, "application/sparql-update", insert, Some(token)).0,
        204
    );
    let after = get(&count, "text/csv").2;
    assert_ne!(before, after, "the update was applied: {before} / {after}");
}

/// A store built from an empty corpus: the municipalities alone.
fn empty_store(dir: &std::path::Path) -> PathBuf {
    let (corpus, store) = (dir.join("empty"), dir.join("store"));
    std::fs::create_dir_all(&corpus).expect("empty corpus");
    crate::util::ok(
        &root(),
        &[
            "build",
            corpus.to_str().expect("utf-8"),
            "--store",
            store.to_str().expect("utf-8"),
        ],
    );
    store
}

#[test]
fn push_sends_the_graph_to_another_store_in_batches() {
    let token = "a-long-test-token-0123456789";
    let remote = start_on(
        empty_store,
        &["--allow-update"],
        &[("SOCIALGRAF_TOKEN", token)],
    );
    let tmp = tempfile::tempdir().expect("temp dir");
    let store = seed_store(tmp.path());
    let push = |token: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_socialgraf"));
        cmd.current_dir(root())
            .args(["push", "--endpoint", &format!("{}/update", remote.base)])
            .args(["--batch", "1000", "--attempts", "1", "--store"])
            .arg(&store)
            .env_remove("SOCIALGRAF_PUSH_TOKEN");
        if let Some(t) = token {
            cmd.env("SOCIALGRAF_PUSH_TOKEN", t);
        }
        cmd.output().expect("push runs")
    };
    let refused = push(None);
    assert!(!refused.status.success());
    assert!(
        crate::util::stderr(&refused).contains("refused batch 1"),
        "{}",
        crate::util::stderr(&refused)
    );

    let pushed = push(Some(token));
    assert!(pushed.status.success(), "{}", crate::util::stderr(&pushed));
    let out = stdout(&pushed);
    let quads: usize = out
        .strip_prefix("pushed ")
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{out}"));
    let batches = quads.div_ceil(1000);
    assert!(out.contains(&format!("in {batches} batches")), "{out}");
    // Every quad but the bookkeeping graph's, once (the municipalities the
    // remote store already held are the same quads).
    let count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } \
                 FILTER(?g != <https://w3id.org/socialgraf/graph/meta>) }";
    let (_, _, remote_count) = get(
        &format!("{}/query?query={}", remote.base, enc(count)),
        "text/csv",
    );
    assert_eq!(remote_count, format!("n\r\n{quads}\r\n"));
    let local = stdout(&run(
        &root(),
        &[
            "sparql",
            count,
            "--format",
            "csv",
            "--store",
            store.to_str().expect("utf-8"),
        ],
    ));
    assert_eq!(local, remote_count, "as many quads as the local store");
    // A canned query answers the same on both sides.
    let (status, _, http) = get(
        &format!(
            "{}/queries/people-at-organisation?org={}",
            remote.base,
            enc("Borås stad")
        ),
        "text/csv",
    );
    assert_eq!(status, 200, "{http}");
    assert!(http.contains("Karin Larsson"), "{http}");
    assert_eq!(http, people_at_boras_by_cli(&store));
}

#[test]
fn results_past_max_rows_are_cut_and_say_so() {
    let s = start(&["--max-rows", "5"], &[]);
    let q = "SELECT ?s WHERE { ?s a <http://xmlns.com/foaf/0.1/Person> }";
    let r = agent()
        .get(&format!("{}/query?query={}", s.base, enc(q)))
        .header("Accept", "text/csv")
        .call()
        .expect("request");
    let cut = r
        .headers()
        .get("x-socialgraf-truncated")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = r.into_body().read_to_string().expect("body");
    assert!(cut.starts_with("true"), "{cut}");
    assert_eq!(body.lines().count(), 6, "header and 5 rows: {body}");
}

#[test]
fn health_cors_graph_store_service_description_and_page() {
    let s = start(&[], &[]);
    assert_eq!(get(&format!("{}/health", s.base), "*/*").2, "ok\n");
    let r = agent()
        .get(&format!("{}/query?query={}", s.base, enc(PERSONS)))
        .header("Origin", "http://localhost:9999")
        .call()
        .expect("request");
    assert_eq!(
        r.headers()
            .get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok()),
        Some("*")
    );
    let (status, ct, description) = get(&format!("{}/query", s.base), "text/turtle");
    assert_eq!((status, ct.as_str()), (200, "text/turtle; charset=utf-8"));
    assert!(description.contains("sd:Service"), "{description}");
    let (status, _, ttl) = get(&format!("{}/store?default", s.base), "text/turtle");
    assert_eq!(status, 200);
    let whole = socialgraf::export::reparse(&ttl).expect("Turtle").len();
    let graph_ttl = std::fs::read_to_string(root().join("graph.ttl")).expect("graph.ttl");
    assert_eq!(
        whole,
        socialgraf::export::reparse(&graph_ttl)
            .expect("Turtle")
            .len()
    );
    let doc = "https://w3id.org/socialgraf/graph/doc/000-8926704fb0129f77";
    let (status, _, one) = get(
        &format!("{}/store?graph={}", s.base, enc(doc)),
        "application/n-triples",
    );
    assert_eq!(status, 200);
    assert!(one.contains("Miriam Markusson Berg") && one.lines().count() < whole);
    let (status, _, _) = get(
        &format!("{}/store?graph={}", s.base, enc("https://example.org/none")),
        "*/*",
    );
    assert_eq!(status, 404);
    let (status, ct, page) = get(&format!("{}/", s.base), "text/html");
    assert_eq!((status, ct.as_str()), (200, "text/html; charset=utf-8"));
    assert!(
        page.contains("SPARQL") && !page.contains("://cdn"),
        "self-contained"
    );
    assert!(page.contains("vendor/yasgui.min.js"), "the YASGUI editor");
    let (status, ct, js) = get(&format!("{}/vendor/yasgui.min.js", s.base), "*/*");
    assert_eq!((status, ct.as_str()), (200, "application/javascript"));
    assert!(js.len() > 500_000 && js.contains("Yasgui"), "{}", js.len());
    let (status, ct, _) = get(&format!("{}/vendor/yasgui.min.css", s.base), "*/*");
    assert_eq!((status, ct.as_str()), (200, "text/css"));
}

#[test]
fn pictures_are_drawn_from_the_store_and_linked_from_the_page() {
    let s = start(&[], &[]);
    let store = s._tmp.path().join("store");
    let page = get(&format!("{}/", s.base), "text/html").2;
    for (path, args) in [
        ("render/map.svg", vec!["map"]),
        (
            "render/map.svg?problem=rekrytering",
            vec!["map", "--problem", "rekrytering"],
        ),
        ("render/heatmap.svg", vec!["heatmap"]),
        ("render/network.svg", vec!["network"]),
        (
            "render/network.svg?view=problems",
            vec!["network", "--view", "problems"],
        ),
    ] {
        let (status, ct, svg) = get(&format!("{}/{path}", s.base), "*/*");
        assert_eq!(
            (status, ct.as_str()),
            (200, "image/svg+xml"),
            "{path}: {svg}"
        );
        // The same picture as `socialgraf render` (a read-only open of the
        // store the server holds).
        let mut cli = vec!["render"];
        cli.extend(args);
        cli.extend(["--store", store.to_str().expect("utf-8")]);
        let o = run(&root(), &cli);
        assert!(o.status.success(), "{path}");
        assert_eq!(stdout(&o), svg, "{path}");
        if !path.contains('?') {
            assert!(page.contains(&format!("href=\"{path}\"")), "{path} linked");
        }
    }
    for (path, status) in [
        ("render/map.svg?problem=nej", 400),
        ("render/network.svg?view=nej", 400),
        ("render/pie.svg", 404),
    ] {
        let (got, _, body) = get(&format!("{}/{path}", s.base), "*/*");
        assert_eq!(got, status, "{path}: {body}");
        assert!(
            body.contains("nej") || body.contains("no such picture"),
            "{body}"
        );
    }
}

/// The Python with SPARQLWrapper: `$SOCIALGRAF_PYTHON`, else the virtual
/// environment `.ci/setup` makes.
fn client_python() -> Option<PathBuf> {
    let python = std::env::var_os("SOCIALGRAF_PYTHON")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .map(|h| PathBuf::from(h).join(".cache/socialgraf-venv/bin/python"))
        })?;
    let ok = Command::new(&python)
        .args(["-c", "import SPARQLWrapper"])
        .status()
        .is_ok_and(|s| s.success());
    ok.then_some(python)
}

#[test]
fn a_third_party_client_gets_the_same_answers() {
    let Some(python) = client_python() else {
        // CI always has it (.ci/setup installs it); elsewhere say how.
        assert!(
            std::env::var_os("CI").is_none(),
            "SPARQLWrapper is missing: run bash .ci/setup"
        );
        eprintln!("skipped: no SPARQLWrapper (bash .ci/setup installs it)");
        return;
    };
    let s = start(&[], &[]);
    let out = Command::new(python)
        .arg(root().join("tests/clients/sparqlwrapper_check.py"))
        .arg(format!("{}/query", s.base))
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let value = |name: &str| -> String {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}\t")))
            .unwrap_or_else(|| panic!("{name} in {text}"))
            .to_string()
    };
    let store = s._tmp.path().join("store");
    let st = store.to_str().expect("utf-8");
    let cli = |q: &str| {
        stdout(&run(
            &root(),
            &["sparql", q, "--store", st, "--format", "csv"],
        ))
    };
    let persons = cli(PERSONS);
    assert_eq!(persons.lines().nth(1), Some(value("persons").as_str()));
    assert_eq!(value("ask"), "true");
    let names = cli(
        "SELECT ?name WHERE { ?p <http://xmlns.com/foaf/0.1/name> ?name } ORDER BY ?name LIMIT 3",
    );
    let names: Vec<&str> = names.lines().skip(1).collect();
    assert_eq!(value("names"), names.join("|"));
    let initiatives = cli(
        "SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE { ?i a <https://w3id.org/socialgraf/ns#Initiative> }",
    );
    assert_eq!(
        initiatives.lines().nth(1),
        Some(value("initiatives").as_str())
    );
}

#[test]
fn the_page_runs_a_canned_query_in_a_headless_browser() {
    let Ok(chromium) = which("chromium") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium is missing: run bash .ci/setup"
        );
        eprintln!("skipped: no chromium (bash .ci/setup installs it)");
        return;
    };
    let s = start(&[], &[]);
    let url = format!("{}/#canned=initiatives", s.base);
    let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("page.png");
    let profile = tempfile::tempdir().expect("temp dir");
    let browser = |extra: &str| {
        Command::new(&chromium)
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--virtual-time-budget=15000",
                "--window-size=1400,1000",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(extra)
            .arg(&url)
            .output()
            .expect("chromium runs")
    };
    let dom = String::from_utf8_lossy(&browser("--dump-dom").stdout).into_owned();
    assert!(
        dom.contains("class=\"yasgui"),
        "the YASGUI editor is on the page"
    );
    assert!(
        dom.contains("id=\"count\""),
        "the canned query ran: {}",
        &dom[..dom.len().min(3000)]
    );
    assert!(dom.contains("KAL-planen"), "its rows are shown");
    browser(&format!("--screenshot={}", shot.display()));
    assert!(shot.is_file(), "a screenshot is kept at {}", shot.display());
}

/// The path of a program on `$PATH`.
pub(crate) fn which(program: &str) -> Result<PathBuf, ()> {
    std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join(program))
                .find(|p| p.is_file())
        })
        .ok_or(())
}
