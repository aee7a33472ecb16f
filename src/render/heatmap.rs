//! A heatmap: one row per label (municipalities), one column per label
//! (problems), each cell shaded by its value.
//!
//! The entry point is [`render`]. Cells are `<rect class="cell">` with
//! `data-row`, `data-col` (indices), `data-value` and a `<title>` tooltip
//! `row — column: value`, in row-major order, shaded on the classed
//! sequential scale of [`svg::Classes`]. Non-zero values are also written
//! in their cells (white on dark cells); zeros are left blank so the
//! pattern stands out. Column labels are rotated 45° so long Swedish
//! problem labels stay readable; the margins grow to fit the longest
//! labels. The legend sits under the grid.

use super::svg::{self, Classes, Writer, num};
use super::{RenderError, finite};

const MARGIN: f64 = 20.0;
const LABEL_SIZE: f64 = 12.0;
const VALUE_SIZE: f64 = 10.0;
const CELL_HEIGHT: f64 = 22.0;
const MIN_CELL_WIDTH: f64 = 22.0;
/// Labels longer than this many characters are cut (with `…`; the tooltip
/// keeps the whole label).
const MAX_LABEL_CHARS: usize = 40;
/// sin 45° = cos 45°.
const DIAGONAL: f64 = std::f64::consts::FRAC_1_SQRT_2;

/// Draws the heatmap of `cells[row][col]` with `rows` and `cols` as labels;
/// `title` above, `legend` as the heading of the legend (what the values
/// are, e.g. "documents").
///
/// # Errors
///
/// [`RenderError::Shape`] when `cells` has not one row per row label and
/// one value per column label in each row; [`RenderError::NotFinite`] for
/// NaN or infinite values.
pub fn render(
    rows: &[String],
    cols: &[String],
    cells: &[Vec<f64>],
    title: &str,
    legend: &str,
) -> Result<String, RenderError> {
    if cells.len() != rows.len() {
        return Err(RenderError::Shape(format!(
            "{} row labels but {} rows of cells",
            rows.len(),
            cells.len()
        )));
    }
    for (i, row) in cells.iter().enumerate() {
        if row.len() != cols.len() {
            return Err(RenderError::Shape(format!(
                "row {i} ({}) has {} cells for {} column labels",
                rows[i],
                row.len(),
                cols.len()
            )));
        }
        for (j, v) in row.iter().enumerate() {
            finite(*v, || format!("the cell of {} and {}", rows[i], cols[j]))?;
        }
    }
    let values: Vec<f64> = cells.iter().flatten().copied().collect();
    let classes = Classes::new(&values);

    let row_labels: Vec<_> = rows
        .iter()
        .map(|r| svg::truncate(r, MAX_LABEL_CHARS))
        .collect();
    let col_labels: Vec<_> = cols
        .iter()
        .map(|c| svg::truncate(c, MAX_LABEL_CHARS))
        .collect();
    let widest = |labels: &[std::borrow::Cow<'_, str>]| {
        labels
            .iter()
            .map(|l| svg::text_width(l, LABEL_SIZE))
            .fold(0.0, f64::max)
    };
    let cell_width = values
        .iter()
        .map(|v| svg::text_width(&svg::value(*v), VALUE_SIZE) + 8.0)
        .fold(MIN_CELL_WIDTH, f64::max)
        .ceil();
    let left = MARGIN + widest(&row_labels) + 8.0;
    let top = 50.0 + widest(&col_labels) * DIAGONAL + LABEL_SIZE + 8.0;
    let grid_right = left + cols.len() as f64 * cell_width;
    let grid_bottom = top + rows.len() as f64 * CELL_HEIGHT;
    let label_right = col_labels
        .iter()
        .enumerate()
        .map(|(j, l)| {
            left + (j as f64 + 0.5) * cell_width + svg::text_width(l, LABEL_SIZE) * DIAGONAL
        })
        .fold(grid_right, f64::max);

    let entries = classes.entries();
    let legend_width = entries
        .iter()
        .map(|e| 26.0 + svg::text_width(&e.label, 12.0))
        .fold(svg::text_width(legend, 14.0), f64::max);
    let legend_top = grid_bottom + 24.0;
    let legend_bottom = legend_top + 24.0 + 20.0 * entries.len() as f64;
    let width = (label_right + MARGIN)
        .max(2.0 * MARGIN + legend_width)
        .max(2.0 * MARGIN + svg::text_width(title, 20.0))
        .ceil();
    let height = (legend_bottom + MARGIN).ceil();

    let mut w = Writer::document(width, height, title);
    w.text(MARGIN, 32.0, 20.0, &[("font-weight", "bold")], title);
    if values.is_empty() {
        w.text(MARGIN, top, LABEL_SIZE, &[("fill", "#555555")], "no data");
    }

    w.open("g", &[("class", "row-labels"), ("text-anchor", "end")]);
    for (i, label) in row_labels.iter().enumerate() {
        let y = top + (i as f64 + 0.5) * CELL_HEIGHT + LABEL_SIZE * 0.35;
        w.text(left - 6.0, y, LABEL_SIZE, &[], label);
    }
    w.close("g");

    w.open("g", &[("class", "col-labels")]);
    for (j, label) in col_labels.iter().enumerate() {
        let cx = left + (j as f64 + 0.5) * cell_width;
        let transform = format!("translate({} {}) rotate(-45)", num(cx), num(top - 6.0));
        w.text_element(
            "text",
            &[("transform", &transform), ("font-size", &num(LABEL_SIZE))],
            label,
        );
    }
    w.close("g");

    w.open(
        "g",
        &[
            ("class", "cells"),
            ("stroke", "#ffffff"),
            ("stroke-width", "1"),
        ],
    );
    for (i, row) in cells.iter().enumerate() {
        for (j, v) in row.iter().enumerate() {
            let (x, y) = (left + j as f64 * cell_width, top + i as f64 * CELL_HEIGHT);
            let (xs, ys, cw, ch) = (num(x), num(y), num(cell_width), num(CELL_HEIGHT));
            let (r, c, shown) = (i.to_string(), j.to_string(), svg::value(*v));
            w.with_tooltip(
                "rect",
                &[
                    ("class", "cell"),
                    ("x", &xs),
                    ("y", &ys),
                    ("width", &cw),
                    ("height", &ch),
                    ("fill", classes.colour_of(*v)),
                    ("data-row", &r),
                    ("data-col", &c),
                    ("data-value", &shown),
                ],
                &format!("{} — {}: {shown}", rows[i], cols[j]),
            );
        }
    }
    w.close("g");

    w.open(
        "g",
        &[
            ("class", "cell-values"),
            ("text-anchor", "middle"),
            ("pointer-events", "none"),
        ],
    );
    for (i, row) in cells.iter().enumerate() {
        for (j, v) in row.iter().enumerate() {
            if *v == 0.0 {
                continue;
            }
            let cx = left + (j as f64 + 0.5) * cell_width;
            let cy = top + (i as f64 + 0.5) * CELL_HEIGHT + VALUE_SIZE * 0.35;
            let fill = if classes.is_dark(*v) {
                "#ffffff"
            } else {
                "#222222"
            };
            w.text(cx, cy, VALUE_SIZE, &[("fill", fill)], &svg::value(*v));
        }
    }
    w.close("g");

    if !values.is_empty() {
        svg::vertical_legend(&mut w, MARGIN, legend_top, legend, &entries);
    }
    Ok(w.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::svg::SEQUENTIAL;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn one_rect_per_cell_shaded_by_value() {
        let rows = strings(&["Borås", "Mora", "Partille"]);
        let cols = strings(&[
            "hemmasittare",
            "kompetensförsörjning",
            "personalomsättning",
            "placeringar",
        ]);
        let cells = vec![
            vec![0.0, 1.0, 2.0, 3.0],
            vec![4.0, 5.0, 6.0, 0.0],
            vec![1.0, 1.0, 1.0, 1.0],
        ];
        let svg = render(
            &rows,
            &cols,
            &cells,
            "Problems by municipality",
            "documents",
        )
        .unwrap();
        let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
        let rects: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("rect") && n.attribute("class") == Some("cell"))
            .collect();
        assert_eq!(rects.len(), 12);
        let darkness = |n: &roxmltree::Node| {
            SEQUENTIAL
                .iter()
                .position(|c| Some(*c) == n.attribute("fill"))
                .unwrap()
        };
        for (k, r) in rects.iter().enumerate() {
            assert_eq!(r.attribute("data-row"), Some((k / 4).to_string().as_str()));
            assert_eq!(r.attribute("data-col"), Some((k % 4).to_string().as_str()));
        }
        // 0 is the lightest, 6 the darkest, and darkness never goes down as
        // values go up.
        assert_eq!(darkness(&rects[0]), 0);
        assert_eq!(darkness(&rects[6]), SEQUENTIAL.len() - 1);
        let mut by_value: Vec<(f64, usize)> = rects
            .iter()
            .map(|r| {
                (
                    r.attribute("data-value").unwrap().parse().unwrap(),
                    darkness(r),
                )
            })
            .collect();
        by_value.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert!(by_value.windows(2).all(|p| p[0].1 <= p[1].1));
        assert!(by_value.windows(2).any(|p| p[0].1 < p[1].1));
        let title = rects[5]
            .children()
            .find(|c| c.has_tag_name("title"))
            .unwrap();
        assert_eq!(title.text(), Some("Mora — kompetensförsörjning: 5"));
        // Row and column labels, column labels rotated.
        let texts: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .collect();
        for label in rows.iter().chain(&cols) {
            assert!(texts.iter().any(|t| t.text() == Some(label)), "{label}");
        }
        let rotated = texts
            .iter()
            .filter(|t| {
                t.attribute("transform")
                    .is_some_and(|a| a.contains("rotate(-45)"))
            })
            .count();
        assert_eq!(rotated, 4);
    }

    #[test]
    fn labels_are_escaped() {
        let rows = strings(&["<Borås> & \"Mora\""]);
        let cols = strings(&["a'b<c"]);
        let svg = render(&rows, &cols, &[vec![1.0]], "<t>", "&").unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        assert!(
            doc.descendants()
                .any(|n| n.text() == Some("<Borås> & \"Mora\""))
        );
        assert!(doc.descendants().any(|n| n.text() == Some("a'b<c")));
    }

    #[test]
    fn mismatched_shapes_and_non_finite_values_are_errors() {
        let rows = strings(&["a", "b"]);
        let cols = strings(&["x"]);
        assert!(matches!(
            render(&rows, &cols, &[vec![1.0]], "t", "l"),
            Err(RenderError::Shape(_))
        ));
        assert!(matches!(
            render(&rows, &cols, &[vec![1.0], vec![1.0, 2.0]], "t", "l"),
            Err(RenderError::Shape(_))
        ));
        assert!(matches!(
            render(&rows, &cols, &[vec![1.0], vec![f64::INFINITY]], "t", "l"),
            Err(RenderError::NotFinite { .. })
        ));
    }

    #[test]
    fn empty_input_is_a_valid_picture_and_output_is_deterministic() {
        let svg = render(&[], &[], &[], "nothing", "l").unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        assert_eq!(
            doc.descendants()
                .filter(|n| n.attribute("class") == Some("cell"))
                .count(),
            0
        );
        let rows = strings(&["a", "b"]);
        let cols = strings(&["x", "y"]);
        let cells = vec![vec![0.5, 1.25], vec![2.0, 0.0]];
        assert_eq!(
            render(&rows, &cols, &cells, "t", "l").unwrap(),
            render(&rows, &cols, &cells, "t", "l").unwrap()
        );
    }
}
