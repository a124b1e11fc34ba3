package deploy_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/castgraph/castgraph/internal/servetest"
	"github.com/castgraph/castgraph/store/storetest"
)

// TestShutdown_DrainsThenFinishesRequests: on SIGTERM, /readyz answers 503
// while the listener still takes connections (the drain delay), then the
// listener closes, a request in flight all along (its body still arriving)
// is answered in full, and the process exits 0 after closing the driver.
func TestShutdown_DrainsThenFinishesRequests(t *testing.T) {
	neo := storetest.Config(t) // skips under -short, as every test that needs Neo4j
	bin := buildImageBinary(t)
	addr := servetest.FreeAddr(t)
	env := withEnv(os.Environ(), "NEO4J_URI="+neo.URI, "NEO4J_USER="+neo.User, "NEO4J_PASSWORD="+neo.Password, "NEO4J_DATABASE="+neo.Database,
		"CASTGRAPH_ADDR="+addr, "CASTGRAPH_DRAIN_DELAY=1500ms", "CASTGRAPH_SHUTDOWN_TIMEOUT=20s", "CASTGRAPH_LOG_FORMAT=text")
	serve := exec.Command(bin, "serve")
	serve.Env = env
	p := servetest.Run(t, serve, addr)

	// The slow request: headers and half its body now, the rest after the
	// listener has closed.
	body := `{"query":"{ __typename }"}`
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /graphql HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", addr, len(body), body[:10])
	time.Sleep(300 * time.Millisecond) // the server reads the headers: the request is in flight

	sent := time.Now()
	if err := p.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	var notReady, closed time.Duration
	for notReady == 0 || closed == 0 {
		if time.Since(sent) > 10*time.Second {
			t.Fatalf("after 10 s: /readyz 503 after %s, listener closed after %s\n%s", notReady, closed, p.Log())
		}
		res, err := client.Get(p.URL + "/readyz")
		switch {
		case err != nil:
			if notReady == 0 {
				t.Fatalf("the listener closed (%v) before /readyz answered 503", err)
			}
			closed = time.Since(sent)
		case res.StatusCode == http.StatusServiceUnavailable:
			if notReady == 0 {
				notReady = time.Since(sent)
			}
			res.Body.Close()
		default:
			res.Body.Close()
		}
		time.Sleep(20 * time.Millisecond)
	}
	if closed-notReady < time.Second {
		t.Errorf("/readyz answered 503 after %s and the listener closed after %s: under the drain delay of 1.5 s", notReady, closed)
	}

	// The request in flight completes.
	if _, err := io.WriteString(conn, body[10:]); err != nil {
		t.Fatalf("the request in flight lost its connection: %v", err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to the request in flight: %v", err)
	}
	answer, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || !strings.Contains(string(answer), `"__typename":"Query"`) {
		t.Errorf("the request in flight got %d %s", res.StatusCode, answer)
	}

	select {
	case <-p.Exited():
		if p.Err() != nil {
			t.Errorf("exit: %v", p.Err())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("castgraph did not exit")
	}
	out := p.Log()
	order := []string{"draining", "shutting down", "the Neo4j driver is closed"}
	last := -1
	for _, s := range order {
		i := strings.Index(out, s)
		if i < last {
			t.Errorf("the log has %q out of order (%v):\n%s", s, order, out)
		}
		last = i
	}
}
