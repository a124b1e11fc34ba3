// Package e2e holds castgraph's end-to-end tests: they start the real server
// (see startServer in server_test.go) and drive it the way an analyst does,
// including through a real headless Chromium: GraphiQL (browser_test.go,
// graphiql_examples_test.go) and the graph explorer (explore_test.go).
// examples_test.go runs GraphiQL's example operations against the demo data.
//
// The browser tests need Debian's Chromium at /usr/bin/chromium
// (`apt-get install -y chromium`), or the path of another Chromium in the
// environment variable CHROMIUM. They fail, rather than skip, when the
// browser is missing. With CASTGRAPH_SCREENSHOTS set to a directory they
// save their screenshots there (docs/ holds the ones README.md shows).
package e2e
