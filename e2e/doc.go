// Package e2e holds castgraph's end-to-end tests: they start the real server
// (see startServer in server_test.go) and drive it the way an analyst does,
// including through a real headless Chromium (browser_test.go).
//
// The browser test needs Debian's Chromium at /usr/bin/chromium
// (`apt-get install -y chromium`), or the path of another Chromium in the
// environment variable CHROMIUM. It fails, rather than skips, when the
// browser is missing.
package e2e
