package castgraph_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/castgraph/castgraph"
)

// expertProp returns the registry's spec of an expert property.
func expertProp(t *testing.T, name string) *castgraph.PropSpec {
	t.Helper()
	spec, _ := castgraph.SpecOf(castgraph.KindExpert)
	p, ok := spec.Prop(name)
	if !ok {
		t.Fatalf("Expert has no property %s", name)
	}
	return p
}

func TestPersonalProps(t *testing.T) {
	spec, _ := castgraph.SpecOf(castgraph.KindExpert)
	if got := strings.Join(spec.PersonalProps(), ","); got != "gender,birthMonth,phone,email" {
		t.Errorf("Expert's personal properties = %s", got)
	}
	if !castgraph.IsPersonal(castgraph.KindExpert, "phone") || !castgraph.IsPersonal("", "birthMonth") {
		t.Error("phone and birthMonth must be personal")
	}
	if castgraph.IsPersonal(castgraph.KindExpert, "title") || castgraph.IsPersonal(castgraph.KindSociety, "phone") {
		t.Error("title, and a property another kind lacks, are not personal")
	}
}

// Every role that may write or import may read personal fields too: the
// API lets a writer set a personal field only with READ_PERSONAL (see
// graph/personal.go), and the ladder keeps that true for editors and
// importers. A new role that breaks it must decide the question again.
func TestPersonalWritersMayRead(t *testing.T) {
	for _, r := range castgraph.Roles {
		if (r.Can(castgraph.PermWrite) || r.Can(castgraph.PermImport)) && !r.Can(castgraph.PermReadPersonal) {
			t.Errorf("role %s writes but may not read personal fields", r)
		}
	}
}

func TestPersonalBirthMonth(t *testing.T) {
	p := expertProp(t, "birthMonth")
	next := time.Now().AddDate(0, 1, 0).Format("2006-01")
	for _, tc := range []struct {
		in   any
		want string // "" for an error
	}{
		{"1988-04", "1988-04"},
		{" 1988-12 ", "1988-12"},
		{"1900-01", "1900-01"},
		{"1988-13", ""},
		{"1988-00", ""},
		{"1988-4", ""},
		{"1988-04-12", ""},
		{"昨天", ""},
		{"", ""},
		{"1899-12", ""},
		{next, ""},
		{198804, ""},
	} {
		got, err := p.Clean(tc.in)
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("Clean(%v) = %v, want an error", tc.in, got)
		case tc.want != "" && (err != nil || got != tc.want):
			t.Errorf("Clean(%v) = %v, %v; want %s", tc.in, got, err, tc.want)
		}
		if s, ok := tc.in.(string); ok && err != nil && strings.TrimSpace(s) != "" && strings.Contains(err.Error(), strings.TrimSpace(s)) {
			t.Errorf("the error about %q quotes the value: %v", s, err)
		}
	}
}

func TestPersonalGender(t *testing.T) {
	p := expertProp(t, "gender")
	for _, ok := range []string{"MALE", "FEMALE", "OTHER"} {
		if _, err := p.Clean(ok); err != nil {
			t.Errorf("Clean(%s): %v", ok, err)
		}
	}
	for _, bad := range []string{"男", "male", "M", ""} {
		if _, err := p.Clean(bad); err == nil {
			t.Errorf("Clean(%q) is accepted; the API takes the enum values only", bad)
		}
	}
}

func TestPersonalPhone(t *testing.T) {
	p := expertProp(t, "phone")
	for _, tc := range []struct{ in, want string }{
		{"13812345678", "13812345678"},
		{"138 1234 5678", "13812345678"},
		{"138-1234-5678", "13812345678"},
		{"+86 138 1234 5678", "13812345678"},
		{"8613812345678", "13812345678"},
		{"１３８１２３４５６７８", "13812345678"},
		{"025-83456789", "025-83456789"},
		{"(025) 8345 6789", "025-83456789"},
		{"02583456789", "025-83456789"},
		{"010-12345678", ""}, // a local number does not start with 1
		{"010-62345678", "010-62345678"},
		{"0512-6789012", "0512-6789012"},
		{"0512 67890123", "0512-67890123"},
		{"+86 25 8345 6789", "025-83456789"},
		{"025-83456789转8001", "025-83456789转8001"},
		{"025-83456789 ext. 12", "025-83456789转12"},
		{"83456789", "83456789"},
		{"4008123123", "4008123123"},
		{"12345678901", ""},
		{"1381234567", ""},
		{"138123456789", ""},
		{"13812345678/13912345678", ""},
		{"025-83456789转1234567", ""},
		{"电话", ""},
		{"a@b.cn", ""},
		{"0", ""},
	} {
		got, err := p.Clean(tc.in)
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("Clean(%q) = %v, want an error", tc.in, got)
		case tc.want != "" && (err != nil || got != tc.want):
			t.Errorf("Clean(%q) = %v, %v; want %s", tc.in, got, err, tc.want)
		}
		if err != nil && len(tc.in) > 2 && strings.Contains(err.Error(), tc.in) {
			t.Errorf("the error quotes the number: %v", err)
		}
	}
}

func TestPersonalEmail(t *testing.T) {
	p := expertProp(t, "email")
	for _, tc := range []struct{ in, want string }{
		{"zhang.san@example.cn", "zhang.san@example.cn"},
		{"Zhang.San@Example.EDU.CN", "Zhang.San@example.edu.cn"},
		{"zhangsan＠example.cn", "zhangsan@example.cn"},
		{"a+tag@mail.example-x.com", "a+tag@mail.example-x.com"},
		{"张三@例子.中国", ""}, // the local part is ASCII in the addresses rosters hold
		{"zs@例子.中国", "zs@例子.中国"},
		{"zhangsan", ""},
		{"zhang@san@example.cn", ""},
		{"@example.cn", ""},
		{"zhang..san@example.cn", ""},
		{".zs@example.cn", ""},
		{"zs@example", ""},
		{"zs@-example.cn", ""},
		{"zs@example..cn", ""},
		{"zs@1.2.3.4", ""},
		{"张三 <zs@example.cn>", ""},
		{"zs @example.cn", ""},
		{strings.Repeat("a", 65) + "@example.cn", ""},
	} {
		got, err := p.Clean(tc.in)
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("Clean(%q) = %v, want an error", tc.in, got)
		case tc.want != "" && (err != nil || got != tc.want):
			t.Errorf("Clean(%q) = %v, %v; want %s", tc.in, got, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), tc.in) {
			t.Errorf("the error quotes the address: %v", err)
		}
	}
}

// CheckNode's errors about personal fields name the field, never the value.
func TestPersonalCheckNodeErrors(t *testing.T) {
	spec, _ := castgraph.SpecOf(castgraph.KindExpert)
	name := "张三"
	for field, v := range map[string]any{"birthMonth": "1988-13", "phone": "1381234567", "email": "zhangsan-at-example.cn", "gender": "男"} {
		in := castgraph.NodeInput{Name: &name, Props: map[string]any{field: v}}
		err := spec.CheckNode(&in, true, "input")
		if err == nil {
			t.Errorf("%s %v accepted", field, v)
			continue
		}
		var e *castgraph.Error
		if !errors.As(err, &e) || e.Code != castgraph.EINVALID || e.Field != "input."+field {
			t.Errorf("%s: %v, want INVALID_ARGUMENT on input.%s", field, err, field)
		}
		if strings.Contains(err.Error(), v.(string)) {
			t.Errorf("%s: the error quotes the value: %v", field, err)
		}
	}
}
