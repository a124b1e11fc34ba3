#!/usr/bin/env bash
# update-assets.sh: (re)fetch the third-party files that web/graphiql embeds.
#
# It runs `npm pack` for pinned versions of graphiql, react and react-dom
# (through whatever registry npm is configured to use), copies only the
# minified UMD bundles the page loads into assets/, gathers their licences
# into assets/THIRD_PARTY_LICENSES.txt and writes assets/VERSIONS with each
# package's version, tarball integrity and the sha256 of every copied file.
#
# To upgrade, change the pins below, run this script, then run
# `go test ./web/graphiql/ ./e2e/ -run 'Browser|.' -count=1` and look at the
# page (e2e/browser_test.go drives it in Chromium). GraphiQL 5 no longer ships
# a UMD build (it needs a bundler), so stay on a version that has
# graphiql.min.js at the package root; bootstrap.js is written against the
# 3.x API. React must stay on 18, the last major with UMD builds.
set -euo pipefail

GRAPHIQL_VERSION=3.9.0
REACT_VERSION=18.3.1
REACT_DOM_VERSION=18.3.1

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

graphiql_integrity=$(pack graphiql "$GRAPHIQL_VERSION")
react_integrity=$(pack react "$REACT_VERSION")
react_dom_integrity=$(pack react-dom "$REACT_DOM_VERSION")

mkdir -p "$assets"
rm -f "$assets"/*.js "$assets"/*.css "$assets/VERSIONS" "$assets/THIRD_PARTY_LICENSES.txt"

# Only files loaded by index.html: nothing else from the packages is kept.
cp "$work/graphiql/package/graphiql.min.js" "$assets/graphiql.min.js"
cp "$work/graphiql/package/graphiql.min.css" "$assets/graphiql.min.css"
cp "$work/react/package/umd/react.production.min.js" "$assets/react.production.min.js"
cp "$work/react-dom/package/umd/react-dom.production.min.js" "$assets/react-dom.production.min.js"

{
	for pkg in graphiql react react-dom; do
		version=$(node -e 'process.stdout.write(require(process.argv[1]).version)' "$work/$pkg/package/package.json")
		echo "==== $pkg@$version ===="
		cat "$work/$pkg/package/LICENSE"
		echo
	done
} >"$assets/THIRD_PARTY_LICENSES.txt"

sha() { sha256sum "$assets/$1" | cut -d' ' -f1; }

{
	echo "# Third-party files embedded by web/graphiql; written by update-assets.sh."
	echo "# package@version  tarball-integrity"
	echo "#   sha256  file (copied byte for byte from the package)"
	echo "graphiql@$GRAPHIQL_VERSION  $graphiql_integrity"
	echo "  $(sha graphiql.min.js)  graphiql.min.js  (package/graphiql.min.js)"
	echo "  $(sha graphiql.min.css)  graphiql.min.css  (package/graphiql.min.css)"
	echo "react@$REACT_VERSION  $react_integrity"
	echo "  $(sha react.production.min.js)  react.production.min.js  (package/umd/react.production.min.js)"
	echo "react-dom@$REACT_DOM_VERSION  $react_dom_integrity"
	echo "  $(sha react-dom.production.min.js)  react-dom.production.min.js  (package/umd/react-dom.production.min.js)"
} >"$assets/VERSIONS"

cat "$assets/VERSIONS"
ls -l "$assets"
