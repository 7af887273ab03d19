package temporal

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"github.com/pipe-run/pipe/engine"
)

// Endpoint says where a Temporal service is and how to reach it.
type Endpoint struct {
	// Address is HOST:PORT of the frontend.
	Address   string
	Namespace string
	// TLS turns TLS on (implied by the files below); CA, Cert and Key are
	// PEM files: the server's CA, and the client's certificate and key
	// for mTLS. ServerName overrides the name the certificate must have.
	TLS        bool
	CA         string
	Cert, Key  string
	ServerName string
	// APIKey authenticates to Temporal Cloud and other servers that take
	// API keys (sent over TLS).
	APIKey string
}

// EnvAddress and EnvAPIKey are the environment variables an Endpoint
// defaults from.
const (
	EnvAddress = "PIPE_TEMPORAL_ADDRESS"
	EnvAPIKey  = "PIPE_TEMPORAL_API_KEY"
)

// ParseEndpoint reads `temporal://HOST:PORT/NS`, `temporals://...` (TLS)
// or `HOST:PORT`; an empty s means $PIPE_TEMPORAL_ADDRESS. The namespace
// defaults to "default".
func ParseEndpoint(s string) (Endpoint, error) {
	if s == "" {
		s = os.Getenv(EnvAddress)
		if s == "" {
			return Endpoint{}, fmt.Errorf("no Temporal address: give temporal://HOST:PORT/NAMESPACE, or set %s", EnvAddress)
		}
	}
	ep := Endpoint{Namespace: DefaultNamespace, APIKey: os.Getenv(EnvAPIKey)}
	if !strings.Contains(s, "://") {
		ep.Address = s
	} else {
		u, err := url.Parse(s)
		if err != nil {
			return ep, fmt.Errorf("Temporal address %q: %w", s, err)
		}
		switch u.Scheme {
		case "temporal":
		case "temporals":
			ep.TLS = true
		default:
			return ep, fmt.Errorf("Temporal address %q: the scheme is temporal:// (or temporals:// for TLS), not %s://", s, u.Scheme)
		}
		ep.Address = u.Host
		if ns := strings.Trim(u.Path, "/"); ns != "" {
			ep.Namespace = ns
		}
	}
	if !strings.Contains(ep.Address, ":") {
		return ep, fmt.Errorf("Temporal address %q: want HOST:PORT (Temporal's port is usually 7233)", s)
	}
	return ep, nil
}

// Dial connects to the endpoint; the SDK's own log lines go to log (nil:
// nowhere) at warning level and above.
func Dial(ctx context.Context, ep Endpoint, log *slog.Logger) (client.Client, error) {
	opts := client.Options{HostPort: ep.Address, Namespace: ep.Namespace}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	opts.Logger = sdklog.NewStructuredLogger(slog.New(&minLevel{h: log.Handler(), level: slog.LevelWarn}))
	if ep.TLS || ep.CA != "" || ep.Cert != "" || ep.APIKey != "" {
		cfg, err := ep.tlsConfig()
		if err != nil {
			return nil, err
		}
		opts.ConnectionOptions.TLS = cfg
	}
	if ep.APIKey != "" {
		opts.Credentials = client.NewAPIKeyStaticCredentials(ep.APIKey)
	}
	c, err := client.DialContext(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("cannot reach Temporal at %s (namespace %s): %w", ep.Address, ep.Namespace, err)
	}
	return c, nil
}

func (ep Endpoint) tlsConfig() (*tls.Config, error) {
	cfg := &tls.Config{ServerName: ep.ServerName, MinVersion: tls.VersionTLS12}
	if ep.CA != "" {
		pem, err := os.ReadFile(ep.CA)
		if err != nil {
			return nil, fmt.Errorf("TLS CA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("TLS CA %s: no PEM certificate in it", ep.CA)
		}
		cfg.RootCAs = pool
	}
	if ep.Cert != "" || ep.Key != "" {
		if ep.Cert == "" || ep.Key == "" {
			return nil, errors.New("TLS: a client certificate needs both --tls-cert and --tls-key")
		}
		pair, err := tls.LoadX509KeyPair(ep.Cert, ep.Key)
		if err != nil {
			return nil, fmt.Errorf("TLS client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return cfg, nil
}

// Submit starts the run's workflow on queue; its id is the run's id. A
// run id that is taken is an error.
func Submit(ctx context.Context, c client.Client, in RunInput, queue string, timeout time.Duration) error {
	if queue == "" {
		queue = DefaultTaskQueue
	}
	in.TaskQueue = queue
	opts := client.StartWorkflowOptions{
		ID:                       in.RunID,
		TaskQueue:                queue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowExecutionTimeout: 0,
	}
	if timeout > 0 {
		// The workflow ends itself at the pipeline's time-out and records
		// it; this only stops a workflow that cannot.
		opts.WorkflowExecutionTimeout = 2*timeout + 10*time.Minute
	}
	_, err := c.ExecuteWorkflow(ctx, opts, WorkflowName, in)
	if err != nil {
		return fmt.Errorf("starting run %s on Temporal: %w", in.RunID, err)
	}
	return nil
}

// Cancel asks run id to stop: its nodes are cancelled, its clean-up nodes
// run, and it ends with its record.
func Cancel(ctx context.Context, c client.Client, id string) error {
	if err := c.CancelWorkflow(ctx, id, ""); err != nil {
		return notFound(id, err)
	}
	return nil
}

// Status returns run id's record as it stands (from the workflow while it
// runs, its result once it has ended) and whether it still runs.
func Status(ctx context.Context, c client.Client, id string) (*engine.Record, bool, error) {
	desc, err := c.DescribeWorkflowExecution(ctx, id, "")
	if err != nil {
		return nil, false, notFound(id, err)
	}
	running := desc.GetWorkflowExecutionInfo().GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING
	var b []byte
	if running {
		b, err = queryRecord(ctx, c, id)
	} else {
		err = c.GetWorkflow(ctx, id, "").Get(ctx, &b)
	}
	if err != nil {
		return nil, running, fmt.Errorf("run %s: %w", id, err)
	}
	rec := new(engine.Record)
	if err := json.Unmarshal(b, rec); err != nil {
		return nil, running, fmt.Errorf("run %s: its record: %w", id, err)
	}
	return rec, running, nil
}

func notFound(id string, err error) error {
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return fmt.Errorf("no run %s on this Temporal namespace: %w", id, err)
	}
	return fmt.Errorf("run %s: %w", id, err)
}

// minLevel drops records below level: the SDK logs every poll at info.
type minLevel struct {
	h     slog.Handler
	level slog.Level
}

func (m *minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= m.level && m.h.Enabled(ctx, l)
}
func (m *minLevel) Handle(ctx context.Context, r slog.Record) error { return m.h.Handle(ctx, r) }
func (m *minLevel) WithAttrs(a []slog.Attr) slog.Handler {
	return &minLevel{h: m.h.WithAttrs(a), level: m.level}
}
func (m *minLevel) WithGroup(name string) slog.Handler {
	return &minLevel{h: m.h.WithGroup(name), level: m.level}
}

// Source returns the pipeline file run id runs, as its workflow has it.
func Source(ctx context.Context, c client.Client, id string) (RunInput, error) {
	var in RunInput
	val, err := c.QueryWorkflow(ctx, id, "", QuerySource)
	if err != nil {
		return in, fmt.Errorf("run %s: reading its pipeline (a worker must be up to answer): %w", id, notFound(id, err))
	}
	err = val.Get(&in)
	return in, err
}
