// Package hostile holds the hostile-traffic suite (its tests): castgraph is
// built from the checkout and served as its own process, under a memory
// limit, on the real Neo4j, and sent what an attacker would send — deep
// nesting, page sizes that multiply, alias and fragment bombs, huge filters,
// oversized and malformed bodies, cross-site uploads, zip bombs, clients that
// leave, crowds. The suite checks each is refused with its code, that the
// server keeps answering within its memory bound, and that Neo4j is left
// with nothing running. The package's own code builds the hostile documents
// and files, which graph's in-process tests send too.
package hostile
