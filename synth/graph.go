package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/castgraph/castgraph"
)

// run is one pass of generation. All randomness comes from one PCG stream
// drawn in a fixed order, so a pass is a pure function of the options.
type run struct {
	o      Options
	r      *rand.Rand
	source string
	yield  func(Row) bool
	stop   bool

	// Hubs: each kind that relationships point to has a seeded permutation
	// (which index is the rank-k hub) and a Zipf law over the ranks.
	enterprises, societies, parks, institutions, cities, stations, chains, programs, countries *zipfPick

	cityNames     []string
	countryNames  []string
	parkCity      []int32 // city index of each park
	enterpriseCty []int32 // city index of each enterprise
	instCity      []int32 // city index of each institution
	consortia     int     // societies [0, consortia) are consortia
	awards        []int32 // program indexes that are awards
	nonAwards     []int32 // the other programs
	awardPick     *zipfPick
	nonAwardPick  *zipfPick
}

// zipfPick chooses indexes in [0, n) with Zipf-distributed ranks.
type zipfPick struct {
	perm []int32
	z    *rand.Zipf
}

func newZipfPick(r *rand.Rand, n int, s, v float64) *zipfPick {
	p := &zipfPick{perm: make([]int32, n)}
	for i, j := range r.Perm(n) {
		p.perm[i] = int32(j)
	}
	if n > 1 {
		p.z = rand.NewZipf(r, s, v, uint64(n-1))
	}
	return p
}

func (p *zipfPick) one() int {
	if p.z == nil {
		return int(p.perm[0])
	}
	return int(p.perm[p.z.Uint64()])
}

// distinct appends k different picks to dst (fewer when there are not k to
// choose from).
func (p *zipfPick) distinct(dst []int, k int) []int {
	k = min(k, len(p.perm))
	for tries := 0; len(dst) < k && tries < 20*k; tries++ {
		c := p.one()
		dup := false
		for _, d := range dst {
			if d == c {
				dup = true
				break
			}
		}
		if !dup {
			dst = append(dst, c)
		}
	}
	return dst
}

func newRun(o Options, yield func(Row) bool) *run {
	return &run{
		o: o, source: Source(o.Seed), yield: yield,
		r: rand.New(rand.NewPCG(o.Seed, 0x63617374677261)), // second word: "castgra"
	}
}

// Prefixes of ids: the registry's slugs.
var (
	slugRegion      = castgraph.KindRegion.Slug()
	slugCluster     = castgraph.KindIndustryCluster.Slug()
	slugChain       = castgraph.KindIndustryChain.Slug()
	slugPark        = castgraph.KindPark.Slug()
	slugSociety     = castgraph.KindSociety.Slug()
	slugInstitution = castgraph.KindInstitution.Slug()
	slugProgram     = castgraph.KindProgram.Slug()
	slugStation     = castgraph.KindOverseasStation.Slug()
	slugEnterprise  = castgraph.KindEnterprise.Slug()
	slugExpert      = castgraph.KindExpert.Slug()
)

func (s *run) id(slug string, i int) string {
	return fmt.Sprintf("%s/synth-%d-%06d", slug, s.o.Seed, i+1)
}

func (s *run) regionID(what string, i int) string {
	return fmt.Sprintf("%s/synth-%d-%s-%02d", slugRegion, s.o.Seed, what, i+1)
}

func (s *run) node(id string, kind castgraph.Kind, name, desc string, props map[string]any) {
	if s.stop {
		return
	}
	d := Marker + desc
	if !s.yield(Row{Node: &castgraph.DatasetNode{ID: id, Kind: kind, Name: name, Description: &d, Props: props, Source: s.source}}) {
		s.stop = true
	}
}

func (s *run) rel(t castgraph.RelType, from, to string, props map[string]any) {
	if s.stop {
		return
	}
	if !s.yield(Row{Rel: &castgraph.DatasetRelship{Type: t, From: from, To: to, Props: props, Source: s.source}}) {
		s.stop = true
	}
}

func pick[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }

// weighted returns i with probability w[i]/sum(w).
func weighted(r *rand.Rand, w []int) int {
	sum := 0
	for _, x := range w {
		sum += x
	}
	n := r.IntN(sum)
	for i, x := range w {
		if n < x {
			return i
		}
		n -= x
	}
	return len(w) - 1
}

func (s *run) date(from, to int) castgraph.Date {
	return castgraph.Date{Year: from + s.r.IntN(to-from+1), Month: time.Month(1 + s.r.IntN(12)), Day: 1 + s.r.IntN(28)}
}

func (s *run) year() int64 { return int64(2019 + s.r.IntN(6)) }

// all generates the whole graph, kind by kind, each node followed by its
// outgoing relationships (whose targets were generated before).
func (s *run) all() {
	o, r := s.o, s.r
	// The order of these draws is part of the output: append, never reorder.
	s.cities = newZipfPick(r, o.Cities, 1.2, 2)
	s.countries = newZipfPick(r, o.Countries, 1.2, 2)
	s.chains = newZipfPick(r, o.Chains, 1.05, 3)
	s.parks = newZipfPick(r, o.Parks, 1.1, 5)
	s.societies = newZipfPick(r, o.Societies, 1.1, 10)
	s.institutions = newZipfPick(r, o.Institutions, 1.1, 5)
	s.stations = newZipfPick(r, o.Stations, 1.1, 3)
	s.enterprises = newZipfPick(r, o.Enterprises, 1.1, 4)

	for _, step := range []func(){s.places, s.industry, s.genParks, s.genSocieties, s.genInstitutions,
		s.genPrograms, s.genStations, s.genEnterprises, s.genExperts} {
		if s.stop {
			return
		}
		step()
	}
}

func (s *run) places() {
	provinceID := s.regionID("province", 0)
	s.node(provinceID, castgraph.KindRegion, provinceName, "虚构的省份，合成图谱的城市都在其中。", map[string]any{"regionType": "PROVINCE"})
	// Distinct two-syllable names in a seeded order.
	all := make([]string, 0, len(citySyllables1)*len(citySyllables2))
	for _, a := range citySyllables1 {
		for _, b := range citySyllables2 {
			all = append(all, a+b+"市")
		}
	}
	s.r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	s.cityNames = all[:s.o.Cities]
	for i, name := range s.cityNames {
		id := s.regionID("city", i)
		s.node(id, castgraph.KindRegion, name, "虚构的城市。", map[string]any{"regionType": "CITY"})
		s.rel(castgraph.RelLocatedIn, id, provinceID, nil)
	}
	s.countryNames = make([]string, s.o.Countries)
	for i := range s.countryNames {
		name := countryNames[i%len(countryNames)]
		if i >= len(countryNames) {
			name = fmt.Sprintf("%s%d", name, i/len(countryNames)+1)
		}
		s.countryNames[i] = name
		// The same id whatever the seed: the countries are one fixed list.
		id := fmt.Sprintf("%s/synth-country-%02d", slugRegion, i+1)
		s.node(id, castgraph.KindRegion, name, "虚构的国家，海外站点所在地。", map[string]any{"regionType": "COUNTRY"})
	}
}

func (s *run) countryID(i int) string { return fmt.Sprintf("%s/synth-country-%02d", slugRegion, i+1) }

func (s *run) industry() {
	for i := range s.o.Clusters {
		theme := clusterThemes[i%len(clusterThemes)]
		s.node(s.id(slugCluster, i), castgraph.KindIndustryCluster, fmt.Sprintf("%s先进制造业集群%02d", theme, i+1),
			"虚构的先进制造业集群。", nil)
	}
	for i := range s.o.Chains {
		cluster := i % s.o.Clusters
		theme := clusterThemes[cluster%len(clusterThemes)]
		seg := chainSegments[(i/s.o.Clusters)%len(chainSegments)]
		id := s.id(slugChain, i)
		s.node(id, castgraph.KindIndustryChain, fmt.Sprintf("%s%s产业链%02d", theme, seg, i+1), "虚构的产业链。", nil)
		s.rel(castgraph.RelPartOf, id, s.id(slugCluster, cluster), nil)
	}
}

func (s *run) genParks() {
	s.parkCity = make([]int32, s.o.Parks)
	for i := range s.o.Parks {
		r := s.r
		city := s.cities.one()
		s.parkCity[i] = int32(city)
		pt := parkTypes[weighted(r, []int{5, 4, 1})]
		level := "省级"
		if r.IntN(3) == 0 {
			level = "国家级"
		}
		id := s.id(slugPark, i)
		name := fmt.Sprintf("%s%s%s%03d", strings.TrimSuffix(s.cityNames[city], "市"), pick(r, brandWords), pt.suffix, i+1)
		s.node(id, castgraph.KindPark, name, "虚构的园区。", map[string]any{"parkType": pt.typ, "level": level})
		s.rel(castgraph.RelLocatedIn, id, s.regionID("city", city), nil)
	}
}

func (s *run) genSocieties() {
	r := s.r
	s.consortia = max(1, s.o.Societies/50)
	for i := range s.o.Societies {
		id := s.id(slugSociety, i)
		field := pick(r, fields)
		city := s.cities.one()
		var name, scope string
		switch {
		case i < s.consortia:
			name, scope = fmt.Sprintf("%s学会联合体%04d", field, i+1), "CONSORTIUM"
		default:
			switch weighted(r, []int{80, 15, 5}) {
			case 0:
				name, scope = fmt.Sprintf("%s%s学会%04d", strings.TrimSuffix(s.cityNames[city], "市"), field, i+1), "PROVINCIAL"
			case 1:
				name, scope = fmt.Sprintf("全国%s学会%s分会%04d", field, strings.TrimSuffix(s.cityNames[city], "市"), i+1), "NATIONAL"
			default:
				name, scope = fmt.Sprintf("国际%s学会%s中心%04d", field, strings.TrimSuffix(s.cityNames[city], "市"), i+1), "INTERNATIONAL"
			}
		}
		s.node(id, castgraph.KindSociety, name, "虚构的学会。", map[string]any{"scope": scope, "field": field})
		s.rel(castgraph.RelLocatedIn, id, s.regionID("city", city), nil)
		if i >= s.consortia && r.IntN(5) == 0 {
			s.rel(castgraph.RelMemberOf, id, s.id(slugSociety, r.IntN(s.consortia)), map[string]any{"role": "成员单位"})
		}
		var parks []int
		for _, p := range s.parks.distinct(parks, r.IntN(11)) {
			s.rel(castgraph.RelCooperatesWith, id, s.id(slugPark, p), map[string]any{"role": "共建", "year": s.year()})
		}
	}
}

func (s *run) genInstitutions() {
	r := s.r
	s.instCity = make([]int32, s.o.Institutions)
	for i := range s.o.Institutions {
		id := s.id(slugInstitution, i)
		city := s.cities.one()
		s.instCity[i] = int32(city)
		it := institutionTypes[weighted(r, []int{5, 2, 2, 1, 1})]
		name := fmt.Sprintf("%s%s%s%03d", strings.TrimSuffix(s.cityNames[city], "市"), pick(r, fields), it.suffix, i+1)
		s.node(id, castgraph.KindInstitution, name, "虚构的机构。", map[string]any{"institutionType": it.typ})
		s.rel(castgraph.RelLocatedIn, id, s.regionID("city", city), nil)
	}
}

func (s *run) genPrograms() {
	r := s.r
	for i := range s.o.Programs {
		pt := programTypes[weighted(r, []int{4, 2, 3, 1, 1, 2, 2})]
		// At least one award and one other, whatever the draws.
		switch i {
		case 0:
			pt = programTypes[1]
		case 1:
			pt = programTypes[0]
		}
		props := map[string]any{"kind": pt.kind}
		if pt.kind == "AWARD" || pt.kind == "EVENT" || pt.kind == "COMPETITION" {
			props["year"] = s.year()
		}
		if pt.kind == "AWARD" {
			s.awards = append(s.awards, int32(i))
		} else {
			s.nonAwards = append(s.nonAwards, int32(i))
		}
		id := s.id(slugProgram, i)
		s.node(id, castgraph.KindProgram, fmt.Sprintf("%s%s%03d", pick(r, fields), pt.suffix, i+1), "虚构的项目或活动。", props)
		if r.IntN(10) < 7 {
			s.rel(castgraph.RelRunBy, id, s.id(slugSociety, s.societies.one()), map[string]any{"role": "主办"})
		} else {
			s.rel(castgraph.RelRunBy, id, s.id(slugInstitution, s.institutions.one()), map[string]any{"role": "主办"})
		}
	}
	s.awardPick = newZipfPick(r, len(s.awards), 1.2, 2)
	s.nonAwardPick = newZipfPick(r, len(s.nonAwards), 1.1, 5)
	// Societies take part in programs too; they were generated before the
	// programs, so their links come here.
	for i := range s.o.Societies {
		for _, p := range s.nonAwardPick.distinct(nil, r.IntN(3)) {
			s.rel(castgraph.RelParticipatesIn, s.id(slugSociety, i), s.id(slugProgram, int(s.nonAwards[p])), map[string]any{"year": s.year()})
		}
	}
}

func (s *run) genStations() {
	r := s.r
	for i := range s.o.Stations {
		id := s.id(slugStation, i)
		country := s.countries.one()
		st := stationTypes[weighted(r, []int{3, 5, 2})]
		s.node(id, castgraph.KindOverseasStation, fmt.Sprintf("%s%s%03d", s.countryNames[country], st.suffix, i+1),
			"虚构的海外站点。", map[string]any{"stationType": st.typ})
		s.rel(castgraph.RelLocatedIn, id, s.countryID(country), nil)
	}
}

func (s *run) genEnterprises() {
	r := s.r
	s.enterpriseCty = make([]int32, s.o.Enterprises)
	var buf []int
	for i := range s.o.Enterprises {
		if s.stop {
			return
		}
		id := s.id(slugEnterprise, i)
		park := -1
		city := s.cities.one()
		if r.IntN(10) < 6 {
			park = s.parks.one()
			city = int(s.parkCity[park])
		}
		s.enterpriseCty[i] = int32(city)
		name := fmt.Sprintf("%s%s%s科技有限公司%06d", strings.TrimSuffix(s.cityNames[city], "市"), pick(r, brandWords), pick(r, industryWords), i+1)
		s.node(id, castgraph.KindEnterprise, name, "虚构的企业，统一社会信用代码为按校验规则生成的演示代码。",
			map[string]any{"creditCode": creditCode(city, i+1), "category": enterpriseCategories[weighted(r, []int{4, 5, 3, 1, 2})]})
		s.rel(castgraph.RelLocatedIn, id, s.regionID("city", city), nil)
		if park >= 0 {
			s.rel(castgraph.RelLocatedIn, id, s.id(slugPark, park), nil)
		}
		buf = s.chains.distinct(buf[:0], 1+weighted(r, []int{7, 3}))
		for k, c := range buf {
			role := "配套企业"
			if k == 0 && r.IntN(50) == 0 {
				role = "链主企业"
			}
			s.rel(castgraph.RelInChain, id, s.id(slugChain, c), map[string]any{"role": role})
		}
		buf = s.nonAwardPick.distinct(buf[:0], weighted(r, []int{30, 30, 25, 15}))
		for _, p := range buf {
			s.rel(castgraph.RelParticipatesIn, id, s.id(slugProgram, int(s.nonAwards[p])), map[string]any{"year": s.year()})
		}
		if r.IntN(100) < 3 {
			s.rel(castgraph.RelAwarded, id, s.id(slugProgram, int(s.awards[s.awardPick.one()])), map[string]any{"year": s.year()})
		}
	}
}

func (s *run) genExperts() {
	r := s.r
	var buf []int
	for i := range s.o.Experts {
		if s.stop {
			return
		}
		id := s.id(slugExpert, i)
		name := pick(r, surnames) + pick(r, givenChars)
		if r.IntN(3) > 0 {
			name += pick(r, givenChars)
		}
		field := pick(r, fields)
		props := map[string]any{
			"title": pick(r, titles), "field": field,
			"disambiguation": fmt.Sprintf("合成数据%d-%06d", s.o.Seed, i+1),
		}
		if r.IntN(400) == 0 {
			props["academician"] = true
		}
		s.node(id, castgraph.KindExpert, name, "虚构的专家。", props)

		// Works at an enterprise or an institution, and lives in its city.
		var city int
		if r.IntN(10) < 7 {
			e := s.enterprises.one()
			city = int(s.enterpriseCty[e])
			s.rel(castgraph.RelAffiliatedWith, id, s.id(slugEnterprise, e), map[string]any{"role": pick(r, affiliationRoles), "since": s.date(2000, 2024)})
		} else {
			inst := s.institutions.one()
			city = int(s.instCity[inst])
			s.rel(castgraph.RelAffiliatedWith, id, s.id(slugInstitution, inst), map[string]any{"role": pick(r, affiliationRoles), "since": s.date(2000, 2024)})
		}
		s.rel(castgraph.RelLocatedIn, id, s.regionID("city", city), nil)

		buf = s.societies.distinct(buf[:0], 1+weighted(r, []int{35, 30, 20, 15}))
		for _, soc := range buf {
			s.rel(castgraph.RelMemberOf, id, s.id(slugSociety, soc), map[string]any{
				"role": memberRoles[weighted(r, []int{85, 10, 4, 1})], "since": s.date(1995, 2024)})
		}
		buf = s.enterprises.distinct(buf[:0], weighted(r, []int{30, 20, 17, 13, 10, 10}))
		for _, e := range buf {
			s.rel(castgraph.RelServes, id, s.id(slugEnterprise, e), map[string]any{"via": pick(r, serviceChannels), "since": s.date(2015, 2024)})
		}
		if r.IntN(100) < 8 {
			s.rel(castgraph.RelLiaisonOf, id, s.id(slugStation, s.stations.one()), map[string]any{"role": "联络专家"})
		}
		buf = s.nonAwardPick.distinct(buf[:0], weighted(r, []int{8, 18, 25, 22, 15, 12}))
		for _, p := range buf {
			s.rel(castgraph.RelParticipatesIn, id, s.id(slugProgram, int(s.nonAwards[p])), map[string]any{"year": s.year()})
		}
		if r.IntN(100) < 5 {
			s.rel(castgraph.RelAwarded, id, s.id(slugProgram, int(s.awards[s.awardPick.one()])), map[string]any{"year": s.year()})
		}
	}
}
