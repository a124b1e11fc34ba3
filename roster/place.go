package roster

import (
	"strings"
	"sync"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/data"
	"github.com/castgraph/castgraph/place"
)

// Places and the industrial map: how a row's place columns (所在地, 注册地,
// 所在地区, 所在城市, 国家) and chain and cluster columns (产业链, 所属集群)
// become links.
//
// A place is first resolved against Jiangsu's divisions (package place),
// which knows every written form – 昆山市, 苏州昆山, 苏州市昆山市, 昆山,
// 320583 – without a database: one division is looked up in the graph by its
// code (the natural key of a coded region), several reject the row naming
// them (鼓楼 is 南京市鼓楼区 or 徐州市鼓楼区), and none leaves the name to the
// graph's names and aliases as for any reference data (德国, 长三角).
//
// An enterprise may be tied to a cluster without a chain. A 产业链 cell that
// names no chain of the curated data but a cluster (物联网) links the
// enterprise to the cluster (IN_CLUSTER) and says so in a warning; a 所属集群
// cell always names a cluster.

// CodeClusterNotChain warns that a chain column named a cluster, and the
// enterprise was linked to the cluster.
const CodeClusterNotChain = "CLUSTER_NOT_CHAIN"

// placeLink adds the LOCATED_IN link a place cell asks for. An ambiguous
// place is an error of the row that names every candidate.
func (p *planner) placeLink(ri *rowIssues, pl *plan, f Field, cells []string) {
	v, col := p.cols.cell(cells, f)
	if v == "" {
		return
	}
	r := &ref{kinds: []castgraph.Kind{castgraph.KindRegion}, name: v, column: col}
	// The embedded divisions are checked by the tests; should they fail to
	// load, places are still found by name in the graph.
	if ix, err := place.Jiangsu(); err == nil {
		switch ds := ix.Resolve(v); len(ds) {
		case 0:
		case 1:
			r.lookup = castgraph.NormalizeName(ds[0].Code)
		default:
			names := make([]string, len(ds))
			for i, d := range ds {
				names[i] = d.String()
			}
			ri.errorf(col, CodeAmbiguous, "%q could be %s: write the city too (%s) or the division code (%s)",
				v, strings.Join(names, " or "), ds[0].FullName(), ds[0].Code)
			return
		}
	}
	pl.links = append(pl.links, link{rel: castgraph.RelLocatedIn, to: r})
}

// industryLinks adds an enterprise's IN_CHAIN links (产业链) and IN_CLUSTER
// links (所属集群, and 产业链 cells that name a cluster).
func (p *planner) industryLinks(pl *plan, row int, cells []string) {
	chains, chainCol := p.cols.list(cells, FieldChain)
	names := curatedIndustry()
	for _, ch := range chains {
		key := castgraph.NormalizeName(ch)
		if cl, ok := names.clusters[key]; ok && !names.chains[key] {
			p.rep.warnf(row, chainCol, CodeClusterNotChain, "%q is an industry cluster (%s), not a chain: the enterprise is linked to the cluster (IN_CLUSTER)", ch, cl)
			pl.links = append(pl.links, link{rel: castgraph.RelInCluster, to: &ref{kinds: []castgraph.Kind{castgraph.KindIndustryCluster}, name: ch, column: chainCol}})
			continue
		}
		pl.links = append(pl.links, link{rel: castgraph.RelInChain, to: &ref{kinds: []castgraph.Kind{castgraph.KindIndustryChain}, name: ch, column: chainCol}})
	}
	clusters, clusterCol := p.cols.list(cells, FieldCluster)
	for _, cl := range clusters {
		pl.links = append(pl.links, link{rel: castgraph.RelInCluster, to: &ref{kinds: []castgraph.Kind{castgraph.KindIndustryCluster}, name: cl, column: clusterCol}})
	}
}

// industryNames are the normalised names and aliases of the curated
// clusters (with the cluster's name) and chains.
type industryNames struct {
	clusters map[string]string
	chains   map[string]bool
}

// curatedIndustry reads the clusters and chains of the seed data once. The
// seed is embedded and checked by the tests; should it fail to read, no cell
// is taken for a cluster and every 产业链 cell names a chain, as before.
var curatedIndustry = sync.OnceValue(func() industryNames {
	out := industryNames{clusters: map[string]string{}, chains: map[string]bool{}}
	d, err := data.Seed()
	if err != nil {
		return out
	}
	for _, n := range d.Nodes {
		for _, name := range append([]string{n.Name}, n.Aliases...) {
			switch n.Kind {
			case castgraph.KindIndustryCluster:
				out.clusters[castgraph.NormalizeName(name)] = n.Name
			case castgraph.KindIndustryChain:
				out.chains[castgraph.NormalizeName(name)] = true
			}
		}
	}
	return out
})

// lookupKey is the natural key a reference is looked up by: a place
// resolved to a division goes by its code, anything else by its name.
func (r *ref) lookupKey() string {
	if r.lookup != "" {
		return r.lookup
	}
	return castgraph.NormalizeName(r.name)
}
