#!/usr/bin/env bash
# update-assets.sh: (re)fetch the third-party files that web/graphiql embeds.
#
# It runs `npm pack` for pinned versions of graphiql, @graphiql/plugin-explorer,
# react and react-dom (through whatever registry npm is configured to use),
# copies only the minified UMD bundles the page loads into assets/, gathers
# their licences
# into assets/THIRD_PARTY_LICENSES.txt and writes assets/VERSIONS with each
# package's version, tarball integrity and the sha256 of every copied file.
#
# To upgrade, change the pins below, run this script, then run
# `go test ./web/graphiql/ ./e2e/ -run 'Browser|.' -count=1` and look at the
# page (e2e/browser_test.go drives it in Chromium). GraphiQL 5 no longer ships
# a UMD build (it needs a bundler), so stay on a version that has
# graphiql.min.js at the package root; bootstrap.js is written against the
# 3.x API. React must stay on 18, the last major with UMD builds.
#
# The explorer plugin's UMD build takes React from the global React and
# GraphiQL's own copies of @graphiql/react and graphql from the globals
# GraphiQL.React and GraphiQL.GraphQL, which graphiql.min.js 3.x sets; its
# version must want the @graphiql/react that graphiql depends on (3.2.6
# wants ^0.29, as graphiql 3.9.0 has). It bundles OneGraph's
# graphiql-explorer (MIT), whose licence the package does not ship, so it is
# written out below.
set -euo pipefail

GRAPHIQL_VERSION=3.9.0
EXPLORER_VERSION=3.2.6
GRAPHIQL_EXPLORER_VERSION=0.9.0 # bundled inside the plugin; fetched for its licence
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
	# A scoped package's tarball is named without the @ and with - for /.
	tar -xzf "$dir/$(node -e 'process.stdout.write(require(process.argv[1])[0].filename)' "$dir/pack.json")" -C "$dir"
	node -e 'const p=require(process.argv[1]);process.stdout.write(p[0].integrity)' "$dir/pack.json"
}

graphiql_integrity=$(pack graphiql "$GRAPHIQL_VERSION")
explorer_integrity=$(pack @graphiql/plugin-explorer "$EXPLORER_VERSION")
graphiql_explorer_integrity=$(pack graphiql-explorer "$GRAPHIQL_EXPLORER_VERSION")
react_integrity=$(pack react "$REACT_VERSION")
react_dom_integrity=$(pack react-dom "$REACT_DOM_VERSION")

mkdir -p "$assets"
rm -f "$assets"/*.js "$assets"/*.css "$assets/VERSIONS" "$assets/THIRD_PARTY_LICENSES.txt"

# Only files loaded by index.html: nothing else from the packages is kept.
cp "$work/graphiql/package/graphiql.min.js" "$assets/graphiql.min.js"
cp "$work/graphiql/package/graphiql.min.css" "$assets/graphiql.min.css"
cp "$work/@graphiql/plugin-explorer/package/dist/index.umd.js" "$assets/graphiql-plugin-explorer.umd.js"
cp "$work/@graphiql/plugin-explorer/package/dist/style.css" "$assets/graphiql-plugin-explorer.css"
cp "$work/react/package/umd/react.production.min.js" "$assets/react.production.min.js"
cp "$work/react-dom/package/umd/react-dom.production.min.js" "$assets/react-dom.production.min.js"

{
	for pkg in graphiql @graphiql/plugin-explorer graphiql-explorer react react-dom; do
		version=$(node -e 'process.stdout.write(require(process.argv[1]).version)' "$work/$pkg/package/package.json")
		license=$(node -e 'process.stdout.write(require(process.argv[1]).license)' "$work/$pkg/package/package.json")
		echo "==== $pkg@$version ($license) ===="
		if [ -f "$work/$pkg/package/LICENSE" ]; then
			cat "$work/$pkg/package/LICENSE"
		else
			# @graphiql/plugin-explorer ships no LICENSE file: it is part of
			# the GraphiQL monorepo, under graphiql's MIT licence above.
			echo "MIT licence (package.json); the licence text is graphiql's above."
		fi
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
	echo "@graphiql/plugin-explorer@$EXPLORER_VERSION  $explorer_integrity"
	echo "  $(sha graphiql-plugin-explorer.umd.js)  graphiql-plugin-explorer.umd.js  (package/dist/index.umd.js)"
	echo "  $(sha graphiql-plugin-explorer.css)  graphiql-plugin-explorer.css  (package/dist/style.css)"
	echo "graphiql-explorer@$GRAPHIQL_EXPLORER_VERSION  $graphiql_explorer_integrity  (bundled inside graphiql-plugin-explorer.umd.js; only its licence is kept)"
	echo "react@$REACT_VERSION  $react_integrity"
	echo "  $(sha react.production.min.js)  react.production.min.js  (package/umd/react.production.min.js)"
	echo "react-dom@$REACT_DOM_VERSION  $react_dom_integrity"
	echo "  $(sha react-dom.production.min.js)  react-dom.production.min.js  (package/umd/react-dom.production.min.js)"
} >"$assets/VERSIONS"

cat "$assets/VERSIONS"
ls -l "$assets"
