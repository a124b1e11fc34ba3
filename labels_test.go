package castgraph

import (
	"testing"
	"unicode"
)

// hasHan reports whether s holds a Chinese character: a Chinese label that
// is only Latin text is an English name pasted into the wrong column.
func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func checkLabel(t *testing.T, what string, l Label, ok bool) {
	t.Helper()
	switch {
	case !ok:
		t.Errorf("%s has no label: add it to labels.go", what)
	case !hasHan(l.Zh):
		t.Errorf("%s: Chinese label %q has no Chinese character", what, l.Zh)
	case l.En == "" || hasHan(l.En):
		t.Errorf("%s: English label %q is empty or not English", what, l.En)
	}
}

// TestLabels checks that every kind, relationship type and property of the
// registry has a Chinese and an English display name, and that no two kinds
// (or two types) share one, which would make a legend or a header ambiguous.
func TestLabels(t *testing.T) {
	seen := map[string]string{}
	unique := func(what, name string) {
		if prev, dup := seen[name]; dup {
			t.Errorf("%s and %s are both labelled %q", prev, what, name)
		}
		seen[name] = what
	}
	for _, spec := range Kinds {
		l, ok := kindLabels[spec.Kind]
		checkLabel(t, "kind "+string(spec.Kind), l, ok)
		unique("kind "+string(spec.Kind), "kind zh "+l.Zh)
		unique("kind "+string(spec.Kind), "kind en "+l.En)
		if spec.Kind.Label() != l {
			t.Errorf("Kind(%s).Label() = %v, want %v", spec.Kind, spec.Kind.Label(), l)
		}
		for _, p := range spec.Props {
			l, ok := propLabels[p.Name]
			checkLabel(t, "property "+string(spec.Kind)+"."+p.Name, l, ok)
		}
	}
	for _, spec := range Relations {
		l, ok := relLabels[spec.Type]
		checkLabel(t, "relationship type "+string(spec.Type), l, ok)
		unique("type "+string(spec.Type), "type zh "+l.Zh)
		unique("type "+string(spec.Type), "type en "+l.En)
		if spec.Type.Label() != l {
			t.Errorf("RelType(%s).Label() = %v, want %v", spec.Type, spec.Type.Label(), l)
		}
	}
	for _, p := range RelationProps() {
		l, ok := propLabels[p.Name]
		checkLabel(t, "relationship property "+p.Name, l, ok)
	}
	for _, name := range []string{"id", "name", "aliases", "description"} {
		l, ok := propLabels[name]
		checkLabel(t, "field "+name, l, ok)
	}
	// Labels of kinds or types the registry no longer has are stale.
	for k := range kindLabels {
		if _, ok := SpecOf(k); !ok {
			t.Errorf("labels.go names kind %s, which the registry does not have", k)
		}
	}
	for r := range relLabels {
		if _, ok := RelSpecOf(r); !ok {
			t.Errorf("labels.go names relationship type %s, which the registry does not have", r)
		}
	}
	if got := Kind("Nope").Label(); got != (Label{"Nope", "Nope"}) {
		t.Errorf("unknown kind's label = %v", got)
	}
}
