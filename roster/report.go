package roster

import (
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/castgraph/castgraph"
)

// Issue codes. Errors reject their row; warnings only inform.
const (
	// Errors.
	CodeRequired        = "REQUIRED"            // a required cell is empty
	CodeBadDate         = "BAD_DATE"            // not a date
	CodeBadBoolean      = "BAD_BOOLEAN"         // not yes or no
	CodeBadCreditCode   = "BAD_CREDIT_CODE"     // not a valid unified social credit code
	CodeBadValue        = "BAD_VALUE"           // a value the field does not allow, or too long
	CodeBadType         = "BAD_TYPE"            // JSON Lines: a value of the wrong type
	CodeBadRecord       = "BAD_RECORD"          // the line or row cannot be read
	CodeDuplicateRow    = "DUPLICATE_ROW"       // an earlier row of the file says the same
	CodeNotFound        = "REFERENCE_NOT_FOUND" // names something that must exist and does not
	CodeAmbiguous       = "AMBIGUOUS_REFERENCE" // names something that several nodes could be
	CodeMissingColumn   = "MISSING_COLUMN"      // the header lacks a required column (fatal)
	CodeStrictRejection = "STRICT"              // strict import: nothing written because of other errors
	CodeCreateLimit     = "CREATE_LIMIT"        // -create-missing: the import has created the most nodes it may
	// Warnings.
	CodeUnknownColumn   = "UNKNOWN_COLUMN"   // a column no field takes: ignored
	CodeIgnoredColumn   = "IGNORED_COLUMN"   // a field this kind of roster does not use: ignored
	CodeDuplicateColumn = "DUPLICATE_COLUMN" // a second column for one field: ignored
	CodeExtraCells      = "EXTRA_CELLS"      // cells right of the last header: ignored
)

// Severities of issues.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
)

// Issue is one problem found in a roster: the row (as the user sees it – the
// spreadsheet row or the line of a text file; 0 for the file as a whole),
// the column (its header as written), a code and a message.
type Issue struct {
	Row      int    `json:"row"`
	Column   string `json:"column"`
	Code     string `json:"code"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

// ColumnMapping says which field a column of the file was read as.
type ColumnMapping struct {
	Column string `json:"column"`
	Field  Field  `json:"field"`
}

// MaxListedIssues caps the issues a report lists; the counts go on.
const MaxListedIssues = 100_000

// CreatedNode is a node the import created for review (Options.CreateMissing)
// – in a dry run, one it would create: its kind, name and id, and the first
// row (and column) that named it.
type CreatedNode struct {
	Kind   castgraph.Kind `json:"kind"`
	Name   string         `json:"name"`
	ID     string         `json:"id"`
	Row    int            `json:"row"`
	Column string         `json:"column"`

	key string
}

// Report is what an import did: machine-readable (WriteCSV, WriteJSON) and
// summed up for people (Summary).
type Report struct {
	File     string          `json:"file"`
	Source   string          `json:"source"`
	Kind     Kind            `json:"kind"`
	Format   Format          `json:"format"`
	Encoding string          `json:"encoding,omitempty"`
	Sheet    string          `json:"sheet,omitempty"`
	Columns  []ColumnMapping `json:"columns"`
	DryRun   bool            `json:"dryRun"`
	Strict   bool            `json:"strict"`
	// Written is true when the import wrote to the graph (not a dry run,
	// not a strict import stopped by bad rows).
	Written bool `json:"written"`
	// Complete is false when the import stopped before the end of the file
	// (cancelled or failed); what was committed before stays.
	Complete     bool `json:"complete"`
	RowsRead     int  `json:"rowsRead"`
	RowsOK       int  `json:"rowsOk"`
	RowsRejected int  `json:"rowsRejected"`
	// NodesCreated … count what the writes did; a re-run of the same file
	// creates and updates nothing.
	NodesCreated         int `json:"nodesCreated"`
	NodesUpdated         int `json:"nodesUpdated"`
	RelationshipsCreated int `json:"relationshipsCreated"`
	RelationshipsUpdated int `json:"relationshipsUpdated"`
	Batches              int `json:"batches"`
	// IgnoredColumns are the headers of the columns whose cells the import
	// did not read (unknown, not used by the kind, a second column of a
	// field); a column a mapping ignores on purpose is not among them.
	IgnoredColumns []string `json:"ignoredColumns"`
	// Created lists the nodes made for review (needsReview), in the order
	// made; CreatedByKind counts them. A dry run lists what it would make.
	Created       []CreatedNode  `json:"created"`
	CreatedByKind map[string]int `json:"createdByKind"`
	Seconds       float64        `json:"seconds"`
	IssueCount    int            `json:"issueCount"`
	IssuesByCode  map[string]int `json:"issuesByCode"`
	Issues        []Issue        `json:"issues"`
	// Error is the error that stopped the import, if one did.
	Error string `json:"error,omitempty"`

	mu       sync.Mutex
	rejected map[int]bool
}

func newReport() *Report {
	return &Report{IssuesByCode: map[string]int{}, Issues: []Issue{}, rejected: map[int]bool{},
		IgnoredColumns: []string{}, Created: []CreatedNode{}, CreatedByKind: map[string]int{}}
}

// addCreated records a node made for review.
func (r *Report) addCreated(c CreatedNode) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.CreatedByKind[string(c.Kind)]++
	if len(r.Created) < MaxListedIssues {
		r.Created = append(r.Created, c)
	}
}

// add records an issue; an error rejects its row.
func (r *Report) add(is Issue) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.IssueCount++
	r.IssuesByCode[is.Code]++
	if len(r.Issues) < MaxListedIssues {
		r.Issues = append(r.Issues, is)
	}
}

func (r *Report) errorf(row int, column, code, format string, args ...any) {
	r.add(Issue{Row: row, Column: column, Code: code, Severity: SeverityError, Message: fmt.Sprintf(format, args...)})
}

func (r *Report) warnf(row int, column, code, format string, args ...any) {
	r.add(Issue{Row: row, Column: column, Code: code, Severity: SeverityWarning, Message: fmt.Sprintf(format, args...)})
}

// finish sorts the issues by row and column.
func (r *Report) finish(took time.Duration) {
	r.Seconds = took.Seconds()
	slices.SortStableFunc(r.Issues, func(a, b Issue) int {
		return cmp.Or(cmp.Compare(a.Row, b.Row), cmp.Compare(a.Column, b.Column))
	})
}

// Errors returns the listed issues that are errors.
func (r *Report) Errors() []Issue {
	var out []Issue
	for _, is := range r.Issues {
		if is.Severity == SeverityError {
			out = append(out, is)
		}
	}
	return out
}

// WriteJSON writes the report as one JSON object.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// WriteCSV writes the issues as CSV: row, column, code, severity, message.
func (r *Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"row", "column", "code", "severity", "message"}); err != nil {
		return err
	}
	for _, is := range r.Issues {
		if err := cw.Write([]string{strconv.Itoa(is.Row), is.Column, is.Code, is.Severity, is.Message}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Summary sums the report up in a few lines for people.
func (r *Report) Summary() string {
	var b strings.Builder
	mode := "imported"
	switch {
	case r.DryRun:
		mode = "checked (dry run, nothing written)"
	case r.Strict && !r.Written:
		mode = "checked (strict: nothing written because of bad rows)"
	case !r.Complete:
		mode = "partly imported (stopped early; re-run the same file to finish)"
	}
	where := string(r.Format)
	if r.Sheet != "" {
		where += ", sheet " + strconv.Quote(r.Sheet)
	}
	if r.Encoding != "" {
		where += ", " + r.Encoding
	}
	fmt.Fprintf(&b, "%s roster %s (%s): %s\n", r.Kind, r.File, where, mode)
	fmt.Fprintf(&b, "rows: %d read, %d ok, %d rejected\n", r.RowsRead, r.RowsOK, r.RowsRejected)
	if r.Written {
		fmt.Fprintf(&b, "nodes: %d created, %d updated; relationships: %d created, %d updated (%d batches, %.1f s",
			r.NodesCreated, r.NodesUpdated, r.RelationshipsCreated, r.RelationshipsUpdated, r.Batches, r.Seconds)
		if r.Seconds > 0 {
			fmt.Fprintf(&b, ", %.0f rows/s", float64(r.RowsRead)/r.Seconds)
		}
		b.WriteString(")\n")
	}
	if len(r.CreatedByKind) > 0 {
		verb := "created for review (needsReview)"
		if !r.Written {
			verb = "would create for review (needsReview)"
		}
		fmt.Fprintf(&b, "%s: %s\n", verb, createdCounts(r.CreatedByKind))
	}
	if n := len(r.IgnoredColumns); n > 0 {
		word := "columns"
		if n == 1 {
			word = "column"
		}
		fmt.Fprintf(&b, "%d %s ignored: %s\n", n, word, strings.Join(r.IgnoredColumns, ", "))
	}
	if r.IssueCount > 0 {
		codes := make([]string, 0, len(r.IssuesByCode))
		for c := range r.IssuesByCode {
			codes = append(codes, c)
		}
		slices.Sort(codes)
		parts := make([]string, len(codes))
		for i, c := range codes {
			parts[i] = fmt.Sprintf("%s %d", c, r.IssuesByCode[c])
		}
		fmt.Fprintf(&b, "issues: %d (%s)", r.IssueCount, strings.Join(parts, ", "))
		if r.IssueCount > len(r.Issues) {
			fmt.Fprintf(&b, "; the first %d are listed", len(r.Issues))
		}
		b.WriteString("\n")
	}
	if r.Error != "" {
		fmt.Fprintf(&b, "stopped: %s\n", r.Error)
	}
	return b.String()
}

// createdCounts says how many nodes of each kind were made: "4 societies,
// 1 park", in the registry's order of kinds.
func createdCounts(byKind map[string]int) string {
	var parts []string
	for _, ks := range castgraph.Kinds {
		n := byKind[string(ks.Kind)]
		if n == 0 {
			continue
		}
		word := kindPlural(ks.Kind)
		if n == 1 {
			word = kindWord(ks.Kind)
		}
		parts = append(parts, fmt.Sprintf("%d %s", n, word))
	}
	return strings.Join(parts, ", ")
}
