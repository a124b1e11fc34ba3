package graph_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/graph"
	"github.com/castgraph/castgraph/store/storetest"
	"github.com/coder/websocket"
)

// Import jobs and their WebSocket, against the real Neo4j: two servers on
// one database stand for two replicas behind a load balancer.

// jobsAPI is a server whose jobs report often (tests wait less) and whose
// body limit lets through the big rosters below; replica is a second server
// on the same database.
func jobsAPI(t *testing.T, jo graph.JobOptions) (a, replica *api) {
	t.Helper()
	if jo.ProgressInterval == 0 {
		jo.ProgressInterval = 100 * time.Millisecond
	}
	opts := graph.Options{Jobs: jo, MaxBodyBytes: 16 << 20, Bounds: graph.Bounds{RatePerSecond: -1},
		AllowedOrigins: []string{"https://portal.example.cn"}}
	a = newAPIWith(t, opts)
	b := httptest.NewServer(graph.NewHTTPHandler(a.store, graph.Options{Jobs: jo, Auth: a.auth, Log: storetest.Logger(), Bounds: opts.Bounds}))
	t.Cleanup(b.Close)
	return a, &api{url: b.URL, store: a.store, auth: a.auth, token: a.token}
}

// expertRoster is a roster of n experts, each one row of one node and three
// relationships (society, employer, city), all named with tag.
func expertRoster(tag string, n int) []byte {
	var b strings.Builder
	b.WriteString("姓名,工作单位,职称,所属学会,入会时间,所在城市\n")
	for i := range n {
		fmt.Fprintf(&b, "专家%s-%d,江苏示例大学,教授,江苏省示例电力工程学会,2024/3/1,南京\n", tag, i)
	}
	return []byte(b.String())
}

// forgetJobs takes a test's experts and job records out of the database.
func forgetJobs(t *testing.T, tag string) {
	t.Cleanup(func() {
		storetest.Forget(t, tag)
		storetest.Exec(t, "MATCH (j:CastgraphJob) WHERE j.file CONTAINS $tag DELETE j", map[string]any{"tag": tag})
	})
}

const reportFields = `file source kind format encoding dryRun strict written complete rowsRead rowsOk rowsRejected
    nodesCreated nodesUpdated relationshipsCreated relationshipsUpdated batches issueCount createdCount error
    columns { column field } ignoredColumns issues { row column code severity message }`

const jobFields = `id state actor file process rowsRead rowsOk rowsRejected fraction rowsPerSecond
    createdAt startedAt finishedAt heartbeatAt cancelRequested error report { ` + reportFields + ` }`

const startJob = `mutation($file: Upload!, $options: ImportOptions) {
  importRoster(file: $file, options: $options, async: true) { complete rowsRead summary job { id state actor } }
}`

// start starts a job and returns its id.
func (a *api) startJob(t *testing.T, file string, content []byte, options map[string]any) string {
	t.Helper()
	r := a.upload(t, startJob, map[string]any{"options": options}, file, content)
	if len(r.Errors) > 0 {
		t.Fatalf("start a job: %+v", r.Errors)
	}
	rep := get(r.Data, "importRoster")
	id := str(rep, "job", "id")
	if !strings.HasPrefix(id, "job/") || get(rep, "complete") != false || get(rep, "rowsRead") != float64(0) || !strings.Contains(str(rep, "summary"), id) {
		t.Fatalf("the answer of an async import: %v", rep)
	}
	return id
}

func (a *api) job(t *testing.T, id string) map[string]any {
	t.Helper()
	return get(a.ok(t, `query($id: ID!) { importJob(id: $id) { `+jobFields+` } }`, map[string]any{"id": id}), "importJob").(map[string]any)
}

// await polls the job until it has finished, and returns the states it saw.
func (a *api) await(t *testing.T, id string) (map[string]any, []map[string]any) {
	t.Helper()
	var seen []map[string]any
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		j := a.job(t, id)
		seen = append(seen, j)
		switch str(j, "state") {
		case "DONE", "FAILED", "CANCELLED":
			return j, seen
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("job %s did not finish", id)
	return nil, nil
}

// sameReport compares two reports but for what names the file and the time.
func sameReport(t *testing.T, job, sync map[string]any) {
	t.Helper()
	strip := func(m map[string]any) string {
		c := map[string]any{}
		for k, v := range m {
			if k != "file" && k != "source" {
				c[k] = v
			}
		}
		b, _ := json.Marshal(c)
		return string(b)
	}
	if j, s := strip(job), strip(sync); j != s {
		t.Errorf("the job's report differs from the synchronous import's:\njob:  %s\nsync: %s", j, s)
	}
}

func TestImportJob_ProgressAndTheSameReportAsSynchronous(t *testing.T) {
	a, replica := jobsAPI(t, graph.JobOptions{})
	// Small enough for the synchronous import to finish within a request's
	// 30 s on a busy test machine.
	const n = 500
	tag, other := unique("job"), unique("sync")
	forgetJobs(t, tag)
	forgetJobs(t, other)
	// A bad row, so that the reports have an issue to compare too.
	content := append(expertRoster(tag, n), []byte("专家"+tag+"-bad,江苏示例大学,教授,江苏省示例电力工程学会,2024-13-01,南京\n")...)
	options := map[string]any{"batchSize": 25}

	id := a.startJob(t, "experts-"+tag+".csv", content, options)
	final, seen := a.await(t, id)
	if str(final, "state") != "DONE" || get(final, "report", "complete") != true || get(final, "rowsOk") != float64(n) ||
		get(final, "rowsRejected") != float64(1) || get(final, "report", "nodesCreated") != float64(n) ||
		get(final, "report", "relationshipsCreated") != float64(3*n) || get(final, "startedAt") == nil || get(final, "finishedAt") == nil ||
		get(final, "rowsPerSecond").(float64) <= 0 || get(final, "fraction") != float64(1) || get(final, "error") != nil {
		t.Fatalf("the finished job: %v", final)
	}
	if !strings.HasPrefix(str(final, "actor"), "token:") {
		t.Errorf("the job's actor: %v", final["actor"])
	}
	running := 0
	for _, j := range seen {
		if s := str(j, "state"); s == "RUNNING" || s == "QUEUED" {
			running++
		}
	}
	if running == 0 {
		t.Errorf("never saw the job running: %v", seen)
	}
	// Every row went in whole, in the job's name.
	rows := storetest.Query(t, `MATCH (e:Expert) WHERE e.name STARTS WITH $p OPTIONAL MATCH (e)-[r]->() WITH e, count(r) AS rels
		RETURN count(e) AS experts, sum(CASE WHEN rels = 3 THEN 1 ELSE 0 END) AS whole, collect(DISTINCT e.assertions[0])[0] AS assertion`,
		map[string]any{"p": "专家" + tag})
	if rows[0]["experts"] != int64(n) || rows[0]["whole"] != int64(n) || !strings.HasSuffix(fmt.Sprint(rows[0]["assertion"]), str(final, "actor")) {
		t.Errorf("the graph after the job: %v", rows)
	}

	// The same roster, imported synchronously, says the same.
	sync := a.upload(t, `mutation($file: Upload!, $options: ImportOptions) { importRoster(file: $file, options: $options) { `+reportFields+` } }`,
		map[string]any{"options": options}, "experts-"+other+".csv", []byte(strings.ReplaceAll(string(content), tag, other)))
	if len(sync.Errors) > 0 {
		t.Fatalf("the synchronous import: %+v", sync.Errors)
	}
	syncRep := get(sync.Data, "importRoster").(map[string]any)
	jobRep := final["report"].(map[string]any)
	// Issues name the rows' values: put the tags on one footing.
	for _, is := range list(jobRep, "issues") {
		is.(map[string]any)["message"] = strings.ReplaceAll(str(is, "message"), tag, other)
	}
	sameReport(t, jobRep, syncRep)

	// Another replica answers for the job from its record in Neo4j.
	there := replica.job(t, id)
	if str(there, "state") != "DONE" || str(there, "process") != str(final, "process") {
		t.Errorf("the job read on another replica: %v", there)
	}
	sameReport(t, there["report"].(map[string]any), final["report"].(map[string]any))
}

// wsClient is a graphql-transport-ws client on a real WebSocket.
type wsClient struct {
	t    *testing.T
	conn *websocket.Conn
}

type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// dial opens a WebSocket to the server; header may carry Origin or
// Authorization. The error is the dial's (with its HTTP response).
func dial(t *testing.T, a *api, header http.Header) (*wsClient, *http.Response, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, res, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(a.url, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: header})
	if err != nil {
		return nil, res, err
	}
	t.Cleanup(func() { _ = conn.CloseNow() })
	return &wsClient{t: t, conn: conn}, res, nil
}

func (c *wsClient) send(m wsMessage) {
	c.t.Helper()
	b, _ := json.Marshal(m)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.conn.Write(ctx, websocket.MessageText, b); err != nil {
		c.t.Fatalf("websocket write: %v", err)
	}
}

// next reads the next message that is not a ping (answered) or pong.
func (c *wsClient) next() (wsMessage, error) {
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		_, b, err := c.conn.Read(ctx)
		cancel()
		if err != nil {
			return wsMessage{}, err
		}
		var m wsMessage
		if err := json.Unmarshal(b, &m); err != nil {
			c.t.Fatalf("not JSON: %s", b)
		}
		switch m.Type {
		case "ping":
			c.send(wsMessage{Type: "pong"})
		case "pong":
		default:
			return m, nil
		}
	}
}

// init sends connection_init with the payload and returns the answer.
func (c *wsClient) init(payload map[string]any) (wsMessage, error) {
	c.t.Helper()
	p, _ := json.Marshal(payload)
	c.send(wsMessage{Type: "connection_init", Payload: p})
	return c.next()
}

// signIn opens a connection acting with a's token.
func signIn(t *testing.T, a *api) *wsClient {
	t.Helper()
	c, _, err := dial(t, a, nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	if m, err := c.init(map[string]any{"Authorization": "Bearer " + a.token}); err != nil || m.Type != "connection_ack" {
		t.Fatalf("connection_init: %+v %v", m, err)
	}
	return c
}

// subscribe follows a job until the subscription completes (or errs), and
// returns the jobs it sent, and the errors.
func (c *wsClient) follow(sub, id string) ([]map[string]any, []gqlError) {
	c.t.Helper()
	payload, _ := json.Marshal(map[string]any{"query": `subscription($id: ID!) { importProgress(id: $id) { ` + jobFields + ` } }`, "variables": map[string]any{"id": id}})
	c.send(wsMessage{ID: sub, Type: "subscribe", Payload: payload})
	var jobs []map[string]any
	for {
		m, err := c.next()
		if err != nil {
			c.t.Fatalf("subscription %s: %v", sub, err)
		}
		switch m.Type {
		case "next":
			var r response
			_ = json.Unmarshal(m.Payload, &r)
			if len(r.Errors) > 0 {
				return jobs, r.Errors
			}
			jobs = append(jobs, get(r.Data, "importProgress").(map[string]any))
		case "error":
			var errs []gqlError
			_ = json.Unmarshal(m.Payload, &errs)
			return jobs, errs
		case "complete":
			return jobs, nil
		default:
			c.t.Fatalf("unexpected message %+v", m)
		}
	}
}

func TestImportProgress_OverAWebSocket(t *testing.T) {
	a, replica := jobsAPI(t, graph.JobOptions{})
	// Enough batches for events between the start and the end on a fast
	// machine (events come at most every 100 ms here).
	const n = 1500
	tag := unique("ws")
	forgetJobs(t, tag)
	here, there := signIn(t, a), signIn(t, replica)
	id := a.startJob(t, "experts-"+tag+".csv", expertRoster(tag, n), map[string]any{"batchSize": 10})

	// Followed on the replica that runs it (in memory) and on another
	// (through the job's record), concurrently.
	type followed struct {
		jobs []map[string]any
		errs []gqlError
	}
	remote := make(chan followed, 1)
	go func() {
		jobs, errs := there.follow("r", id)
		remote <- followed{jobs, errs}
	}()
	jobs, errs := here.follow("1", id)
	if len(errs) > 0 {
		t.Fatalf("subscription errors: %+v", errs)
	}
	if len(jobs) < 2 {
		t.Fatalf("want progress events and the end, got %d events: %v", len(jobs), jobs)
	}
	last := jobs[len(jobs)-1]
	if str(last, "state") != "DONE" || get(last, "report", "rowsOk") != float64(n) || get(last, "report", "complete") != true {
		t.Errorf("the last event: %v", last)
	}
	progress, prev := 0, -1.0
	for _, j := range jobs[:len(jobs)-1] {
		if j["report"] != nil || str(j, "state") == "DONE" {
			t.Errorf("an event before the last has the end: %v", j)
		}
		rows := get(j, "rowsRead").(float64)
		if rows < prev {
			t.Errorf("rowsRead went back: %v after %v", rows, prev)
		}
		if rows > 0 && rows < n {
			progress++
		}
		prev = rows
	}
	if progress == 0 {
		t.Errorf("no event between the start and the end: %v", jobs)
	}
	r := <-remote
	if len(r.errs) > 0 || len(r.jobs) == 0 || str(r.jobs[len(r.jobs)-1], "state") != "DONE" ||
		get(r.jobs[len(r.jobs)-1], "report", "rowsOk") != float64(n) {
		t.Errorf("followed on another replica: %+v", r)
	}
	// A finished job: one event, then complete.
	if again, errs := here.follow("2", id); len(errs) > 0 || len(again) != 1 || str(again[0], "state") != "DONE" {
		t.Errorf("following a finished job: %v %v", again, errs)
	}
	// Only subscriptions go over the WebSocket.
	q, _ := json.Marshal(map[string]any{"query": `{ importJob(id: "` + id + `") { state } }`})
	here.send(wsMessage{ID: "3", Type: "subscribe", Payload: q})
	if m, _ := here.next(); !strings.Contains(string(m.Payload), "BAD_REQUEST") {
		t.Errorf("a query over the WebSocket: %+v", m)
	}
	// And not over HTTP.
	sub := a.post(t, `subscription($id: ID!) { importProgress(id: $id) { state } }`, map[string]any{"id": id})
	if len(sub.Errors) == 0 || sub.Errors[0].Extensions["code"] != "BAD_REQUEST" {
		t.Errorf("a subscription over HTTP: %+v", sub)
	}
}

// wholeRows checks that the graph holds whole batches of whole rows of the
// roster, and returns how many.
func wholeRows(t *testing.T, tag string, batch int) int {
	t.Helper()
	rows := storetest.Query(t, `MATCH (e:Expert) WHERE e.name STARTS WITH $p OPTIONAL MATCH (e)-[r]->() WITH e, count(r) AS rels
		RETURN count(e) AS experts, sum(CASE WHEN rels = 3 THEN 1 ELSE 0 END) AS whole`, map[string]any{"p": "专家" + tag})
	experts, whole := rows[0]["experts"].(int64), rows[0]["whole"].(int64)
	if experts != whole || experts%int64(batch) != 0 {
		t.Errorf("the graph holds %d experts of the roster, %d of them whole (every row in a batch of %d): not whole rows", experts, whole, batch)
	}
	return int(experts)
}

func TestCancelImportJob_LeavesWholeRows(t *testing.T) {
	a, replica := jobsAPI(t, graph.JobOptions{})
	const n, batch = 5000, 10
	for _, via := range []string{"here", "another replica"} {
		t.Run(via, func(t *testing.T) {
			tag := unique("cancel")
			forgetJobs(t, tag)
			id := a.startJob(t, "experts-"+tag+".csv", expertRoster(tag, n), map[string]any{"batchSize": batch})
			for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
				if j := a.job(t, id); get(j, "rowsOk").(float64) > 0 || time.Now().After(deadline) {
					break
				}
			}
			canceller := a
			if via != "here" {
				canceller = replica
			}
			c := get(canceller.ok(t, `mutation($id: ID!) { cancelImportJob(id: $id) { state cancelRequested } }`, map[string]any{"id": id}), "cancelImportJob")
			if get(c, "cancelRequested") != true {
				t.Errorf("cancel: %v", c)
			}
			final, _ := a.await(t, id)
			if str(final, "state") != "CANCELLED" || get(final, "report", "complete") != false || !strings.Contains(str(final, "error"), "cancelled") {
				t.Fatalf("the cancelled job: %v", final)
			}
			written := wholeRows(t, tag, batch)
			if written == 0 || written >= n {
				t.Errorf("cancelled after the first batch, %d of %d rows are in the graph", written, n)
			}
			// Cancelling it again changes nothing.
			again := get(a.ok(t, `mutation($id: ID!) { cancelImportJob(id: $id) { state } }`, map[string]any{"id": id}), "cancelImportJob")
			if str(again, "state") != "CANCELLED" {
				t.Errorf("cancelling a cancelled job: %v", again)
			}
			if w := wholeRows(t, tag, batch); w != written {
				t.Errorf("rows went on being written after the cancel: %d, then %d", written, w)
			}
		})
	}
}

func TestImportJob_OnlyItsOwnerAndAdmins(t *testing.T) {
	a, replica := jobsAPI(t, graph.JobOptions{})
	owner, intruder, viewer, anonymous := a.as(t, castgraph.RoleImporter), a.as(t, castgraph.RoleImporter), a.as(t, castgraph.RoleViewer), a.as(t, castgraph.RoleAnonymous)
	tag := unique("owner")
	forgetJobs(t, tag)
	id := owner.startJob(t, "experts-"+tag+".csv", expertRoster(tag, 200), map[string]any{"batchSize": 20})
	read := `query($id: ID!) { importJob(id: $id) { state } }`
	cancel := `mutation($id: ID!) { cancelImportJob(id: $id) { state } }`
	vars := map[string]any{"id": id}
	intruder.fails(t, "NOT_FOUND", "id", read, vars)
	intruder.fails(t, "NOT_FOUND", "id", cancel, vars)
	// On the other replica, through the record, the same.
	other := *intruder
	other.url = replica.url
	other.fails(t, "NOT_FOUND", "id", read, vars)
	other.fails(t, "NOT_FOUND", "id", cancel, vars)
	viewer.fails(t, "FORBIDDEN", "", read, vars)
	anonymous.fails(t, "UNAUTHENTICATED", "", read, vars)
	if r := anonymous.upload(t, startJob, nil, "experts-"+tag+".csv", expertRoster(tag, 1)); len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "UNAUTHENTICATED" {
		t.Errorf("an anonymous job: %+v", r)
	}
	// Nor follow it.
	if jobs, errs := signIn(t, intruder).follow("1", id); len(jobs) > 0 || len(errs) == 0 || errs[0].Extensions["code"] != "NOT_FOUND" {
		t.Errorf("another importer follows the job: %v %+v", jobs, errs)
	}
	if _, errs := signIn(t, viewer).follow("1", id); len(errs) == 0 || errs[0].Extensions["code"] != "FORBIDDEN" {
		t.Errorf("a viewer follows a job: %+v", errs)
	}
	// A made-up id is not found either.
	owner.fails(t, "NOT_FOUND", "id", read, map[string]any{"id": "job/../../etc"})
	// The owner and an admin may.
	if j := owner.job(t, id); str(j, "state") == "" {
		t.Errorf("the owner reads the job: %v", j)
	}
	if j := a.job(t, id); str(j, "actor") == "" {
		t.Errorf("an admin reads the job: %v", j)
	}
	final, _ := owner.await(t, id)
	if str(final, "state") != "DONE" {
		t.Errorf("the job, untouched by the intruder: %v", final)
	}
}

func TestImportJob_MoreThanAllowedAreRefused(t *testing.T) {
	a, _ := jobsAPI(t, graph.JobOptions{MaxRunning: 1})
	tag := unique("busy")
	forgetJobs(t, tag)
	id := a.startJob(t, "experts-"+tag+".csv", expertRoster(tag, 5000), map[string]any{"batchSize": 20})
	r := a.upload(t, startJob, nil, "experts-"+tag+"-2.csv", expertRoster(tag+"-2", 10))
	if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "OVERLOADED" {
		t.Errorf("a second job where one may run: %+v", r)
	}
	a.ok(t, `mutation($id: ID!) { cancelImportJob(id: $id) { state } }`, map[string]any{"id": id})
	if final, _ := a.await(t, id); str(final, "state") != "CANCELLED" {
		t.Fatalf("cancel: %v", final)
	}
	// Its slot is free again once it has ended.
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := a.upload(t, startJob, nil, "experts-"+tag+"-3.csv", expertRoster(tag+"-3", 10))
		if len(r.Errors) == 0 {
			a.await(t, str(get(r.Data, "importRoster"), "job", "id"))
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no job may start after the first ended: %+v", r.Errors)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// A job lists at most MaxJobIssues issues: asking for more is an error, not a silent cut.
	r = a.upload(t, startJob, map[string]any{"options": map[string]any{"maxIssues": graph.MaxJobIssues + 1}}, "experts-"+tag+"-4.csv", expertRoster(tag+"-4", 1))
	if len(r.Errors) == 0 || r.Errors[0].Extensions["field"] != "options.maxIssues" {
		t.Errorf("maxIssues above a job's: %+v", r)
	}
}

func TestImportJob_StaleJobReadsFailed(t *testing.T) {
	a, _ := jobsAPI(t, graph.JobOptions{})
	tag := unique("stale")
	forgetJobs(t, tag)
	id := "job/" + strings.Repeat("5", 32)
	storetest.Exec(t, `CREATE (:CastgraphJob {id: $id, actor: 'token:gone', file: $file, process: 'dead', state: 'RUNNING', rowsRead: 40, rowsOk: 40,
		rowsRejected: 0, fraction: 0.1, rowsPerSecond: 4.0, createdAt: datetime() - duration('PT5M'), startedAt: datetime() - duration('PT5M'),
		heartbeatAt: datetime() - duration('PT1M'), cancelRequested: false})`, map[string]any{"id": id, "file": tag + ".csv"})
	j := a.job(t, id)
	if str(j, "state") != "FAILED" || !strings.Contains(str(j, "error"), "heartbeat") || get(j, "finishedAt") == nil {
		t.Errorf("a job whose process died: %v", j)
	}
	if jobs, errs := signIn(t, a).follow("1", id); len(errs) > 0 || len(jobs) != 1 || str(jobs[0], "state") != "FAILED" {
		t.Errorf("following a job whose process died: %v %v", jobs, errs)
	}
}

func TestWebsocket_Bounds(t *testing.T) {
	a, _ := jobsAPI(t, graph.JobOptions{MaxConnections: 2, MaxSubscriptions: 1})
	// Another site's page may not open one; the CORS origins and the server's own may.
	if _, res, err := dial(t, a, http.Header{"Origin": {"https://evil.example"}}); err == nil || res == nil || res.StatusCode != http.StatusForbidden {
		t.Errorf("a WebSocket from a foreign origin: %v %v", res, err)
	}
	for _, origin := range []string{"https://portal.example.cn", a.url} {
		c, _, err := dial(t, a, http.Header{"Origin": {origin}})
		if err != nil {
			t.Fatalf("a WebSocket from %s: %v", origin, err)
		}
		_ = c.conn.CloseNow()
	}
	// Anonymous connections are refused at connection_init; bad credentials at the upgrade.
	c, _, err := dial(t, a, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.init(nil); websocket.CloseStatus(err) != 4403 || !strings.Contains(err.Error(), "sign in") {
		t.Errorf("an anonymous connection_init: %v", err)
	}
	c, _, _ = dial(t, a, nil)
	if _, err := c.init(map[string]any{"Authorization": "Bearer cgt_not-a-token"}); websocket.CloseStatus(err) != 4403 || !strings.Contains(err.Error(), "unknown token") {
		t.Errorf("connection_init with a bad token: %v", err)
	}
	if _, res, err := dial(t, a, http.Header{"Authorization": {"Bearer cgt_not-a-token"}}); err == nil || res == nil || res.StatusCode != http.StatusUnauthorized {
		t.Errorf("an upgrade with a bad token: %v %v", res, err)
	}
	// The header signs in too.
	c, _, err = dial(t, a, http.Header{"Authorization": {"Bearer " + a.token}})
	if err != nil {
		t.Fatal(err)
	}
	if m, _ := c.init(nil); m.Type != "connection_ack" {
		t.Errorf("connection_init after signing in with the header: %+v", m)
	}
	// One subscription at a time on this connection: a second is refused.
	tag := unique("bounds")
	forgetJobs(t, tag)
	id := a.startJob(t, "experts-"+tag+".csv", expertRoster(tag, 3000), map[string]any{"batchSize": 20})
	p, _ := json.Marshal(map[string]any{"query": `subscription($id: ID!) { importProgress(id: $id) { state } }`, "variables": map[string]any{"id": id}})
	c.send(wsMessage{ID: "1", Type: "subscribe", Payload: p})
	if m, _ := c.next(); m.Type != "next" {
		t.Fatalf("the first subscription: %+v", m)
	}
	c.send(wsMessage{ID: "2", Type: "subscribe", Payload: p})
	for {
		m, err := c.next()
		if err != nil {
			t.Fatal(err)
		}
		if m.ID == "2" {
			if !strings.Contains(string(m.Payload), "LIMIT_EXCEEDED") {
				t.Errorf("a second subscription on the connection: %+v", m)
			}
			break
		}
	}
	// Two connections at most: this one and the next; a third is refused.
	// (The connections closed above give their slots back as their
	// handlers return, a moment after.)
	var second *wsClient
	for deadline := time.Now().Add(5 * time.Second); second == nil; time.Sleep(50 * time.Millisecond) {
		if second, _, err = dial(t, a, nil); err != nil && time.Now().After(deadline) {
			t.Fatalf("the second connection: %v", err)
		}
	}
	if _, res, err := dial(t, a, nil); err == nil || res == nil || res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("a connection over the cap: %v %v", res, err)
	}
	_ = second.conn.CloseNow()
	a.ok(t, `mutation($id: ID!) { cancelImportJob(id: $id) { state } }`, map[string]any{"id": id})
	a.await(t, id)
}

func TestImportJob_TimeLimit(t *testing.T) {
	a, _ := jobsAPI(t, graph.JobOptions{MaxRunTime: 1500 * time.Millisecond})
	tag := unique("limit")
	forgetJobs(t, tag)
	const batch = 10
	id := a.startJob(t, "experts-"+tag+".csv", expertRoster(tag, 20000), map[string]any{"batchSize": batch})
	final, _ := a.await(t, id)
	if str(final, "state") != "FAILED" || !strings.Contains(str(final, "error"), "time limit") || get(final, "report", "complete") != false {
		t.Fatalf("a job past its time limit: %v", final)
	}
	wholeRows(t, tag, batch)
}

func TestWebsocket_SlowAndGreedyClients(t *testing.T) {
	a, _ := jobsAPI(t, graph.JobOptions{InitTimeout: 300 * time.Millisecond})
	// A client that never says connection_init is closed.
	c, _, err := dial(t, a, nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := c.next(); err == nil || time.Since(start) > 10*time.Second {
		t.Errorf("a connection without connection_init stays open: %v after %s", err, time.Since(start))
	}
	// A message over 64 KiB closes the connection.
	c = signIn(t, a)
	big, _ := json.Marshal(map[string]any{"query": "subscription { importProgress(id: \"" + strings.Repeat("x", 70<<10) + "\") { state } }"})
	c.send(wsMessage{ID: "1", Type: "subscribe", Payload: big})
	if _, err := c.next(); websocket.CloseStatus(err) != websocket.StatusMessageTooBig {
		t.Errorf("a message over 64 KiB: %v", err)
	}
}

func TestWebsocket_PersistedDocumentsOnly(t *testing.T) {
	allowed := `query { nodeCounts { kind count } }`
	sum := sha256.Sum256([]byte(allowed))
	a := newAPIWith(t, graph.Options{PersistedDocuments: map[string]string{hex.EncodeToString(sum[:]): allowed}, Bounds: graph.Bounds{RatePerSecond: -1}})
	c := signIn(t, a)
	p, _ := json.Marshal(map[string]any{"query": `subscription { importProgress(id: "job/00000000000000000000000000000000") { state } }`})
	c.send(wsMessage{ID: "1", Type: "subscribe", Payload: p})
	if m, _ := c.next(); !strings.Contains(string(m.Payload), "PERSISTED_DOCUMENT_NOT_FOUND") {
		t.Errorf("a document not in the allow-list, over the WebSocket: %+v", m)
	}
}
