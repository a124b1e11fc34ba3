// Package roster imports the rosters that associations keep in Excel and CSV
// – experts, society members, enterprises, overseas-station contacts and
// expert-to-enterprise service assignments, and the reference data they
// name: societies, parks, overseas stations, institutions, industry
// clusters and chains, programs and regions – into the graph.
//
// An import reads a file row by row (CSV, TSV, XLSX, JSON Lines; UTF-8,
// UTF-16 or GB18030/GBK), maps its columns to fields by header (Chinese
// headers included) or by a mapping file, validates every row, resolves the
// entities each row names (entity resolution: names normalised by
// castgraph.NormalizeName, enterprises by credit code), and writes whole rows
// in batched write transactions through store.ImportTx, merging on natural
// keys so that a re-run changes nothing. Every problem becomes an Issue
// naming the row and column; a bad row never stops the good ones unless the
// import is strict. Reference data a row names must exist (a name that finds
// nothing is told the nearest names of its kind), unless the import may
// create it for review (Options.CreateMissing, bounded by MaxCreated).
//
// It holds the rules of rosters – which column is which field, what must
// exist, when two names are one entity – and must not speak Cypher (store
// does) or know about HTTP and GraphQL (graph and cmd do). README.md beside
// this file documents the formats, headers and report.
package roster
