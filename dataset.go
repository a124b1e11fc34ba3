package castgraph

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Dataset is a curated batch of nodes and relationships, such as the 2024
// plan seed or the demo roster (data/*.json). Its ids are the ids the nodes
// get when new; a node whose natural key exists already keeps its old id.
type Dataset struct {
	Source        string           `json:"source"`
	Nodes         []DatasetNode    `json:"nodes"`
	Relationships []DatasetRelship `json:"relationships"`
}

// DatasetNode is one node of a dataset.
type DatasetNode struct {
	ID          string         `json:"id"`
	Kind        Kind           `json:"kind"`
	Name        string         `json:"name"`
	Aliases     []string       `json:"aliases,omitempty"`
	Description *string        `json:"description,omitempty"`
	Props       map[string]any `json:"props,omitempty"`
	Source      string         `json:"source"`
	// Provenance, when given (a dump gives it), is restored as it is
	// instead of being made from Source: see DatasetProvenance.
	Provenance *DatasetProvenance `json:"provenance,omitempty"`
}

// DatasetRelship is one relationship of a dataset, between dataset ids.
type DatasetRelship struct {
	Type       RelType            `json:"type"`
	From       string             `json:"from"`
	To         string             `json:"to"`
	Props      map[string]any     `json:"props,omitempty"`
	Source     string             `json:"source"`
	Provenance *DatasetProvenance `json:"provenance,omitempty"`
}

// DatasetProvenance is the whole provenance of a node or relationship as
// the graph keeps it, for a backup (castgraph dump) to restore exactly:
// every source, each source's assertions (source and actor, as stored), the
// times in RFC 3339 and each source's first and last assertion, aligned with
// Sources.
type DatasetProvenance struct {
	Sources     []string `json:"sources"`
	Assertions  []string `json:"assertions,omitempty"`
	CreatedAt   string   `json:"createdAt"`
	UpdatedAt   string   `json:"updatedAt"`
	ChangedAt   string   `json:"changedAt,omitempty"`
	SourceFirst []string `json:"sourceFirst,omitempty"`
	SourceLast  []string `json:"sourceLast,omitempty"`
}

// ReadDataset decodes a dataset strictly: unknown fields are errors.
func ReadDataset(r io.Reader, name string) (*Dataset, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	dec.UseNumber()
	var d Dataset
	if err := dec.Decode(&d); err != nil {
		return nil, Errorf(EINVALID, name, "cannot read dataset: %v", err)
	}
	return &d, nil
}

// Merge appends the nodes and relationships of other datasets, so that
// datasets referring to each other's ids can be checked and loaded as one.
func (d *Dataset) Merge(others ...*Dataset) {
	for _, o := range others {
		d.Nodes = append(d.Nodes, o.Nodes...)
		d.Relationships = append(d.Relationships, o.Relationships...)
	}
}

// Check validates every node and relationship and coerces property values in
// place; errors name the offending entry, e.g. nodes[12].props.year. Every
// relationship must join two nodes of the dataset.
func (d *Dataset) Check() error { return d.CheckWith(CheckOptions{}) }

// CheckOptions widens Check for a dataset that is one part of a larger load
// (see store.LoadBatches).
type CheckOptions struct {
	// Known gives the kind of each id that the dataset's relationships refer
	// to but none of its nodes has: nodes already in the graph. An id in
	// neither the dataset nor Known is an error.
	Known map[string]Kind
	// NodeOffset and RelOffset are added to the indexes in error paths, so
	// that errors name the entry in the whole stream, not in the part.
	NodeOffset, RelOffset int
}

// maxListedErrors caps the errors one Check lists; a bad 10 000-row batch
// would otherwise produce a message of megabytes.
const maxListedErrors = 20

// CheckWith is Check for a dataset whose relationships may also refer to the
// nodes in o.Known.
func (d *Dataset) CheckWith(o CheckOptions) error {
	kinds := map[string]Kind{}
	var errs []string
	add := func(err error) {
		if err != nil {
			errs = append(errs, err.Error())
		}
	}
	for i := range d.Nodes {
		n := &d.Nodes[i]
		at := fmt.Sprintf("nodes[%d]", i+o.NodeOffset)
		spec, ok := SpecOf(n.Kind)
		switch {
		case strings.TrimSpace(n.ID) == "":
			add(Errorf(EINVALID, at+".id", "id must not be empty"))
		case kinds[n.ID] != "":
			add(Errorf(EINVALID, at+".id", "id %q appears twice", n.ID))
		case !ok:
			add(Errorf(EINVALID, at+".kind", "unknown kind %q", n.Kind))
		case strings.TrimSpace(n.Source) == "":
			add(Errorf(EINVALID, at+".source", "source must not be empty"))
		case CheckSource(n.Source, at+".source") != nil:
			add(CheckSource(n.Source, at+".source"))
		default:
			kinds[n.ID] = n.Kind
			name := n.Name
			in := NodeInput{Name: &name, Aliases: n.Aliases, Description: n.Description, Props: n.Props}
			add(spec.CheckNode(&in, true, at))
			n.Name = name
		}
	}
	where := "no node has id %q"
	if o.Known != nil {
		where = "no node has id %q, neither in the dataset nor in the graph"
	}
	kindOf := func(id string) Kind {
		if k := kinds[id]; k != "" {
			return k
		}
		return o.Known[id]
	}
	for i := range d.Relationships {
		r := &d.Relationships[i]
		at := fmt.Sprintf("relationships[%d]", i+o.RelOffset)
		spec, ok := RelSpecOf(r.Type)
		if !ok {
			add(Errorf(EINVALID, at+".type", "unknown relationship type %q", r.Type))
			continue
		}
		from, to := kindOf(r.From), kindOf(r.To)
		switch {
		case from == "":
			add(Errorf(EINVALID, at+".from", where, r.From))
		case to == "":
			add(Errorf(EINVALID, at+".to", where, r.To))
		case !spec.Allows(from, to):
			add(Errorf(EINVALID, at, "%s cannot run from a %s to a %s", r.Type, from, to))
		case strings.TrimSpace(r.Source) == "":
			add(Errorf(EINVALID, at+".source", "source must not be empty"))
		case CheckSource(r.Source, at+".source") != nil:
			add(CheckSource(r.Source, at+".source"))
		default:
			if r.Props == nil {
				r.Props = map[string]any{}
			}
			add(spec.CheckProps(r.Props, at+".props"))
		}
	}
	if len(errs) > 0 {
		listed := errs
		if len(listed) > maxListedErrors {
			listed = append(listed[:maxListedErrors:maxListedErrors], fmt.Sprintf("… and %d more", len(errs)-maxListedErrors))
		}
		if len(errs) == 1 {
			return Errorf(EINVALID, "", "the dataset has 1 error:\n%s", errs[0])
		}
		return Errorf(EINVALID, "", "the dataset has %d errors:\n%s", len(errs), strings.Join(listed, "\n"))
	}
	return nil
}

// ExternalRefs returns the ids that the dataset's relationships refer to but
// none of its nodes has, each once, in order of first use.
func (d *Dataset) ExternalRefs() []string {
	own := make(map[string]bool, len(d.Nodes))
	for _, n := range d.Nodes {
		own[n.ID] = true
	}
	var out []string
	seen := map[string]bool{}
	for _, r := range d.Relationships {
		for _, id := range [2]string{r.From, r.To} {
			if !own[id] && !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	return out
}

// Rows is the number of nodes and relationships in the dataset.
func (d *Dataset) Rows() int { return len(d.Nodes) + len(d.Relationships) }
