package store

import (
	"context"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Import jobs (graph/jobs.go) run in the server process that accepted them;
// their state is kept here too, on CastgraphJob nodes outside the entity
// graph (never Entity: no list, search, node(id), neighbourhood or path
// reaches them), so that every replica sharing the database can answer for
// a job, and a job whose process died is seen as dead rather than running
// for ever.
const jobLabel = "CastgraphJob"

// The states of a job.
const (
	JobQueued    = "QUEUED"
	JobRunning   = "RUNNING"
	JobDone      = "DONE"
	JobFailed    = "FAILED"
	JobCancelled = "CANCELLED"
)

// JobStaleAfter is how old the heartbeat of a job not finished may be before
// the job reads as FAILED: its process writes one every second (at most
// every 10 s), so a job this silent has lost its process.
const JobStaleAfter = 30 * time.Second

// JobRetention is how long a finished job's record is kept; records older
// are deleted when a job starts.
const JobRetention = 7 * 24 * time.Hour

// AuditJobCancel is the audit log's action for a cancellation asked of a job.
const AuditJobCancel = "import-job-cancel"

// Job is the record of an import job. The store keeps its report as the
// JSON text the caller gives, without reading it.
type Job struct {
	ID, Actor, File, Process string
	State                    string
	RowsRead, RowsOK         int
	RowsRejected             int
	// Fraction is of the file read, 0–1, or -1 when unknown.
	Fraction                float64
	CreatedAt, StartedAt    time.Time
	FinishedAt, HeartbeatAt time.Time
	CancelRequested         bool
	Error                   string
	Report                  string
	RowsPerSecond           float64
}

// Finished tells whether the job has ended (a stale one has).
func (j *Job) Finished() bool {
	return j.State == JobDone || j.State == JobFailed || j.State == JobCancelled
}

// jobSchema remembers the stores that have made the job id constraint, so
// that it is asked for once a process, not once a job.
var jobSchema sync.Map

// ensureJobSchema creates the constraint on job ids (which is also the index
// importJob(id) seeks by). It is made here rather than by Migrate because
// only servers that run jobs need it; IF NOT EXISTS keeps replicas starting
// jobs together safe.
func (s *Store) ensureJobSchema(ctx context.Context) {
	if _, done := jobSchema.Load(s); done {
		return
	}
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		_, err := collect(ctx, tx, "CREATE CONSTRAINT "+jobLabel+"_id IF NOT EXISTS FOR (j:"+jobLabel+") REQUIRE j.id IS UNIQUE", nil)
		return struct{}{}, err
	})
	if err != nil {
		// Without it lookups scan the few job records: slower, not wrong.
		s.log.Warn("cannot create the job id constraint", "err", err)
		return
	}
	jobSchema.Store(s, true)
}

// CreateJob records a new job (QUEUED, its heartbeat now). Before, it tidies
// up: jobs whose process stopped beating are marked FAILED, and records
// finished over JobRetention ago are deleted (a thousand at a time).
func (s *Store) CreateJob(ctx context.Context, j Job) error {
	s.ensureJobSchema(ctx)
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		if _, err := collect(ctx, tx, `MATCH (j:`+jobLabel+`) WHERE j.state IN ['QUEUED', 'RUNNING'] AND j.heartbeatAt < datetime() - duration({seconds: $stale})
			SET j.state = 'FAILED', j.finishedAt = j.heartbeatAt, j.error = $lost`,
			map[string]any{"stale": int64(JobStaleAfter / time.Second), "lost": lostMessage}); err != nil {
			return struct{}{}, err
		}
		if _, err := collect(ctx, tx, `MATCH (j:`+jobLabel+`) WHERE j.finishedAt < datetime() - duration({seconds: $keep})
			WITH j LIMIT 1000 DELETE j`, map[string]any{"keep": int64(JobRetention / time.Second)}); err != nil {
			return struct{}{}, err
		}
		_, err := collect(ctx, tx, `CREATE (j:`+jobLabel+` {id: $id, actor: $actor, file: $file, process: $process, state: $state,
			rowsRead: 0, rowsOk: 0, rowsRejected: 0, fraction: -1.0, rowsPerSecond: 0.0, createdAt: $created,
			heartbeatAt: datetime(), cancelRequested: false})`,
			map[string]any{"id": j.ID, "actor": j.Actor, "file": j.File, "process": j.Process, "state": JobQueued, "created": j.CreatedAt.UTC()})
		return struct{}{}, err
	})
	return err
}

// lostMessage is the error of a job whose process stopped beating.
const lostMessage = "the server process running the job stopped (no heartbeat for 30 s); the batches written before stay: import the file again to finish"

// UpdateJob writes a running job's progress and heartbeat, and says whether
// someone asked (from any replica) to cancel it. A finished record is left
// alone.
func (s *Store) UpdateJob(ctx context.Context, j Job) (cancelRequested bool, err error) {
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (bool, error) {
		recs, err := collect(ctx, tx, `MATCH (j:`+jobLabel+` {id: $id}) WHERE NOT j.state IN ['DONE', 'FAILED', 'CANCELLED']
			SET j.state = $state, j.rowsRead = $read, j.rowsOk = $ok, j.rowsRejected = $rejected, j.fraction = $fraction,
			    j.rowsPerSecond = $rate, j.startedAt = $started, j.heartbeatAt = datetime()
			RETURN j.cancelRequested AS cancel`, jobParams(j))
		if err != nil || len(recs) == 0 {
			return false, err
		}
		v, _ := recs[0].Get("cancel")
		b, _ := v.(bool)
		return b, nil
	})
}

// FinishJob writes a job's final state, counts, error and report.
func (s *Store) FinishJob(ctx context.Context, j Job) error {
	p := jobParams(j)
	p["finished"], p["error"], p["report"] = j.FinishedAt.UTC(), nilIfEmpty(j.Error), nilIfEmpty(j.Report)
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		_, err := collect(ctx, tx, `MATCH (j:`+jobLabel+` {id: $id})
			SET j.state = $state, j.rowsRead = $read, j.rowsOk = $ok, j.rowsRejected = $rejected, j.fraction = $fraction,
			    j.rowsPerSecond = $rate, j.startedAt = $started, j.finishedAt = $finished, j.heartbeatAt = datetime(),
			    j.error = $error, j.report = $report`, p)
		return struct{}{}, err
	})
	return err
}

func jobParams(j Job) map[string]any {
	var started any
	if !j.StartedAt.IsZero() {
		started = j.StartedAt.UTC()
	}
	return map[string]any{"id": j.ID, "state": j.State, "read": j.RowsRead, "ok": j.RowsOK, "rejected": j.RowsRejected,
		"fraction": j.Fraction, "rate": j.RowsPerSecond, "started": started}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Job returns the job's record, or nil when there is none. A job not
// finished whose heartbeat is older than JobStaleAfter (by the database's
// clock, the one that wrote it) comes back FAILED.
func (s *Store) Job(ctx context.Context, id string) (*Job, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*Job, error) {
		recs, err := collect(ctx, tx, `MATCH (j:`+jobLabel+` {id: $id})
			RETURN j, j.state IN ['QUEUED', 'RUNNING'] AND j.heartbeatAt < datetime() - duration({seconds: $stale}) AS stale`,
			map[string]any{"id": id, "stale": int64(JobStaleAfter / time.Second)})
		if err != nil || len(recs) == 0 {
			return nil, err
		}
		return toJob(recs[0]), nil
	})
}

// RequestJobCancel marks a job to be cancelled, for its process to see at
// its next heartbeat, and records who asked in the audit log. A finished
// job is left as it is. It returns the record, nil when there is none.
func (s *Store) RequestJobCancel(ctx context.Context, id string) (*Job, error) {
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*Job, error) {
		recs, err := collect(ctx, tx, `MATCH (j:`+jobLabel+` {id: $id})
			WITH j, j.state IN ['QUEUED', 'RUNNING'] AND j.heartbeatAt < datetime() - duration({seconds: $stale}) AS stale
			SET j.cancelRequested = j.cancelRequested OR (j.state IN ['QUEUED', 'RUNNING'] AND NOT stale)
			RETURN j, stale`,
			map[string]any{"id": id, "stale": int64(JobStaleAfter / time.Second)})
		if err != nil || len(recs) == 0 {
			return nil, err
		}
		j := toJob(recs[0])
		if j.Finished() {
			return j, nil
		}
		return j, audit(ctx, tx, AuditJobCancel, nil, "job "+id+" of "+j.Actor)
	})
}

func toJob(r *neo4j.Record) *Job {
	v, _ := r.Get("j")
	p := v.(neo4j.Node).Props
	j := &Job{}
	j.ID, _ = p["id"].(string)
	j.Actor, _ = p["actor"].(string)
	j.File, _ = p["file"].(string)
	j.Process, _ = p["process"].(string)
	j.State, _ = p["state"].(string)
	j.RowsRead = int(asInt(p["rowsRead"]))
	j.RowsOK = int(asInt(p["rowsOk"]))
	j.RowsRejected = int(asInt(p["rowsRejected"]))
	j.Fraction, _ = p["fraction"].(float64)
	j.RowsPerSecond, _ = p["rowsPerSecond"].(float64)
	j.CreatedAt, _ = p["createdAt"].(time.Time)
	j.StartedAt, _ = p["startedAt"].(time.Time)
	j.FinishedAt, _ = p["finishedAt"].(time.Time)
	j.HeartbeatAt, _ = p["heartbeatAt"].(time.Time)
	j.CancelRequested, _ = p["cancelRequested"].(bool)
	j.Error, _ = p["error"].(string)
	j.Report, _ = p["report"].(string)
	if stale, _ := r.Get("stale"); stale == true {
		j.State, j.Error, j.FinishedAt = JobFailed, lostMessage, j.HeartbeatAt
	}
	return j
}

func asInt(v any) int64 {
	n, _ := v.(int64)
	return n
}
