package graph

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/graph/model"
	"github.com/castgraph/castgraph/roster"
	"github.com/castgraph/castgraph/store"
)

// Import jobs: importRoster(async: true) hands the import to a goroutine of
// this process, which runs it under its own bounds instead of the request's
// deadline. The process keeps the jobs it runs (jobs.live); every job is also
// a record in Neo4j (store/jobs.go), its progress and heartbeat written at
// most once a ProgressInterval, so that any replica answers importJob(id) and
// importProgress(id), and cancelImportJob asked of another replica reaches
// the job at its process's next heartbeat.

// JobOptions bound import jobs and the WebSocket that reports their progress;
// zero fields mean the defaults (DefaultJobOptions).
type JobOptions struct {
	// MaxRunning is how many jobs one process runs at once; another is
	// refused with OVERLOADED.
	MaxRunning int
	// MaxRunTime bounds a job: it is stopped (FAILED) when it runs longer,
	// between batches or rolling back the batch in flight.
	MaxRunTime time.Duration
	// ProgressInterval is how often a running job writes its progress and
	// heartbeat to Neo4j, and the least time between two progress events of
	// a subscription (at most 10 s: a slower heartbeat would read as dead).
	ProgressInterval time.Duration
	// MaxConnections caps the WebSocket connections a process holds; more
	// are refused (503 OVERLOADED) before the upgrade.
	MaxConnections int
	// MaxSubscriptions caps the subscriptions of one connection at once.
	MaxSubscriptions int
	// KeepAlive is how often the server pings a connection (graphql-ws: ka
	// messages; graphql-transport-ws: ping, and a client that does not pong
	// within twice this is dropped).
	KeepAlive time.Duration
	// InitTimeout is how long a connection may take to send connection_init.
	InitTimeout time.Duration
	// MaxConnectionTime closes a connection after this long, whatever it
	// does, so that credentials checked at its start are checked again.
	MaxConnectionTime time.Duration
}

// DefaultJobOptions are the bounds of a server told nothing else.
var DefaultJobOptions = JobOptions{
	MaxRunning:        2,
	MaxRunTime:        30 * time.Minute,
	ProgressInterval:  time.Second,
	MaxConnections:    256,
	MaxSubscriptions:  4,
	KeepAlive:         15 * time.Second,
	InitTimeout:       10 * time.Second,
	MaxConnectionTime: time.Hour,
}

func (o JobOptions) withDefaults() JobOptions {
	d := DefaultJobOptions
	if o.MaxRunning <= 0 {
		o.MaxRunning = d.MaxRunning
	}
	if o.MaxRunTime <= 0 {
		o.MaxRunTime = d.MaxRunTime
	}
	if o.ProgressInterval <= 0 {
		o.ProgressInterval = d.ProgressInterval
	}
	o.ProgressInterval = min(o.ProgressInterval, 10*time.Second)
	if o.MaxConnections <= 0 {
		o.MaxConnections = d.MaxConnections
	}
	if o.MaxSubscriptions <= 0 {
		o.MaxSubscriptions = d.MaxSubscriptions
	}
	if o.KeepAlive <= 0 {
		o.KeepAlive = d.KeepAlive
	}
	if o.InitTimeout <= 0 {
		o.InitTimeout = d.InitTimeout
	}
	if o.MaxConnectionTime <= 0 {
		o.MaxConnectionTime = d.MaxConnectionTime
	}
	return o
}

// MaxJobIssues is the most issues (and created nodes) a job's report lists:
// the report is kept in Neo4j for any replica to answer with, and must stay
// small; issueCount still counts them all.
const MaxJobIssues = 1000

// jobs runs the import jobs of one process.
type jobs struct {
	store   *store.Store
	opts    JobOptions
	log     *slog.Logger
	process string
	// running admits MaxRunning jobs.
	running chan struct{}
	mu      sync.Mutex
	live    map[string]*job
}

func newJobs(s *store.Store, opts JobOptions, log *slog.Logger) *jobs {
	opts = opts.withDefaults()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	host, _ := os.Hostname()
	process := hex.EncodeToString(b)
	log.Info("import jobs run here", "process", process, "host", host, "pid", os.Getpid(), "maxRunning", opts.MaxRunning, "maxRunTime", opts.MaxRunTime)
	return &jobs{store: s, opts: opts, log: log, process: process, running: make(chan struct{}, opts.MaxRunning), live: map[string]*job{}}
}

type jobsKey struct{}

// withJobs gives the resolvers this process's jobs (the Resolver holds only
// the store).
func withJobs(j *jobs, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), jobsKey{}, j)))
	})
}

func jobsFrom(ctx context.Context) (*jobs, error) {
	if j, ok := ctx.Value(jobsKey{}).(*jobs); ok {
		return j, nil
	}
	return nil, castgraph.Errorf(castgraph.EUNAVAILABLE, "", "this server runs no import jobs")
}

// Why a job's context ended.
var (
	errJobCancelled = errors.New("cancelled")
	errJobTimeLimit = errors.New("time limit")
)

// job is one import job of this process.
type job struct {
	id, actor, file string
	maxIssues       int
	created         time.Time
	cancel          context.CancelCauseFunc
	done            chan struct{}

	mu              sync.Mutex
	state           string
	progress        roster.Progress
	started         time.Time
	finished        time.Time
	heartbeat       time.Time
	cancelRequested bool
	err             string
	report          *model.ImportReport
	// changed is closed, and replaced, at every change: subscribers wait on it.
	changed chan struct{}
}

// update changes the job under its lock and wakes whoever waits for a change.
func (j *job) update(f func()) {
	j.mu.Lock()
	f()
	close(j.changed)
	j.changed = make(chan struct{})
	j.mu.Unlock()
}

// record is the job as store.Job.
func (j *job) record() store.Job {
	j.mu.Lock()
	defer j.mu.Unlock()
	r := store.Job{ID: j.id, Actor: j.actor, File: j.file, State: j.state, RowsRead: j.progress.Rows, RowsOK: j.progress.OK,
		RowsRejected: j.progress.Rows - j.progress.OK, Fraction: j.progress.Fraction, CreatedAt: j.created,
		StartedAt: j.started, FinishedAt: j.finished, HeartbeatAt: j.heartbeat, CancelRequested: j.cancelRequested, Error: j.err}
	if j.report != nil {
		r.RowsRead, r.RowsOK, r.RowsRejected = j.report.RowsRead, j.report.RowsOk, j.report.RowsRejected
	}
	if !j.started.IsZero() {
		end := j.finished
		if end.IsZero() {
			end = time.Now()
		}
		if secs := end.Sub(j.started).Seconds(); secs > 0 {
			r.RowsPerSecond = float64(r.RowsRead) / secs
		}
	}
	return r
}

// view is the job as GraphQL shows it.
func (j *job) view(process string) *model.ImportJob {
	v := jobView(j.record(), process)
	j.mu.Lock()
	v.Report = j.report
	j.mu.Unlock()
	return v
}

func jobView(r store.Job, process string) *model.ImportJob {
	v := &model.ImportJob{ID: r.ID, State: model.ImportJobState(r.State), Actor: r.Actor, File: r.File, Process: process,
		RowsRead: r.RowsRead, RowsOk: r.RowsOK, RowsRejected: r.RowsRejected, RowsPerSecond: r.RowsPerSecond,
		CreatedAt: r.CreatedAt, HeartbeatAt: r.HeartbeatAt, CancelRequested: r.CancelRequested}
	if r.Process != "" {
		v.Process = r.Process
	}
	if r.Fraction >= 0 {
		f := r.Fraction
		v.Fraction = &f
	}
	if !r.StartedAt.IsZero() {
		t := r.StartedAt
		v.StartedAt = &t
	}
	if !r.FinishedAt.IsZero() {
		t := r.FinishedAt
		v.FinishedAt = &t
	}
	if r.Error != "" {
		e := r.Error
		v.Error = &e
	}
	return v
}

// jobID is random: knowing one job's id says nothing of another's.
func jobID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "job/" + hex.EncodeToString(b)
}

var jobIDPattern = regexp.MustCompile(`^job/[0-9a-f]{32}$`)

// start accepts an import as a job, or refuses it with OVERLOADED when
// MaxRunning jobs run here already. The file is read into memory first: the
// request's body ends with the request (and is bounded by MaxBodyBytes).
func (js *jobs) start(ctx context.Context, file graphql.Upload, name string, opts roster.Options, maxIssues int) (*job, error) {
	select {
	case js.running <- struct{}{}:
	default:
		return nil, castgraph.Errorf(castgraph.EOVERLOADED, "", "%d import jobs run on this server already, the most it runs at once; retry when one has finished", js.opts.MaxRunning)
	}
	release := func() { <-js.running }
	data, err := io.ReadAll(file.File)
	if err != nil {
		release()
		return nil, castgraph.Errorf(castgraph.EBADREQUEST, "file", "cannot read the uploaded file")
	}
	actor := castgraph.ActorOrLocal(ctx)
	j := &job{id: jobID(), actor: actor.String(), file: name, maxIssues: min(maxIssues, MaxJobIssues), created: time.Now(),
		done: make(chan struct{}), state: store.JobQueued, changed: make(chan struct{})}
	j.progress.Fraction = -1
	j.heartbeat = j.created
	rec := j.record()
	rec.Process = js.process
	if err := js.store.CreateJob(ctx, rec); err != nil {
		release()
		return nil, err
	}
	// The job acts for whoever started it (provenance, the audit log), not
	// bound by the request: its own context, its own time limit.
	jctx, cancel := context.WithCancelCause(castgraph.WithActor(context.Background(), actor))
	jctx, stop := context.WithTimeoutCause(jctx, js.opts.MaxRunTime, errJobTimeLimit)
	j.cancel = cancel
	js.mu.Lock()
	js.live[j.id] = j
	js.mu.Unlock()
	go func() {
		defer release()
		defer stop()
		js.run(jctx, j, data, opts)
	}()
	return j, nil
}

// run runs the import, beating every ProgressInterval, and records the end.
func (js *jobs) run(ctx context.Context, j *job, data []byte, opts roster.Options) {
	defer close(j.done)
	defer func() {
		// Never take the process down: a job that panics fails.
		if p := recover(); p != nil {
			js.log.Error("panic in import job", "job", j.id, "panic", p)
			js.finish(ctx, j, nil, castgraph.Errorf(castgraph.EINTERNAL, "", "internal error"))
		}
	}()
	j.update(func() { j.state, j.started = store.JobRunning, time.Now() })
	beat := make(chan struct{})
	beating := make(chan struct{})
	go func() {
		defer close(beating)
		js.beat(j, beat)
	}()
	opts.Progress = func(p roster.Progress) {
		j.update(func() { j.progress = p })
	}
	rep, err := roster.Import(ctx, js.store, roster.File{Name: j.file, R: bytes.NewReader(data), Size: int64(len(data))}, opts)
	close(beat)
	<-beating
	js.finish(ctx, j, rep, err)
}

// beat writes the job's progress and heartbeat every ProgressInterval until
// stop closes, and cancels the job when its record says someone asked to.
func (js *jobs) beat(j *job, stop <-chan struct{}) {
	t := time.NewTicker(js.opts.ProgressInterval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		asked, err := js.store.UpdateJob(ctx, j.record())
		cancel()
		if err != nil {
			// The job goes on; a record not beating for 30 s reads FAILED,
			// which the final write corrects.
			js.log.Warn("cannot record an import job's progress", "job", j.id, "err", err)
			continue
		}
		j.update(func() { j.heartbeat = time.Now() })
		if asked {
			j.update(func() { j.cancelRequested = true })
			j.cancel(errJobCancelled)
		}
	}
}

// finish records how the job ended, here and in Neo4j.
func (js *jobs) finish(ctx context.Context, j *job, rep *roster.Report, err error) {
	state, msg := store.JobDone, ""
	if err != nil {
		state, msg = store.JobFailed, jobError(err)
		if msg == "internal error" {
			js.log.Error("import job failed", "job", j.id, "err", err)
		}
		switch context.Cause(ctx) {
		case errJobCancelled:
			state, msg = store.JobCancelled, "cancelled; the batches written before stay, the batch in flight was rolled back: import the file again to finish"
		case errJobTimeLimit:
			msg = fmt.Sprintf("stopped at the time limit of a job (%s); the batches written before stay: import the file again to finish", js.opts.MaxRunTime)
		}
	}
	var report *model.ImportReport
	if rep != nil {
		report = importReport(rep, j.maxIssues)
	}
	j.update(func() {
		j.state, j.err, j.report, j.finished = state, msg, report, time.Now()
		if rep != nil {
			j.progress.Rows, j.progress.OK = rep.RowsRead, rep.RowsOK
		}
	})
	rec := j.record()
	if report != nil {
		b, _ := json.Marshal(report)
		rec.Report = string(b)
	}
	var werr error
	for attempt := range 3 {
		wctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		werr = js.store.FinishJob(wctx, rec)
		cancel()
		if werr == nil {
			break
		}
		time.Sleep(time.Duration(attempt+1) * time.Second)
	}
	if werr != nil {
		// This process still answers for the job; other replicas will read
		// it as FAILED once its heartbeat is old.
		js.log.Error("cannot record an import job's end", "job", j.id, "err", werr)
		time.AfterFunc(time.Hour, func() { js.forget(j.id) })
		return
	}
	js.forget(j.id)
}

func (js *jobs) forget(id string) {
	js.mu.Lock()
	delete(js.live, id)
	js.mu.Unlock()
}

// jobError is what a job's error says: a coded error's message; anything
// else is logged by the import's own path and shown without detail.
func jobError(err error) string {
	var e *castgraph.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// mayUse tells whether ctx's actor may see and cancel a job of owner's: the
// owner and admins may.
func mayUse(ctx context.Context, owner string) bool {
	a, ok := castgraph.ActorFrom(ctx)
	return ok && a.Via != castgraph.Anonymous.Via && (a.String() == owner || a.Role.Can(castgraph.PermAdmin))
}

// notFound is the answer for a job that does not exist or is someone
// else's: the two are not told apart.
func notFound(id string) error {
	return castgraph.Errorf(castgraph.ENOTFOUND, "id", "no import job %q of yours", id)
}

// lookup finds a job the caller may use: here, or in Neo4j.
func (js *jobs) lookup(ctx context.Context, id string) (*job, *store.Job, error) {
	if !jobIDPattern.MatchString(id) {
		return nil, nil, notFound(id)
	}
	js.mu.Lock()
	j := js.live[id]
	js.mu.Unlock()
	if j != nil {
		if !mayUse(ctx, j.actor) {
			return nil, nil, notFound(id)
		}
		return j, nil, nil
	}
	rec, err := js.store.Job(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if rec == nil || !mayUse(ctx, rec.Actor) {
		return nil, nil, notFound(id)
	}
	return nil, rec, nil
}

// storedView is a job of Neo4j's record as GraphQL shows it.
func storedView(rec *store.Job) (*model.ImportJob, error) {
	v := jobView(*rec, rec.Process)
	if rec.Report != "" {
		var rep model.ImportReport
		if err := json.Unmarshal([]byte(rec.Report), &rep); err != nil {
			return nil, fmt.Errorf("job %s: its report does not read: %w", rec.ID, err)
		}
		v.Report = &rep
	}
	return v, nil
}

// startImportJob is importRoster(async: true): the answer is a report of
// nothing yet, with the job.
func (r *mutationResolver) startImportJob(ctx context.Context, file graphql.Upload, name string, opts roster.Options, maxIssues int) (*model.ImportReport, error) {
	js, err := jobsFrom(ctx)
	if err != nil {
		return nil, err
	}
	if maxIssues > MaxJobIssues {
		return nil, castgraph.Errorf(castgraph.EINVALID, "options.maxIssues", "an import job lists at most %d issues (issueCount counts them all): ask for at most that many", MaxJobIssues)
	}
	format := opts.Format
	if format == "" {
		var ok bool
		if format, ok = roster.FormatOf(name); !ok {
			return nil, castgraph.Errorf(castgraph.EINVALID, "options.format", "cannot tell the format of %q from its name: give the format (CSV, TSV, XLSX or JSONL)", name)
		}
	}
	j, err := js.start(ctx, file, name, opts, maxIssues)
	if err != nil {
		return nil, err
	}
	source := opts.Source
	if source == "" {
		source = name
	}
	return &model.ImportReport{File: name, Source: source, Format: model.RosterFormat(strings.ToUpper(string(format))), DryRun: opts.DryRun, Strict: opts.Strict,
		Columns: []*model.ImportColumn{}, Issues: []*model.ImportIssue{}, IgnoredColumns: []string{}, Created: []*model.ImportCreated{},
		Summary: fmt.Sprintf("import job %s started: follow it with importJob(id) or the importProgress(id) subscription\n", j.id),
		Job:     j.view(js.process)}, nil
}

func (r *queryResolver) ImportJob(ctx context.Context, id string) (*model.ImportJob, error) {
	js, err := jobsFrom(ctx)
	if err != nil {
		return nil, err
	}
	j, rec, err := js.lookup(ctx, id)
	if err != nil {
		return nil, err
	}
	if j != nil {
		return j.view(js.process), nil
	}
	return storedView(rec)
}

func (r *mutationResolver) CancelImportJob(ctx context.Context, id string) (*model.ImportJob, error) {
	js, err := jobsFrom(ctx)
	if err != nil {
		return nil, err
	}
	j, _, err := js.lookup(ctx, id)
	if err != nil {
		return nil, err
	}
	if j == nil {
		// Another replica runs it (or ran it): ask it through the record.
		rec, err := js.store.RequestJobCancel(ctx, id)
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, notFound(id)
		}
		return storedView(rec)
	}
	j.mu.Lock()
	running := j.finished.IsZero()
	j.mu.Unlock()
	if running {
		if _, err := js.store.RequestJobCancel(ctx, id); err != nil {
			return nil, err
		}
		j.update(func() { j.cancelRequested = true })
		j.cancel(errJobCancelled)
		// The batch in flight rolls back as its connection drops: wait a
		// little, so that the answer says how the job ended.
		wait := time.NewTimer(5 * time.Second)
		defer wait.Stop()
		select {
		case <-j.done:
		case <-wait.C:
		case <-ctx.Done():
		}
	}
	return j.view(js.process), nil
}

// Subscription returns the resolver of Subscription's fields.
func (r *Resolver) Subscription() SubscriptionResolver { return &subscriptionResolver{r} }

type subscriptionResolver struct{ *Resolver }

// ImportProgress sends the job now, then at most once a ProgressInterval as
// it changes, and last the finished job; then the channel closes and the
// subscription completes. A job of this process is watched in memory; one
// of another replica through its record, read once a ProgressInterval. The
// subscription ends with the connection, and at the latest when the job
// ends (its time limit) or its process is seen dead (JobStaleAfter).
func (r *subscriptionResolver) ImportProgress(ctx context.Context, id string) (<-chan *model.ImportJob, error) {
	js, err := jobsFrom(ctx)
	if err != nil {
		return nil, err
	}
	j, rec, err := js.lookup(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make(chan *model.ImportJob, 1)
	send := func(v *model.ImportJob) bool {
		select {
		case out <- v:
			return true
		case <-ctx.Done():
			return false
		}
	}
	final := func(s model.ImportJobState) bool {
		return s == model.ImportJobStateDone || s == model.ImportJobStateFailed || s == model.ImportJobStateCancelled
	}
	interval := js.opts.ProgressInterval
	if j != nil {
		go func() {
			defer close(out)
			for {
				j.mu.Lock()
				changed := j.changed
				j.mu.Unlock()
				v := j.view(js.process)
				if !send(v) || final(v.State) {
					return
				}
				// At most one event an interval, however fast batches
				// go; the end is not held back.
				pause := time.NewTimer(interval)
				select {
				case <-pause.C:
				case <-j.done:
				case <-ctx.Done():
				}
				pause.Stop()
				select {
				case <-changed:
				case <-ctx.Done():
					return
				}
			}
		}()
		return out, nil
	}
	go func() {
		defer close(out)
		var last *store.Job
		for {
			if last == nil || rec.State != last.State || rec.RowsRead != last.RowsRead || rec.CancelRequested != last.CancelRequested {
				v, err := storedView(rec)
				if err != nil {
					js.log.Error("import job", "err", err)
					return
				}
				if !send(v) || rec.Finished() {
					return
				}
				last = rec
			}
			pause := time.NewTimer(interval)
			select {
			case <-pause.C:
			case <-ctx.Done():
				pause.Stop()
				return
			}
			next, err := js.store.Job(ctx, id)
			if err != nil || next == nil {
				return
			}
			rec = next
		}
	}()
	return out, nil
}
