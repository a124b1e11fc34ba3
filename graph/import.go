package graph

import (
	"context"
	"errors"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/graph/model"
	"github.com/castgraph/castgraph/roster"
)

// ImportRoster imports an uploaded roster through package roster, as
// `castgraph import` does. A report comes back also for a partly failed
// import (its error field says what stopped it); only input that cannot be
// read at all is a GraphQL error.
func (r *mutationResolver) ImportRoster(ctx context.Context, file graphql.Upload, options *model.ImportOptions, async *bool) (*model.ImportReport, error) {
	// A roster of people writes their personal fields (性别, 出生年月, 手机,
	// 邮箱), which the API lets only READ_PERSONAL write. The role ladder
	// gives it to every importer; asking here keeps an import from writing
	// what its caller could not, should the ladder ever change.
	if err := castgraph.Require(ctx, castgraph.PermReadPersonal); err != nil {
		return nil, err
	}
	opts := roster.Options{}
	maxIssues := 1000
	if o := options; o != nil {
		var err error
		if o.Kind != nil {
			opts.Kind = roster.Kind(strings.ToLower(string(*o.Kind)))
		}
		if o.Format != nil {
			opts.Format = roster.Format(strings.ToLower(string(*o.Format)))
		}
		if o.Sheet != nil {
			opts.Sheet = *o.Sheet
		}
		if o.Encoding != nil {
			if opts.Encoding, err = roster.ParseEncoding(*o.Encoding); err != nil {
				return nil, onField(err, "options.encoding")
			}
		}
		if o.Mapping != nil && strings.TrimSpace(*o.Mapping) != "" {
			if opts.Mapping, err = roster.ReadMapping(strings.NewReader(*o.Mapping), "options.mapping"); err != nil {
				return nil, onField(err, "options.mapping")
			}
		}
		if o.DryRun != nil {
			opts.DryRun = *o.DryRun
		}
		if o.Strict != nil {
			opts.Strict = *o.Strict
		}
		if len(o.CreateMissing) > 0 {
			names := make([]string, len(o.CreateMissing))
			for i, k := range o.CreateMissing {
				names[i] = strings.ToLower(string(k))
			}
			if opts.CreateMissing, err = roster.ParseCreateMissing(strings.Join(names, ",")); err != nil {
				return nil, onField(err, "options.createMissing")
			}
		}
		if o.MaxCreated != nil {
			if *o.MaxCreated < 1 || *o.MaxCreated > 100_000 {
				return nil, castgraph.Errorf(castgraph.EINVALID, "options.maxCreated", "maxCreated must be from 1 to 100000")
			}
			opts.MaxCreated = *o.MaxCreated
		}
		if o.Source != nil {
			opts.Source = strings.TrimSpace(*o.Source)
		}
		if o.BatchSize != nil {
			if *o.BatchSize < 1 || *o.BatchSize > 50_000 {
				return nil, castgraph.Errorf(castgraph.EINVALID, "options.batchSize", "batchSize must be from 1 to 50000")
			}
			opts.BatchSize = *o.BatchSize
		}
		if o.MaxIssues != nil {
			if *o.MaxIssues < 0 {
				return nil, castgraph.Errorf(castgraph.EINVALID, "options.maxIssues", "maxIssues must not be negative")
			}
			maxIssues = *o.MaxIssues
		}
	}
	if file.File == nil {
		return nil, castgraph.Errorf(castgraph.EINVALID, "file", "no file was uploaded")
	}
	name := file.Filename
	if name == "" {
		name = "upload"
	}
	if async != nil && *async {
		return r.startImportJob(ctx, file, name, opts, maxIssues) // jobs.go
	}
	rep, err := roster.Import(ctx, r.Store, roster.File{Name: name, R: file.File, Size: file.Size}, opts)
	if m := telemetryOf(ctx); m != nil && rep != nil {
		m.ImportRows(rep.RowsOK, rep.RowsRejected, rep.DryRun)
	}
	if err != nil && (rep == nil || rep.Kind == "" || castgraph.ErrorCode(err) == castgraph.EINVALID && rep.RowsRead == 0) {
		// Nothing was read: the file itself is at fault.
		return nil, err
	}
	return importReport(rep, maxIssues), nil
}

// onField puts an argument error on the argument's path.
func onField(err error, field string) error {
	var e *castgraph.Error
	if errors.As(err, &e) {
		return castgraph.Errorf(e.Code, field, "%s", e.Message)
	}
	return castgraph.Errorf(castgraph.EINVALID, field, "%v", err)
}

func importReport(rep *roster.Report, maxIssues int) *model.ImportReport {
	out := &model.ImportReport{
		File: rep.File, Source: rep.Source, Format: model.RosterFormat(strings.ToUpper(string(rep.Format))),
		DryRun: rep.DryRun, Strict: rep.Strict, Written: rep.Written, Complete: rep.Complete,
		RowsRead: rep.RowsRead, RowsOk: rep.RowsOK, RowsRejected: rep.RowsRejected,
		NodesCreated: rep.NodesCreated, NodesUpdated: rep.NodesUpdated,
		RelationshipsCreated: rep.RelationshipsCreated, RelationshipsUpdated: rep.RelationshipsUpdated,
		Batches: rep.Batches, Seconds: rep.Seconds, IssueCount: rep.IssueCount, Summary: rep.Summary(),
		Columns: []*model.ImportColumn{}, Issues: []*model.ImportIssue{},
		IgnoredColumns: append([]string{}, rep.IgnoredColumns...), Created: []*model.ImportCreated{},
	}
	for _, n := range rep.CreatedByKind {
		out.CreatedCount += n
	}
	for i, c := range rep.Created {
		if i >= maxIssues {
			break
		}
		out.Created = append(out.Created, &model.ImportCreated{Kind: string(c.Kind), Name: c.Name, ID: c.ID, Row: c.Row, Column: c.Column})
	}
	if rep.Kind != "" {
		k := model.RosterKind(strings.ToUpper(string(rep.Kind)))
		out.Kind = &k
	}
	if rep.Encoding != "" {
		out.Encoding = &rep.Encoding
	}
	if rep.Sheet != "" {
		out.Sheet = &rep.Sheet
	}
	if rep.Error != "" {
		out.Error = &rep.Error
	}
	for _, c := range rep.Columns {
		out.Columns = append(out.Columns, &model.ImportColumn{Column: c.Column, Field: string(c.Field)})
	}
	for i, is := range rep.Issues {
		if i >= maxIssues {
			break
		}
		out.Issues = append(out.Issues, &model.ImportIssue{Row: is.Row, Column: is.Column, Code: is.Code, Severity: is.Severity, Message: is.Message})
	}
	return out
}
