//! The actors network: nodes coloured by community and sized by a
//! measure such as centrality, laid out by a seeded force-directed
//! algorithm.
//!
//! The entry point is [`render`]. Layout: Fruchterman and Reingold, "Graph
//! drawing by force-directed placement" (1991), in its grid variant
//! (repulsion only between nodes closer than twice the ideal edge length,
//! found through a grid, so an iteration costs about O(nodes + edges)),
//! with a weak pull towards the centre so that separate components stay
//! together, a linearly cooling temperature and a fixed number of
//! iterations ([`ITERATIONS`]). The start positions come from a SplitMix64
//! generator seeded with `seed`, and only `+ - * /` and `sqrt` are used, so
//! a seed gives the same picture on every run and platform. Drawing 2,000
//! nodes and 2,286 edges takes about 2 s in an unoptimised test build (the
//! test `a_few_thousand_nodes_lay_out`).
//!
//! Drawing: edges are `<line class="edge">` (width by weight, in input
//! order), nodes are `<circle class="node">` with `data-id`,
//! `data-community` and a `<title>` tooltip, largest first so small nodes
//! stay on top. The largest communities (by node count) get the nine
//! colours of [`svg::CATEGORICAL`], any further ones share
//! [`svg::OTHER`] grey; the legend names them. The radius grows with the
//! square root of the size (so the area roughly follows it), from 3 px up.
//!
//! Labels: at most [`MAX_LABELS`] are drawn, for the largest nodes first,
//! in 11 px text with a white halo, right of the node (or left, near the
//! right edge); a label that would overlap one already placed, or another
//! node's circle, is left out.
//! Every node keeps its full label in its tooltip.

use std::collections::BTreeMap;

use super::svg::{self, LegendEntry, SplitMix64, Writer, num};
use super::{RenderError, finite};

/// Iterations of the layout.
pub const ITERATIONS: usize = 300;
/// The most labels drawn.
pub const MAX_LABELS: usize = 100;

const MARGIN: f64 = 20.0;
const TOP: f64 = 56.0;
const LABEL_SIZE: f64 = 11.0;
const MIN_RADIUS: f64 = 3.0;
/// The side of the square the layout works in (its own units).
const SIDE: f64 = 1000.0;
/// The ideal edge length as a share of what would fill the square (FR's
/// `sqrt(area / n)`): below 1, so the pull to the centre gathers the
/// components into the middle instead of pressing them against the frame.
const SPREAD: f64 = 0.5;
/// How strongly nodes are pulled towards the centre, relative to the ideal
/// edge length.
const GRAVITY: f64 = 0.6;

/// A node of the network.
#[derive(Debug, Clone, PartialEq)]
pub struct NetNode {
    /// A stable key (an IRI), written as `data-id`.
    pub id: String,
    /// What the picture shows, e.g. a person's or organisation's name.
    pub label: String,
    /// The community the node belongs to (any numbering).
    pub community: usize,
    /// What the circle's size shows, e.g. a centrality; any finite number,
    /// scaled between the smallest and the largest.
    pub size: f64,
}

/// Draws the network: `edges` are (node index, node index, weight);
/// `title` above; `legend` says what the node size shows (e.g.
/// "betweenness centrality"); `seed` fixes the layout.
///
/// # Errors
///
/// [`RenderError::EdgeOutOfRange`] when an edge names a node index past the
/// end of `nodes`; [`RenderError::NotFinite`] for a NaN or infinite size or
/// weight.
pub fn render(
    nodes: &[NetNode],
    edges: &[(usize, usize, f64)],
    title: &str,
    legend: &str,
    seed: u64,
) -> Result<String, RenderError> {
    for (i, node) in nodes.iter().enumerate() {
        finite(node.size, || format!("the size of node {i} ({})", node.id))?;
    }
    for (e, &(a, b, weight)) in edges.iter().enumerate() {
        for node in [a, b] {
            if node >= nodes.len() {
                return Err(RenderError::EdgeOutOfRange {
                    edge: e,
                    node,
                    nodes: nodes.len(),
                });
            }
        }
        finite(weight, || format!("the weight of edge {e}"))?;
    }

    let n = nodes.len();
    let canvas = (100.0 * (n as f64).sqrt()).clamp(600.0, 2400.0).round();
    let max_radius = (16.0 * (200.0 / n.max(1) as f64).sqrt()).clamp(6.0, 16.0);
    let (size_lo, size_hi) = min_max(nodes.iter().map(|n| n.size));
    let radius = |size: f64| {
        let t = if size_hi > size_lo {
            (size - size_lo) / (size_hi - size_lo)
        } else {
            0.5
        };
        MIN_RADIUS + (max_radius - MIN_RADIUS) * t.sqrt()
    };
    let radii: Vec<f64> = nodes.iter().map(|n| radius(n.size)).collect();
    let positions = fit(&layout(n, edges, seed), canvas, 24.0 + max_radius);

    // Communities by size (node count), then by number.
    let mut members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, node) in nodes.iter().enumerate() {
        members.entry(node.community).or_default().push(i);
    }
    let by_size = |a: &usize, b: &usize| nodes[*b].size.total_cmp(&nodes[*a].size).then(a.cmp(b));
    let mut communities: Vec<(usize, Vec<usize>)> = members.into_iter().collect();
    communities.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    let mut colour: BTreeMap<usize, &'static str> = BTreeMap::new();
    let mut entries = Vec::new();
    let mut others = (0usize, 0usize);
    for (rank, (community, mut list)) in communities.into_iter().enumerate() {
        if rank < svg::CATEGORICAL.len() {
            colour.insert(community, svg::CATEGORICAL[rank]);
            list.sort_by(by_size);
            let example = list.first().map(|&i| nodes[i].label.as_str()).unwrap_or("");
            let nodes_word = if list.len() == 1 { "node" } else { "nodes" };
            entries.push(LegendEntry {
                colour: svg::CATEGORICAL[rank],
                label: svg::truncate(&format!("{} {nodes_word}: {example}", list.len()), 44)
                    .into_owned(),
            });
        } else {
            colour.insert(community, svg::OTHER);
            others.0 += 1;
            others.1 += list.len();
        }
    }
    if others.0 > 0 {
        entries.push(LegendEntry {
            colour: svg::OTHER,
            label: format!("{} more communities: {} nodes", others.0, others.1),
        });
    }

    let legend_x = MARGIN + canvas + 16.0;
    let legend_width = entries
        .iter()
        .map(|e| 26.0 + svg::text_width(&e.label, 12.0))
        .fold(svg::text_width(legend, 14.0).max(150.0), f64::max);
    let width = (legend_x + legend_width + MARGIN)
        .max(2.0 * MARGIN + svg::text_width(title, 20.0))
        .ceil();
    let height = TOP + canvas + MARGIN;
    let at = |i: usize| (MARGIN + positions[i].0, TOP + positions[i].1);

    let mut w = Writer::document(width, height, title);
    w.text(MARGIN, 32.0, 20.0, &[("font-weight", "bold")], title);
    let edge_word = if edges.len() == 1 { "edge" } else { "edges" };
    let node_word = if n == 1 { "node" } else { "nodes" };
    w.text(
        MARGIN,
        48.0,
        12.0,
        &[("fill", "#555555")],
        &format!("{n} {node_word}, {} {edge_word}", edges.len()),
    );

    let (weight_lo, weight_hi) = min_max(edges.iter().map(|e| e.2));
    w.open(
        "g",
        &[
            ("class", "edges"),
            ("stroke", "#8c8c8c"),
            ("stroke-opacity", "0.55"),
            ("stroke-linecap", "round"),
        ],
    );
    for &(a, b, weight) in edges {
        let t = if weight_hi > weight_lo {
            (weight - weight_lo) / (weight_hi - weight_lo)
        } else {
            0.3
        };
        let ((x1, y1), (x2, y2)) = (at(a), at(b));
        let (x1, y1, x2, y2) = (num(x1), num(y1), num(x2), num(y2));
        let (sa, sb, sw) = (a.to_string(), b.to_string(), num(0.6 + 2.4 * t));
        w.leaf(
            "line",
            &[
                ("class", "edge"),
                ("data-source", &sa),
                ("data-target", &sb),
                ("x1", &x1),
                ("y1", &y1),
                ("x2", &x2),
                ("y2", &y2),
                ("stroke-width", &sw),
            ],
        );
    }
    w.close("g");

    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(by_size);
    w.open(
        "g",
        &[
            ("class", "nodes"),
            ("stroke", "#ffffff"),
            ("stroke-width", "1"),
        ],
    );
    for &i in &order {
        let node = &nodes[i];
        let (x, y) = at(i);
        let (cx, cy, r) = (num(x), num(y), num(radii[i]));
        let community = node.community.to_string();
        w.with_tooltip(
            "circle",
            &[
                ("class", "node"),
                ("data-id", &node.id),
                ("data-community", &community),
                ("cx", &cx),
                ("cy", &cy),
                ("r", &r),
                (
                    "fill",
                    colour.get(&node.community).copied().unwrap_or(svg::OTHER),
                ),
            ],
            &format!(
                "{} (community {}, {}: {})",
                node.label,
                node.community,
                legend,
                svg::value(node.size)
            ),
        );
    }
    w.close("g");

    // Labels, largest nodes first, none overlapping another.
    w.open(
        "g",
        &[
            ("class", "labels"),
            ("font-size", &num(LABEL_SIZE)),
            ("fill", "#222222"),
            ("stroke", "#ffffff"),
            ("stroke-width", "3"),
            ("stroke-linejoin", "round"),
            ("paint-order", "stroke"),
            ("pointer-events", "none"),
        ],
    );
    let mut placed: Vec<[f64; 4]> = Vec::new();
    let circles: Vec<[f64; 4]> = (0..n)
        .map(|i| {
            let (x, y) = at(i);
            [x - radii[i], y - radii[i], x + radii[i], y + radii[i]]
        })
        .collect();
    for &i in order
        .iter()
        .filter(|&&i| !nodes[i].label.is_empty())
        .take(MAX_LABELS)
    {
        let label = svg::truncate(&nodes[i].label, 32);
        let (x, y) = at(i);
        let text_w = svg::text_width(&label, LABEL_SIZE);
        let right = x + radii[i] + 3.0;
        let left = x - radii[i] - 3.0 - text_w;
        let spot = [right, left].into_iter().find(|&bx| {
            let b = [bx, y - LABEL_SIZE * 0.6, bx + text_w, y + LABEL_SIZE * 0.6];
            b[0] >= MARGIN
                && b[2] <= MARGIN + canvas
                && !placed.iter().any(|p| overlaps(p, &b))
                && !circles
                    .iter()
                    .enumerate()
                    .any(|(j, c)| j != i && overlaps(c, &b))
        });
        if let Some(bx) = spot {
            placed.push([bx, y - LABEL_SIZE * 0.6, bx + text_w, y + LABEL_SIZE * 0.6]);
            let (xs, ys) = (num(bx), num(y + LABEL_SIZE * 0.35));
            w.text_element("text", &[("x", &xs), ("y", &ys)], &label);
        }
    }
    w.close("g");

    let below = svg::vertical_legend(&mut w, legend_x, TOP, "communities", &entries);
    size_legend(
        &mut w,
        legend_x,
        below + 16.0,
        legend,
        [(size_lo, radius(size_lo)), (size_hi, radius(size_hi))],
        n > 0,
    );
    Ok(w.finish())
}

/// The size legend: the heading, and the smallest and largest circle with
/// their sizes.
fn size_legend(w: &mut Writer, x: f64, y: f64, heading: &str, ends: [(f64, f64); 2], any: bool) {
    w.open("g", &[("class", "legend")]);
    w.text(
        x,
        y + 13.0,
        14.0,
        &[("font-weight", "bold")],
        &format!("circle size: {heading}"),
    );
    if any {
        let mut yy = y + 24.0;
        for (size, r) in ends {
            let (cx, cy, rs) = (num(x + 16.0), num(yy + r), num(r));
            w.leaf(
                "circle",
                &[
                    ("class", "legend-size"),
                    ("cx", &cx),
                    ("cy", &cy),
                    ("r", &rs),
                    ("fill", "#dddddd"),
                    ("stroke", "#888888"),
                ],
            );
            w.text(x + 38.0, yy + r + 4.0, 12.0, &[], &svg::value(size));
            yy += 2.0 * r + 8.0;
        }
    }
    w.close("g");
}

fn overlaps(a: &[f64; 4], b: &[f64; 4]) -> bool {
    a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]
}

fn min_max(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if lo.is_finite() { (lo, hi) } else { (0.0, 0.0) }
}

/// Scales layout positions into a square canvas of side `canvas`, keeping
/// `pad` free on each side and the aspect ratio, centred.
fn fit(positions: &[(f64, f64)], canvas: f64, pad: f64) -> Vec<(f64, f64)> {
    let (x_lo, x_hi) = min_max(positions.iter().map(|p| p.0));
    let (y_lo, y_hi) = min_max(positions.iter().map(|p| p.1));
    let span = (x_hi - x_lo).max(y_hi - y_lo);
    let inner = canvas - 2.0 * pad;
    let scale = if span > 0.0 { inner / span } else { 0.0 };
    let (ox, oy) = (
        pad + (inner - (x_hi - x_lo) * scale) / 2.0,
        pad + (inner - (y_hi - y_lo) * scale) / 2.0,
    );
    positions
        .iter()
        .map(|&(x, y)| (ox + (x - x_lo) * scale, oy + (y - y_lo) * scale))
        .collect()
}

/// Fruchterman–Reingold (grid variant) with gravity; see the module doc.
/// Edges must be in range (checked by [`render`]); self-loops are ignored.
fn layout(n: usize, edges: &[(usize, usize, f64)], seed: u64) -> Vec<(f64, f64)> {
    let mut rng = SplitMix64::new(seed);
    let mut pos: Vec<(f64, f64)> = (0..n)
        .map(|_| (rng.next_f64() * SIDE, rng.next_f64() * SIDE))
        .collect();
    if n < 2 {
        return pos;
    }
    let k = SPREAD * SIDE / (n as f64).sqrt();
    let cell = 2.0 * k;
    let cells = ((SIDE / cell).ceil() as usize).max(1);
    let cell_of = |v: f64| ((v / cell) as usize).min(cells - 1);
    let centre = SIDE / 2.0;
    let mut disp = vec![(0.0f64, 0.0f64); n];
    let mut grid: Vec<Vec<usize>> = vec![Vec::new(); cells * cells];
    for it in 0..ITERATIONS {
        let temperature = SIDE / 10.0 * (1.0 - it as f64 / ITERATIONS as f64);
        disp.iter_mut().for_each(|d| *d = (0.0, 0.0));
        grid.iter_mut().for_each(Vec::clear);
        for (i, &(x, y)) in pos.iter().enumerate() {
            grid[cell_of(y) * cells + cell_of(x)].push(i);
        }
        // Repulsion between nodes closer than 2k, each pair once.
        for i in 0..n {
            let (gx, gy) = (cell_of(pos[i].0), cell_of(pos[i].1));
            for ny in gy.saturating_sub(1)..=(gy + 1).min(cells - 1) {
                for nx in gx.saturating_sub(1)..=(gx + 1).min(cells - 1) {
                    for &j in &grid[ny * cells + nx] {
                        if j <= i {
                            continue;
                        }
                        let (mut dx, mut dy) = (pos[i].0 - pos[j].0, pos[i].1 - pos[j].1);
                        if dx == 0.0 && dy == 0.0 {
                            // Coincident nodes: a fixed nudge, by index.
                            dx = 0.01 * (1 + i % 7) as f64;
                            dy = 0.01 * (1 + j % 5) as f64;
                        }
                        let d = (dx * dx + dy * dy).sqrt();
                        if d >= cell {
                            continue;
                        }
                        let f = k * k / d / d;
                        disp[i].0 += dx * f;
                        disp[i].1 += dy * f;
                        disp[j].0 -= dx * f;
                        disp[j].1 -= dy * f;
                    }
                }
            }
        }
        // Attraction along edges.
        for &(a, b, _) in edges {
            if a == b {
                continue;
            }
            let (dx, dy) = (pos[a].0 - pos[b].0, pos[a].1 - pos[b].1);
            let d = (dx * dx + dy * dy).sqrt();
            let f = d / k;
            disp[a].0 -= dx * f;
            disp[a].1 -= dy * f;
            disp[b].0 += dx * f;
            disp[b].1 += dy * f;
        }
        // Gravity, then a step of at most the temperature, inside the frame.
        for i in 0..n {
            let (dx, dy) = (pos[i].0 - centre, pos[i].1 - centre);
            disp[i].0 -= GRAVITY * k * dx / SIDE;
            disp[i].1 -= GRAVITY * k * dy / SIDE;
            let len = (disp[i].0 * disp[i].0 + disp[i].1 * disp[i].1).sqrt();
            if len > 0.0 {
                let step = len.min(temperature) / len;
                pos[i].0 = (pos[i].0 + disp[i].0 * step).clamp(0.0, SIDE);
                pos[i].1 = (pos[i].1 + disp[i].1 * step).clamp(0.0, SIDE);
            }
        }
    }
    pos
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: &str, community: usize, size: f64) -> NetNode {
        NetNode {
            id: id.to_string(),
            label: id.to_string(),
            community,
            size,
        }
    }

    fn circles(svg: &str) -> Vec<(String, String, f64, f64, f64)> {
        let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        doc.descendants()
            .filter(|n| n.has_tag_name("circle") && n.attribute("class") == Some("node"))
            .map(|n| {
                let f = |a: &str| n.attribute(a).unwrap().parse::<f64>().unwrap();
                (
                    n.attribute("data-id").unwrap().to_string(),
                    n.attribute("fill").unwrap().to_string(),
                    f("r"),
                    f("cx"),
                    f("cy"),
                )
            })
            .collect()
    }

    /// Two triangles joined by one edge: two communities.
    fn two_triangles() -> (Vec<NetNode>, Vec<(usize, usize, f64)>) {
        let nodes = vec![
            node("Borås stad", 0, 0.9),
            node("Anna Ek", 0, 0.2),
            node("Bo Ek", 0, 0.1),
            node("Mora kommun", 1, 0.5),
            node("Cia Lund", 1, 0.1),
            node("Dan Berg", 1, 0.0),
        ];
        let edges = vec![
            (0, 1, 1.0),
            (1, 2, 1.0),
            (0, 2, 2.0),
            (3, 4, 1.0),
            (4, 5, 1.0),
            (3, 5, 1.0),
            (0, 3, 3.0),
        ];
        (nodes, edges)
    }

    #[test]
    fn one_circle_per_node_and_one_line_per_edge() {
        let (nodes, edges) = two_triangles();
        let svg = render(&nodes, &edges, "Actors", "centrality", 7).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let lines = doc
            .descendants()
            .filter(|n| n.has_tag_name("line") && n.attribute("class") == Some("edge"))
            .count();
        assert_eq!(lines, edges.len());
        let circles = circles(&svg);
        assert_eq!(circles.len(), nodes.len());
        let get = |id: &str| circles.iter().find(|c| c.0 == id).unwrap();
        // Communities get different colours, members of one share theirs.
        assert_ne!(get("Borås stad").1, get("Mora kommun").1);
        assert_eq!(get("Borås stad").1, get("Bo Ek").1);
        assert_eq!(get("Mora kommun").1, get("Dan Berg").1);
        // Larger size, larger circle.
        assert!(get("Borås stad").2 > get("Mora kommun").2);
        assert!(get("Mora kommun").2 > get("Dan Berg").2);
        // Every label is drawn for a network this small.
        for n in &nodes {
            assert!(
                doc.descendants()
                    .any(|t| t.has_tag_name("text") && t.text() == Some(n.label.as_str())),
                "{}",
                n.label
            );
        }
        // Edge widths follow weights.
        let width = |s: &str, t: &str| {
            doc.descendants()
                .find(|n| {
                    n.attribute("data-source") == Some(s) && n.attribute("data-target") == Some(t)
                })
                .and_then(|n| n.attribute("stroke-width"))
                .unwrap()
                .parse::<f64>()
                .unwrap()
        };
        assert!(width("0", "3") > width("0", "2"));
        assert!(width("0", "2") > width("0", "1"));
    }

    #[test]
    fn layout_is_deterministic_for_a_seed_and_keeps_communities_apart() {
        let (nodes, edges) = two_triangles();
        let a = render(&nodes, &edges, "t", "c", 42).unwrap();
        assert_eq!(a, render(&nodes, &edges, "t", "c", 42).unwrap());
        assert_ne!(a, render(&nodes, &edges, "t", "c", 43).unwrap());
        // Nodes of a triangle end up nearer each other than the two
        // triangles' far corners.
        let pos = layout(nodes.len(), &edges, 42);
        let dist = |i: usize, j: usize| {
            ((pos[i].0 - pos[j].0).powi(2) + (pos[i].1 - pos[j].1).powi(2)).sqrt()
        };
        assert!(dist(1, 2) < dist(1, 5));
        assert!(dist(4, 5) < dist(2, 4));
        // Nodes do not sit on top of each other.
        for i in 0..nodes.len() {
            for j in i + 1..nodes.len() {
                assert!(dist(i, j) > 1.0, "{i} {j}");
            }
        }
    }

    #[test]
    fn labels_are_escaped() {
        let nodes = vec![
            NetNode {
                id: "urn:x?a=1&b=<2>".to_string(),
                label: "<&\"> 'AB' & Co".to_string(),
                community: 0,
                size: 1.0,
            },
            node("b", 1, 0.5),
        ];
        let svg = render(
            &nodes,
            &[(0, 1, 1.0)],
            "<title & \"quotes\">",
            "size <&>",
            1,
        )
        .unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        assert!(
            doc.descendants()
                .any(|n| n.text() == Some("<&\"> 'AB' & Co"))
        );
        assert!(
            doc.descendants()
                .any(|n| n.attribute("data-id") == Some("urn:x?a=1&b=<2>"))
        );
    }

    #[test]
    fn many_communities_share_the_other_colour_and_labels_are_capped() {
        // 12 stars of different sizes: 9 colours plus grey for the rest.
        let mut nodes = Vec::new();
        let mut edges = Vec::new();
        for c in 0..12 {
            let hub = nodes.len();
            nodes.push(node(&format!("hub {c}"), c, 1.0));
            for m in 0..(14 - c) {
                edges.push((hub, nodes.len(), 1.0));
                nodes.push(node(&format!("member {c}.{m}"), c, 0.1));
            }
        }
        let svg = render(&nodes, &edges, "t", "c", 3).unwrap();
        let circles = circles(&svg);
        assert_eq!(circles.len(), nodes.len());
        let fill = |id: &str| circles.iter().find(|c| c.0 == id).unwrap().1.clone();
        let mut colours: Vec<String> = (0..9).map(|c| fill(&format!("hub {c}"))).collect();
        colours.sort();
        colours.dedup();
        assert_eq!(colours.len(), 9);
        for c in 9..12 {
            assert_eq!(fill(&format!("hub {c}")), svg::OTHER);
        }
        assert!(svg.contains("3 more communities: 15 nodes"));
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let labels = doc
            .descendants()
            .find(|n| n.attribute("class") == Some("labels"))
            .unwrap()
            .children()
            .filter(|n| n.has_tag_name("text"))
            .count();
        assert!((12..=MAX_LABELS).contains(&labels), "{labels}");
    }

    #[test]
    fn bad_edges_and_sizes_are_errors_and_empty_input_draws() {
        let nodes = vec![node("a", 0, 1.0)];
        assert_eq!(
            render(&nodes, &[(0, 1, 1.0)], "t", "c", 1),
            Err(RenderError::EdgeOutOfRange {
                edge: 0,
                node: 1,
                nodes: 1
            })
        );
        assert!(matches!(
            render(&[node("a", 0, f64::NAN)], &[], "t", "c", 1),
            Err(RenderError::NotFinite { .. })
        ));
        assert!(matches!(
            render(&nodes, &[(0, 0, f64::INFINITY)], "t", "c", 1),
            Err(RenderError::NotFinite { .. })
        ));
        let svg = render(&[], &[], "empty", "c", 1).unwrap();
        assert!(circles(&svg).is_empty());
        assert_eq!(
            circles(&render(&nodes, &[(0, 0, 1.0)], "t", "c", 1).unwrap()).len(),
            1
        );
    }

    #[test]
    fn a_few_thousand_nodes_lay_out() {
        // A ring of 2,000 nodes with chords: checks the grid layout runs
        // through and keeps every node inside the canvas.
        let n = 2000;
        let nodes: Vec<NetNode> = (0..n)
            .map(|i| node(&format!("n{i}"), i % 25, (i % 17) as f64))
            .collect();
        let mut edges: Vec<(usize, usize, f64)> = (0..n).map(|i| (i, (i + 1) % n, 1.0)).collect();
        edges.extend((0..n).step_by(7).map(|i| (i, (i * 13 + 5) % n, 2.0)));
        let svg = render(&nodes, &edges, "big", "c", 9).unwrap();
        let circles = circles(&svg);
        assert_eq!(circles.len(), n);
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let root = doc.root_element();
        let width: f64 = root.attribute("width").unwrap().parse().unwrap();
        let height: f64 = root.attribute("height").unwrap().parse().unwrap();
        assert!(
            circles
                .iter()
                .all(|c| c.3 > 0.0 && c.3 < width && c.4 > 0.0 && c.4 < height)
        );
        let labels = doc
            .descendants()
            .find(|n| n.attribute("class") == Some("labels"))
            .unwrap()
            .children()
            .filter(|n| n.has_tag_name("text"))
            .count();
        assert!(labels > 0 && labels <= MAX_LABELS, "{labels}");
    }
}
