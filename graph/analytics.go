package graph

// Resolvers of the analyst queries (schema/analytics.graphqls): arguments in,
// one store call, domain results turned into GraphQL views.

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/graph/model"
	"github.com/castgraph/castgraph/store"
	"github.com/vektah/gqlparser/v2/ast"
)

func (r *queryResolver) ExpertsServingCluster(ctx context.Context, clusterID, clusterName *string, first *int) ([]*model.ClusterExpert, error) {
	id, err := r.nodeRef(ctx, []castgraph.Kind{castgraph.KindIndustryCluster}, clusterID, clusterName, "clusterId", "clusterName")
	if err != nil {
		return nil, err
	}
	rows, err := r.Store.ExpertsServingCluster(ctx, id, intArg(first, 50))
	if err != nil {
		return nil, err
	}
	out := make([]*model.ClusterExpert, len(rows))
	for i, row := range rows {
		out[i] = &model.ClusterExpert{
			Expert: &model.Expert{Node: row.Expert}, Enterprises: wrapNodes(row.Enterprises, enterpriseView),
			Chains: wrapNodes(row.Chains, chainView), Via: row.Via,
		}
	}
	return out, nil
}

func (r *queryResolver) SocietyParkCooperation(ctx context.Context, first *int) ([]*model.SocietyParkCooperation, error) {
	rows, err := r.Store.SocietyParkCooperation(ctx, intArg(first, 100))
	if err != nil {
		return nil, err
	}
	out := make([]*model.SocietyParkCooperation, len(rows))
	for i, row := range rows {
		out[i] = &model.SocietyParkCooperation{
			Society: &model.Society{Node: row.Society}, Park: &model.Park{Node: row.Park},
			Role: model.PropString(row.Props, "role"), Since: model.PropDate(row.Props, "since"),
			Year: model.PropInt(row.Props, "year"), Provenance: &row.Provenance,
			Clusters: wrapNodes(row.Clusters, clusterView),
		}
	}
	return out, nil
}

func (r *queryResolver) PlanItemReport(ctx context.Context, planItemID *string, year *int, number *int) (*model.PlanItemReport, error) {
	ref := store.PlanItemRef{Year: intArg(year, 0), Number: intArg(number, 0)}
	if planItemID != nil {
		ref.ID = *planItemID
	}
	rep, err := r.Store.PlanItemReport(ctx, ref)
	if err != nil {
		return nil, err
	}
	out := &model.PlanItemReport{Item: &model.PlanItem{Node: rep.Item}, Programs: make([]*model.LaunchedProgram, len(rep.Programs))}
	for i, p := range rep.Programs {
		kind, _ := p.Program.Props["kind"].(string)
		out.Programs[i] = &model.LaunchedProgram{
			Program: &model.Program{Node: p.Program}, Role: model.PropString(p.Props, "role"), Kind: kind,
			RunBy: programTies(p.RunBy), Participants: programTies(p.Participants), ParticipantCount: p.ParticipantCount,
		}
	}
	return out, nil
}

func (r *queryResolver) OverseasStationsIn(ctx context.Context, countryID *string, countryName *string, first *int) (*model.OverseasStationsReport, error) {
	ref := store.CountryRef{}
	if countryID != nil {
		ref.ID = *countryID
	}
	if countryName != nil {
		ref.Name = *countryName
	}
	country, stations, err := r.Store.OverseasStationsIn(ctx, ref, intArg(first, 50))
	if err != nil {
		return nil, err
	}
	out := &model.OverseasStationsReport{Country: &model.Region{Node: country}, Stations: make([]*model.StationReport, len(stations))}
	for i, st := range stations {
		rep := &model.StationReport{Station: &model.OverseasStation{Node: st.Station}, Liaisons: make([]*model.StationLiaison, len(st.Liaisons))}
		for j, l := range st.Liaisons {
			rep.Liaisons[j] = &model.StationLiaison{
				Expert: &model.Expert{Node: l.Expert}, Role: model.PropString(l.Props, "role"),
				Enterprises: wrapNodes(l.Enterprises, enterpriseView),
			}
		}
		out.Stations[i] = rep
	}
	return out, nil
}

func (r *queryResolver) Paths(ctx context.Context, from, fromName, to, toName *string, maxHops *int, relationshipTypes []string, first *int) ([]*model.Path, error) {
	fromID, err := r.nodeRef(ctx, nil, from, fromName, "from", "fromName")
	if err != nil {
		return nil, err
	}
	toID, err := r.nodeRef(ctx, nil, to, toName, "to", "toName")
	if err != nil {
		return nil, err
	}
	q := store.PathQuery{From: fromID, To: toID, MaxHops: intArg(maxHops, 4), First: intArg(first, 10)}
	for _, t := range relationshipTypes {
		q.Types = append(q.Types, castgraph.RelType(t))
	}
	paths, err := r.Store.Paths(ctx, q)
	if err != nil {
		return nil, err
	}
	out := make([]*model.Path, len(paths))
	for i, p := range paths {
		mp := &model.Path{Length: len(p.Steps), Nodes: make([]model.Node, len(p.Nodes)), Relationships: make([]*model.PathStep, len(p.Steps))}
		for j, n := range p.Nodes {
			mp.Nodes[j] = model.Wrap(n)
		}
		for j, s := range p.Steps {
			step := &model.PathStep{Type: string(s.Type), From: s.From, To: s.To, Forward: s.Forward, Provenance: &s.Provenance}
			pathStepProps(step, s.Props)
			mp.Relationships[j] = step
		}
		out[i] = mp
	}
	return out, nil
}

func (r *queryResolver) Neighborhood(ctx context.Context, id, name *string, depth, limit *int, relationshipTypes, kinds []string) (*model.Neighborhood, error) {
	centre, err := r.nodeRef(ctx, nil, id, name, "id", "name")
	if err != nil {
		return nil, err
	}
	q := store.NeighborQuery{ID: centre, Depth: intArg(depth, 1), Limit: intArg(limit, 100)}
	for _, t := range relationshipTypes {
		q.Types = append(q.Types, castgraph.RelType(t))
	}
	for _, k := range kinds {
		q.Kinds = append(q.Kinds, castgraph.Kind(k))
	}
	nb, err := r.Store.Neighborhood(ctx, q)
	if err != nil {
		return nil, err
	}
	out := &model.Neighborhood{Truncated: nb.Truncated, Nodes: make([]*model.GraphNode, len(nb.Nodes)), Edges: make([]*model.GraphEdge, len(nb.Edges))}
	for i, n := range nb.Nodes {
		out.Nodes[i] = &model.GraphNode{ID: n.Node.ID, Kind: string(n.Node.Kind), Label: n.Node.Name, Depth: n.Depth, Node: model.Wrap(n.Node)}
	}
	for i, e := range nb.Edges {
		edge := &model.GraphEdge{ID: string(e.Type) + ":" + e.Source + "->" + e.Target, Source: e.Source, Target: e.Target, Type: string(e.Type), Provenance: &e.Provenance}
		graphEdgeProps(edge, e.Props)
		out.Edges[i] = edge
	}
	return out, nil
}

func (r *queryResolver) Search(ctx context.Context, text string, kinds []string, first *int) ([]*model.SearchHit, error) {
	ks := make([]castgraph.Kind, len(kinds))
	for i, k := range kinds {
		ks[i] = castgraph.Kind(k)
	}
	hits, err := r.Store.Search(ctx, text, ks, intArg(first, 20), hitFields(ctx))
	if err != nil {
		return nil, err
	}
	out := make([]*model.SearchHit, len(hits))
	for i, h := range hits {
		out[i] = &model.SearchHit{Node: model.Wrap(h.Node), Score: h.Score, MatchedField: h.MatchedField}
	}
	return out, nil
}

// nodeRef returns the id that a pair of arguments names, one of the two
// given: the id as it is, or the one node of the kinds (any kind when none)
// that bears the name (store.NamedNodes). A name that several nodes bear is
// INVALID_ARGUMENT listing some of them; one that none bears, NOT_FOUND.
func (r *queryResolver) nodeRef(ctx context.Context, kinds []castgraph.Kind, id, name *string, idArg, nameArg string) (string, error) {
	switch {
	case id != nil && name != nil:
		return "", castgraph.Errorf(castgraph.EINVALID, idArg, "give %s or %s, not both", idArg, nameArg)
	case id != nil:
		return *id, nil
	case name == nil:
		return "", castgraph.Errorf(castgraph.EINVALID, idArg, "give %s or %s", idArg, nameArg)
	}
	const shown = 5
	nodes, err := r.Store.NamedNodes(ctx, kinds, *name, shown)
	var invalid *castgraph.Error
	if errors.As(err, &invalid) && invalid.Code == castgraph.EINVALID {
		return "", castgraph.Errorf(castgraph.EINVALID, nameArg, "%s", invalid.Message)
	}
	if err != nil {
		return "", err
	}
	switch len(nodes) {
	case 0:
		return "", castgraph.Errorf(castgraph.ENOTFOUND, nameArg, "no node is named %q", *name)
	case 1:
		return nodes[0].ID, nil
	}
	ids := make([]string, 0, len(nodes))
	for _, n := range nodes {
		ids = append(ids, n.ID)
	}
	more := ""
	if len(nodes) > shown {
		ids, more = ids[:shown], " and more"
	}
	return "", castgraph.Errorf(castgraph.EINVALID, nameArg, "several nodes are named %q: %s%s; give the id", *name, strings.Join(ids, ", "), more)
}

// hitFields reads what the search's selection asks of the hits' nodes.
func hitFields(ctx context.Context) store.Fields {
	hits, ok := selectionOf(ctx) // of type [SearchHit!]!
	if !ok {
		return store.Fields{}
	}
	var sel ast.SelectionSet
	for _, f := range graphql.CollectFields(hits.op, hits.sel, []string{hits.typeName}) {
		if f.Name == "node" {
			sel = append(sel, f.Selections...)
		}
	}
	return anyKindFields(hits.op, sel)
}

func (r *queryResolver) ExpertsPerCluster(ctx context.Context, includeAffiliated *bool, where map[string]any, source *string, first *int) ([]*model.Breakdown, error) {
	affiliated := includeAffiliated == nil || *includeAffiliated
	cond, err := whereOf(ctx, castgraph.KindExpert, where)
	if err != nil {
		return nil, err
	}
	return breakdownViews(r.Store.ExpertsPerCluster(ctx, affiliated, cond, stringArg(source), intArg(first, 100)))
}

func (r *queryResolver) EnterprisesPerCity(ctx context.Context, where map[string]any, source *string, first *int) ([]*model.Breakdown, error) {
	cond, err := whereOf(ctx, castgraph.KindEnterprise, where)
	if err != nil {
		return nil, err
	}
	return breakdownViews(r.Store.EnterprisesPerCity(ctx, cond, stringArg(source), intArg(first, 100)))
}

func (r *queryResolver) ProgramsPerSection(ctx context.Context, year *int, where map[string]any, source *string, first *int) ([]*model.Breakdown, error) {
	cond, err := whereOf(ctx, castgraph.KindProgram, where)
	if err != nil {
		return nil, err
	}
	return breakdownViews(r.Store.ProgramsPerSection(ctx, intArg(year, 0), cond, stringArg(source), intArg(first, 100)))
}

// whereOf reads a filter argument of a report (not a connection: read once,
// as gqlgen gives it) like a list's, refusals of personal fields included.
func whereOf(ctx context.Context, kind castgraph.Kind, where map[string]any) (store.Cond, error) {
	plan, err := parseArgs(ctx, map[string]any{"where": plain(where)}, kind)
	if err != nil {
		return nil, err
	}
	return plan.Where, nil
}

func (r *queryResolver) NodeCounts(ctx context.Context, source *string) ([]*model.KindCount, error) {
	counts, err := r.Store.NodeCounts(ctx, stringArg(source))
	if err != nil {
		return nil, err
	}
	out := make([]*model.KindCount, len(counts))
	for i, c := range counts {
		out[i] = &model.KindCount{Kind: string(c.Kind), Count: c.Count}
	}
	return out, nil
}

func breakdownViews(counts []store.Count, err error) ([]*model.Breakdown, error) {
	if err != nil {
		return nil, err
	}
	out := make([]*model.Breakdown, len(counts))
	for i, c := range counts {
		out[i] = &model.Breakdown{Key: model.Wrap(c.Node), Count: c.Count}
	}
	return out, nil
}

// programTies turns a program's relationships into ProgramTie views.
func programTies(edges []castgraph.Edge) []*model.ProgramTie {
	out := make([]*model.ProgramTie, len(edges))
	for i, e := range edges {
		out[i] = &model.ProgramTie{
			Node: model.Wrap(e.Other), Relation: string(e.Type), Role: model.PropString(e.Props, "role"),
			Year: model.PropInt(e.Props, "year"), Provenance: &edges[i].Provenance,
		}
	}
	return out
}

func wrapNodes[T any](nodes []*castgraph.Node, wrap func(*castgraph.Node) T) []T {
	out := make([]T, len(nodes))
	for i, n := range nodes {
		out[i] = wrap(n)
	}
	return out
}

func enterpriseView(n *castgraph.Node) *model.Enterprise   { return &model.Enterprise{Node: n} }
func chainView(n *castgraph.Node) *model.IndustryChain     { return &model.IndustryChain{Node: n} }
func clusterView(n *castgraph.Node) *model.IndustryCluster { return &model.IndustryCluster{Node: n} }

// intArg reads an optional Int argument; gqlgen fills in the schema's
// defaults, so the fallback only matters when a client sends null.
func intArg(v *int, fallback int) int {
	if v == nil {
		return fallback
	}
	return *v
}

func stringArg(v *string) string {
	if v == nil {
		return ""
	}
	return *v
}

// Coverage answers IndustryCluster.coverage: the counts that explain the
// cluster questions' answers, in one statement.
func (r *industryClusterResolver) Coverage(ctx context.Context, obj *model.IndustryCluster) (*model.ClusterCoverage, error) {
	c, err := r.Store.ClusterCoverage(ctx, obj.ID)
	if err != nil {
		return nil, err
	}
	return &model.ClusterCoverage{
		Chains: c.Chains, ChainsWithEnterprises: c.ChainsWithEnterprises, Enterprises: c.Enterprises,
		EnterprisesDirect: c.EnterprisesDirect, EnterprisesViaChains: c.EnterprisesViaChains,
		ServingExperts: c.ServingExperts, Summary: coverageSummary(c),
	}, nil
}

// coverageSummary says in a sentence what the counts mean for the cluster
// questions: the first missing link when no one serves the cluster.
func coverageSummary(c store.ClusterCoverage) string {
	counts := fmt.Sprintf("%d chains (%d with enterprises); %d enterprises (%d directly IN_CLUSTER, %d IN_CHAIN a chain of it); %d experts serving them",
		c.Chains, c.ChainsWithEnterprises, c.Enterprises, c.EnterprisesDirect, c.EnterprisesViaChains, c.ServingExperts)
	switch {
	case c.ServingExperts > 0:
		return counts + "."
	case c.Enterprises == 0 && c.Chains == 0:
		return counts + ": no chain is PART_OF the cluster and no enterprise is IN_CLUSTER it, so no expert can serve it."
	case c.Enterprises == 0:
		return counts + ": no enterprise is IN_CHAIN its chains or IN_CLUSTER it, so no expert can serve it."
	}
	return counts + ": no expert SERVES any of its enterprises."
}
