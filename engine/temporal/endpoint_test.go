package temporal

import (
	"strings"
	"testing"
)

func TestParseEndpoint(t *testing.T) {
	tests := []struct {
		in      string
		env     string
		want    Endpoint
		wantErr string
	}{
		{in: "temporal://127.0.0.1:7233/prod", want: Endpoint{Address: "127.0.0.1:7233", Namespace: "prod"}},
		{in: "temporal://host:7233", want: Endpoint{Address: "host:7233", Namespace: "default"}},
		{in: "temporals://cloud.example:7233/ns.acct", want: Endpoint{Address: "cloud.example:7233", Namespace: "ns.acct", TLS: true}},
		{in: "host:7233", want: Endpoint{Address: "host:7233", Namespace: "default"}},
		{in: "", env: "temporal://fromenv:1/x", want: Endpoint{Address: "fromenv:1", Namespace: "x"}},
		{in: "", wantErr: "no Temporal address"},
		{in: "http://host:7233", wantErr: "the scheme is temporal://"},
		{in: "temporal://host/ns", wantErr: "want HOST:PORT"},
		{in: "host", wantErr: "want HOST:PORT"},
		{in: "temporal://127.0.0.1:99999", wantErr: `port "99999" is not a port (1 to 65535`},
		{in: "127.0.0.1:0", wantErr: `port "0" is not a port`},
		{in: "host:", wantErr: `port "" is not a port`},
		{in: "temporal://:7233/default", wantErr: "with a host"},
		{in: "temporal://127.0.0.1:7233/default/extra", wantErr: `one name, the namespace (temporal://HOST:PORT/NAMESPACE), not "default/extra"`},
		{in: "temporal://127.0.0.1:7233/default?tls=1", wantErr: "nothing after the namespace"},
		{in: "temporal://[::1]:7233/default", want: Endpoint{Address: "[::1]:7233", Namespace: "default"}},
	}
	for _, tt := range tests {
		t.Run(tt.in+tt.env, func(t *testing.T) {
			t.Setenv(EnvAddress, tt.env)
			t.Setenv(EnvAPIKey, "")
			got, err := ParseEndpoint(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseEndpoint(%q) = %+v, %v; want an error with %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseEndpoint(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestTLSConfigNeedsBothHalvesOfAPair(t *testing.T) {
	if _, err := (Endpoint{Cert: "c.pem"}).tlsConfig(); err == nil || !strings.Contains(err.Error(), "both --tls-cert and --tls-key") {
		t.Errorf("a certificate without its key: %v", err)
	}
	if _, err := (Endpoint{CA: "/nonexistent/ca.pem"}).tlsConfig(); err == nil || !strings.Contains(err.Error(), "TLS CA") {
		t.Errorf("a missing CA file: %v", err)
	}
}
