//! `socialgraf bench load`: a bounded load test of a running `socialgraf
//! serve`. The query mix is the server's own canned queries (`GET
//! /queries`): each on its canned route with its example parameters, and
//! each without parameters also as SPARQL on `/query`. Client threads,
//! each with its own keep-alive connection, take the next request of the
//! mix until the total is sent. Any answer but 200, or a failed request, is
//! an error (nothing is sent again). With the server's process id, its
//! resident memory is read from `/proc` once the warm-up share of the
//! requests is answered, every 50 ms after, and at the end.
//!
//! The entry point is [`run`]; `benches/load.sh` starts a server on the
//! seed graph and runs it.

use std::fmt;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// What to send, to whom, and whose memory to watch.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// The server's base URL (`http://127.0.0.1:7878`).
    pub url: String,
    /// Concurrent clients.
    pub clients: usize,
    /// Requests in all.
    pub requests: usize,
    /// The requests answered before memory is first read.
    pub warm_up: usize,
    /// The server's process id, for its memory (Linux).
    pub server_pid: Option<u32>,
}

/// One request of the mix.
#[derive(Debug, Clone)]
struct Request {
    label: String,
    path: String,
    /// A SPARQL query POSTed to `path`, or none for a GET.
    body: Option<String>,
}

/// What a load run measured.
#[derive(Debug, Clone)]
pub struct LoadReport {
    pub clients: usize,
    pub mix: usize,
    pub sent: usize,
    pub errors: usize,
    /// The first errors, with their request.
    pub first_errors: Vec<String>,
    /// Each request's latency, sorted.
    pub latencies: Vec<Duration>,
    /// Per request of the mix: its label and its latencies, sorted.
    pub by_request: Vec<(String, Vec<Duration>)>,
    pub elapsed: Duration,
    /// Resident memory of the server in kB: after the warm-up, the most
    /// seen after it, and at the end.
    pub rss_kb: Option<(u64, u64, u64)>,
}

impl LoadReport {
    /// The latency at quantile `q` (0..=1) of all requests.
    pub fn quantile(&self, q: f64) -> Duration {
        quantile(&self.latencies, q)
    }
}

/// The value at quantile `q` (0..=1) of sorted durations.
fn quantile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

impl fmt::Display for LoadReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        writeln!(
            f,
            "{} requests from {} clients (a mix of {} requests), {} errors, in {:.2} s: {:.0} requests/s",
            self.sent,
            self.clients,
            self.mix,
            self.errors,
            self.elapsed.as_secs_f64(),
            self.sent as f64 / self.elapsed.as_secs_f64().max(1e-9)
        )?;
        writeln!(
            f,
            "latency ms: p50 {:.2}, p90 {:.2}, p99 {:.2}, max {:.2}",
            ms(self.quantile(0.5)),
            ms(self.quantile(0.9)),
            ms(self.quantile(0.99)),
            ms(self.quantile(1.0))
        )?;
        for (label, latencies) in &self.by_request {
            writeln!(
                f,
                "  {label:<40} {:>6} requests, p50 {:>8.2}, p99 {:>8.2}",
                latencies.len(),
                ms(quantile(latencies, 0.5)),
                ms(quantile(latencies, 0.99))
            )?;
        }
        if let Some((warm, peak, end)) = self.rss_kb {
            writeln!(
                f,
                "server memory (RSS): {:.1} MB after warm-up, {:.1} MB at most after, {:.1} MB at the end ({:+.1} MB, {:+.1}%)",
                warm as f64 / 1024.0,
                peak as f64 / 1024.0,
                end as f64 / 1024.0,
                (end as f64 - warm as f64) / 1024.0,
                (end as f64 / warm as f64 - 1.0) * 100.0
            )?;
        }
        for e in &self.first_errors {
            writeln!(f, "error: {e}")?;
        }
        Ok(())
    }
}

/// Runs the load test of `opts` against the server.
pub fn run(opts: &LoadOptions) -> Result<LoadReport> {
    if opts.clients == 0 || opts.requests == 0 {
        bail!("give at least one client and one request");
    }
    let base = opts.url.trim_end_matches('/').to_string();
    let mix = mix(&agent(), &base)?;
    let next = AtomicUsize::new(0);
    let answered = AtomicUsize::new(0);
    let errors = AtomicUsize::new(0);
    let first_errors = Mutex::new(Vec::new());
    let rss = Mutex::new(None::<(u64, u64)>);
    let started = Instant::now();
    let timed: Vec<(usize, Duration)> = std::thread::scope(|s| {
        let (answered, rss) = (&answered, &rss);
        let watcher = opts.server_pid.map(|pid| {
            s.spawn(move || {
                while answered.load(Ordering::Relaxed) < opts.requests {
                    if answered.load(Ordering::Relaxed) >= opts.warm_up {
                        if let Some(kb) = rss_kb(pid) {
                            let mut seen = rss.lock().unwrap_or_else(|e| e.into_inner());
                            match &mut *seen {
                                Some((_, peak)) => *peak = (*peak).max(kb),
                                None => *seen = Some((kb, kb)),
                            }
                        }
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
            })
        });
        let clients: Vec<_> = (0..opts.clients)
            .map(|_| {
                s.spawn(|| {
                    let agent = agent();
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= opts.requests {
                            return mine;
                        }
                        let r = &mix[i % mix.len()];
                        let sent = Instant::now();
                        let outcome = send(&agent, &base, r);
                        mine.push((i % mix.len(), sent.elapsed()));
                        answered.fetch_add(1, Ordering::Relaxed);
                        if let Err(e) = outcome {
                            errors.fetch_add(1, Ordering::Relaxed);
                            let mut first = first_errors.lock().unwrap_or_else(|e| e.into_inner());
                            if first.len() < 10 {
                                first.push(format!("{}: {e:#}", r.label));
                            }
                        }
                    }
                })
            })
            .collect();
        let mut all = Vec::with_capacity(opts.requests);
        for c in clients {
            all.extend(c.join().unwrap_or_default());
        }
        if let Some(w) = watcher {
            let _ = w.join();
        }
        all
    });
    let elapsed = started.elapsed();
    let mut latencies: Vec<Duration> = timed.iter().map(|(_, d)| *d).collect();
    latencies.sort();
    let mut by_request: Vec<(String, Vec<Duration>)> =
        mix.iter().map(|r| (r.label.clone(), Vec::new())).collect();
    for (i, d) in timed {
        by_request[i].1.push(d);
    }
    for (_, ds) in &mut by_request {
        ds.sort();
    }
    let end = opts.server_pid.and_then(rss_kb);
    let rss_kb = match (rss.into_inner().unwrap_or_else(|e| e.into_inner()), end) {
        (Some((warm, peak)), Some(end)) => Some((warm, peak.max(end), end)),
        _ => None,
    };
    Ok(LoadReport {
        clients: opts.clients,
        mix: mix.len(),
        sent: latencies.len(),
        errors: errors.into_inner(),
        first_errors: first_errors.into_inner().unwrap_or_else(|e| e.into_inner()),
        latencies,
        by_request,
        elapsed,
        rss_kb,
    })
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into()
}

/// The mix: every canned query of the server on its canned route, and the
/// ones without parameters also on `/query`.
fn mix(agent: &ureq::Agent, base: &str) -> Result<Vec<Request>> {
    let list = format!("{base}/queries");
    let body = agent
        .get(&list)
        .call()
        .with_context(|| format!("asking {list} for the canned queries"))?
        .body_mut()
        .read_to_string()
        .with_context(|| format!("reading {list}"))?;
    let queries: serde_json::Value =
        serde_json::from_str(&body).with_context(|| format!("{list} is not JSON"))?;
    let Some(queries) = queries.as_array().filter(|q| !q.is_empty()) else {
        bail!("{list} lists no canned queries");
    };
    let mut mix = Vec::new();
    for q in queries {
        let (Some(name), Some(text)) = (q["name"].as_str(), q["query"].as_str()) else {
            bail!("{list}: a query without name or query text");
        };
        let params: Vec<(&str, &str)> = q["params"]
            .as_array()
            .map(|ps| {
                ps.iter()
                    .filter_map(|p| Some((p["name"].as_str()?, p["example"].as_str()?)))
                    .collect()
            })
            .unwrap_or_default();
        let query_string = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params.iter().copied())
            .finish();
        mix.push(Request {
            label: format!("/queries/{name}"),
            path: format!("/queries/{name}?{query_string}"),
            body: None,
        });
        if params.is_empty() {
            mix.push(Request {
                label: format!("/query ({name})"),
                path: "/query".to_string(),
                body: Some(text.to_string()),
            });
        }
    }
    Ok(mix)
}

/// Sends one request and reads the whole answer; an answer but 200 is an
/// error with the start of its body.
fn send(agent: &ureq::Agent, base: &str, r: &Request) -> Result<()> {
    const ACCEPT: &str = "application/sparql-results+json";
    let url = format!("{base}{}", r.path);
    let answer = match &r.body {
        None => agent.get(&url).header("Accept", ACCEPT).call(),
        Some(q) => agent
            .post(&url)
            .header("Accept", ACCEPT)
            .header("Content-Type", "application/sparql-query")
            .send(q.as_str()),
    };
    let mut response = answer?;
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .with_config()
        .limit(u64::MAX)
        .read_to_vec()
        .context("reading the answer")?;
    if status != 200 {
        let start: String = String::from_utf8_lossy(&body).chars().take(200).collect();
        bail!("status {status}: {start}");
    }
    Ok(())
}

/// Resident memory of process `pid` in kB (Linux), if it can be read.
fn rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
