//! A choropleth map of Sweden's 290 municipalities.
//!
//! The entry point is [`render`]: one value per municipality (by SCB code)
//! shades it on the classed sequential scale of [`svg::Classes`];
//! municipalities without a value are drawn in [`svg::NO_VALUE`] grey, and
//! the legend says so. The shapes are `maps/kommuner.tsv` (SWEREF 99 TM,
//! 1 unit = 1 km, simplified; see its header and `maps/convert.py`),
//! compiled into the crate so the binary needs no data folder to draw it.
//!
//! Every municipality is one `<path class="kommun">` with
//! `id="kommun-KOD"`, `data-kod`, `data-value` (when it has one) and a
//! `<title>` tooltip `Name: value`, in code order. Stockholm county, whose
//! municipalities are a few pixels wide on the map, is repeated enlarged
//! beside it (`<use>` of the same paths, so colours always agree).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use super::svg::{self, Classes, LegendEntry, Writer, num};
use super::{RenderError, finite};

/// `maps/kommuner.tsv`, compiled in.
const SHAPES: &str = include_str!("../../maps/kommuner.tsv");

/// The number of municipalities the shape file holds.
pub const COUNT: usize = 290;

/// The height of the map itself in pixels; the width follows Sweden's
/// shape (about 0.42 of it).
const MAP_HEIGHT: f64 = 900.0;
const MARGIN: f64 = 20.0;
const TOP: f64 = 70.0;

/// Enlarged views beside the map of regions whose municipalities are too
/// small to see on it: (heading, the SCB county code their codes start
/// with).
const INSETS: &[(&str, &str)] = &[("Stockholms län", "01")];
/// The largest size of an inset in pixels.
const INSET_WIDTH: f64 = 200.0;
const INSET_HEIGHT: f64 = 300.0;

/// A municipality's shape as the map draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct Municipality {
    /// Four-digit SCB code, e.g. `0114`.
    pub code: String,
    /// Name as Statistics Sweden writes it, e.g. `Upplands Väsby`.
    pub name: String,
    /// SVG path data in the shape file's units (km, y down).
    pub d: String,
    /// Bounding box `[min_x, min_y, max_x, max_y]` in the same units.
    pub bbox: [f64; 4],
}

/// The 290 municipalities of the shape file, sorted by code.
pub fn municipalities() -> Result<&'static [Municipality], RenderError> {
    static PARSED: OnceLock<Result<Vec<Municipality>, RenderError>> = OnceLock::new();
    PARSED
        .get_or_init(|| parse(SHAPES))
        .as_ref()
        .map(Vec::as_slice)
        .map_err(Clone::clone)
}

/// Parses the shape file: `#` comment lines, a header `kod name d`, then
/// one row per municipality.
fn parse(text: &str) -> Result<Vec<Municipality>, RenderError> {
    let mut out: Vec<Municipality> = Vec::new();
    let mut seen_header = false;
    for (i, line) in text.lines().enumerate() {
        let err = |message: String| RenderError::ShapeData {
            line: i + 1,
            message,
        };
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !seen_header {
            if line != "kod\tname\td" {
                return Err(err("expected the header `kod<TAB>name<TAB>d`".into()));
            }
            seen_header = true;
            continue;
        }
        let mut fields = line.split('\t');
        let (Some(code), Some(name), Some(d), None) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            return Err(err("expected three tab-separated fields".into()));
        };
        if code.len() != 4 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err(format!("`{code}` is not a four-digit SCB code")));
        }
        if name.is_empty() {
            return Err(err(format!("{code} has no name")));
        }
        let bbox = path_bbox(d).map_err(err)?;
        if let Some(prev) = out.last() {
            if prev.code.as_str() >= code {
                return Err(err(format!(
                    "{code} is not in code order after {}",
                    prev.code
                )));
            }
        }
        out.push(Municipality {
            code: code.to_string(),
            name: name.to_string(),
            d: d.to_string(),
            bbox,
        });
    }
    if out.is_empty() {
        return Err(RenderError::ShapeData {
            line: 0,
            message: "no municipalities".into(),
        });
    }
    Ok(out)
}

/// The bounding box of path data made of `M`, `L` and `Z` with absolute
/// coordinates (what `maps/convert.py` writes).
fn path_bbox(d: &str) -> Result<[f64; 4], String> {
    let mut bbox = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    let mut coords = Vec::new();
    for token in d.split(['M', 'L', 'Z', ' ']) {
        if token.is_empty() {
            continue;
        }
        let v: f64 = token
            .parse()
            .map_err(|_| format!("`{token}` in path data is not a number"))?;
        coords.push(v);
    }
    if coords.len() < 6 || coords.len() % 2 != 0 {
        return Err(format!("path data has {} numbers", coords.len()));
    }
    for xy in coords.chunks_exact(2) {
        bbox[0] = bbox[0].min(xy[0]);
        bbox[1] = bbox[1].min(xy[1]);
        bbox[2] = bbox[2].max(xy[0]);
        bbox[3] = bbox[3].max(xy[1]);
    }
    Ok(bbox)
}

/// Draws the map: each municipality in `values` (SCB code, value) shaded by
/// its value, the others grey; `title` above, `legend` as the heading of
/// the legend (what the values are, e.g. "recurring problems").
///
/// # Errors
///
/// [`RenderError::UnknownMunicipalities`] when a code is not one of the 290
/// (all unknown codes are named; nothing is drawn, since a silently
/// dropped value would make the map lie), [`RenderError::DuplicateMunicipality`]
/// when a code comes twice, [`RenderError::NotFinite`] for NaN or infinite
/// values.
pub fn render(values: &[(String, f64)], title: &str, legend: &str) -> Result<String, RenderError> {
    let shapes = municipalities()?;
    let known: BTreeSet<&str> = shapes.iter().map(|m| m.code.as_str()).collect();
    let mut by_code: BTreeMap<&str, f64> = BTreeMap::new();
    let mut unknown = BTreeSet::new();
    for (code, v) in values {
        let v = finite(*v, || format!("the value of {code}"))?;
        if !known.contains(code.as_str()) {
            unknown.insert(code.clone());
        } else if by_code.insert(code.as_str(), v).is_some() {
            return Err(RenderError::DuplicateMunicipality(code.clone()));
        }
    }
    if !unknown.is_empty() {
        return Err(RenderError::UnknownMunicipalities(
            unknown.into_iter().collect(),
        ));
    }
    let classes = Classes::new(&by_code.values().copied().collect::<Vec<_>>());

    let bounds = shapes.iter().fold(
        [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ],
        |b, m| {
            [
                b[0].min(m.bbox[0]),
                b[1].min(m.bbox[1]),
                b[2].max(m.bbox[2]),
                b[3].max(m.bbox[3]),
            ]
        },
    );
    let scale = MAP_HEIGHT / (bounds[3] - bounds[1]);
    let map_width = (bounds[2] - bounds[0]) * scale;

    let mut entries: Vec<LegendEntry> = if by_code.is_empty() {
        Vec::new()
    } else {
        classes.entries()
    };
    let missing = shapes.len() - by_code.len();
    entries.push(LegendEntry {
        colour: svg::NO_VALUE,
        label: format!("no value ({missing} municipalities)"),
    });
    let legend_x = MARGIN + map_width + 30.0;
    let legend_width = entries
        .iter()
        .map(|e| 26.0 + svg::text_width(&e.label, 12.0))
        .fold(svg::text_width(legend, 14.0), f64::max);
    let width = (legend_x + legend_width.max(INSET_WIDTH) + MARGIN)
        .max(MARGIN + svg::text_width(title, 20.0) + MARGIN)
        .ceil();
    let height = TOP + MAP_HEIGHT + MARGIN;

    let mut w = Writer::document(width, height, title);
    w.text(MARGIN, 32.0, 20.0, &[("font-weight", "bold")], title);
    w.text(
        MARGIN,
        54.0,
        12.0,
        &[("fill", "#555555")],
        &format!(
            "{} of {} municipalities have a value",
            by_code.len(),
            shapes.len()
        ),
    );
    let transform = format!(
        "translate({} {}) scale({})",
        num(MARGIN - bounds[0] * scale),
        num(TOP - bounds[1] * scale),
        scale_str(scale)
    );
    let stroke_width = scale_str(0.6 / scale);
    w.open(
        "g",
        &[
            ("class", "municipalities"),
            ("transform", &transform),
            ("stroke", "#ffffff"),
            ("stroke-width", &stroke_width),
            ("stroke-linejoin", "round"),
        ],
    );
    for m in shapes {
        let id = format!("kommun-{}", m.code);
        let value = by_code.get(m.code.as_str()).copied();
        let (fill, shown) = match value {
            Some(v) => (classes.colour_of(v), svg::value(v)),
            None => (svg::NO_VALUE, "no value".to_string()),
        };
        let data_value = value.map(svg::value).unwrap_or_default();
        let mut attrs: Vec<(&str, &str)> =
            vec![("id", &id), ("class", "kommun"), ("data-kod", &m.code)];
        if value.is_some() {
            attrs.push(("data-value", &data_value));
        }
        attrs.push(("fill", fill));
        attrs.push(("d", &m.d));
        w.with_tooltip("path", &attrs, &format!("{}: {shown}", m.name));
    }
    w.close("g");
    let below = svg::vertical_legend(&mut w, legend_x, TOP, legend, &entries);
    let mut y = below + 24.0;
    for &(name, prefix) in INSETS {
        y = inset(
            &mut w,
            shapes,
            name,
            prefix,
            (legend_x, y),
            (MARGIN, TOP, scale, bounds),
        ) + 24.0;
    }
    Ok(w.finish())
}

/// Draws an enlarged view of the municipalities whose codes start with
/// `prefix` at `at` (`<use>` of their paths, so their fills and tooltips
/// are the main map's), under a heading, and outlines the same region on
/// the main map. Returns the y below it.
fn inset(
    w: &mut Writer,
    shapes: &[Municipality],
    name: &str,
    prefix: &str,
    at: (f64, f64),
    main: (f64, f64, f64, [f64; 4]),
) -> f64 {
    let members: Vec<&Municipality> = shapes
        .iter()
        .filter(|m| m.code.starts_with(prefix))
        .collect();
    let Some(b) = members.iter().map(|m| m.bbox).reduce(|a, b| {
        [
            a[0].min(b[0]),
            a[1].min(b[1]),
            a[2].max(b[2]),
            a[3].max(b[3]),
        ]
    }) else {
        return at.1;
    };
    let (x, y) = at;
    let scale = (INSET_WIDTH / (b[2] - b[0])).min(INSET_HEIGHT / (b[3] - b[1]));
    let (width, height) = ((b[2] - b[0]) * scale, (b[3] - b[1]) * scale);
    w.open("g", &[("class", "inset")]);
    w.text(x, y + 12.0, 12.0, &[("font-weight", "bold")], name);
    let top = y + 20.0;
    let (fx, fy, fw, fh) = (
        num(x - 4.0),
        num(top - 4.0),
        num(width + 8.0),
        num(height + 8.0),
    );
    w.leaf(
        "rect",
        &[
            ("x", &fx),
            ("y", &fy),
            ("width", &fw),
            ("height", &fh),
            ("fill", "none"),
            ("stroke", "#999999"),
            ("stroke-width", "0.5"),
        ],
    );
    let transform = format!(
        "translate({} {}) scale({})",
        num(x - b[0] * scale),
        num(top - b[1] * scale),
        scale_str(scale)
    );
    let stroke_width = scale_str(0.8 / scale);
    w.open(
        "g",
        &[
            ("transform", &transform),
            ("stroke", "#ffffff"),
            ("stroke-width", &stroke_width),
            ("stroke-linejoin", "round"),
        ],
    );
    for m in members {
        w.leaf("use", &[("href", &format!("#kommun-{}", m.code))]);
    }
    w.close("g");
    // Where the inset is on the main map.
    let (mx, my, ms, mb) = main;
    let (rx, ry) = (
        num(mx + (b[0] - mb[0]) * ms - 2.0),
        num(my + (b[1] - mb[1]) * ms - 2.0),
    );
    let (rw, rh) = (num((b[2] - b[0]) * ms + 4.0), num((b[3] - b[1]) * ms + 4.0));
    w.leaf(
        "rect",
        &[
            ("x", &rx),
            ("y", &ry),
            ("width", &rw),
            ("height", &rh),
            ("fill", "none"),
            ("stroke", "#999999"),
            ("stroke-width", "0.5"),
        ],
    );
    w.close("g");
    top + height + 4.0
}

/// A scale factor with enough digits to keep the map's size exact.
fn scale_str(x: f64) -> String {
    let s = format!("{x:.5}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::svg::SEQUENTIAL;

    fn paths(svg: &str) -> Vec<(String, String, Option<String>, String)> {
        let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        assert_eq!(
            doc.root_element().tag_name().namespace(),
            Some("http://www.w3.org/2000/svg")
        );
        doc.descendants()
            .filter(|n| n.has_tag_name("path") && n.attribute("class") == Some("kommun"))
            .map(|n| {
                let title = n
                    .children()
                    .find(|c| c.has_tag_name("title"))
                    .and_then(|t| t.text())
                    .unwrap_or_default()
                    .to_string();
                (
                    n.attribute("data-kod").unwrap().to_string(),
                    n.attribute("fill").unwrap().to_string(),
                    n.attribute("data-value").map(str::to_string),
                    title,
                )
            })
            .collect()
    }

    #[test]
    fn shape_file_has_the_290_municipalities_of_the_gazetteer() {
        let shapes = municipalities().expect("shape file parses");
        assert_eq!(shapes.len(), COUNT);
        let gazetteer = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("extract/gazetteers/kommuner.tsv"),
        )
        .unwrap();
        let expected: Vec<(String, String)> = gazetteer
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .map(|l| {
                let mut f = l.split('\t');
                (f.next().unwrap().to_string(), f.next().unwrap().to_string())
            })
            .collect();
        let got: Vec<(String, String)> = shapes
            .iter()
            .map(|m| (m.code.clone(), m.name.clone()))
            .collect();
        assert_eq!(got, expected);
        // The file stays small enough to compile in without a second thought.
        assert!(SHAPES.len() < 1_000_000, "{} bytes", SHAPES.len());
    }

    #[test]
    fn every_municipality_is_one_path_shaded_by_its_value() {
        let values = vec![
            ("0180".to_string(), 9.0), // Stockholm
            ("1490".to_string(), 4.0), // Borås
            ("0114".to_string(), 1.0), // Upplands Väsby
        ];
        let svg = render(&values, "Recurring problems", "problems").unwrap();
        let paths = paths(&svg);
        assert_eq!(paths.len(), 290);
        let get = |kod: &str| paths.iter().find(|p| p.0 == kod).unwrap();
        let (stockholm, boras, vasby) = (get("0180"), get("1490"), get("0114"));
        let darkness = |fill: &str| SEQUENTIAL.iter().position(|c| *c == fill).unwrap();
        assert!(darkness(&stockholm.1) > darkness(&boras.1));
        assert!(darkness(&boras.1) > darkness(&vasby.1));
        assert_eq!(stockholm.2.as_deref(), Some("9"));
        assert_eq!(stockholm.3, "Stockholm: 9");
        let others: Vec<_> = paths.iter().filter(|p| p.2.is_none()).collect();
        assert_eq!(others.len(), 287);
        assert!(others.iter().all(|p| p.1 == svg::NO_VALUE));
        assert_eq!(get("0115").3, "Vallentuna: no value");
        assert!(svg.contains("no value (287 municipalities)"));
        assert!(svg.contains("3 of 290 municipalities have a value"));
        // Stockholm county again, enlarged, by reference to the same paths.
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let uses: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("use"))
            .filter_map(|n| n.attribute("href"))
            .collect();
        let county: Vec<String> = paths
            .iter()
            .filter(|p| p.0.starts_with("01"))
            .map(|p| format!("#kommun-{}", p.0))
            .collect();
        assert_eq!(uses, county);
        assert_eq!(uses.len(), 26);
    }

    #[test]
    fn the_legend_shows_each_step_of_the_scale() {
        let values: Vec<(String, f64)> = municipalities()
            .unwrap()
            .iter()
            .take(3)
            .zip([0.0, 1.0, 2.0])
            .map(|(m, v)| (m.code.clone(), v))
            .collect();
        let svg = render(&values, "t", "problems").unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let swatches: Vec<&str> = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("legend-swatch"))
            .map(|n| n.attribute("fill").unwrap())
            .collect();
        assert_eq!(
            swatches,
            [SEQUENTIAL[0], SEQUENTIAL[3], SEQUENTIAL[6], svg::NO_VALUE]
        );
    }

    #[test]
    fn unknown_duplicate_and_non_finite_input_is_an_error() {
        let err = render(
            &[
                ("9999".to_string(), 1.0),
                ("0180".to_string(), 1.0),
                ("Borås".to_string(), 2.0),
            ],
            "t",
            "l",
        )
        .unwrap_err();
        assert_eq!(
            err,
            RenderError::UnknownMunicipalities(vec!["9999".into(), "Borås".into()])
        );
        assert!(err.to_string().contains("9999, Borås"));
        let err = render(
            &[("0180".to_string(), 1.0), ("0180".to_string(), 2.0)],
            "t",
            "l",
        )
        .unwrap_err();
        assert_eq!(err, RenderError::DuplicateMunicipality("0180".into()));
        let err = render(&[("0180".to_string(), f64::NAN)], "t", "l").unwrap_err();
        assert!(matches!(err, RenderError::NotFinite { .. }));
    }

    #[test]
    fn titles_are_escaped_and_output_is_deterministic() {
        let values = vec![("0180".to_string(), 2.5), ("1480".to_string(), 0.5)];
        let title = "Problems <&\"> 'hemmasittare'";
        let a = render(&values, title, "<legend>").unwrap();
        let doc = roxmltree::Document::parse(&a).unwrap();
        assert!(doc.descendants().any(|n| n.text() == Some(title)));
        assert_eq!(a, render(&values, title, "<legend>").unwrap());
        // Nothing given: every municipality grey, still a valid map.
        let empty = render(&[], "t", "l").unwrap();
        let paths = paths(&empty);
        assert_eq!(paths.len(), 290);
        assert!(paths.iter().all(|p| p.1 == svg::NO_VALUE));
    }
}
