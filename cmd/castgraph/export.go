package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/export"
	"github.com/castgraph/castgraph/graph"
	"github.com/castgraph/castgraph/store"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

const exportUsage = `usage: castgraph export (-q QUERY | -f FILE) [-var name=value …] [-vars JSON] -o FILE.xlsx|FILE.csv|-

Runs a GraphQL query against the graph, as the server would (its schema,
limits and checks; as the local admin), and writes one row per node of a
list as CSV (UTF-8 with a BOM, so Excel opens it) or XLSX, the format from
the output's extension (-o - writes CSV to stdout). Headers are the Chinese
ones the roster importer reads (姓名, 工作单位, 统一社会信用代码 …), so an
exported roster imports again; README.md ("Export to Excel") has the rules.

flags (one dash or two):
`

// Excel's sheet holds 1 048 576 rows: the header and this many.
const excelMaxRows = 1_048_575

// exportCommand runs `castgraph export`.
func exportCommand(ctx context.Context, args []string, log *slog.Logger) error {
	return runExport(ctx, args, os.Stdout, os.Stderr, func(ctx context.Context) (*store.Store, error) { return open(ctx, log) }, log)
}

// varFlags collects -var name=value.
type varFlags []string

func (v *varFlags) String() string     { return strings.Join(*v, " ") }
func (v *varFlags) Set(s string) error { *v = append(*v, s); return nil }

// runExport is exportCommand with its outputs and store given, for tests.
// Nothing is written unless the whole file is made: a file goes to a
// temporary name beside it and is renamed at the end.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer, openStore func(context.Context) (*store.Store, error), log *slog.Logger) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), exportUsage)
		fs.PrintDefaults()
	}
	query := fs.String("q", "", "the GraphQL query")
	file := fs.String("f", "", "a file holding the GraphQL query")
	var vars varFlags
	fs.Var(&vars, "var", "a variable, name=value (repeat for several); the value is read as the variable's type says (Int, Boolean, a list or input object as JSON)")
	varsJSON := fs.String("vars", "", "the variables as a JSON object (-var adds to them)")
	operation := fs.String("operation", "", "the operation to run, when the document has several")
	out := fs.String("o", "", "the output: FILE.xlsx, FILE.csv, or - for CSV on stdout")
	format := fs.String("format", "", "csv or xlsx (default: from -o's extension)")
	list := fs.String("list", "", "the list whose nodes are the rows, as a dotted path of response keys, e.g. experts.nodes (default: the first list of objects in the answer)")
	flatten := fs.Bool("flatten", false, "one row per element of each node's first nested list of objects (the node's columns repeated), instead of joining them with 、")
	headers := fs.String("headers", "zh", "zh: the roster importer's Chinese headers for fields of a kind; en: GraphQL names")
	maxRows := fs.Int("max-rows", excelMaxRows, "the most rows one export may have (Excel's sheet holds 1 048 575 besides the header)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return castgraph.Errorf(castgraph.EINVALID, "", "export takes no arguments besides its flags (got %q): give the query with -q or -f", fs.Arg(0))
	}
	req := graph.ExportRequest{List: *list, Flatten: *flatten, OperationName: *operation, MaxRows: *maxRows, MaxBytes: 1 << 30}
	switch {
	case (*query == "") == (*file == ""):
		return castgraph.Errorf(castgraph.EINVALID, "q", "give the query with -q QUERY or -f FILE (one of them)")
	case *file != "":
		b, err := os.ReadFile(*file)
		if err != nil {
			return castgraph.Errorf(castgraph.EINVALID, "f", "reading the query: %v", err)
		}
		req.Query = string(b)
	default:
		req.Query = *query
	}
	switch *headers {
	case "zh":
	case "en":
		req.English = true
	default:
		return castgraph.Errorf(castgraph.EINVALID, "headers", "-headers is zh or en, not %q", *headers)
	}
	if *maxRows < 1 {
		return castgraph.Errorf(castgraph.EINVALID, "max-rows", "-max-rows must be at least 1")
	}
	if *out == "" {
		return castgraph.Errorf(castgraph.EINVALID, "o", "give the output with -o FILE.xlsx, FILE.csv or - (CSV on stdout)")
	}
	var err error
	switch f := *format; {
	case f != "":
		req.Format, err = export.ParseFormat(f)
	case *out == "-":
		req.Format = export.CSV
	default:
		ext := strings.TrimPrefix(strings.ToLower(filepath.Ext(*out)), ".")
		if req.Format, err = export.ParseFormat(ext); err != nil {
			err = castgraph.Errorf(castgraph.EINVALID, "o", "-o %s: the extension says no format: use .xlsx or .csv (or -format)", *out)
		}
	}
	if err != nil {
		return err
	}
	if req.Variables, err = exportVariables(req.Query, *operation, *varsJSON, vars); err != nil {
		return err
	}

	limits, bounds, err := serveBounds()
	if err != nil {
		return err
	}
	s, err := openStore(ctx)
	if err != nil {
		return err
	}
	defer s.Close(context.Background())
	runner := graph.NewRunner(s, graph.Options{Limits: limits, Bounds: bounds, Log: log})
	content, err := runner.Export(ctx, castgraph.LocalActor(), req)
	if err != nil {
		return err
	}
	if *out == "-" {
		_, err = stdout.Write(content)
		return err
	}
	return writeWhole(*out, content)
}

// writeWhole writes a file under a temporary name in its folder and renames
// it into place, so that a reader never sees half of it and a failure
// leaves the old file (or none).
func writeWhole(name string, content []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(content)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// exportVariables reads -vars and the -var name=value flags. A -var value
// is read by the type the operation declares for the variable: a string for
// String, ID and the custom scalars (Date, YearMonth), a number for Int and
// Float, true/false for Boolean, JSON for lists, enums as their names, and
// input objects; an undeclared variable is an error, as the server would say.
func exportVariables(query, operation, varsJSON string, vars []string) (map[string]any, error) {
	out := map[string]any{}
	if varsJSON != "" {
		dec := json.NewDecoder(strings.NewReader(varsJSON))
		dec.UseNumber()
		if err := dec.Decode(&out); err != nil || out == nil || dec.More() {
			return nil, castgraph.Errorf(castgraph.EINVALID, "vars", "-vars must be a JSON object")
		}
	}
	if len(vars) == 0 {
		return out, nil
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		return nil, castgraph.Errorf(castgraph.EINVALID, "q", "the query does not parse: %s", err.Error())
	}
	op := doc.Operations.ForName(operation)
	if op == nil && operation == "" && len(doc.Operations) > 0 {
		op = doc.Operations[0]
	}
	for _, v := range vars {
		name, value, ok := strings.Cut(v, "=")
		name = strings.TrimPrefix(strings.TrimSpace(name), "$")
		if !ok || name == "" {
			return nil, castgraph.Errorf(castgraph.EINVALID, "var", "-var %q: write name=value", v)
		}
		var def *ast.VariableDefinition
		if op != nil {
			def = op.VariableDefinitions.ForName(name)
		}
		if def == nil {
			return nil, castgraph.Errorf(castgraph.EINVALID, "var", "-var %s: the query declares no variable $%s", name, name)
		}
		t := def.Type
		switch {
		case t.Elem == nil && (t.NamedType == "String" || t.NamedType == "ID" || t.NamedType == "Date" || t.NamedType == "YearMonth" || t.NamedType == "DateTime"):
			out[name] = value
		case t.Elem == nil && (t.NamedType == "Int" || t.NamedType == "Float" || t.NamedType == "Boolean"), t.Elem != nil || looksJSON(value):
			dec := json.NewDecoder(strings.NewReader(value))
			dec.UseNumber()
			var x any
			if err := dec.Decode(&x); err != nil || dec.More() {
				return nil, castgraph.Errorf(castgraph.EINVALID, "var", "-var %s: %q is not a %s", name, value, t.String())
			}
			out[name] = x
		default:
			out[name] = value // an enum's name, or a scalar the server reads from text
		}
	}
	return out, nil
}

func looksJSON(s string) bool {
	s = strings.TrimSpace(s)
	return strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[") || s == "null"
}
