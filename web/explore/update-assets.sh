#!/usr/bin/env bash
# update-assets.sh: (re)fetch the third-party files that web/explore embeds.
#
# It runs `npm pack` for a pinned version of cytoscape (through whatever
# registry npm is configured to use), copies the minified UMD bundle the page
# loads into assets/, puts its licence into assets/THIRD_PARTY_LICENSES.txt
# and writes assets/VERSIONS with the version, the tarball's integrity and
# the sha256 of the copied file.
#
# cytoscape.min.js is the package's own minified build, copied byte for byte:
# it has no dependencies, so nothing needs bundling here. To upgrade, change
# the pin, run this script, then run
# `go test ./web/explore/ ./e2e/ -run 'Explore|.' -count=1` and look at the
# screenshots the e2e test saves. Check that the new build still marks its
# injected stylesheet with the id index.html pre-empts (see explore.css).
set -euo pipefail

CYTOSCAPE_VERSION=3.35.0

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
assets="$here/assets"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

command -v npm >/dev/null || { echo "update-assets.sh: npm is needed" >&2; exit 1; }

# pack NAME VERSION: download NAME@VERSION's tarball into $work/NAME and
# print its integrity string.
pack() {
	local name=$1 version=$2 dir="$work/$1"
	mkdir -p "$dir"
	(cd "$dir" && npm pack --silent --json "$name@$version" >pack.json)
	tar -xzf "$dir/$name-$version.tgz" -C "$dir"
	node -e 'const p=require(process.argv[1]);process.stdout.write(p[0].integrity)' "$dir/pack.json"
}

cytoscape_integrity=$(pack cytoscape "$CYTOSCAPE_VERSION")

mkdir -p "$assets"
rm -f "$assets"/*.js "$assets/VERSIONS" "$assets/THIRD_PARTY_LICENSES.txt"

cp "$work/cytoscape/package/dist/cytoscape.min.js" "$assets/cytoscape.min.js"

{
	echo "==== cytoscape@$CYTOSCAPE_VERSION ===="
	cat "$work/cytoscape/package/LICENSE"
	echo
} >"$assets/THIRD_PARTY_LICENSES.txt"

sha() { sha256sum "$assets/$1" | cut -d' ' -f1; }

{
	echo "# Third-party files embedded by web/explore; written by update-assets.sh."
	echo "# package@version  tarball-integrity"
	echo "#   sha256  file (copied byte for byte from the package)"
	echo "cytoscape@$CYTOSCAPE_VERSION  $cytoscape_integrity"
	echo "  $(sha cytoscape.min.js)  cytoscape.min.js  (package/dist/cytoscape.min.js)"
} >"$assets/VERSIONS"

cat "$assets/VERSIONS"
ls -l "$assets"
