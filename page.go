package castgraph

// Page sizes: one place for the defaults and caps of every list and
// relationship field, which the schema's descriptions, the store's windows
// and the cost model all read. Asking for more than a cap is an
// INVALID_ARGUMENT error, never a silent cut.
const (
	// DefaultListPage is a list's page when a query gives neither first nor last.
	DefaultListPage = 20
	// MaxListPage caps first and last of a list of a kind.
	MaxListPage = 500
	// DefaultRelatedPage is a relationship field's page when a query gives
	// neither first nor last.
	DefaultRelatedPage = 100
	// MaxRelatedPage caps first and last of a relationship field (per node).
	MaxRelatedPage = 1000
	// DefaultAggregateGroups is how many groups an aggregation returns when
	// a query does not say; MaxAggregateGroups caps it.
	DefaultAggregateGroups = 50
	MaxAggregateGroups     = 500
)
