package store

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"
)

// signature identifies what a cursor belongs to: the list and its order. A
// cursor from another list or order is rejected, not misread.
func signature(scope string, fields []sortField) string {
	h := sha256.New()
	h.Write([]byte(scope))
	for _, f := range fields {
		fmt.Fprintf(h, "|%s:%v", f.Field, f.Desc)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// cursorData is what a cursor holds: the signature and the sort key of the
// node it points after (or before), each value tagged with its type.
type cursorData struct {
	Sig  string   `json:"s"`
	Keys []keyVal `json:"k"`
}

type keyVal struct {
	S *string `json:"s,omitempty"`
	I *int64  `json:"i,omitempty"`
	B *bool   `json:"b,omitempty"`
	D *string `json:"d,omitempty"` // date
	T *string `json:"t,omitempty"` // datetime
}

func encodeCursor(sig string, key []any) string {
	c := cursorData{Sig: sig}
	for _, v := range key {
		var kv keyVal
		switch x := v.(type) {
		case string:
			kv.S = &x
		case int64:
			kv.I = &x
		case bool:
			kv.B = &x
		case dbtype.Date:
			s := x.Time().Format(time.DateOnly)
			kv.D = &s
		case time.Time:
			s := x.Format(time.RFC3339Nano)
			kv.T = &s
		}
		c.Keys = append(c.Keys, kv)
	}
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor reads a cursor back into Cypher parameter values.
func decodeCursor(s, sig string, fields []sortField, arg string) ([]any, error) {
	bad := castgraph.Errorf(castgraph.EINVALID, arg, "the cursor is not one this list gave out (or the order changed)")
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, bad
	}
	var c cursorData
	if json.Unmarshal(raw, &c) != nil || c.Sig != sig || len(c.Keys) != len(fields) {
		return nil, bad
	}
	out := make([]any, len(fields))
	for i, kv := range c.Keys {
		switch {
		case kv.S != nil && (fields[i].typ == castgraph.PropString || fields[i].typ == castgraph.PropEnum):
			out[i] = *kv.S
		case kv.I != nil && fields[i].typ == castgraph.PropInt:
			out[i] = *kv.I
		case kv.B != nil && fields[i].typ == castgraph.PropBool:
			out[i] = *kv.B
		case kv.D != nil && fields[i].typ == castgraph.PropDate && !fields[i].time:
			t, err := time.Parse(time.DateOnly, *kv.D)
			if err != nil {
				return nil, bad
			}
			out[i] = neo4j.DateOf(t)
		case kv.T != nil && fields[i].time:
			t, err := time.Parse(time.RFC3339Nano, *kv.T)
			if err != nil {
				return nil, bad
			}
			out[i] = t
		default:
			return nil, bad
		}
	}
	return out, nil
}

// keyset compiles "strictly after this sort key in this order" (lexicographic).
func (b *cypherBuilder) keyset(fields []sortField, key []any, backwards bool) string {
	var ors []string
	for i := range fields {
		var ands []string
		for j := 0; j < i; j++ {
			ands = append(ands, fmt.Sprintf("%s = %s", fields[j].expr, b.param(key[j])))
		}
		cmp := ">"
		if fields[i].Desc != backwards {
			cmp = "<"
		}
		ands = append(ands, fmt.Sprintf("%s %s %s", fields[i].expr, cmp, b.param(key[i])))
		ors = append(ors, "("+strings.Join(ands, " AND ")+")")
	}
	return "(" + strings.Join(ors, " OR ") + ")"
}
