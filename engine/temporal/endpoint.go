package temporal

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
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

// minLevel drops records below level (the SDK logs every poll at info)
// and the SDK's line for a failed activity, and says in one line that
// this worker cannot compile a run (cannotCompileLog).
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
	r, keep := cannotCompileLog(r)
	if !keep {
		return nil
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
