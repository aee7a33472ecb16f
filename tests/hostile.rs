//! Hostile clients against a real `socialgraf serve` on a loopback port:
//! malformed HTTP, long URLs, path traversal, clients that send slowly or
//! not at all, more connections than allowed, SPARQL in canned-query
//! parameters, a pathological query; and a non-loopback bind. Each test
//! checks that the attack is refused and that other clients are still
//! served meanwhile.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::serve::{PERSONS, enc, get, start};
use crate::util::{run, seed_store, stderr};

/// Sends `request` as raw bytes to the server at `base` and returns its
/// whole answer (empty when it closes without one).
fn raw_request(base: &str, request: &[u8]) -> String {
    let mut conn = connect(base);
    // The server may answer and close before it has read everything.
    let _ = conn.write_all(request);
    let mut answer = Vec::new();
    let _ = conn.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

/// The status code of the answer to a raw `request`.
fn raw_status(base: &str, request: &[u8]) -> Option<u16> {
    raw_request(base, request)
        .strip_prefix("HTTP/1.1 ")?
        .get(..3)?
        .parse()
        .ok()
}

/// A plain TCP connection to the server at `base`, reads bounded by 10 s.
fn connect(base: &str) -> TcpStream {
    let conn = TcpStream::connect(base.trim_start_matches("http://")).expect("connect");
    conn.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("read timeout");
    conn
}

/// Whether the server closed `conn` (end of stream or a reset) before the
/// read timeout, having sent nothing.
fn closed_by_server(conn: &mut TcpStream) -> bool {
    let mut buf = [0u8; 64];
    match conn.read(&mut buf) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => e.kind() == std::io::ErrorKind::ConnectionReset,
    }
}

/// Asserts that /health answers `ok`, and returns how long it took.
fn healthy(base: &str, after: &str) -> Duration {
    let t = Instant::now();
    let (status, _, body) = get(&format!("{base}/health"), "*/*");
    assert_eq!((status, body.as_str()), (200, "ok\n"), "after {after}");
    t.elapsed()
}

#[test]
fn malformed_requests_long_urls_and_traversal_are_refused_and_service_goes_on() {
    let s = start(&[], &[]);
    let malformed: [(&str, &[u8]); 4] = [
        ("garbage bytes", b"\x00\xff\x13garbage\r\n\r\n"),
        ("a request line without a version", b"GET /health\r\n\r\n"),
        (
            "a bad Content-Length",
            b"POST /query HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
        ),
        (
            "a header without a colon",
            b"GET /health HTTP/1.1\r\nHost x\r\n\r\n",
        ),
    ];
    for (what, request) in malformed {
        let status = raw_status(&s.base, request);
        assert_eq!(status, Some(400), "{what}");
        healthy(&s.base, what);
    }
    let long = format!(
        "GET /query?query={} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "x".repeat(200_000)
    );
    let status = raw_status(&s.base, long.as_bytes());
    assert_eq!(status, Some(414), "a 200 kB URL");
    healthy(&s.base, "a 200 kB URL");
    for path in [
        "/render/../../Cargo.toml",
        "/render/..%2f..%2fCargo.toml",
        "/render/%2e%2e%2f%2e%2e%2fCargo.toml",
        "/vendor/../../Cargo.toml",
        "/vendor/..%2f..%2fsrc%2fmain.rs",
        "/queries/..%2f..%2fCargo.toml",
    ] {
        let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        let answer = raw_request(&s.base, request.as_bytes());
        assert!(
            answer.starts_with("HTTP/1.1 400") || answer.starts_with("HTTP/1.1 404"),
            "{path}: {}",
            answer.lines().next().unwrap_or("")
        );
        assert!(
            !answer.contains("[package]") && !answer.contains("fn main"),
            "{path} served a file outside the server"
        );
        healthy(&s.base, path);
    }
}

#[test]
fn slow_and_idle_clients_are_cut_off_while_others_are_served() {
    let s = start(&["--read-timeout", "1"], &[]);
    let opened = Instant::now();
    let mut idle: Vec<TcpStream> = (0..100).map(|_| connect(&s.base)).collect();
    // Slowloris: the headers a byte every 100 ms, never finished.
    let base = s.base.clone();
    let slow_headers = std::thread::spawn(move || {
        let mut conn = connect(&base);
        let t = Instant::now();
        let head = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ";
        let _ = conn.write_all(head);
        while t.elapsed() < Duration::from_secs(8) {
            if conn.write_all(b"a").is_err() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        t.elapsed()
    });
    // Headers in time, then the body a byte every 100 ms.
    let base = s.base.clone();
    let slow_body = std::thread::spawn(move || {
        let mut conn = connect(&base);
        let head = "POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n\
                    Content-Length: 1000\r\n\r\nSELECT";
        let _ = conn.write_all(head.as_bytes());
        for _ in 0..80 {
            if conn.write_all(b" ").is_err() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let mut answer = Vec::new();
        let _ = conn.read_to_end(&mut answer);
        String::from_utf8_lossy(&answer).into_owned()
    });
    // Meanwhile, others are served at once.
    let mut worst = Duration::ZERO;
    while opened.elapsed() < Duration::from_millis(1500) {
        worst = worst.max(healthy(&s.base, "slow clients"));
        let t = Instant::now();
        let (status, _, _) = get(
            &format!("{}/query?query={}", s.base, enc(PERSONS)),
            "text/csv",
        );
        assert_eq!(status, 200);
        worst = worst.max(t.elapsed());
        std::thread::sleep(Duration::from_millis(50));
    }
    eprintln!("hostile: slowest answer to another client while 102 slow ones wait: {worst:?}");
    assert!(worst < Duration::from_secs(1), "{worst:?}");
    // Every idle connection was closed by the server after the read
    // timeout, not before.
    let first_closed = {
        assert!(closed_by_server(&mut idle[0]), "idle connection 0");
        opened.elapsed()
    };
    assert!(
        first_closed >= Duration::from_millis(900),
        "{first_closed:?}"
    );
    for (i, conn) in idle.iter_mut().enumerate() {
        assert!(closed_by_server(conn), "idle connection {i}");
    }
    assert!(
        opened.elapsed() < Duration::from_secs(6),
        "{:?}",
        opened.elapsed()
    );
    let took = slow_headers.join().expect("slow headers");
    assert!(
        took < Duration::from_secs(5),
        "the slow headers were cut off after {took:?}"
    );
    let answer = slow_body.join().expect("slow body");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("did not arrive within 1 s"), "{answer}");
    healthy(&s.base, "the slow clients were cut off");
}

#[test]
fn connections_past_the_limit_get_503_until_idle_ones_time_out() {
    let s = start(&["--max-connections", "4", "--read-timeout", "1"], &[]);
    let mut idle: Vec<TcpStream> = (0..4).map(|_| connect(&s.base)).collect();
    let answer = raw_request(&s.base, b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("too many open connections"), "{answer}");
    for (i, conn) in idle.iter_mut().enumerate() {
        assert!(closed_by_server(conn), "idle connection {i}");
    }
    healthy(&s.base, "the idle connections timed out");
}

#[test]
fn sparql_in_canned_parameters_cannot_change_the_query_or_the_store() {
    // A writable store, so that an injected update would have an effect.
    let token = "a-long-test-token-0123456789";
    let s = start(&["--allow-update"], &[("SOCIALGRAF_TOKEN", token)]);
    let count = "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }";
    let count_url = format!("{}/query?query={}", s.base, enc(count));
    let before = get(&count_url, "text/csv").2;
    let injections = [
        "\"} ; DELETE WHERE {?s ?p ?o} #",
        "x' } ; CLEAR ALL ; #",
        "Borås\" } UNION { ?s ?p ?o } #",
        "Borås\"@sv . ?s ?p ?o } LIMIT 1 #",
        "\\\" } ; INSERT DATA { <urn:x> <urn:y> <urn:z> } #",
        "<urn:x> } ; DROP ALL ; #",
        "Borås\n} ; DELETE WHERE { ?s ?p ?o } #",
        "?s",
        "$org",
    ];
    let (_, _, list) = get(&format!("{}/queries", s.base), "application/json");
    let list: serde_json::Value = serde_json::from_str(&list).expect("JSON");
    let queries = list.as_array().expect("a list of queries");
    let mut tried = 0;
    for q in queries {
        let name = q["name"].as_str().expect("a name");
        let params = q["params"].as_array().expect("params");
        if !params.is_empty() {
            // With its examples, each finds something on the seeds.
            assert!(rows(&s.base, name, params, None) > 0, "{name}");
        }
        for p in params {
            for injection in injections {
                // No entity is named like this, so a query that kept its
                // shape finds nothing.
                let found = rows(&s.base, name, params, Some((p, injection)));
                assert_eq!(found, 0, "{name} {injection:?}");
                tried += 1;
            }
        }
    }
    assert!(tried >= 5 * injections.len(), "{tried} requests");
    assert_eq!(get(&count_url, "text/csv").2, before, "the store changed");
}

/// The number of result rows of canned query `name` with each parameter
/// set to its example, except `replaced` (a parameter and its value).
fn rows(
    base: &str,
    name: &str,
    params: &[serde_json::Value],
    replaced: Option<(&serde_json::Value, &str)>,
) -> usize {
    let query_string: Vec<String> = params
        .iter()
        .map(|p| {
            let key = p["name"].as_str().expect("a param name");
            let value = match replaced {
                Some((r, value)) if r == p => value,
                _ => p["example"].as_str().expect("an example"),
            };
            format!("{}={}", enc(key), enc(value))
        })
        .collect();
    let url = format!("{base}/queries/{name}?{}", query_string.join("&"));
    let (status, _, body) = get(&url, "application/sparql-results+json");
    assert_eq!(status, 200, "{url}: {body}");
    let json: serde_json::Value = serde_json::from_str(&body).expect("JSON results");
    json["results"]["bindings"].as_array().map_or(0, Vec::len)
}

#[test]
fn a_pathological_query_is_stopped_while_others_are_served_quickly() {
    let s = start(&["--timeout", "2"], &[]);
    let slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }";
    let url = format!("{}/query?query={}", s.base, enc(slow));
    let pathological: Vec<_> = (0..2)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || {
                let t = Instant::now();
                let (status, _, body) = get(&url, "application/sparql-results+json");
                (status, body, t.elapsed())
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let mut latencies = Vec::new();
    while !pathological.iter().all(|h| h.is_finished()) {
        let t = Instant::now();
        let (status, _, body) = get(
            &format!("{}/query?query={}", s.base, enc(PERSONS)),
            "text/csv",
        );
        assert_eq!(status, 200, "{body}");
        latencies.push(t.elapsed());
    }
    latencies.sort();
    let (median, max) = (
        latencies[latencies.len() / 2],
        latencies[latencies.len() - 1],
    );
    eprintln!(
        "hostile: {} queries during two pathological ones: median {median:?}, max {max:?}",
        latencies.len()
    );
    assert!(latencies.len() >= 10, "{latencies:?}");
    assert!(max < Duration::from_secs(1), "{latencies:?}");
    for h in pathological {
        let (status, body, took) = h.join().expect("the slow request");
        assert_eq!(status, 503, "{body}");
        assert!(body.contains("time limit"), "{body}");
        assert!(
            took < Duration::from_secs(10),
            "stopped near the limit: {took:?}"
        );
    }
}

#[test]
fn the_default_bind_is_loopback_and_others_warn_when_updates_are_allowed() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let help = crate::util::stdout(&run(tmp.path(), &["serve", "--help"]));
    assert!(help.contains("[default: 127.0.0.1:7878]"), "{help}");
    let store = seed_store(tmp.path());
    let store = store.to_str().expect("utf-8");
    let queries = crate::util::root().join("queries");
    let queries = queries.to_str().expect("utf-8");
    // 192.0.2.1 (TEST-NET-1) is on no interface here: the warning comes
    // before the bind, which then fails, so nothing is ever exposed.
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_socialgraf"));
    let o = cmd
        .args(["serve", "--store", store, "--queries", queries])
        .args(["--bind", "192.0.2.1:0", "--allow-update"])
        .env("SOCIALGRAF_TOKEN", "a-long-test-token-0123456789")
        .output()
        .expect("runs");
    let err = stderr(&o);
    assert!(
        err.contains(
            "warning: updates are allowed and 192.0.2.1:0 is reachable from other machines"
        ),
        "{err}"
    );
    assert!(err.contains("binding 192.0.2.1:0"), "{err}");
    assert!(!o.status.success());
    let o = run(
        tmp.path(),
        &[
            "serve",
            "--store",
            store,
            "--queries",
            queries,
            "--bind",
            "192.0.2.1:0",
        ],
    );
    let err = stderr(&o);
    assert!(!err.contains("warning") && err.contains("binding"), "{err}");
}

/// See: issue #7, "Load". 32 clients send the canned-query mix (1,000 of
/// the 20,000 `benches/load.sh` sends for the README): every
/// request is answered 200, and the server's memory is read after the
/// warm-up and at the end. And `bench load` against no server names the
/// URL it could not reach and exits 2.
#[test]
fn thirty_two_clients_get_every_request_of_the_canned_mix_answered() {
    let s = start(&[], &[]);
    let report = socialgraf::load::run(&socialgraf::load::LoadOptions {
        url: s.base.clone(),
        clients: 32,
        requests: 1_000,
        warm_up: 100,
        server_pid: Some(s.pid()),
    })
    .expect("the load run");
    assert_eq!(report.errors, 0, "{report}");
    assert_eq!(report.sent, 1_000, "{report}");
    let canned = std::fs::read_dir(crate::util::root().join("queries"))
        .expect("queries/")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "rq"))
        })
        .count();
    assert!(
        report.mix > canned,
        "the mix has every canned query: {report}"
    );
    let (warm, peak, end) = report.rss_kb.expect("the server's memory read");
    assert!(warm > 0 && warm <= peak && end <= peak, "{report}");
    eprintln!("{report}");

    let tmp = tempfile::tempdir().expect("temp dir");
    let free = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port");
    let url = format!("http://{free}");
    let o = run(
        tmp.path(),
        &["bench", "load", "--url", &url, "--requests", "1"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(&format!("{url}/queries")),
        "{}",
        stderr(&o)
    );
}
