package place_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/castgraph/castgraph/place"
)

func jiangsu(t testing.TB) *place.Index {
	t.Helper()
	ix, err := place.Jiangsu()
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func codes(ds []*place.Division) string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Code)
	}
	return strings.Join(out, ",")
}

func TestJiangsu_HasTheProvinceItsCitiesAndCounties(t *testing.T) {
	ix := jiangsu(t)
	byType := map[string]int{}
	for _, d := range ix.All() {
		byType[d.Type]++
		switch d.Type {
		case "CITY":
			if d.Parent == nil || d.Parent.Code != "320000" {
				t.Errorf("%s lies in %v, not the province", d, d.Parent)
			}
		case "COUNTY":
			if d.Parent == nil || d.Parent.Type != "CITY" || d.Parent.Code[:4] != d.Code[:4] {
				t.Errorf("%s lies in %v, not its city", d, d.Parent)
			}
		}
	}
	// 55 市辖区, 21 县级市 and 19 县 in the package's edition.
	if byType["PROVINCE"] != 1 || byType["CITY"] != 13 || byType["COUNTY"] != 95 {
		t.Errorf("divisions by type: %v", byType)
	}
	// The ids of the cities are the ones the rest of the data uses.
	if d, ok := ix.ByCode("320500"); !ok || d.ID != "region/suzhou" || d.Name != "苏州市" {
		t.Errorf("320500 is %v", d)
	}
}

func TestResolve_EveryWrittenForm(t *testing.T) {
	ix := jiangsu(t)
	for _, c := range []struct{ written, want string }{
		// the full name, the code, the short name
		{"昆山市", "320583"}, {"320583", "320583"}, {"昆山", "320583"},
		{"江宁区", "320115"}, {"江宁", "320115"}, {"320115", "320115"},
		{"沛县", "320322"}, {"睢宁", "320324"}, {"雨花台", "320114"},
		// city and county, with or without suffixes, with separators and spaces
		{"苏州市昆山市", "320583"}, {"苏州昆山", "320583"}, {"苏州市昆山", "320583"}, {"苏州昆山市", "320583"},
		{"苏州 昆山", "320583"}, {"苏州-昆山", "320583"}, {"苏州/昆山市", "320583"}, {"  昆山市 ", "320583"},
		{"南京市鼓楼区", "320106"}, {"南京鼓楼", "320106"}, {"徐州鼓楼区", "320302"},
		// the province in front
		{"江苏省苏州市昆山市", "320583"}, {"江苏苏州昆山", "320583"}, {"江苏省南京市", "320100"}, {"江苏南京", "320100"},
		// cities and the province
		{"南京市", "320100"}, {"南京", "320100"}, {"320100", "320100"}, {"江苏省", "320000"}, {"江苏", "320000"},
		// full width
		{"３２０５８３", "320583"},
		// a short name a city and a county share means the city; the county
		// is written in full or with its city
		{"淮安", "320800"}, {"淮安市", "320800"}, {"淮安区", "320803"}, {"淮安市淮安区", "320803"}, {"淮安淮安", "320803"},
		// ambiguous: every candidate
		{"鼓楼区", "320106,320302"}, {"鼓楼", "320106,320302"},
		// none
		{"", ""}, {"北京市", ""}, {"德国", ""}, {"320599", ""}, {"苏州工业园区", ""}, {"苏州鼓楼", ""},
		{"沛", ""}, {"市辖区", ""}, {"南京昆山", ""}, {"昆山苏州", ""},
	} {
		if got := codes(ix.Resolve(c.written)); got != c.want {
			t.Errorf("Resolve(%q) = %s, want %s", c.written, got, c.want)
		}
	}
}

// Every division is found by each of its forms, and only by its own.
func TestResolve_EveryDivisionByEveryForm(t *testing.T) {
	ix := jiangsu(t)
	for _, d := range ix.All() {
		forms := []string{d.Code, d.Name, d.FullName()}
		if d.Type == "COUNTY" {
			forms = append(forms, d.Parent.Name+d.Name, strings.TrimSuffix(d.Parent.Name, "市")+d.Name)
		}
		for _, f := range forms {
			got := ix.Resolve(f)
			found := false
			for _, g := range got {
				found = found || g == d
			}
			if !found {
				t.Errorf("%s: Resolve(%q) = %s", d, f, codes(got))
			}
			// Only 鼓楼区 (two districts) is ambiguous by its name.
			if len(got) > 1 && d.Name != "鼓楼区" {
				t.Errorf("%s: Resolve(%q) is ambiguous: %s", d, f, codes(got))
			}
		}
	}
}

func FuzzResolve(f *testing.F) {
	for _, s := range []string{"昆山市", "苏州昆山", "320583", "鼓楼", "江苏省苏州市昆山市", "淮安", "", "市", "江苏江苏江苏", "南京南京南京市"} {
		f.Add(s)
	}
	ix := jiangsu(f)
	f.Fuzz(func(t *testing.T, s string) {
		got := ix.Resolve(s)
		for i, d := range got {
			if d == nil {
				t.Fatalf("Resolve(%q) returned nil", s)
			}
			if i > 0 && got[i-1].Code >= d.Code {
				t.Fatalf("Resolve(%q) = %s: not in code order, or twice", s, codes(got))
			}
			// Whatever it finds is found again by its code and full name.
			if again := ix.Resolve(d.Code); len(again) != 1 || again[0] != d {
				t.Fatalf("%s not found by its code", d)
			}
			if again := ix.Resolve(d.FullName()); len(again) != 1 || again[0] != d {
				t.Fatalf("%s not found by its full name: %s", d, codes(again))
			}
		}
		if !utf8.ValidString(s) && len(got) > 0 && len(s) < 4 {
			t.Fatalf("Resolve(%q) found %s", s, codes(got))
		}
	})
}
