package store

// What the external tests of package store_test need to see inside.

// AdoptKeysCypher is adoptKeysCypher, for the test of its plan.
var AdoptKeysCypher = adoptKeysCypher
