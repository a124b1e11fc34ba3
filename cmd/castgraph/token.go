package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/auth"
	"github.com/castgraph/castgraph/store"
)

const tokenUsage = `usage:
  castgraph token create -name NAME -role ROLE [-expires 90d]   prints the new token, once
  castgraph token list
  castgraph token revoke NAME
roles: viewer, analyst, editor, importer, admin
`

// tokenCommand manages API tokens. It talks to the database directly, as
// whoever may run the command on the server may.
func tokenCommand(ctx context.Context, args []string, log *slog.Logger) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, tokenUsage)
		return errors.New("token: no subcommand given")
	}
	s, err := open(ctx, log)
	if err != nil {
		return err
	}
	defer s.Close(context.Background())
	return runToken(ctx, s, args, os.Stdout, os.Stderr)
}

// runToken runs a token subcommand: the secret of a new token goes to
// stdout, alone, so that scripts can take it; the rest to stderr.
func runToken(ctx context.Context, s *store.Store, args []string, stdout, stderr io.Writer) error {
	switch args[0] {
	case "create":
		fs := flag.NewFlagSet("token create", flag.ContinueOnError)
		fs.SetOutput(stderr)
		name := fs.String("name", "", "the token's name: who or what uses it (shown in the audit log)")
		roleName := fs.String("role", "", "viewer, analyst, editor, importer or admin")
		expires := fs.String("expires", "90d", "lifetime: 90d, 12h, 30m, or never")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		secret, t, err := createToken(ctx, s, *name, *roleName, *expires)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "created token %q (role %s, %s); it is shown this once:\n", t.Name, t.Role, expiry(t))
		fmt.Fprintln(stdout, secret)
		return nil
	case "list":
		tokens, err := s.Tokens(ctx)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "NAME\tROLE\tCREATED\tEXPIRES\tLAST USED\tSTATE")
		now := time.Now()
		for _, t := range tokens {
			state := "in force"
			switch {
			case !t.RevokedAt.IsZero():
				state = "revoked " + t.RevokedAt.Local().Format(time.DateTime)
			case !t.Valid(now):
				state = "expired"
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", t.Name, t.Role, t.CreatedAt.Local().Format(time.DateTime),
				expiry(&t), when(t.LastUsedAt), state)
		}
		return w.Flush()
	case "revoke":
		if len(args) != 2 {
			return errors.New("usage: castgraph token revoke NAME")
		}
		if err := s.RevokeToken(ctx, args[1], time.Now()); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "revoked token %q: requests with it are refused within a second\n", args[1])
		return nil
	}
	fmt.Fprint(stderr, tokenUsage)
	return fmt.Errorf("token: unknown subcommand %q", args[0])
}

// createToken makes and records a token; the secret is returned once and
// only its hash is kept.
func createToken(ctx context.Context, s *store.Store, name, roleName, expires string) (string, *store.Token, error) {
	name = strings.TrimSpace(name)
	if err := castgraph.CheckText(name, castgraph.TextName); err != nil || name == "" {
		return "", nil, castgraph.Errorf(castgraph.EINVALID, "name", "a token needs a -name of one line (who or what uses it)")
	}
	role, err := castgraph.ParseRole(roleName)
	if err != nil {
		return "", nil, err
	}
	if role == castgraph.RoleAnonymous {
		return "", nil, castgraph.Errorf(castgraph.EINVALID, "role", "a token's role is viewer, analyst, editor, importer or admin")
	}
	lifetime, err := parseLifetime(expires)
	if err != nil {
		return "", nil, err
	}
	secret, hash := auth.NewToken()
	now := time.Now()
	t := &store.Token{Name: name, Hash: hash, Role: role, CreatedAt: now}
	if lifetime > 0 {
		t.ExpiresAt = now.Add(lifetime)
	}
	if err := s.CreateToken(ctx, *t); err != nil {
		return "", nil, err
	}
	return secret, t, nil
}

// parseLifetime reads 90d, 12h, 30m (Go durations, plus days) or never (0).
func parseLifetime(s string) (time.Duration, error) {
	if s == "never" {
		return 0, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n > 0 {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	} else if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return d, nil
	}
	return 0, castgraph.Errorf(castgraph.EINVALID, "expires", "-expires takes a lifetime such as 90d, 12h or 30m, or never; not %q", s)
}

func expiry(t *store.Token) string {
	if t.ExpiresAt.IsZero() {
		return "never expires"
	}
	return "expires " + t.ExpiresAt.Local().Format(time.DateTime)
}

func when(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.Local().Format(time.DateTime)
}

// demoTokenLifetime is how long the token `serve -demo` prints stays good.
const demoTokenLifetime = 12 * time.Hour

// printDemoToken creates an admin token that expires in demoTokenLifetime
// and prints it, with how to use it in GraphiQL, as notebook servers print
// theirs: the demo is ready to write without any set-up.
func printDemoToken(ctx context.Context, s *store.Store, addr string) error {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	secret, t, err := createToken(ctx, s, "demo-"+hex.EncodeToString(b), string(castgraph.RoleAdmin), demoTokenLifetime.String())
	if err != nil {
		return err
	}
	fmt.Printf("\nAn admin token for this demo (%s, %s):\n\n    %s\n\n"+
		"In GraphiQL (%s) open Headers and paste {\"Authorization\": \"Bearer %s\"};\n"+
		"with curl: -H 'Authorization: Bearer %s'. Without it you may read what is not personal.\n\n",
		t.Name, expiry(t), secret, browseURL(addr), secret, secret)
	return nil
}
