// Package explore serves the graph explorer: a page that searches the graph,
// draws a node's neighbourhood, expands nodes on click, filters by kind and
// relationship type, highlights the shortest paths between two nodes and
// shows a node's properties, relationships and provenance. It speaks Chinese
// by default, with an English switch.
//
// Like web/graphiql, everything comes from the binary, so the page works on
// intranets without internet: the HTML page, castgraph's own script and
// stylesheet, and cytoscape's minified build (copied byte for byte from its
// npm package by update-assets.sh; assets/VERSIONS records the version and
// the sha256). The Content-Security-Policy allows only 'self': no inline
// script or style, no CDN, no request off the origin.
//
// The page talks to the GraphQL API only through the fields every client
// has (search, neighborhood, node, paths); it learns the kinds, relationship
// types, their properties and their display names in Chinese and English
// from registry.json, which the handler builds from the domain registry
// (castgraph.Kinds, castgraph.Relations, labels.go), so a new kind or type
// appears in the legend and filters without touching the script. Personal
// properties are left out of registry.json: the page never asks for them.
//
// Sign-in: the page sends no credentials until the API refuses it (401, as
// with CASTGRAPH_ANONYMOUS=none); then it asks for an API token and sends it
// as a bearer token. The token is kept in the page's memory only, as
// GraphiQL keeps its headers, so it does not outlive the tab.
package explore
