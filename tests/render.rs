//! `socialgraf render` on a store built from the seed corpus: each picture
//! is valid SVG whose shapes follow the graph's data.

use std::collections::BTreeMap;
use std::path::Path;

use crate::util::{ok, root, run, stderr};

fn render(store: &Path, args: &[&str]) -> String {
    let mut all = vec!["render"];
    all.extend(args);
    all.extend(["--store", store.to_str().expect("utf-8")]);
    ok(&root(), &all)
}

/// The `data-value` of each shaded municipality, by SCB code.
fn shaded(svg: &str) -> BTreeMap<String, f64> {
    let doc = roxmltree::Document::parse(svg).expect("valid SVG");
    let all = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("kommun"))
        .count();
    assert_eq!(all, 290, "every municipality is drawn");
    doc.descendants()
        .filter(|n| n.attribute("class") == Some("kommun"))
        .filter_map(|n| {
            let v = n.attribute("data-value")?.parse().ok()?;
            Some((n.attribute("data-kod")?.to_string(), v))
        })
        .collect()
}

/// `analyze` rows as JSON.
fn analyze(store: &Path, args: &[&str]) -> Vec<serde_json::Value> {
    let mut all = vec!["analyze"];
    all.extend(args);
    all.extend([
        "--format",
        "json",
        "--store",
        store.to_str().expect("utf-8"),
    ]);
    let out = ok(&root(), &all);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

#[test]
fn pictures_follow_the_graph() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let store = crate::util::seed_store(tmp.path());
    let recurring = analyze(&store, &["recurring-problems"]);

    // The map: one value per municipality of the corpus; the top problem's
    // municipalities all have facts on it.
    let file = tmp.path().join("map.svg");
    let said = render(&store, &["map", "-o", file.to_str().expect("utf-8")]);
    assert!(said.contains("wrote"), "{said}");
    let values = shaded(&std::fs::read_to_string(&file).expect("map written"));
    let recurring_count = recurring
        .iter()
        .filter(|r| r["municipalities"].as_u64() >= Some(2))
        .count() as f64;
    assert!(values.len() >= 10, "{values:?}");
    assert!(
        values
            .values()
            .all(|&v| (0.0..=recurring_count).contains(&v))
    );
    assert!(values.values().any(|&v| v >= 2.0), "{values:?}");

    let top = &recurring[0];
    let id = top["iri"]
        .as_str()
        .and_then(|iri| iri.rsplit('/').next())
        .expect("an id");
    let by_problem = shaded(&render(&store, &["map", "--problem", id]));
    let facing = by_problem.values().filter(|&&v| v > 0.0).count() as u64;
    assert_eq!(
        Some(facing),
        top["municipalities"].as_u64(),
        "{by_problem:?}"
    );

    let o = run(&root(), &["render", "map", "--problem", "nej"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("unknown problem `nej`"),
        "{}",
        stderr(&o)
    );

    // The heatmap: a cell per municipality and problem.
    let svg = render(&store, &["heatmap"]);
    let doc = roxmltree::Document::parse(&svg).expect("valid SVG");
    let cells = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("cell"))
        .count();
    assert_eq!(cells, values.len() * recurring.len());

    // The network: a circle per node of the view, as many colours as the
    // legend has communities.
    let nodes = analyze(
        &store,
        &["centrality", "--view", "actors", "--top", "100000"],
    );
    let svg = render(&store, &["network"]);
    let doc = roxmltree::Document::parse(&svg).expect("valid SVG");
    let circles: Vec<_> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("node"))
        .collect();
    assert_eq!(circles.len(), nodes.len());
    let communities = analyze(&store, &["communities", "--view", "actors"]);
    let numbered: std::collections::BTreeSet<&str> = circles
        .iter()
        .filter_map(|n| n.attribute("data-community"))
        .collect();
    assert_eq!(numbered.len(), communities.len());
    // The same store and seed give the same picture.
    assert_eq!(render(&store, &["network"]), svg);
}

/// The README's pictures `docs/*.svg` are what `render` draws from the
/// seeds today.
#[test]
fn the_readme_pictures_are_up_to_date() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let store = crate::util::seed_store(tmp.path());
    for (file, args) in [
        ("map.svg", vec!["map"]),
        (
            "map-hemmasittare.svg",
            vec!["map", "--problem", "hemmasittare"],
        ),
        ("heatmap.svg", vec!["heatmap"]),
        ("network.svg", vec!["network"]),
    ] {
        let committed = std::fs::read_to_string(root().join("docs").join(file)).expect("docs");
        assert!(
            render(&store, &args) == committed,
            "docs/{file} is stale: run `socialgraf build corpus/seeds --store S` and \
             `socialgraf render {} --store S -o docs/{file}`",
            args.join(" ")
        );
    }
}
