//! Reading from a remote SPARQL 1.1 endpoint (Virtuoso, QLever, Fuseki, a
//! `socialgraf serve`) instead of the embedded store, with the same answers.
//!
//! Every read of `query`, `sparql`, `analyze`, `render` and `serve` goes
//! through [`Queryable::run`], which [`Store`], [`Endpoint`] and [`Source`]
//! (either of them) implement. A canned query's parameters are bound in the
//! parsed query first (`query::parse`), and the bound query is sent as plain
//! SPARQL (spargebra's serialisation), so the remote never sees a parameter
//! it would have to bind itself.
//!
//! The remote's default graph stands for the local store's union of all
//! graphs: Virtuoso and QLever query every graph when no dataset is given;
//! Fuseki needs `tdb2:unionDefaultGraph true`.

use std::io::Read;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{Term, Triple, Variable};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsParser};
use oxigraph::sparql::{QueryEvaluationError, QueryResults, QueryTripleIter};
use oxigraph::store::Store;

/// How long a remote request may take when nothing else is said.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

/// How much of an error answer's body an error message quotes.
const BODY_EXCERPT: usize = 500;

/// Something SPARQL queries run on: the embedded store or a remote
/// endpoint.
pub trait Queryable {
    /// Runs `query` with `bindings` bound (see `query::parse`) over the
    /// union of all graphs.
    fn run(&self, query: &str, bindings: &[(Variable, Term)]) -> Result<QueryResults<'static>>;
}

impl Queryable for Store {
    fn run(&self, query: &str, bindings: &[(Variable, Term)]) -> Result<QueryResults<'static>> {
        crate::query::run(self, query, bindings)
    }
}

/// Where the reads go: the embedded store or a remote endpoint.
pub enum Source {
    Store(Store),
    Endpoint(Endpoint),
}

impl Source {
    /// The embedded store, `None` for an endpoint.
    pub fn store(&self) -> Option<&Store> {
        match self {
            Source::Store(s) => Some(s),
            Source::Endpoint(_) => None,
        }
    }
}

impl Queryable for Source {
    fn run(&self, query: &str, bindings: &[(Variable, Term)]) -> Result<QueryResults<'static>> {
        match self {
            Source::Store(s) => s.run(query, bindings),
            Source::Endpoint(e) => e.run(query, bindings),
        }
    }
}

/// The dataset of a query as the SPARQL Protocol names it
/// (`default-graph-uri`, `named-graph-uri`); empty: the endpoint's default.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub default_graphs: Vec<String>,
    pub named_graphs: Vec<String>,
}

/// A remote SPARQL 1.1 query endpoint, read over HTTP.
#[derive(Clone)]
pub struct Endpoint {
    url: String,
    agent: ureq::Agent,
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint").field("url", &self.url).finish()
    }
}

impl Endpoint {
    /// An endpoint at `url` (`http://...`); each request may take at most
    /// `timeout`, connecting included.
    pub fn new(url: &str, timeout: Duration) -> Result<Endpoint> {
        if !url.starts_with("http://") {
            bail!("--endpoint must be an http:// URL (got {url})");
        }
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(timeout))
            .timeout_connect(Some(timeout.min(Duration::from_secs(10))))
            .build()
            .into();
        Ok(Endpoint {
            url: url.to_string(),
            agent,
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Sends a parsed (and bound) query with the endpoint's default
    /// dataset, or the one given.
    pub fn execute(
        &self,
        query: &spargebra::Query,
        dataset: &Dataset,
    ) -> Result<QueryResults<'static>> {
        self.send(&query.to_string(), query, dataset)
    }

    /// Sends `text` (whose parse is `query`) as a form (`query=...`, the
    /// SPARQL Protocol's most widely supported request: Virtuoso 7 does not
    /// answer a body of type `application/sparql-query`), asking for SPARQL
    /// JSON results or N-Triples, and parses the answer as it streams in.
    fn send(
        &self,
        text: &str,
        query: &spargebra::Query,
        dataset: &Dataset,
    ) -> Result<QueryResults<'static>> {
        let graph = matches!(
            query,
            spargebra::Query::Construct { .. } | spargebra::Query::Describe { .. }
        );
        let accept = if graph {
            "application/n-triples, text/turtle;q=0.9"
        } else {
            "application/sparql-results+json, application/sparql-results+xml;q=0.9"
        };
        let mut form: Vec<(&str, &str)> = vec![("query", text)];
        form.extend(
            dataset
                .default_graphs
                .iter()
                .map(|g| ("default-graph-uri", g.as_str())),
        );
        form.extend(
            dataset
                .named_graphs
                .iter()
                .map(|g| ("named-graph-uri", g.as_str())),
        );
        let response = self
            .agent
            .post(&self.url)
            .header("Accept", accept)
            .send_form(form)
            .with_context(|| format!("cannot reach the SPARQL endpoint {}", self.url))?;
        let status = response.status();
        let media = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let mut body = response.into_body().into_reader();
        if !status.is_success() {
            let mut excerpt = Vec::new();
            let _ = (&mut body)
                .take(BODY_EXCERPT as u64)
                .read_to_end(&mut excerpt);
            bail!(
                "the SPARQL endpoint {} answered {status}: {}",
                self.url,
                String::from_utf8_lossy(&excerpt).trim()
            );
        }
        if graph {
            let format = RdfFormat::from_media_type(&media).unwrap_or(RdfFormat::NTriples);
            let url = self.url.clone();
            let triples = RdfParser::from_format(format)
                .for_reader(body)
                .map(move |q| match q {
                    Ok(q) => Ok(Triple::new(q.subject, q.predicate, q.object)),
                    Err(e) => Err(QueryEvaluationError::Unexpected(
                        format!("reading the answer of {url}: {e}").into(),
                    )),
                });
            return Ok(QueryResults::Graph(QueryTripleIter::new(triples)));
        }
        let format =
            QueryResultsFormat::from_media_type(&media).unwrap_or(QueryResultsFormat::Json);
        let parsed = QueryResultsParser::from_format(format)
            .for_reader(body)
            .with_context(|| format!("reading the answer of the SPARQL endpoint {}", self.url))?;
        Ok(parsed.into())
    }
}

impl Queryable for Endpoint {
    fn run(&self, query: &str, bindings: &[(Variable, Term)]) -> Result<QueryResults<'static>> {
        let parsed = crate::query::parse(query, bindings).context("parsing the SPARQL query")?;
        // Unbound, the query goes as written (the remote reads what the
        // user wrote); bound, as spargebra writes the bound algebra.
        let text = if bindings.is_empty() {
            query.to_string()
        } else {
            parsed.to_string()
        };
        self.send(&text, &parsed, &Dataset::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_urls_are_endpoints() {
        let e = Endpoint::new("ftp://x", DEFAULT_TIMEOUT).map(|_| ());
        assert!(format!("{:#}", e.unwrap_err()).contains("http://"));
        assert!(Endpoint::new("http://127.0.0.1:1/sparql", DEFAULT_TIMEOUT).is_ok());
    }

    #[test]
    fn a_refused_connection_names_the_url() {
        // Port 1 on loopback: nothing listens there.
        let e = Endpoint::new("http://127.0.0.1:1/sparql", Duration::from_secs(5)).expect("url");
        let err = e.run("ASK {}", &[]).map(|_| ()).unwrap_err();
        assert!(
            format!("{err:#}").contains("http://127.0.0.1:1/sparql"),
            "{err:#}"
        );
    }

    #[test]
    fn a_bound_query_is_sent_as_sparql_that_parses_back() {
        let q = "SELECT ?o WHERE { ?s <http://x/p> ?o FILTER(CONTAINS(LCASE(?o), LCASE(?name))) }";
        let bindings = vec![(
            Variable::new_unchecked("name"),
            oxigraph::model::Literal::new_simple_literal("Borås \"x\" }").into(),
        )];
        let bound = crate::query::parse(q, &bindings).expect("binds");
        let text = bound.to_string();
        let again = spargebra::SparqlParser::new()
            .parse_query(&text)
            .expect("the bound query parses");
        assert_eq!(again.to_string(), text);
        assert!(text.contains("VALUES"), "{text}");
    }
}
