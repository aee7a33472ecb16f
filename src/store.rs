//! The Oxigraph store: loading the graph and asking it SPARQL questions.
//!
//! The entry points are [`memory_store`] and [`select`].

use anyhow::{Context, Result};
use oxigraph::model::{GraphNameRef, Term, Triple};
use oxigraph::sparql::{QueryResults, SparqlEvaluator};
use oxigraph::store::Store;

/// An in-memory store holding `triples` in its default graph.
pub fn memory_store(triples: &[Triple]) -> Result<Store> {
    let store = Store::new().context("creating an in-memory store")?;
    store
        .extend(
            triples
                .iter()
                .map(|t| t.clone().in_graph(GraphNameRef::DefaultGraph.into_owned())),
        )
        .context("loading triples into the store")?;
    Ok(store)
}

/// Runs a SELECT query and returns its rows, each with the values of
/// `vars` in order (`None` where unbound).
pub fn select(store: &Store, query: &str, vars: &[&str]) -> Result<Vec<Vec<Option<Term>>>> {
    let results = SparqlEvaluator::new()
        .parse_query(query)
        .with_context(|| format!("parsing SPARQL query {query}"))?
        .on_store(store)
        .execute()
        .context("evaluating SPARQL query")?;
    let QueryResults::Solutions(solutions) = results else {
        anyhow::bail!("not a SELECT query: {query}");
    };
    let mut rows = Vec::new();
    for s in solutions {
        let s = s.context("reading a SPARQL solution")?;
        rows.push(vars.iter().map(|v| s.get(*v).cloned()).collect());
    }
    Ok(rows)
}

/// The integer value of a single-row, single-variable count query.
pub fn count(store: &Store, query: &str) -> Result<u64> {
    let rows = select(store, query, &["n"])?;
    let n = rows
        .first()
        .and_then(|r| r.first().cloned().flatten())
        .and_then(|t| match t {
            Term::Literal(l) => l.value().parse().ok(),
            _ => None,
        })
        .unwrap_or(0);
    Ok(n)
}
