// Package graphiql serves GraphiQL, the in-browser GraphQL IDE, entirely from
// the castgraph binary.
//
// Analysts often reach castgraph from intranets with no internet access, where
// gqlgen's stock playground (which loads React and GraphiQL from a CDN) shows a
// blank page. [Handler] instead serves an HTML page, a small bootstrap script
// and the minified UMD builds of GraphiQL 3, its explorer plugin (which builds
// queries by ticking fields), React 18 and ReactDOM 18, all embedded with
// go:embed. The third-party files are copied byte for byte from their npm
// packages by update-assets.sh; assets/VERSIONS records each package's
// version and the sha256 of each file.
//
// The editor opens with [Examples] (examples.graphql): named operations, one
// for each question analysts ask, which e2e/examples_test.go runs against the
// schema and the demo data. A URL may bring its own document instead
// (?query=…&variables=…&operationName=…), as the graph explorer's links do.
//
// What this package must not do:
//   - reference anything outside the serving origin: no CDN, no web font, no
//     analytics, no absolute URL in the page. Every script, stylesheet and
//     font comes from the handler itself (fonts are data: URLs inside
//     graphiql.min.css), and the Content-Security-Policy it sends allows only
//     'self' (plus data: for fonts and images) so a regression fails loudly in
//     the browser instead of silently phoning out;
//   - run inline script: the page has none, the bootstrap lives in its own
//     embedded file, and script-src is 'self' only;
//   - fetch or build anything at run time or at go build time: no npm, no
//     network, nothing outside the embedded files;
//   - depend on castgraph's schema or resolvers in code: it only points
//     GraphiQL at the endpoint it is given, which must be on the same origin
//     (connect-src is 'self'); the examples are text, checked by e2e tests.
package graphiql
