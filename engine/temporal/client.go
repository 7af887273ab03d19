package temporal

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	sdklog "go.temporal.io/sdk/log"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
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
		if strings.Contains(ep.Namespace, "/") {
			return ep, fmt.Errorf("Temporal address %q: after HOST:PORT comes one name, the namespace (temporal://HOST:PORT/NAMESPACE), not %q", s, ep.Namespace)
		}
		if u.RawQuery != "" || u.Fragment != "" {
			return ep, fmt.Errorf("Temporal address %q: give temporal://HOST:PORT/NAMESPACE, with nothing after the namespace", s)
		}
	}
	host, port, err := net.SplitHostPort(ep.Address)
	if err != nil {
		return ep, fmt.Errorf("Temporal address %q: want HOST:PORT (Temporal's port is usually 7233)", s)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return ep, fmt.Errorf("Temporal address %q: port %q is not a port (1 to 65535; Temporal's is usually 7233)", s, port)
	}
	if host == "" {
		return ep, fmt.Errorf("Temporal address %q: want HOST:PORT, with a host (127.0.0.1 for this machine)", s)
	}
	return ep, nil
}

// String is the endpoint as --on takes it: temporal://HOST:PORT/NS, or
// temporals:// for TLS.
func (ep Endpoint) String() string {
	scheme := "temporal"
	if ep.TLS {
		scheme = "temporals"
	}
	return scheme + "://" + ep.Address + "/" + ep.Namespace
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
	if host, _, _ := net.SplitHostPort(ep.Address); err != nil && host != "" && net.ParseIP(host) == nil && lookupFails(ctx, host) {
		// gRPC says "no children to pick from".
		return nil, fmt.Errorf("cannot reach Temporal at %s: host %q does not resolve (no such name in DNS or /etc/hosts): check the address", ep.Address, host)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot reach Temporal at %s: %w; %s", ep.Address, err, ep.dialHint(err))
	}
	// The SDK connects without asking for the namespace: a wrong one
	// would only show as each call fails.
	_, err = c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: ep.Namespace})
	var nf *serviceerror.NamespaceNotFound
	if errors.As(err, &nf) {
		c.Close()
		return nil, fmt.Errorf("Temporal at %s has no namespace %q: name one it has (temporal://HOST:PORT/NAMESPACE or --namespace; Temporal's own is %q)", ep.Address, ep.Namespace, DefaultNamespace)
	}
	// Other errors (a key not allowed to describe namespaces) are not
	// this check's to report.
	return c, nil
}

// dialHint says what to check after a dial failed with err.
func (ep Endpoint) dialHint(err error) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "first record does not look like a TLS handshake"):
		return "the server does not speak TLS there: use temporal://, not temporals:// or --tls"
	case !ep.TLS && (strings.Contains(msg, "EOF") || strings.Contains(msg, "connection reset")):
		return "is the server's frontend there, or does it take TLS (temporals://)?"
	}
	return "is the server up, and is this its frontend address (Temporal's port is usually 7233)?"
}

func lookupFails(ctx context.Context, host string) bool {
	_, err := net.DefaultResolver.LookupHost(ctx, host)
	return err != nil
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
	if err := checkRunSize(in); err != nil {
		return err
	}
	_, err := c.ExecuteWorkflow(ctx, opts, WorkflowName, in)
	if err != nil {
		return fmt.Errorf("starting run %s on Temporal: %w", in.RunID, err)
	}
	return nil
}

// ErrTooLarge is the error of a run whose input (its pipeline file,
// config and .env) Temporal would refuse.
var ErrTooLarge = errors.New("too large to start on Temporal")

// checkRunSize says which parts of in make it larger than Temporal takes
// in one payload (the server's own word is "Blob data size exceeds
// limit"), as the workflow would receive it.
func checkRunSize(in RunInput) error {
	b, err := json.Marshal(in)
	if err != nil || len(b) <= maxRunJSON {
		return err
	}
	parts := []part{{"the pipeline file", len(in.Source) * 4 / 3}}
	var cfg map[string]json.RawMessage
	if json.Unmarshal(in.Config, &cfg) == nil {
		for k, v := range cfg {
			parts = append(parts, part{"config " + k, len(v)})
		}
	}
	for k, v := range in.Env {
		parts = append(parts, part{".env key " + k, len(v)})
	}
	return fmt.Errorf("run %s is %w: its pipeline file, config and .env are %s of JSON (%s), over the %s Temporal takes in one payload; "+
		"pass large data by path (a file the workers can read, shared storage), not as a value",
		in.RunID, ErrTooLarge, modules.Size(int64(len(b))), largest(parts, len(b)), modules.Size(PayloadLimit))
}

// ErrEnded is the error of a cancel of a run that has ended.
var ErrEnded = errors.New("there is nothing to cancel")

// Cancel asks run id to stop: its nodes are cancelled, its clean-up nodes
// run, and it ends with its record.
func Cancel(ctx context.Context, c client.Client, id string) error {
	// Temporal takes a cancel of a run that has ended, and does nothing.
	desc, err := c.DescribeWorkflowExecution(ctx, id, "")
	if err != nil {
		return notFound(id, err)
	}
	if st := desc.GetWorkflowExecutionInfo().GetStatus(); st != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		return fmt.Errorf("run %s has ended (%s): %w", id, strings.ToLower(st.String()), ErrEnded)
	}
	if err := c.CancelWorkflow(ctx, id, ""); err != nil {
		return notFound(id, err)
	}
	return nil
}

// Status returns run id's record as it stands (from the workflow while it
// runs, its result once it has ended) and whether it still runs. A run
// that waits for a worker cannot say how it stands (a worker answers for
// it): the error is then a *WaitError.
func Status(ctx context.Context, c client.Client, id string) (*engine.Record, bool, error) {
	desc, err := c.DescribeWorkflowExecution(ctx, id, "")
	if err != nil {
		return nil, false, notFound(id, err)
	}
	running := desc.GetWorkflowExecutionInfo().GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING
	var b []byte
	if running {
		if werr := waiting(ctx, c, id, desc, nil); werr != nil {
			return nil, true, werr
		}
		qctx, cancel := context.WithTimeout(ctx, statusQueryTimeout)
		b, err = queryRecord(qctx, c, id)
		cancel()
		if err != nil && ctx.Err() == nil {
			if werr := waiting(ctx, c, id, desc, err); werr != nil {
				return nil, true, werr
			}
		}
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

// statusQueryTimeout bounds the wait for a worker to answer for a run.
const statusQueryTimeout = 10 * time.Second

// WaitError says that a run waits for a worker, which alone can say how
// the run stands.
type WaitError struct {
	Run   string
	Stall Stall
	// Err is the read of the run that failed, if one was tried.
	Err error
}

func (e *WaitError) Error() string { return e.Stall.say("run " + e.Run) }
func (e *WaitError) Unwrap() error { return e.Err }

// waiting returns a *WaitError when run id's workflow waits for a worker
// (its workflow task is not taken: with none polling its queue at once,
// or after a read that failed, qerr), nil otherwise.
func waiting(ctx context.Context, c client.Client, id string, desc *workflowservice.DescribeWorkflowExecutionResponse, qerr error) error {
	wt := desc.GetPendingWorkflowTask()
	queue := desc.GetExecutionConfig().GetTaskQueue().GetName()
	// A task tried before failed on a worker (or timed out with one).
	failed := int(max(wt.GetAttempt()-1, 0))
	if qerr == nil && failed == 0 && wt.GetState() != enumspb.PENDING_WORKFLOW_TASK_STATE_SCHEDULED {
		return nil
	}
	n, err := pollers(ctx, c, queue, enumspb.TASK_QUEUE_TYPE_WORKFLOW)
	if err != nil || (qerr == nil && n > 0 && failed == 0) {
		return nil
	}
	st := Stall{Queue: queue, Pollers: n, Failed: failed}
	if wt != nil {
		st.Waited = time.Since(wt.GetScheduledTime().AsTime()).Round(time.Second)
	}
	return &WaitError{Run: id, Stall: st, Err: qerr}
}

// Waiting returns a *WaitError when run id's own work (its workflow task,
// which acts on a cancel too) waits for a worker that does not take it,
// nil otherwise.
func Waiting(ctx context.Context, c client.Client, id string) error {
	desc, err := c.DescribeWorkflowExecution(ctx, id, "")
	if err != nil || desc.GetWorkflowExecutionInfo().GetStatus() != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		return nil
	}
	return waiting(ctx, c, id, desc, nil)
}

func notFound(id string, err error) error {
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return fmt.Errorf("no run %s on this Temporal namespace: %w", id, err)
	}
	return fmt.Errorf("run %s: %w", id, err)
}

// minLevel drops records below level (the SDK logs every poll at info)
// and the SDK's line for a failed activity.
type minLevel struct {
	h     slog.Handler
	level slog.Level
}

func (m *minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= m.level && m.h.Enabled(ctx, l)
}

func (m *minLevel) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == sdkActivityError {
		return nil // RunNode logs each failure in pipe's words
	}
	return m.h.Handle(ctx, r)
}

// sdkActivityError is the SDK's log line for each failed activity, at
// error level, with its ids: a node that fails is not the worker's error.
const sdkActivityError = "Activity error."

func (m *minLevel) WithAttrs(a []slog.Attr) slog.Handler {
	return &minLevel{h: m.h.WithAttrs(a), level: m.level}
}
func (m *minLevel) WithGroup(name string) slog.Handler {
	return &minLevel{h: m.h.WithGroup(name), level: m.level}
}

// Source returns the pipeline file run id runs and how it was started,
// from the first event of its history: no worker need be up.
func Source(ctx context.Context, c client.Client, id string) (RunInput, error) {
	var in RunInput
	iter := c.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	if !iter.HasNext() {
		return in, fmt.Errorf("run %s: its history is empty", id)
	}
	ev, err := iter.Next()
	if err != nil {
		return in, notFound(id, err)
	}
	started := ev.GetWorkflowExecutionStartedEventAttributes()
	if started == nil {
		return in, fmt.Errorf("run %s: its history does not begin with its start", id)
	}
	if started.GetWorkflowType().GetName() != WorkflowName {
		return in, fmt.Errorf("run %s is a %s workflow, not a pipe run", id, started.GetWorkflowType().GetName())
	}
	if err := converter.GetDefaultDataConverter().FromPayloads(started.GetInput(), &in); err != nil {
		return in, fmt.Errorf("run %s: its input: %w", id, err)
	}
	return in, nil
}
