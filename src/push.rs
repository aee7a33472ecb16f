//! Push: the store's graph to another SPARQL 1.1 store, through SPARQL
//! Update (`INSERT DATA`) over HTTP, in batches, retrying on transient
//! failures.
//!
//! Every graph is sent but the bookkeeping one (`rdf::graphs::meta`), each
//! quad in its own graph, or all in the one graph given. Batches are
//! independent: a failed push can be run again, since inserting a quad
//! twice leaves one.

use std::fmt::Write as _;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use oxigraph::model::{GraphName, Quad};
use oxigraph::store::Store;

use crate::rdf;

/// Where and how to push.
pub struct PushSettings {
    /// The SPARQL Update endpoint (`http://…`).
    pub endpoint: String,
    /// Put every triple in this graph instead of its own.
    pub graph: Option<oxigraph::model::NamedNode>,
    /// Quads per update request.
    pub batch: usize,
    /// Sent as `Authorization: Bearer …` when given.
    pub token: Option<String>,
    /// Attempts per batch before giving up.
    pub attempts: u32,
    /// Wait before the first retry; doubled each time.
    pub backoff: Duration,
}

/// What a push sent.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct PushReport {
    pub quads: usize,
    pub batches: usize,
    pub retries: usize,
}

/// Sends the store's quads to the endpoint.
pub fn push(store: &Store, settings: &PushSettings) -> Result<PushReport> {
    if settings.batch == 0 {
        bail!("the batch size must be at least 1");
    }
    let meta = GraphName::NamedNode(rdf::graphs::meta());
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(300)))
        .build()
        .into();
    let mut report = PushReport::default();
    let mut batch = Vec::with_capacity(settings.batch);
    for quad in store.iter() {
        let quad = quad.context("reading the store")?;
        if quad.graph_name == meta {
            continue;
        }
        batch.push(quad);
        if batch.len() == settings.batch {
            send(&agent, settings, &batch, &mut report)?;
            batch.clear();
        }
    }
    if !batch.is_empty() {
        send(&agent, settings, &batch, &mut report)?;
    }
    Ok(report)
}

/// An `INSERT DATA` update of `quads`, grouped by graph.
pub fn insert_data(quads: &[Quad], graph: Option<&oxigraph::model::NamedNode>) -> String {
    let mut update = String::from("INSERT DATA {\n");
    let mut open: Option<String> = None;
    for q in quads {
        let target = match (graph, &q.graph_name) {
            (Some(g), _) => Some(g.to_string()),
            (None, GraphName::DefaultGraph) => None,
            (None, g) => Some(g.to_string()),
        };
        if target != open {
            if open.is_some() {
                update.push_str("}\n");
            }
            if let Some(g) = &target {
                let _ = writeln!(update, "GRAPH {g} {{");
            }
            open = target;
        }
        let _ = writeln!(update, "{} {} {} .", q.subject, q.predicate, q.object);
    }
    if open.is_some() {
        update.push_str("}\n");
    }
    update.push('}');
    update
}

/// Sends one batch, retrying connection failures, 429 and 5xx answers.
fn send(
    agent: &ureq::Agent,
    settings: &PushSettings,
    quads: &[Quad],
    report: &mut PushReport,
) -> Result<()> {
    let body = insert_data(quads, settings.graph.as_ref());
    let attempts = settings.attempts.max(1);
    let mut wait = settings.backoff;
    let mut attempt = 1;
    loop {
        let mut request = agent
            .post(&settings.endpoint)
            .header("Content-Type", "application/sparql-update");
        if let Some(token) = &settings.token {
            request = request.header("Authorization", &format!("Bearer {token}"));
        }
        let failure = match request.send(body.as_bytes()) {
            Ok(response) if response.status().is_success() => {
                report.quads += quads.len();
                report.batches += 1;
                return Ok(());
            }
            Ok(mut response) => {
                let status = response.status();
                let text = response.body_mut().read_to_string().unwrap_or_default();
                let message = format!("{status}: {}", text.trim());
                if !(status.is_server_error() || status.as_u16() == 429) {
                    bail!(
                        "{} refused batch {} ({message})",
                        settings.endpoint,
                        report.batches + 1
                    );
                }
                message
            }
            Err(e) => e.to_string(),
        };
        if attempt == attempts {
            bail!(
                "{} failed batch {} after {attempt} attempts: {failure}",
                settings.endpoint,
                report.batches + 1
            );
        }
        eprintln!(
            "socialgraf: batch {} failed ({failure}); retrying in {:.1} s",
            report.batches + 1,
            wait.as_secs_f64()
        );
        report.retries += 1;
        std::thread::sleep(wait);
        wait *= 2;
        attempt += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{Literal, NamedNode};

    fn quad(s: &str, o: &str, g: &str) -> Quad {
        Quad::new(
            NamedNode::new_unchecked(s),
            NamedNode::new_unchecked("http://x/p"),
            Literal::new_simple_literal(o),
            NamedNode::new_unchecked(g),
        )
    }

    #[test]
    fn insert_data_groups_quads_by_graph_and_parses() {
        let quads = [
            quad("http://x/a", "1", "http://x/g1"),
            quad("http://x/b", "two \"quoted\"\n", "http://x/g1"),
            quad("http://x/c", "3", "http://x/g2"),
        ];
        let update = insert_data(&quads, None);
        assert_eq!(update.matches("GRAPH").count(), 2, "{update}");
        spargebra::SparqlParser::new()
            .parse_update(&update)
            .expect("the update parses");
        let store = Store::new().expect("store");
        store.update(update.as_str()).expect("the update runs");
        let back: Vec<Quad> = store.iter().map(|q| q.expect("quad")).collect();
        assert_eq!(back.len(), 3);
        assert!(back.contains(&quads[1]));
        let one = insert_data(&quads, Some(&NamedNode::new_unchecked("http://x/all")));
        assert_eq!(one.matches("GRAPH <http://x/all>").count(), 1, "{one}");
    }
}
