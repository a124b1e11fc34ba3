package store

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/place"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"
)

// The analyst queries (questions 1–4 and 7 of README.md's table). Each is one
// Cypher statement that starts from an index lookup where it has an anchor
// (`MATCH (n:Entity {id: $id})` uses the entity_id constraint), caps every
// list it collects, and tells "no such node" from "a node of the wrong kind"
// from "nothing found" by returning the anchor beside the answer.

// Caps of the analyst queries.
const (
	// MaxAnalyticsFirst caps `first` of the named queries and breakdowns.
	MaxAnalyticsFirst = 500
	// MaxPerRow caps every list nested in one row of an answer (an
	// expert's enterprises, a program's participants, …).
	MaxPerRow = 100
)

// An enterprise belongs to a cluster in two ways: IN_CHAIN a chain PART_OF
// it, or IN_CLUSTER it directly (rosters often name only the cluster). Every
// cluster question counts both, each enterprise once; clusterEnterprises is
// the subquery that finds them (UNION makes them distinct).
const clusterEnterprises = `CALL (c) {
    MATCH (c:IndustryCluster)<-[:PART_OF]-(:IndustryChain)<-[:IN_CHAIN]-(e:Enterprise) RETURN e
    UNION
    MATCH (c:IndustryCluster)<-[:IN_CLUSTER]-(e:Enterprise) RETURN e
  }`

// ClusterExpert is an expert serving enterprises of a cluster: in its
// chains, or in the cluster directly. Chains holds the chains of those
// enterprises that are the cluster's; an enterprise tied directly adds none.
type ClusterExpert struct {
	Expert      *castgraph.Node
	Enterprises []*castgraph.Node
	Chains      []*castgraph.Node
	Via         []string
}

// Experts come in name order, and a hub cluster is served by a third of all
// experts: finding them all from the cluster side and sorting them (tens of
// thousands of SERVES rows; bench/README.md has the figures) to keep 50 is
// mostly wasted. Walking the Expert name index in order and keeping the
// experts who serve the cluster finds the first 50 after a few hundred
// checks – but for a cluster served by few experts that walk would go
// through them all. So the statement estimates, from degrees and the count
// store (a dozen db hits), how many experts serve the cluster, and walks
// the index only when that is cheaper: the walk needs first × experts /
// servers checks, the cluster-side plan costs about servers rows, and a
// check costs about 1.5 rows. The walk stops after $scan experts; when it
// has not found $first by then (the estimate counts an expert once per
// enterprise), the cluster side answers after all. The details of the kept
// experts are read last. (The walk sits in a subquery of its own so that the
// planner tests the estimate before it, not on every index entry, and the
// IS NOT NULL predicates let it walk the (name, id) index in its order.)
const expertsServingClusterCypher = `
OPTIONAL MATCH (c:Entity {id: $id})
CALL (c) {
  OPTIONAL MATCH (c:IndustryCluster)<-[:PART_OF]-(ch:IndustryChain)
  WITH c, sum(COUNT { (ch)<-[:IN_CHAIN]-() }) AS inChains
  RETURN (inChains + COUNT { (c:IndustryCluster)<-[:IN_CLUSTER]-() }) * toFloat(COUNT { ()-[:SERVES]->() }) / (COUNT { (:Enterprise) } + 1) AS servers,
         COUNT { (:Expert) } AS experts
}
CALL (c, servers, experts) {
  WITH c WHERE c:IndustryCluster AND servers * servers > 1.5 * $first * experts
  CALL (c) {
    MATCH (x:Expert) WHERE x.name IS NOT NULL AND x.id IS NOT NULL
    WITH x ORDER BY x.name, x.id
    LIMIT $scan
    WITH x WHERE EXISTS { (x)-[:SERVES]->(:Enterprise)-[:IN_CHAIN]->(:IndustryChain)-[:PART_OF]->(c) }
              OR EXISTS { (x)-[:SERVES]->(:Enterprise)-[:IN_CLUSTER]->(c) }
    LIMIT $first
    RETURN x
  }
  RETURN collect(x) AS scanned
}
CALL (c, scanned) {
  WITH c WHERE size(scanned) < $first
  ` + clusterEnterprises + `
  MATCH (e)<-[:SERVES]-(x:Expert)
  WITH DISTINCT x ORDER BY x.name, x.id
  LIMIT $first
  RETURN collect(x) AS all
}
CALL (c, scanned, all) {
  UNWIND CASE WHEN size(scanned) < $first THEN all ELSE scanned END AS x
  CALL (c, x) {
    MATCH (x)-[s:SERVES]->(e:Enterprise)
    OPTIONAL MATCH (e)-[:IN_CHAIN]->(ch:IndustryChain)-[:PART_OF]->(c)
    WITH e, ch, s WHERE ch IS NOT NULL OR EXISTS { (e)-[:IN_CLUSTER]->(c) }
    WITH e, ch, s ORDER BY e.name, e.id
    RETURN collect(DISTINCT e)[..$per] AS enterprises, collect(DISTINCT ch)[..$per] AS chains,
           collect(DISTINCT s.via)[..$per] AS via
  }
  RETURN collect({expert: x, enterprises: enterprises, chains: chains, via: via}) AS rows
}
RETURN c, rows`

// clusterScan bounds the index walk of question 1: when the estimate
// chooses it, it should need at most sqrt(first × experts / 1.5) checks
// (1 800 for 50 of 100 000 experts).
func clusterScan(first int) int { return max(2000, 15*first) }

// ExpertsServingCluster answers question 1: the experts who serve enterprises
// of the cluster – in one of its chains or in the cluster directly – in name
// order.
func (s *Store) ExpertsServingCluster(ctx context.Context, clusterID string, first int) ([]ClusterExpert, error) {
	if err := checkFirst(first, MaxAnalyticsFirst, "first"); err != nil {
		return nil, err
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]ClusterExpert, error) {
		rec, err := single(ctx, tx, expertsServingClusterCypher, map[string]any{
			"id": clusterID, "first": first, "per": MaxPerRow, "scan": clusterScan(first)})
		if err != nil {
			return nil, err
		}
		if _, err := anchor(rec, "c", castgraph.KindIndustryCluster, fmt.Sprintf("id %q", clusterID), "clusterId"); err != nil {
			return nil, err
		}
		out := []ClusterExpert{}
		for _, row := range listOf(rec, "rows") {
			m := row.(map[string]any)
			e := ClusterExpert{
				Expert: toNode(m["expert"].(dbtype.Node)), Enterprises: nodesOf(m["enterprises"]),
				Chains: nodesOf(m["chains"]), Via: toStrings(m["via"]),
			}
			// The rows came in enterprise order; chains and vias go by name.
			sortByName(e.Chains)
			sort.Strings(e.Via)
			out = append(out, e)
		}
		return out, nil
	})
}

// Cooperation is a society's COOPERATES_WITH relationship to a park, with
// the clusters the park's enterprises belong to.
type Cooperation struct {
	Society, Park *castgraph.Node
	Props         map[string]any
	Provenance    castgraph.Provenance
	Clusters      []*castgraph.Node
}

// A hub park cooperates with many societies, so the clusters are found once
// per distinct park of the page, not once per row (500 rows name about 175
// parks on the benchmark graph), and from the park's enterprises' distinct
// chains rather than from every (enterprise, chain) row. They are also sent
// once per park: the rows name their park by element id.
const societyParkCooperationCypher = `
MATCH (s:Society)-[co:COOPERATES_WITH]->(p:Park)
WITH s, co, p ORDER BY s.name, s.id, p.name, p.id
LIMIT $first
WITH collect({s: s, co: co, p: elementId(p)}) AS rows, collect(DISTINCT p) AS parks
CALL (parks) {
  UNWIND parks AS p
  CALL (p) {
    CALL (p) {
      MATCH (p)<-[:LOCATED_IN]-(:Enterprise)-[:IN_CHAIN]->(ch:IndustryChain)
      WITH DISTINCT ch
      MATCH (ch)-[:PART_OF]->(c:IndustryCluster)
      RETURN c
      UNION
      MATCH (p)<-[:LOCATED_IN]-(:Enterprise)-[:IN_CLUSTER]->(c:IndustryCluster)
      RETURN c
    }
    WITH DISTINCT c ORDER BY c.name, c.id
    LIMIT $per
    RETURN collect(c) AS clusters
  }
  RETURN collect({p: p, clusters: clusters}) AS byPark
}
RETURN rows, byPark`

// SocietyParkCooperation answers question 2: which societies cooperate with
// which parks, and which clusters those parks' enterprises belong to
// (through a chain or directly).
func (s *Store) SocietyParkCooperation(ctx context.Context, first int) ([]Cooperation, error) {
	if err := checkFirst(first, MaxAnalyticsFirst, "first"); err != nil {
		return nil, err
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]Cooperation, error) {
		rec, err := single(ctx, tx, societyParkCooperationCypher, map[string]any{"first": first, "per": MaxPerRow})
		if err != nil {
			return nil, err
		}
		type park struct {
			node     *castgraph.Node
			clusters []*castgraph.Node
		}
		parks := map[string]park{}
		for _, b := range listOf(rec, "byPark") {
			m := b.(map[string]any)
			p := m["p"].(dbtype.Node)
			parks[p.ElementId] = park{toNode(p), nodesOf(m["clusters"])}
		}
		out := []Cooperation{}
		for _, row := range listOf(rec, "rows") {
			m := row.(map[string]any)
			p := parks[m["p"].(string)]
			r := m["co"].(dbtype.Relationship)
			out = append(out, Cooperation{
				Society: toNode(m["s"].(dbtype.Node)), Park: p.node,
				Props: relProps(r.Props), Provenance: toProvenance(r.Props), Clusters: p.clusters,
			})
		}
		return out, nil
	})
}

// ItemReport is a plan item with what it launches.
type ItemReport struct {
	Item     *castgraph.Node
	Programs []LaunchedProgram
}

// LaunchedProgram is a program a plan item launches. RunBy holds its
// RUN_BY relationships (outgoing), Participants its PARTICIPATES_IN and
// AWARDED ones (incoming), each capped at MaxPerRow; ParticipantCount counts
// all of the latter.
type LaunchedProgram struct {
	Program          *castgraph.Node
	Props            map[string]any // of the LAUNCHES relationship
	RunBy            []castgraph.Edge
	Participants     []castgraph.Edge
	ParticipantCount int
}

// PlanItemRef names a plan item by id, or by year and number.
type PlanItemRef struct {
	ID           string
	Year, Number int
}

const planItemReportCypher = `
OPTIONAL MATCH (byID:Entity {id: $id})
OPTIONAL MATCH (byKey:PlanItem {key: $key})
WITH coalesce(byID, byKey) AS i
CALL (i) {
  MATCH (i:PlanItem)-[l:LAUNCHES]->(p:Program)
  WITH l, p ORDER BY coalesce(l.position, 9223372036854775807), p.name, p.id
  LIMIT $per
  CALL (p) {
    MATCH (p)-[r:RUN_BY]->(o:Entity)
    WITH r, o ORDER BY o.name, o.id
    LIMIT $per
    RETURN collect({r: r, n: o}) AS runBy
  }
  CALL (p) {
    MATCH (p)<-[r:PARTICIPATES_IN|AWARDED]-(o:Entity)
    WITH r, o ORDER BY o.name, o.id, type(r)
    LIMIT $per
    RETURN collect({r: r, n: o}) AS participants
  }
  RETURN collect({l: l, p: p, runBy: runBy, participants: participants,
                  participantCount: COUNT { (p)<-[:PARTICIPATES_IN|AWARDED]-() }}) AS programs
}
RETURN i, programs`

// PlanItemReport answers question 3: the programs a plan item launches,
// who runs them and who takes part.
func (s *Store) PlanItemReport(ctx context.Context, ref PlanItemRef) (*ItemReport, error) {
	params := map[string]any{"id": nil, "key": nil, "per": MaxPerRow}
	field, missing := "planItemId", fmt.Sprintf("id %q", ref.ID)
	switch {
	case ref.ID != "" && (ref.Year != 0 || ref.Number != 0):
		return nil, castgraph.Errorf(castgraph.EINVALID, "planItemId", "give either planItemId or year and number, not both")
	case ref.ID != "":
		params["id"] = ref.ID
	case ref.Year != 0 && ref.Number != 0:
		spec, _ := castgraph.SpecOf(castgraph.KindPlanItem)
		params["key"] = spec.NaturalKey("", map[string]any{"year": int64(ref.Year), "number": int64(ref.Number)})
		field, missing = "number", fmt.Sprintf("year %d and number %d", ref.Year, ref.Number)
	default:
		return nil, castgraph.Errorf(castgraph.EINVALID, "planItemId", "give planItemId, or year and number")
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*ItemReport, error) {
		rec, err := single(ctx, tx, planItemReportCypher, params)
		if err != nil {
			return nil, err
		}
		item, err := anchor(rec, "i", castgraph.KindPlanItem, missing, field)
		if err != nil {
			return nil, err
		}
		report := &ItemReport{Item: item, Programs: []LaunchedProgram{}}
		for _, row := range listOf(rec, "programs") {
			m := row.(map[string]any)
			p := toNode(m["p"].(dbtype.Node))
			count, _ := m["participantCount"].(int64)
			report.Programs = append(report.Programs, LaunchedProgram{
				Program: p, Props: relProps(m["l"].(dbtype.Relationship).Props),
				RunBy: edgesOf(p.ID, m["runBy"], true), Participants: edgesOf(p.ID, m["participants"], false),
				ParticipantCount: int(count),
			})
		}
		return report, nil
	})
}

// StationReport is an overseas station with the experts who liaise through it.
type StationReport struct {
	Station  *castgraph.Node
	Liaisons []Liaison
}

// Liaison is an expert who is LIAISON_OF a station, with the enterprises they serve.
type Liaison struct {
	Expert      *castgraph.Node
	Props       map[string]any // of the LIAISON_OF relationship
	Enterprises []*castgraph.Node
}

// CountryRef names a region by id or by name.
type CountryRef struct{ ID, Name string }

// Stations are found from the station side: there are few of them, while a
// country (中国) may hold much of the graph.
const overseasStationsCypher = `
OPTIONAL MATCH (byID:Entity {id: $id})
OPTIONAL MATCH (byKey:Region {key: $key})
WITH coalesce(byID, byKey) AS c
CALL (c) {
  MATCH (st:OverseasStation)-[:LOCATED_IN]->(r:Region)
  WHERE c:Region AND (r = c OR EXISTS { (r)-[:LOCATED_IN]->(c) })
  WITH DISTINCT st ORDER BY st.name, st.id
  LIMIT $first
  CALL (st) {
    MATCH (st)<-[l:LIAISON_OF]-(x:Expert)
    WITH l, x ORDER BY x.name, x.id
    LIMIT $per
    CALL (x) {
      MATCH (x)-[:SERVES]->(e:Enterprise)
      WITH e ORDER BY e.name, e.id
      LIMIT $per
      RETURN collect(e) AS enterprises
    }
    RETURN collect({l: l, x: x, enterprises: enterprises}) AS liaisons
  }
  RETURN collect({st: st, liaisons: liaisons}) AS stations
}
RETURN c, stations`

// OverseasStationsIn answers question 4: the overseas stations in a country,
// who liaises through them and which enterprises those experts serve.
func (s *Store) OverseasStationsIn(ctx context.Context, ref CountryRef, first int) (*castgraph.Node, []StationReport, error) {
	if err := checkFirst(first, MaxAnalyticsFirst, "first"); err != nil {
		return nil, nil, err
	}
	params := map[string]any{"id": nil, "key": nil, "first": first, "per": MaxPerRow}
	field, missing := "countryId", fmt.Sprintf("id %q", ref.ID)
	name := strings.TrimSpace(ref.Name)
	switch {
	case ref.ID != "" && name != "":
		return nil, nil, castgraph.Errorf(castgraph.EINVALID, "countryId", "give either countryId or countryName, not both")
	case ref.ID != "":
		params["id"] = ref.ID
	case name != "":
		spec, _ := castgraph.SpecOf(castgraph.KindRegion)
		params["key"] = spec.NaturalKey(name, nil)
		// A division of Jiangsu is keyed by its code, not its name.
		if ix, err := place.Jiangsu(); err == nil {
			if ds := ix.Resolve(name); len(ds) == 1 {
				params["key"] = ds[0].Code
			}
		}
		field, missing = "countryName", fmt.Sprintf("name %q", name)
	default:
		return nil, nil, castgraph.Errorf(castgraph.EINVALID, "countryId", "give countryId or countryName")
	}
	type answer struct {
		country  *castgraph.Node
		stations []StationReport
	}
	a, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (answer, error) {
		rec, err := single(ctx, tx, overseasStationsCypher, params)
		if err != nil {
			return answer{}, err
		}
		country, err := anchor(rec, "c", castgraph.KindRegion, missing, field)
		if err != nil {
			return answer{}, err
		}
		out := answer{country: country, stations: []StationReport{}}
		for _, row := range listOf(rec, "stations") {
			m := row.(map[string]any)
			st := StationReport{Station: toNode(m["st"].(dbtype.Node)), Liaisons: []Liaison{}}
			for _, l := range m["liaisons"].([]any) {
				lm := l.(map[string]any)
				st.Liaisons = append(st.Liaisons, Liaison{
					Expert: toNode(lm["x"].(dbtype.Node)), Props: relProps(lm["l"].(dbtype.Relationship).Props),
					Enterprises: nodesOf(lm["enterprises"]),
				})
			}
			out.stations = append(out.stations, st)
		}
		return out, nil
	})
	return a.country, a.stations, err
}

// Count is one group of a breakdown: the node it is about and its count.
type Count struct {
	Node  *castgraph.Node
	Count int
}

// The count is over every (enterprise, expert) pair of the cluster's chains
// (310 000 on the benchmark graph), so the pattern does as little per pair
// as it can: an enterprise in two chains of the cluster is expanded once,
// experts are made distinct before their sources are read, and no label is
// checked on them (only experts start SERVES and AFFILIATED_WITH).
const expertsPerClusterCypher = `
MATCH (c:IndustryCluster)
CALL (c) {
  ` + clusterEnterprises + `
  MATCH (e)<-[:{rels}]-(x)
  WITH DISTINCT x
  WHERE ($source IS NULL OR any(src IN x.sources WHERE src STARTS WITH $source)) AND {where}
  RETURN count(x) AS n
}
RETURN c AS key, n ORDER BY n DESC, c.name, c.id
LIMIT $first`

// ExpertsPerCluster counts, per industry cluster, the experts who serve (or,
// with affiliated, work for) an enterprise of the cluster: in one of its
// chains or in the cluster directly.
func (s *Store) ExpertsPerCluster(ctx context.Context, affiliated bool, where Cond, source string, first int) ([]Count, error) {
	rels := string(castgraph.RelServes)
	if affiliated {
		rels += "|" + string(castgraph.RelAffiliatedWith)
	}
	cypher, params, err := withWhere(strings.Replace(expertsPerClusterCypher, "{rels}", rels, 1), castgraph.KindExpert, "x", where)
	if err != nil {
		return nil, err
	}
	return s.breakdown(ctx, cypher, params, source, first)
}

// withWhere puts the condition where, compiled on the counted nodes (the
// variable v, of the kind), in the place {where} of a breakdown's statement.
func withWhere(cypher string, kind castgraph.Kind, v string, where Cond) (string, map[string]any, error) {
	b := newBuilder()
	cond, err := b.filter(target{kind: kind}, v, where, 0, "where")
	if err != nil {
		return "", nil, err
	}
	return strings.Replace(cypher, "{where}", cond, 1), b.params, nil
}

// ClusterCoverage is what a cluster's questions have to go on: its chains,
// its enterprises (either way, each once; directly; through a chain) and the
// experts who serve them. It explains an empty answer: a cluster without
// enterprises has no one serving it.
type ClusterCoverage struct {
	Chains, ChainsWithEnterprises                        int
	Enterprises, EnterprisesDirect, EnterprisesViaChains int
	ServingExperts                                       int
}

// One statement, bounded by the cluster's own relationships: the count of
// serving experts costs what expertsPerCluster costs for one cluster.
const clusterCoverageCypher = `
MATCH (c:Entity {id: $id}) WHERE c:IndustryCluster
CALL (c) {
  OPTIONAL MATCH (c)<-[:PART_OF]-(ch:IndustryChain)
  RETURN count(ch) AS chains, count(CASE WHEN EXISTS { (ch)<-[:IN_CHAIN]-(:Enterprise) } THEN 1 END) AS chainsWithEnterprises
}
CALL (c) {
  OPTIONAL MATCH (c)<-[:PART_OF]-(:IndustryChain)<-[:IN_CHAIN]-(e:Enterprise)
  RETURN count(DISTINCT e) AS viaChains
}
CALL (c) {
  RETURN COUNT { (c)<-[:IN_CLUSTER]-(:Enterprise) } AS direct
}
CALL (c) {
  ` + clusterEnterprises + `
  RETURN count(e) AS enterprises
}
CALL (c) {
  ` + clusterEnterprises + `
  MATCH (e)<-[:SERVES]-(x:Expert)
  RETURN count(DISTINCT x) AS experts
}
RETURN chains, chainsWithEnterprises, viaChains, direct, enterprises, experts`

// ClusterCoverage counts a cluster's chains, enterprises and serving
// experts; an id that is not a cluster's counts nothing.
func (s *Store) ClusterCoverage(ctx context.Context, clusterID string) (ClusterCoverage, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (ClusterCoverage, error) {
		recs, err := collect(ctx, tx, clusterCoverageCypher, map[string]any{"id": clusterID})
		if err != nil || len(recs) == 0 {
			return ClusterCoverage{}, err
		}
		n := func(key string) int {
			v, _ := recs[0].Get(key)
			i, _ := v.(int64)
			return int(i)
		}
		return ClusterCoverage{
			Chains: n("chains"), ChainsWithEnterprises: n("chainsWithEnterprises"),
			Enterprises: n("enterprises"), EnterprisesDirect: n("direct"), EnterprisesViaChains: n("viaChains"),
			ServingExperts: n("experts"),
		}, nil
	})
}

// Counted from the enterprises' side: a city's LOCATED_IN relationships are
// mostly experts' (130 000 on the benchmark graph), and finding parks by
// city went through every park for every city. Each enterprise's places
// (city, park or district) are grouped first, so the city of each of the
// few hundred places is looked up once.
const enterprisesPerCityCypher = `
CALL () {
  MATCH (e:Enterprise)-[:LOCATED_IN]->(place)
  WHERE ($source IS NULL OR any(src IN e.sources WHERE src STARTS WITH $source)) AND {where}
  WITH place, collect(e) AS enterprises
  CALL (place) {
    WITH place WHERE place:Region AND place.regionType = $cityType
    RETURN place AS city
    UNION
    MATCH (place)-[:LOCATED_IN]->(city:Region {regionType: $cityType})
    WHERE place:Park OR place:Region
    RETURN city
  }
  UNWIND enterprises AS e
  WITH city, count(DISTINCT e) AS n
  RETURN collect({city: city, n: n}) AS counted
}
MATCH (city:Region {regionType: $cityType})
RETURN city AS key, coalesce([c IN counted WHERE c.city = city | c.n][0], 0) AS n
ORDER BY n DESC, city.name, city.id
LIMIT $first`

// EnterprisesPerCity counts, per city, the enterprises located in it directly
// or through a park or region inside it.
func (s *Store) EnterprisesPerCity(ctx context.Context, where Cond, source string, first int) ([]Count, error) {
	cypher, params, err := withWhere(enterprisesPerCityCypher, castgraph.KindEnterprise, "e", where)
	if err != nil {
		return nil, err
	}
	params["cityType"] = "CITY"
	return s.breakdown(ctx, cypher, params, source, first)
}

const programsPerSectionCypher = `
MATCH (sec:PlanSection) WHERE $year IS NULL OR sec.year = $year
CALL (sec) {
  OPTIONAL MATCH (sec)<-[:PART_OF]-(:PlanItem)-[:LAUNCHES]->(p:Program)
  WHERE ($source IS NULL OR any(src IN p.sources WHERE src STARTS WITH $source)) AND {where}
  RETURN count(DISTINCT p) AS n
}
RETURN sec AS key, n ORDER BY sec.year, sec.number, sec.id
LIMIT $first`

// ProgramsPerSection counts, per plan section, the distinct programs its
// items launch; year 0 means every plan's sections.
func (s *Store) ProgramsPerSection(ctx context.Context, year int, where Cond, source string, first int) ([]Count, error) {
	cypher, params, err := withWhere(programsPerSectionCypher, castgraph.KindProgram, "p", where)
	if err != nil {
		return nil, err
	}
	params["year"] = nil
	if year != 0 {
		params["year"] = year
	}
	return s.breakdown(ctx, cypher, params, source, first)
}

func (s *Store) breakdown(ctx context.Context, cypher string, params map[string]any, source string, first int) ([]Count, error) {
	if err := checkFirst(first, MaxAnalyticsFirst, "first"); err != nil {
		return nil, err
	}
	params["first"], params["source"] = first, sourceParam(source)
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]Count, error) {
		recs, err := collect(ctx, tx, cypher, params)
		if err != nil {
			return nil, err
		}
		out := make([]Count, 0, len(recs))
		for _, rec := range recs {
			key, _ := rec.Get("key")
			n, _ := rec.Get("n")
			out = append(out, Count{Node: toNode(key.(dbtype.Node)), Count: int(n.(int64))})
		}
		return out, nil
	})
}

// KindCount is how many nodes of a kind the graph holds.
type KindCount struct {
	Kind  castgraph.Kind
	Count int
}

// NodeCounts counts the nodes of every kind, in the registry's order; with a
// source, only nodes with a provenance source starting with it. Without one
// each count comes from Neo4j's count store and costs nothing.
func (s *Store) NodeCounts(ctx context.Context, source string) ([]KindCount, error) {
	var parts []string
	kinds := make([]string, len(castgraph.Kinds))
	where := ""
	if sourceParam(source) != nil {
		where = " WHERE any(src IN n.sources WHERE src STARTS WITH $source)"
	}
	for i, ks := range castgraph.Kinds {
		kinds[i] = string(ks.Kind)
		parts = append(parts, "MATCH (n:"+string(ks.Kind)+")"+where+" RETURN $kinds["+strconv.Itoa(i)+"] AS kind, count(n) AS n")
	}
	params := map[string]any{"source": sourceParam(source), "kinds": kinds}
	cypher := "CALL () {\n  " + strings.Join(parts, "\n  UNION ALL\n  ") + "\n}\nRETURN kind, n"
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]KindCount, error) {
		recs, err := collect(ctx, tx, cypher, params)
		if err != nil {
			return nil, err
		}
		counts := map[string]int{}
		for _, rec := range recs {
			k, _ := rec.Get("kind")
			n, _ := rec.Get("n")
			counts[k.(string)] = int(n.(int64))
		}
		out := make([]KindCount, 0, len(castgraph.Kinds))
		for _, ks := range castgraph.Kinds {
			out = append(out, KindCount{Kind: ks.Kind, Count: counts[string(ks.Kind)]})
		}
		return out, nil
	})
}

// checkFirst rejects a page size outside 0..max.
func checkFirst(first, max int, field string) error {
	if first < 0 || first > max {
		return castgraph.Errorf(castgraph.EINVALID, field, "%s must be between 0 and %d", field, max)
	}
	return nil
}

func sourceParam(source string) any {
	if s := strings.TrimSpace(source); s != "" {
		return s
	}
	return nil
}

// single runs a statement that returns exactly one record.
func single(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any) (*neo4j.Record, error) {
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		return nil, err
	}
	return res.Single(ctx)
}

// anchor reads the node a query starts from and checks that it exists and
// is of the kind (any kind when empty); missing and field say what to blame
// when it is not.
func anchor(rec *neo4j.Record, key string, kind castgraph.Kind, missing, field string) (*castgraph.Node, error) {
	v, _ := rec.Get(key)
	n, ok := v.(dbtype.Node)
	if !ok {
		what := string(kind)
		if what == "" {
			what = "node"
		}
		return nil, castgraph.Errorf(castgraph.ENOTFOUND, field, "no %s has %s", what, missing)
	}
	node := toNode(n)
	if kind != "" && node.Kind != kind {
		return nil, castgraph.Errorf(castgraph.EINVALID, field, "%q is a %s, not a %s", node.ID, node.Kind, kind)
	}
	return node, nil
}

func valueOf(rec *neo4j.Record, key string) any {
	v, _ := rec.Get(key)
	return v
}

func listOf(rec *neo4j.Record, key string) []any {
	l, _ := valueOf(rec, key).([]any)
	return l
}

func sortByName(nodes []*castgraph.Node) {
	sort.Slice(nodes, func(i, j int) bool {
		if nodes[i].Name != nodes[j].Name {
			return nodes[i].Name < nodes[j].Name
		}
		return nodes[i].ID < nodes[j].ID
	})
}

func nodesOf(v any) []*castgraph.Node {
	list, _ := v.([]any)
	out := make([]*castgraph.Node, 0, len(list))
	for _, item := range list {
		if n, ok := item.(dbtype.Node); ok {
			out = append(out, toNode(n))
		}
	}
	return out
}

// edgesOf reads a list of {r, n} maps: relationships of one node (nearID) to others.
func edgesOf(nearID string, v any, outgoing bool) []castgraph.Edge {
	list, _ := v.([]any)
	out := make([]castgraph.Edge, 0, len(list))
	for _, item := range list {
		m := item.(map[string]any)
		r := m["r"].(dbtype.Relationship)
		out = append(out, castgraph.Edge{
			Type: castgraph.RelType(r.Type), NearID: nearID, Other: toNode(m["n"].(dbtype.Node)), Outgoing: outgoing,
			Props: relProps(r.Props), Provenance: toProvenance(r.Props),
		})
	}
	return out
}
