//! A small SVG writer shared by the pictures: escaping, number formatting,
//! element helpers, the sequential colour scale ([`Classes`]) with its
//! legend, and the categorical palette.
//!
//! Everything here is deterministic: numbers are rounded to one decimal
//! before they are written, colours are fixed tables (no colour maths at
//! run time), and attributes are written in the order given.

use std::borrow::Cow;
use std::fmt::Write as _;

/// The sequential scale, light to dark: seven steps interpolated in OKLab
/// between the anchors `#fff5dc`, `#f9a65a`, `#d9482b` and `#6e1423` (made
/// once with a script; relative luminance 0.92, 0.68, 0.48, 0.32, 0.20,
/// 0.10, 0.04, strictly decreasing). A scale of fewer classes takes evenly
/// spaced entries of this table.
pub const SEQUENTIAL: [&str; 7] = [
    "#fff5dc", "#fece9e", "#f9a65a", "#ea7942", "#d9482b", "#a22e29", "#6e1423",
];

/// Entries of [`SEQUENTIAL`] from this index on are dark enough that text
/// drawn on them is white.
const FIRST_DARK: usize = 5;

/// The fill of a shape that has no value: a neutral grey, lighter than the
/// scale's dark end and unlike its cream light end.
pub const NO_VALUE: &str = "#cfcfcf";

/// Categorical colours for communities: Paul Tol's "muted" scheme, which
/// stays distinguishable for colour-blind readers.
pub const CATEGORICAL: [&str; 9] = [
    "#cc6677", "#332288", "#ddcc77", "#117733", "#88ccee", "#882255", "#44aa99", "#999933",
    "#aa4499",
];

/// The colour of every community beyond the [`CATEGORICAL`] ones.
pub const OTHER: &str = "#bbbbbb";

/// The font of all text.
pub const FONT: &str = "Helvetica, Arial, sans-serif";

/// Escapes text for XML content and attribute values (`&`, `<`, `>`, `"`,
/// `'`), and replaces characters XML 1.0 does not allow (control
/// characters other than tab, newline and carriage return; U+FFFE, U+FFFF)
/// with U+FFFD, so any label gives a well-formed document.
pub fn escape(s: &str) -> Cow<'_, str> {
    let needs = |c: char| matches!(c, '&' | '<' | '>' | '"' | '\'') || !allowed_in_xml(c);
    if !s.chars().any(needs) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if !allowed_in_xml(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn allowed_in_xml(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// A coordinate or length with at most one decimal (`12`, `12.5`, never
/// `-0`).
pub fn num(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r == 0.0 || !r.is_finite() {
        return "0".to_string();
    }
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// A data value for people: integers as integers, other numbers with at
/// most two decimals (`3`, `0.25`, `1.5`).
pub fn value(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    let r = (x * 100.0).round() / 100.0;
    if r == 0.0 {
        return "0".to_string();
    }
    let s = format!("{r:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// The width of a text in pixels, estimated (0.6 of the font size per
/// character; generous for Helvetica, so labels are not cut).
pub fn text_width(s: &str, font_size: f64) -> f64 {
    s.chars().count() as f64 * font_size * 0.6
}

/// Text cut to `max` characters, with `…` when cut.
pub fn truncate(s: &str, max: usize) -> Cow<'_, str> {
    if s.chars().count() <= max {
        Cow::Borrowed(s)
    } else {
        let cut: String = s.chars().take(max.saturating_sub(1)).collect();
        Cow::Owned(format!("{cut}…"))
    }
}

/// Writes SVG elements into a string, one element per line. Attribute
/// values and text are escaped here; callers pass raw strings.
pub struct Writer {
    out: String,
}

impl Writer {
    /// Starts a document of the given size in pixels (viewBox the same),
    /// with a `<title>` for screen readers and tooltips, a white
    /// background and the font set once.
    pub fn document(width: f64, height: f64, title: &str) -> Writer {
        let mut w = Writer {
            out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
        };
        let (wd, ht) = (num(width), num(height));
        let view_box = format!("0 0 {wd} {ht}");
        w.open(
            "svg",
            &[
                ("xmlns", "http://www.w3.org/2000/svg"),
                ("width", &wd),
                ("height", &ht),
                ("viewBox", &view_box),
                ("font-family", FONT),
                ("role", "img"),
            ],
        );
        w.text_element("title", &[], title);
        w.leaf(
            "rect",
            &[("width", &wd), ("height", &ht), ("fill", "#ffffff")],
        );
        w
    }

    fn start_tag(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.out.push('<');
        self.out.push_str(name);
        for (k, v) in attrs {
            let _ = write!(self.out, " {k}=\"{}\"", escape(v));
        }
    }

    /// `<name attrs>`; close it with [`Writer::close`].
    pub fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.start_tag(name, attrs);
        self.out.push_str(">\n");
    }

    /// `</name>`.
    pub fn close(&mut self, name: &str) {
        let _ = writeln!(self.out, "</{name}>");
    }

    /// `<name attrs/>`.
    pub fn leaf(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.start_tag(name, attrs);
        self.out.push_str("/>\n");
    }

    /// `<name attrs>text</name>`.
    pub fn text_element(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.start_tag(name, attrs);
        let _ = writeln!(self.out, ">{}</{name}>", escape(text));
    }

    /// `<name attrs><title>tooltip</title></name>`: a shape with a tooltip.
    pub fn with_tooltip(&mut self, name: &str, attrs: &[(&str, &str)], tooltip: &str) {
        self.start_tag(name, attrs);
        let _ = writeln!(self.out, "><title>{}</title></{name}>", escape(tooltip));
    }

    /// A line of text at (x, y) with the given size and extra attributes.
    pub fn text(&mut self, x: f64, y: f64, size: f64, extra: &[(&str, &str)], text: &str) {
        let (x, y, size) = (num(x), num(y), num(size));
        let mut attrs: Vec<(&str, &str)> = vec![("x", &x), ("y", &y), ("font-size", &size)];
        attrs.extend_from_slice(extra);
        self.text_element("text", &attrs, text);
    }

    /// Closes the document and returns it.
    pub fn finish(mut self) -> String {
        self.close("svg");
        self.out
    }
}

/// A classed sequential scale over a set of values: at most seven classes
/// of equal width between the smallest and the largest value, each with a
/// colour of [`SEQUENTIAL`] (darker for larger values) and a label.
///
/// When every value is an integer, classes hold whole numbers (one class
/// per number when there are at most seven, `1–3`, `4–6`... otherwise), so
/// a count never falls between two labels.
#[derive(Debug, Clone)]
pub struct Classes {
    lo: f64,
    width: f64,
    count: usize,
    integral: bool,
}

impl Classes {
    /// The most classes a scale has.
    pub const MAX: usize = SEQUENTIAL.len();

    /// The scale for these values (all finite; callers check). No values
    /// give a scale of one class at 0.
    pub fn new(values: &[f64]) -> Classes {
        let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if !lo.is_finite() || !hi.is_finite() {
            return Classes {
                lo: 0.0,
                width: 1.0,
                count: 1,
                integral: true,
            };
        }
        let integral = values.iter().all(|v| v.fract() == 0.0) && hi - lo < 1e9;
        if integral {
            let span = hi - lo + 1.0;
            let width = (span / Self::MAX as f64).ceil().max(1.0);
            let count = (span / width).ceil() as usize;
            Classes {
                lo,
                width,
                count: count.clamp(1, Self::MAX),
                integral,
            }
        } else if hi > lo {
            Classes {
                lo,
                width: (hi - lo) / 5.0,
                count: 5,
                integral,
            }
        } else {
            Classes {
                lo,
                width: 1.0,
                count: 1,
                integral,
            }
        }
    }

    /// The number of classes.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether the scale has no classes (never: there is at least one).
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The class of a value (values outside the range go to the nearest
    /// end).
    pub fn class_of(&self, v: f64) -> usize {
        let i = ((v - self.lo) / self.width).floor();
        if i.is_nan() || i < 0.0 {
            0
        } else {
            (i as usize).min(self.count - 1)
        }
    }

    /// The entry of [`SEQUENTIAL`] a class is drawn with: evenly spread over
    /// the table; a one-class scale takes the fifth (mid-dark) entry.
    fn palette_index(&self, class: usize) -> usize {
        let last = SEQUENTIAL.len() - 1;
        if self.count <= 1 {
            return last / 2 + 1;
        }
        (class.min(self.count - 1) * last * 2 + (self.count - 1)) / (2 * (self.count - 1))
    }

    /// The fill colour of a class.
    pub fn colour(&self, class: usize) -> &'static str {
        SEQUENTIAL[self.palette_index(class)]
    }

    /// The fill colour of a value.
    pub fn colour_of(&self, v: f64) -> &'static str {
        self.colour(self.class_of(v))
    }

    /// Whether text on a value's colour should be white.
    pub fn is_dark(&self, v: f64) -> bool {
        self.palette_index(self.class_of(v)) >= FIRST_DARK
    }

    /// The legend label of a class: `3`, `4–6`, or `0.25–0.5`.
    pub fn label(&self, class: usize) -> String {
        let from = self.lo + class as f64 * self.width;
        if self.integral {
            let to = from + self.width - 1.0;
            if self.width <= 1.0 {
                value(from)
            } else {
                format!("{}–{}", value(from), value(to))
            }
        } else if self.count == 1 {
            value(from)
        } else {
            format!("{}–{}", value(from), value(from + self.width))
        }
    }
}

/// One entry of a legend: a swatch of a colour and what it stands for.
pub struct LegendEntry {
    pub colour: &'static str,
    pub label: String,
}

impl Classes {
    /// The legend entries of the scale, light to dark.
    pub fn entries(&self) -> Vec<LegendEntry> {
        (0..self.count)
            .map(|c| LegendEntry {
                colour: self.colour(c),
                label: self.label(c),
            })
            .collect()
    }
}

/// Draws a vertical legend at (x, y): a heading, then one swatch and label
/// per entry. Returns the y below it.
pub fn vertical_legend(
    w: &mut Writer,
    x: f64,
    y: f64,
    heading: &str,
    entries: &[LegendEntry],
) -> f64 {
    w.open("g", &[("class", "legend")]);
    w.text(x, y + 13.0, 14.0, &[("font-weight", "bold")], heading);
    let mut yy = y + 24.0;
    for e in entries {
        let (sx, sy) = (num(x), num(yy));
        w.leaf(
            "rect",
            &[
                ("class", "legend-swatch"),
                ("x", &sx),
                ("y", &sy),
                ("width", "18"),
                ("height", "14"),
                ("fill", e.colour),
                ("stroke", "#888888"),
                ("stroke-width", "0.5"),
            ],
        );
        w.text(x + 26.0, yy + 11.5, 12.0, &[], &e.label);
        yy += 20.0;
    }
    w.close("g");
    yy
}

/// Pseudo-random numbers from a seed (SplitMix64): the same sequence on
/// every platform, no dependency.
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in [0, 1), from the top 53 bits.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn luminance(hex: &str) -> f64 {
        let c = |i: usize| {
            let v = u8::from_str_radix(&hex[i..i + 2], 16).unwrap() as f64 / 255.0;
            if v <= 0.04045 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * c(1) + 0.7152 * c(3) + 0.0722 * c(5)
    }

    #[test]
    fn sequential_scale_darkens_step_by_step() {
        for pair in SEQUENTIAL.windows(2) {
            assert!(luminance(pair[0]) > luminance(pair[1]), "{pair:?}");
        }
        assert!(!SEQUENTIAL.contains(&NO_VALUE));
    }

    #[test]
    fn categorical_colours_are_distinct() {
        let mut all: Vec<&str> = CATEGORICAL.to_vec();
        all.push(OTHER);
        all.sort();
        all.dedup();
        assert_eq!(all.len(), CATEGORICAL.len() + 1);
    }

    #[test]
    fn escape_handles_markup_quotes_and_forbidden_characters() {
        assert_eq!(escape("Borås"), "Borås");
        assert_eq!(
            escape("a<b & \"c\" 'd'>\u{1}"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;\u{FFFD}"
        );
    }

    #[test]
    fn numbers_are_short_and_never_negative_zero() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.04), "12");
        assert_eq!(num(12.25), "12.3");
        assert_eq!(num(-0.01), "0");
        assert_eq!(value(0.333), "0.33");
        assert_eq!(value(2.5), "2.5");
        assert_eq!(value(7.0), "7");
    }

    #[test]
    fn integer_classes_hold_whole_numbers() {
        let c = Classes::new(&[1.0, 2.0, 3.0]);
        assert_eq!(c.len(), 3);
        assert_eq!(
            (0..3).map(|i| c.label(i)).collect::<Vec<_>>(),
            ["1", "2", "3"]
        );
        assert_eq!(c.colour_of(1.0), SEQUENTIAL[0]);
        assert_eq!(c.colour_of(3.0), SEQUENTIAL[6]);

        let c = Classes::new(&[0.0, 20.0]);
        assert_eq!(c.len(), 7);
        assert_eq!(c.label(0), "0–2");
        assert_eq!(c.label(6), "18–20");
        for v in 0..=20 {
            let label = c.label(c.class_of(v as f64));
            let (a, b) = label.split_once('–').unwrap();
            let (a, b): (i32, i32) = (a.parse().unwrap(), b.parse().unwrap());
            assert!((a..=b).contains(&v), "{v} in class {label}");
        }
    }

    #[test]
    fn fractional_and_constant_values_get_sensible_classes() {
        let c = Classes::new(&[0.0, 0.5, 1.0]);
        assert_eq!(c.len(), 5);
        assert_eq!(c.label(0), "0–0.2");
        assert_eq!(c.class_of(1.0), 4);
        let c = Classes::new(&[4.0, 4.0]);
        assert_eq!(c.len(), 1);
        assert_eq!(c.label(0), "4");
        let c = Classes::new(&[]);
        assert_eq!(c.len(), 1);
    }

    #[test]
    fn splitmix_is_reproducible() {
        let mut a = SplitMix64::new(7);
        let mut b = SplitMix64::new(7);
        for _ in 0..10 {
            let x = a.next_f64();
            assert_eq!(x, b.next_f64());
            assert!((0.0..1.0).contains(&x));
        }
    }
}
