package temporal_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pipe-run/pipe/engine/temporal"
)

// A dial that fails says what to check: the address, TLS, the namespace.
func TestDialSaysWhatIsWrong(t *testing.T) {
	addr := os.Getenv(temporal.EnvAddress)
	tests := []struct {
		name, url, want string
		server          bool
	}{
		{"nothing listens", "temporal://127.0.0.1:1/default", "is the server up", false},
		{"no such host", "temporal://nohost.invalid:7233/default", `host "nohost.invalid" does not resolve`, false},
		{"TLS to a plain server", "temporals://" + addr + "/default", "does not speak TLS", true},
		{"unknown namespace", "temporal://" + addr + "/nope", `has no namespace "nope"`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.server && addr == "" {
				t.Skip("no Temporal server: run `eval \"$(.ci/temporal/start)\"` to run this case")
			}
			ep, err := temporal.ParseEndpoint(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			c, err := temporal.Dial(ctx, ep, nil)
			if err == nil {
				c.Close()
				t.Fatalf("dial %s: no error", tt.url)
			}
			if !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "no children to pick from") {
				t.Errorf("dial %s: %v\nwant it to say %q", tt.url, err, tt.want)
			}
		})
	}
}
