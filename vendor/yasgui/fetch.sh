#!/usr/bin/env bash
# Fetches the YASGUI SPARQL editor (Yasqe + Yasr, MIT licence) that the page
# of `socialgraf serve` embeds, from the npm registry, at a pinned version,
# and checks the tarball's SHA-256. The files it writes are committed; the
# server compiles them in (src/serve.rs), so the page works offline.
# Run it again only to change the version (then update VERSION and SHA256).
set -euo pipefail
cd "$(dirname "$0")"
VERSION=4.2.28
SHA256=d8935d15c4d6352451d78725b2dd4cf4acb9fcd26162fa27f1e81347e2574241
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
curl -sSL -o "$tmp/yasgui.tgz" "https://registry.npmjs.org/@triply/yasgui/-/yasgui-$VERSION.tgz"
echo "$SHA256  $tmp/yasgui.tgz" | sha256sum -c -
tar xzf "$tmp/yasgui.tgz" -C "$tmp"
cp "$tmp/package/build/yasgui.min.js" "$tmp/package/build/yasgui.min.css" .
cp "$tmp/package/build/yasgui.min.js.LICENSE.txt" LICENSE-THIRD-PARTY.txt
echo "$VERSION" > VERSION
