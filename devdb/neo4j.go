package devdb

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"
)

const (
	defaultHeapSize      = "1g"
	defaultPageCacheSize = "512m"
	cacheMarker          = ".castgraph-complete"
)

// neo4jConf is the whole configuration; Neo4j's strict validation
// (on by default) rejects unknown settings, so a typo fails the start.
func (e *env) neo4jConf() string {
	lines := []string{
		"# Written by castgraph devdb on every start; edits are lost.",
		// Loopback only, and advertise 127.0.0.1 so neo4j:// routing tables
		// do not send drivers to "localhost", which may resolve to ::1.
		"server.default_listen_address=127.0.0.1",
		"server.default_advertised_address=127.0.0.1",
		fmt.Sprintf("server.bolt.listen_address=127.0.0.1:%d", e.port),
		fmt.Sprintf("server.bolt.advertised_address=127.0.0.1:%d", e.port),
		"server.bolt.tls_level=DISABLED",
		// Bolt is the only port: one port to check, nothing else exposed.
		"server.http.enabled=false",
		"server.https.enabled=false",
		"dbms.security.auth_enabled=true",
		// Fixed sizes: Neo4j would otherwise size itself from the machine's
		// RAM, which is shared with compilers and tests.
		"server.memory.heap.initial_size=" + e.heap,
		"server.memory.heap.max_size=" + e.heap,
		"server.memory.pagecache.size=" + e.pageCache,
		// Dev data is disposable: keep transaction logs small.
		"db.tx_log.rotation.retention_policy=1 files",
		"db.tx_log.rotation.size=64M",
		// No internet here: never phone home.
		"dbms.usage_report.enabled=false",
		// A 2-core box also runs the tests; threads are made on demand
		// anyway, this only caps a runaway client.
		"server.bolt.thread_pool_min_size=2",
		"server.bolt.thread_pool_max_size=64",
		"server.directories.data=" + e.path("data"),
		"server.directories.logs=" + e.path("logs"),
		"server.directories.run=" + e.path("run"),
		"server.directories.plugins=" + e.path("plugins"),
		"server.directories.import=" + e.path("import"),
		"server.directories.lib=" + e.cacheDir,
	}
	return strings.Join(lines, "\n") + "\n"
}

// javaArgs mirrors what Neo4j's own launcher (bin/neo4j) passes, minus the
// flags meant for big production heaps (e.g. AlwaysPreTouch, which would
// commit the whole heap up front).
func (e *env) javaArgs() []string {
	sep := string(os.PathListSeparator)
	cp := e.path("plugins", "*") + sep + e.path("conf", "*") + sep + filepath.Join(e.cacheDir, "*")
	return []string{
		"-Xms" + e.heap, "-Xmx" + e.heap,
		"-XX:+UseG1GC",
		"-XX:-OmitStackTraceInFastThrow",
		"-XX:+UnlockExperimentalVMOptions", "-XX:+TrustFinalNonStaticFields",
		"-XX:+DisableExplicitGC",
		"-XX:-RestrictContended",
		// A dead server is restarted by the next Ensure; a thrashing one
		// would just hang the tests.
		"-XX:+ExitOnOutOfMemoryError",
		"-Djdk.nio.maxCachedBufferSize=1024",
		"-Dio.netty.tryReflectionSetAccessible=true",
		"-Dlog4j2.disable.jmx=true",
		"-Dfile.encoding=UTF-8",
		"--add-opens=java.base/java.nio=ALL-UNNAMED",
		"--add-opens=java.base/java.io=ALL-UNNAMED",
		"--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
		"-cp", cp, // java expands the /* wildcards itself
		mainClass,
		"--home-dir=" + e.home,
		"--config-dir=" + e.path("conf"),
		"--console-mode",
	}
}

const otherwise = "or set NEO4J_URI to a Neo4j you run yourself"

var javaVersionRe = regexp.MustCompile(`version "(\d+)(?:\.(\d+))?`)

// findJava returns the java on PATH after checking it can run Neo4j 5.26.
func findJava(ctx context.Context) (string, error) {
	java, err := exec.LookPath("java")
	if err != nil {
		return "", fmt.Errorf("devdb: Java 17 or 21 is needed to run the local Neo4j: install openjdk-17-jre-headless (apt-get install openjdk-17-jre-headless) %s", otherwise)
	}
	out, err := exec.CommandContext(ctx, java, "-version").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("devdb: `%s -version` failed: %v\n%s", java, err, indent(tailString(string(out), 10)))
	}
	m := javaVersionRe.FindStringSubmatch(string(out))
	if m == nil {
		return "", fmt.Errorf("devdb: cannot read the Java version from `%s -version`:\n%s", java, indent(string(out)))
	}
	major, _ := strconv.Atoi(m[1])
	if major == 1 && m[2] != "" { // "1.8.0_412" style
		major, _ = strconv.Atoi(m[2])
	}
	if major != 17 && major < 21 {
		return "", fmt.Errorf("devdb: %s is Java %d, but the local Neo4j %s needs Java 17 or 21: install openjdk-17-jre-headless (apt-get install openjdk-17-jre-headless) and put it first on PATH, %s",
			java, major, neo4jVersion, otherwise)
	}
	return java, nil
}

// ensureJars fills CacheDir with the Neo4j jars unless a completed download
// is already there. The download goes to a temp dir beside CacheDir and is
// renamed into place, so an interrupted one never looks complete.
func (e *env) ensureJars(ctx context.Context) error {
	marker := filepath.Join(e.cacheDir, cacheMarker)
	if _, err := os.Stat(marker); err == nil {
		return nil
	}
	parent := filepath.Dir(e.cacheDir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("devdb: %w", err)
	}
	// The cache is shared by every Home (tests use temporary ones), so it
	// has its own lock.
	unlock, err := lockFile(ctx, e.cacheDir+".lock", func() {
		e.logf("waiting for another process downloading Neo4j jars…")
	})
	if err != nil {
		return fmt.Errorf("devdb: locking jar cache: %w", err)
	}
	defer unlock()
	if _, err := os.Stat(marker); err == nil {
		return nil
	}
	mvn, err := exec.LookPath("mvn")
	if err != nil {
		return fmt.Errorf("devdb: Maven is needed to download the Neo4j jars for the local Neo4j: install it (apt-get install maven) %s", otherwise)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(e.cacheDir)+".download-")
	if err != nil {
		return fmt.Errorf("devdb: %w", err)
	}
	defer os.RemoveAll(tmp)
	pom := filepath.Join(tmp, "pom.xml")
	if err := os.WriteFile(pom, pomXML, 0o644); err != nil {
		return fmt.Errorf("devdb: %w", err)
	}
	lib := filepath.Join(tmp, "lib")

	e.logf("downloading Neo4j %s jars with Maven into %s…", neo4jVersion, e.cacheDir)
	t0 := time.Now()
	cmd := exec.CommandContext(ctx, mvn, "-q", "-B", "-Dstyle.color=never", "-f", pom,
		"dependency:copy-dependencies", "-DoutputDirectory="+lib, "-DincludeScope=runtime")
	cmd.Dir = tmp
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("devdb: downloading Neo4j jars: %w", ctx.Err())
		}
		return fmt.Errorf("devdb: downloading the Neo4j jars with Maven failed (%v); check that Maven Central (repo.maven.apache.org) is reachable, or that ~/.m2/settings.xml points at a mirror that is. Last lines of mvn output:\n%s",
			err, indent(tailString(out.String(), 20)))
	}
	if _, err := os.Stat(filepath.Join(lib, "neo4j-"+neo4jVersion+".jar")); err != nil {
		return fmt.Errorf("devdb: Maven finished but neo4j-%s.jar is missing from its output:\n%s", neo4jVersion, indent(tailString(out.String(), 20)))
	}
	if err := os.WriteFile(filepath.Join(lib, cacheMarker), []byte(neo4jVersion+"\n"), 0o644); err != nil {
		return fmt.Errorf("devdb: %w", err)
	}
	// Whatever is there lacks the marker: an older, partial cache.
	if err := os.RemoveAll(e.cacheDir); err != nil {
		return fmt.Errorf("devdb: %w", err)
	}
	if err := os.Rename(lib, e.cacheDir); err != nil {
		return fmt.Errorf("devdb: %w", err)
	}
	e.logf("downloaded Neo4j jars in %.1fs", time.Since(t0).Seconds())
	return nil
}

// loadOrCreatePassword returns the stored password, or makes one for a fresh
// store. The file is written before the server is first started and the
// password set afterwards, so an interruption in between is repaired by the
// next Ensure (see setInitialPassword) instead of losing the password.
func (e *env) loadOrCreatePassword() (string, error) {
	b, err := os.ReadFile(e.passwordFile())
	if err == nil && len(bytes.TrimSpace(b)) > 0 {
		return string(bytes.TrimSpace(b)), nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("devdb: %w", err)
	}
	if entries, _ := os.ReadDir(e.path("data")); len(entries) > 0 {
		return "", fmt.Errorf("devdb: %s has a database but its password file %s is missing or empty; delete %s to start over with an empty database (stop the server first)",
			e.home, e.passwordFile(), e.path("data"))
	}
	raw := make([]byte, 18) // 18 bytes = 24 URL-safe base64 characters
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("devdb: %w", err)
	}
	pw := base64.RawURLEncoding.EncodeToString(raw)
	if err := writeFileAtomic(e.passwordFile(), []byte(pw), 0o600); err != nil {
		return "", fmt.Errorf("devdb: writing %s: %w", e.passwordFile(), err)
	}
	return pw, nil
}

// setInitialPassword replaces the built-in neo4j/neo4j login of a fresh store
// (which Neo4j only accepts for changing the password) with ours.
func (e *env) setInitialPassword(ctx context.Context, password string) error {
	uri := boltURI(e.port)
	d, err := newDriver(uri, user, "neo4j")
	if err != nil {
		return fmt.Errorf("devdb: %w", err)
	}
	defer d.Close(context.Background())
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	s := d.NewSession(ctx, neo4j.SessionConfig{DatabaseName: "system"})
	defer s.Close(context.Background())
	res, err := s.Run(ctx, "ALTER CURRENT USER SET PASSWORD FROM 'neo4j' TO $password", map[string]any{"password": password})
	if err == nil {
		_, err = res.Consume(ctx)
	}
	if isUnauthorized(err) {
		return fmt.Errorf("devdb: the Neo4j in %s accepts neither the password in %s nor the initial one; stop it and delete %s to start over with an empty database",
			e.home, e.passwordFile(), e.path("data"))
	}
	if err != nil {
		return fmt.Errorf("devdb: setting the Neo4j password: %w", err)
	}
	e.logf("set the Neo4j password (stored in %s)", e.passwordFile())
	return nil
}

func newDriver(uri, user, password string) (neo4j.DriverWithContext, error) {
	return neo4j.NewDriverWithContext(uri, neo4j.BasicAuth(user, password, ""), func(c *config.Config) {
		c.SocketConnectTimeout = 2 * time.Second
		c.MaxConnectionPoolSize = 2
	})
}

// verify does a Bolt handshake and login.
func verify(ctx context.Context, uri, user, password string) error {
	d, err := newDriver(uri, user, password)
	if err != nil {
		return err
	}
	defer d.Close(context.Background())
	return d.VerifyConnectivity(ctx)
}

func isUnauthorized(err error) bool {
	var ne *neo4j.Neo4jError
	return errors.As(err, &ne) && ne.Code == "Neo.ClientError.Security.Unauthorized"
}
