// Command temporal-dev is a Temporal server for pipe's CI: every service in
// one process, state in an in-memory SQLite database, no config files, no
// downloads at run time. It listens on -address, registers the namespaces
// of -namespace, prints "ready HOST:PORT" on stdout once a client can use
// every one of them, and runs until SIGINT or SIGTERM.
//
// It is the embedded set-up of the server's temporaltest package, written
// out here because temporaltest picks its own port and a random namespace.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/server/common/authorization"
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/log/tag"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/schema/sqlite"
	"go.temporal.io/server/temporal"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

const clusterName = "active"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type options struct {
	address      string
	namespaces   []string
	verbose      bool
	readyTimeout time.Duration
	stopTimeout  time.Duration
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	var ns string
	fs := flag.NewFlagSet("temporal-dev", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.address, "address", "127.0.0.1:7233", "`host:port` the frontend listens on; port 0 picks a free port")
	fs.StringVar(&ns, "namespace", "default", "comma-separated `namespaces` to register")
	fs.BoolVar(&o.verbose, "v", false, "log the server at info level (default: errors only)")
	fs.DurationVar(&o.readyTimeout, "ready-timeout", 2*time.Minute, "give up if the server is not ready by then")
	fs.DurationVar(&o.stopTimeout, "stop-timeout", 30*time.Second, "exit non-zero if shutdown takes longer")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	for _, n := range strings.Split(ns, ",") {
		if n = strings.TrimSpace(n); n != "" {
			o.namespaces = append(o.namespaces, n)
		}
	}
	if len(o.namespaces) == 0 {
		return o, errors.New("-namespace: give at least one namespace")
	}
	return o, nil
}

func run(args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		if !strings.HasPrefix(err.Error(), "flag ") && !strings.Contains(err.Error(), "invalid value") {
			fmt.Fprintln(stderr, "temporal-dev:", err) // the flag package printed its own
		}
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, stop, o, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "temporal-dev:", err)
		return 1
	}
	return 0
}

// serve starts the server, reports it ready, waits for ctx to end (a
// signal) and stops the server; unnotify gives the next signal back to its
// default action.
func serve(ctx context.Context, unnotify func(), o options, stdout, stderr io.Writer) error {
	host, bindIP, port, err := resolveAddress(o.address)
	if err != nil {
		return err
	}
	// Every port the server needs besides the frontend's: held open together
	// so that no two are the same, closed just before the server binds them.
	need := 7 // history, matching, worker gRPC; four membership ports
	if port == 0 {
		need++
	}
	ports, err := freePorts(need)
	if err != nil {
		return err
	}
	if port == 0 {
		port, ports = ports[0], ports[1:]
	}
	dialHost := host
	if ip := net.ParseIP(bindIP); ip.IsUnspecified() {
		dialHost = "127.0.0.1"
		if ip.To4() == nil {
			dialHost = "::1"
		}
	}
	hostPort := net.JoinHostPort(dialHost, strconv.Itoa(port))

	zl, level, err := newZap(o.verbose)
	if err != nil {
		return err
	}
	defer zl.Sync()
	logger := startupFilter{log.NewZapLogger(zl)}

	cfg, sqlCfg := serverConfig(bindIP, port, hostPort, ports)
	var nss []*sqlite.NamespaceConfig
	for _, n := range o.namespaces {
		nc, err := sqlite.NewNamespaceConfig(clusterName, n, false, nil)
		if err != nil {
			return fmt.Errorf("namespace %q: %w", n, err)
		}
		nss = append(nss, nc)
	}
	if err := sqlite.CreateNamespaces(sqlCfg, nss...); err != nil {
		return fmt.Errorf("registering namespaces: %w", err)
	}
	authorizer, err := authorization.GetAuthorizerFromConfig(&cfg.Global.Authorization)
	if err != nil {
		return err
	}
	claimMapper, err := authorization.GetClaimMapperFromConfig(&cfg.Global.Authorization, logger)
	if err != nil {
		return err
	}
	srv, err := temporal.NewServer(
		temporal.WithConfig(cfg),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithLogger(logger),
		temporal.WithAuthorizer(authorizer),
		temporal.WithClaimMapper(func(*config.Config) authorization.ClaimMapper { return claimMapper }),
		temporal.WithDynamicConfigClient(dynamicconfig.StaticClient{
			// A search attribute added by a test is visible at once.
			dynamicconfig.ForceSearchAttributesCacheRefreshOnRead.Key(): []dynamicconfig.ConstrainedValue{{Value: true}},
		}),
	)
	if err != nil {
		return fmt.Errorf("creating the server: %w", err)
	}
	start := time.Now()
	if err := srv.Start(); err != nil {
		return fmt.Errorf("starting the server: %w", err)
	}
	stopped := false
	stopServer := func() error {
		if stopped {
			return nil
		}
		stopped = true
		done := make(chan error, 1)
		go func() { done <- srv.Stop() }()
		select {
		case err := <-done:
			return err
		case <-time.After(o.stopTimeout):
			return fmt.Errorf("the server did not stop within %s", o.stopTimeout)
		}
	}
	defer stopServer()

	if err := waitReady(ctx, hostPort, o.namespaces, o.readyTimeout); err != nil {
		return errors.Join(err, stopServer())
	}
	fmt.Fprintf(stdout, "ready %s\n", hostPort)
	if o.verbose {
		fmt.Fprintf(stderr, "temporal-dev: ready in %s, namespaces %s\n",
			time.Since(start).Round(time.Millisecond), strings.Join(o.namespaces, ","))
	}
	<-ctx.Done()
	unnotify() // a second signal kills at once
	if !o.verbose {
		// Stopping makes the services log errors about each other leaving
		// the membership ring: expected, and not worth a reader's time.
		level.SetLevel(zapcore.FatalLevel)
	}
	return stopServer()
}

// startupFilter drops the one error every start logs: the server's own
// system worker asks the frontend for its system info before the frontend
// is healthy ("Frontend is not healthy yet"), and retries.
type startupFilter struct{ log.Logger }

func (f startupFilter) Error(msg string, tags ...tag.Tag) {
	if msg == "service failures" {
		for _, t := range tags {
			if t.Key() == "error" && strings.Contains(fmt.Sprint(t.Value()), "not healthy yet") {
				return
			}
		}
	}
	f.Logger.Error(msg, tags...)
}

// newZap builds the server's logger: to stderr, console format, errors
// only and without stack traces unless verbose. The level is returned so
// that shutdown can silence it.
func newZap(verbose bool) (*zap.Logger, zap.AtomicLevel, error) {
	level := zap.NewAtomicLevelAt(zapcore.ErrorLevel)
	if verbose {
		level.SetLevel(zapcore.InfoLevel)
	}
	enc := log.DefaultZapEncoderConfig
	enc.CallerKey = zapcore.OmitKey
	enc.EncodeCaller = nil
	zl, err := zap.Config{
		Level:             level,
		Encoding:          "console",
		EncoderConfig:     enc,
		OutputPaths:       []string{"stderr"},
		ErrorOutputPaths:  []string{"stderr"},
		DisableCaller:     true,
		DisableStacktrace: !verbose,
	}.Build()
	return zl, level, err
}

// resolveAddress splits host:port and finds the IP to bind: a name such as
// localhost resolves to its first address, IPv4 first.
func resolveAddress(addr string) (host, ip string, port int, err error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", "", 0, fmt.Errorf("-address %q: %w", addr, err)
	}
	port, err = strconv.Atoi(p)
	if err != nil || port < 0 || port > 65535 {
		return "", "", 0, fmt.Errorf("-address %q: bad port", addr)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	if parsed := net.ParseIP(host); parsed != nil {
		return host, parsed.String(), port, nil
	}
	ips, err := net.LookupIP(host)
	if err != nil || len(ips) == 0 {
		return "", "", 0, fmt.Errorf("-address %q: cannot resolve %s: %v", addr, host, err)
	}
	ip = ips[0].String()
	for _, c := range ips {
		if c.To4() != nil {
			ip = c.String()
			break
		}
	}
	return host, ip, port, nil
}

// freePorts returns n distinct ports free on the loopback interface now.
func freePorts(n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("finding a free port: %w", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// serverConfig is the configuration of a single-process server on SQLite
// in memory: the frontend on bindIP:port, the other services and the
// membership ring on loopback ports taken from spare (seven of them).
func serverConfig(bindIP string, port int, hostPort string, spare []int) (*config.Config, *config.SQL) {
	sqlCfg := &config.SQL{
		PluginName: sqliteplugin.PluginName,
		// A shared-cache in-memory database: nothing touches the disk.
		ConnectAttributes: map[string]string{"mode": "memory", "cache": "shared"},
		DatabaseName:      fmt.Sprintf("pipe-ci-%d-%d", os.Getpid(), time.Now().UnixNano()),
	}
	service := func(grpcPort, membershipPort int) config.Service {
		return config.Service{RPC: config.RPC{
			GRPCPort:        grpcPort,
			MembershipPort:  membershipPort,
			BindOnLocalHost: true,
		}}
	}
	frontend := service(port, spare[3])
	frontend.RPC.BindOnLocalHost = false
	frontend.RPC.BindOnIP = bindIP

	cfg := &config.Config{}
	cfg.Global.Membership = config.Membership{
		MaxJoinDuration:  30 * time.Second,
		BroadcastAddress: "127.0.0.1",
	}
	// No metrics listener (a nil config gives a no-op handler) and no pprof
	// (port 0): the server opens no ports but its services'.
	cfg.Persistence = config.Persistence{
		DefaultStore:     sqliteplugin.PluginName,
		VisibilityStore:  sqliteplugin.PluginName,
		NumHistoryShards: 1,
		DataStores: map[string]config.DataStore{
			sqliteplugin.PluginName: {SQL: sqlCfg},
		},
	}
	cfg.ClusterMetadata = &cluster.Config{
		EnableGlobalNamespace:    false,
		FailoverVersionIncrement: 10,
		MasterClusterName:        clusterName,
		CurrentClusterName:       clusterName,
		ClusterInformation: map[string]cluster.ClusterInformation{
			clusterName: {Enabled: true, InitialFailoverVersion: 1, RPCAddress: hostPort},
		},
	}
	cfg.DCRedirectionPolicy = config.DCRedirectionPolicy{Policy: "noop"}
	cfg.Services = map[string]config.Service{
		"frontend": frontend,
		"history":  service(spare[0], spare[4]),
		"matching": service(spare[1], spare[5]),
		"worker":   service(spare[2], spare[6]),
	}
	cfg.Archival = config.Archival{
		History:    config.HistoryArchival{State: "disabled"},
		Visibility: config.VisibilityArchival{State: "disabled"},
	}
	// The server's own system worker dials the frontend through this.
	cfg.PublicClient = config.PublicClient{HostPort: hostPort}
	cfg.NamespaceDefaults = config.NamespaceDefaults{
		Archival: config.ArchivalNamespaceDefaults{
			History:    config.HistoryArchivalNamespaceDefaults{State: "disabled"},
			Visibility: config.VisibilityArchivalNamespaceDefaults{State: "disabled"},
		},
	}
	return cfg, sqlCfg
}

// waitReady returns once a client reaches hostPort and every namespace
// answers DescribeNamespace.
func waitReady(ctx context.Context, hostPort string, namespaces []string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	quiet := sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	// The gRPC health service first: asking the workflow service before the
	// frontend is healthy makes the server log an error.
	conn, err := grpc.NewClient(hostPort, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer conn.Close()
	health := healthpb.NewHealthClient(conn)
	var last error
	for {
		last = trySERVING(ctx, health)
		if last == nil {
			break
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("not ready after %s: %w", timeout, last)
		case <-time.After(50 * time.Millisecond):
		}
	}
	// The frontend marks its health service SERVING a moment before its
	// request filter lets calls through: wait out that moment.
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(200 * time.Millisecond):
	}
	for {
		last = tryReady(ctx, hostPort, namespaces, quiet)
		if last == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("not ready after %s: %w", timeout, last)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func trySERVING(ctx context.Context, health healthpb.HealthClient) error {
	r, err := health.Check(ctx, &healthpb.HealthCheckRequest{Service: workflowservice.WorkflowService_ServiceDesc.ServiceName})
	if err != nil {
		return err
	}
	if r.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		return fmt.Errorf("frontend %s", r.GetStatus())
	}
	return nil
}

func tryReady(ctx context.Context, hostPort string, namespaces []string, logger sdklog.Logger) error {
	c, err := client.DialContext(ctx, client.Options{HostPort: hostPort, Logger: logger})
	if err != nil {
		return err
	}
	defer c.Close()
	for _, n := range namespaces {
		if _, err := c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: n}); err != nil {
			return fmt.Errorf("namespace %s: %w", n, err)
		}
	}
	return nil
}
