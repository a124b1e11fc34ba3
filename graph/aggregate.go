package graph

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/graph/model"
	"github.com/castgraph/castgraph/store"
)

// aggregate answers a kind's aggregate field (expertsAggregate, …): the
// filter is read like a list's (parseArgs: the registry's checks, the
// refusal of personal fields), the grouping and the rest go to the store
// as they are. No read-ahead reaches an aggregate, so gqlgen's arguments are
// the only reading of them.
func (r *queryResolver) aggregate(ctx context.Context, kind castgraph.Kind, where, groupBy map[string]any, reaching *model.Reach, min, max []string, first *int) (*model.Aggregate, error) {
	cond, err := whereOf(ctx, kind, where)
	if err != nil {
		return nil, err
	}
	a := store.Aggregation{Where: cond, First: castgraph.DefaultAggregateGroups}
	if first != nil {
		a.First = *first
	}
	if g, _ := plain(groupBy).(map[string]any); g != nil {
		if p, ok := g["property"].(string); ok {
			a.GroupBy = camel(p)
		}
		for _, f := range asList(g["related"]) {
			s, _ := f.(string)
			a.GroupPath = append(a.GroupPath, s)
		}
	}
	if reaching != nil {
		a.Reach = &store.Reach{Path: reaching.Path, AtLeast: reaching.AtLeast, AtMost: reaching.AtMost}
	}
	for _, p := range min {
		a.Min = append(a.Min, camel(p))
	}
	for _, p := range max {
		a.Max = append(a.Max, camel(p))
	}
	if sel, ok := selectionOf(ctx); ok {
		a.Count = slices.Contains(sel.fields(), "count")
	}
	res, err := r.Store.Aggregate(ctx, kind, a)
	if err != nil {
		return nil, err
	}
	out := &model.Aggregate{Count: res.Count, HasMoreGroups: res.More, Groups: []*model.AggregateGroup{}}
	for _, g := range res.Groups {
		view := &model.AggregateGroup{Count: g.Count, Min: fieldValues(a.Min, g.Min), Max: fieldValues(a.Max, g.Max)}
		if g.Key != nil {
			key := valueText(g.Key)
			view.Key = &key
		}
		if g.Node != nil {
			view.Node = model.Wrap(g.Node)
		}
		out.Groups = append(out.Groups, view)
	}
	return out, nil
}

// fieldValues lists the values of the properties in the order asked.
func fieldValues(props []string, values map[string]any) []*model.FieldValue {
	out := make([]*model.FieldValue, 0, len(props))
	for _, p := range props {
		fv := &model.FieldValue{Field: p}
		if v := values[p]; v != nil {
			s := valueText(v)
			fv.Value = &s
		}
		out = append(out, fv)
	}
	return out
}

// valueText writes a property value as text: dates as YYYY-MM-DD, times in
// RFC 3339, the rest as Go prints them.
func valueText(v any) string {
	switch x := v.(type) {
	case time.Time:
		return x.Format(time.RFC3339)
	case fmt.Stringer:
		return x.String()
	case string:
		return x
	}
	return fmt.Sprint(v)
}
