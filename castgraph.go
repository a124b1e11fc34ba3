// Package castgraph is the domain of the castgraph knowledge graph: the kinds of
// node, the kinds of relationship between them, their properties, and the error
// codes every layer speaks.
//
// It is the root of the dependency tree in the spirit of Ben Johnson's Standard
// Package Layout: every other package imports it and it imports none of them.
// It must not speak Cypher, HTTP or GraphQL; store/, graph/ and cmd/ do that.
package castgraph

import (
	"io"
	"strconv"
	"time"
)

// Node is one entity of the graph: an organisation, a person, a program, a
// place or a piece of the yearly plan. Kind-specific properties live in Props
// under the names declared by the kind's PropSpecs.
type Node struct {
	ID          string
	Kind        Kind
	Name        string
	Aliases     []string
	Description *string
	// Props holds the kind's own properties: string, int64, bool or Date values.
	Props      map[string]any
	Provenance Provenance
}

// Provenance says why the graph holds a node or relationship: every source that
// asserted it ("plan 2024, item 5", "api", a roster file and row) and when it
// was first and last written.
type Provenance struct {
	Sources []string
	// Assertions pair each source with the actor who wrote it (one entry
	// per pair): writes from before the audit trail have none.
	Assertions []Assertion
	CreatedAt  time.Time
	UpdatedAt  time.Time
	// ChangedAt is when it last changed or gained a source.
	ChangedAt time.Time
	// SourceTimes say when each source first and last asserted it, in the
	// order of Sources.
	SourceTimes []SourceTime
}

// SourceTime is when one source first and last asserted a node or
// relationship. Data written before these were kept has the node's
// createdAt and updatedAt.
type SourceTime struct {
	Source      string
	First, Last time.Time
}

// Edge is a relationship seen from one of its ends: Other is the node at the
// far end, Outgoing says whether the relationship points from the near end to
// Other.
type Edge struct {
	Type       RelType
	NearID     string
	Other      *Node
	Outgoing   bool
	Props      map[string]any
	Provenance Provenance
}

// Date is a calendar date (YYYY-MM-DD) without time or zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate reads a YYYY-MM-DD date.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, err
	}
	return Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}, nil
}

// String formats the date as YYYY-MM-DD.
// MarshalJSON writes the date as datasets write it: "YYYY-MM-DD".
func (d Date) MarshalJSON() ([]byte, error) { return []byte(`"` + d.String() + `"`), nil }

func (d Date) String() string {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

// MarshalGQL writes the date as a GraphQL string; gqlgen finds it by its signature.
func (d Date) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, strconv.Quote(d.String()))
}

// UnmarshalGQL reads a YYYY-MM-DD string.
func (d *Date) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return Errorf(EINVALID, "", "a date must be a string YYYY-MM-DD")
	}
	parsed, err := ParseDate(s)
	if err != nil {
		return Errorf(EINVALID, "", "a date must be YYYY-MM-DD, got %q", s)
	}
	*d = parsed
	return nil
}
