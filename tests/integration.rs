//! Integration tests: the `socialgraf` binary and the library's pipeline on
//! real files. One test binary (see Cargo.toml `autotests = false`).
//!
//! Modules, one comment each:
//! - `algo`: the graph algorithms against NetworkX fixtures;
//! - `analyze`: the analytics tables and their results written to the graph;
//! - `cli`: each command on temp folders, including bad input;
//! - `crash`: builds killed with SIGKILL leave each document old or new;
//! - `gold`: extraction quality against tests/gold, scorer agreement;
//! - `graph`: graph.ttl is up to date, re-parses, satisfies the shapes;
//! - `hostile`: slow, idle, malformed and injecting clients against `serve`;
//! - `query`: canned queries, ad-hoc SPARQL, load and export;
//! - `remote`: `--endpoint` reads from another socialgraf and Virtuoso;
//! - `rules`: every rule file's examples and counterexamples;
//! - `store`: incremental builds into a persistent store;
//! - `render`: the pictures drawn from a seed store;
//! - `robustness`: arbitrary bytes through the whole extraction path, and a
//!   corpus of every kind of bad file through `facts` and `build`;
//! - `serve`: the HTTP endpoint, a real server on a loopback port.

mod algo;
mod analyze;
mod cli;
mod crash;
mod gold;
mod graph;
mod hostile;
mod query;
mod remote;
mod render;
mod robustness;
mod rules;
mod serve;
mod store;
mod util;
