package web_interface

import (
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
)

// TestForgedHostIsRefused is the DNS-rebinding case: a page on
// attacker.example resolves its name to 127.0.0.1 and reads the run
// through the user's browser, which sends Host: attacker.example.
func TestForgedHostIsRefused(t *testing.T) {
	url, stop := serve(t)
	defer stop()
	port := url[strings.LastIndex(url, ":"):]
	tests := []struct {
		host   string
		status int
	}{
		{"attacker.example" + port, http.StatusMisdirectedRequest},
		{"attacker.example", http.StatusMisdirectedRequest},
		{"localhost.attacker.example" + port, http.StatusMisdirectedRequest},
		{"127.0.0.1.nip.io" + port, http.StatusMisdirectedRequest},
		{"localhost" + port, http.StatusOK},
		{"LOCALHOST.", http.StatusOK},
		{"127.0.0.1" + port, http.StatusOK},
		{"[::1]" + port, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			req, _ := http.NewRequest("GET", url+"/api/run", nil)
			req.Host = tt.host
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("Host %s: %d %s; want %d", tt.host, resp.StatusCode, body, tt.status)
			}
			if tt.status != http.StatusOK && (strings.Contains(string(body), "run-1") || !strings.Contains(string(body), "allowed_hosts")) {
				t.Errorf("refusal body %q: want no run data and a word on allowed_hosts", body)
			}
		})
	}
}

func TestHostCheck(t *testing.T) {
	hostname, _ := os.Hostname()
	hostname = normHost(hostname)
	tests := []struct {
		name    string
		addr    string
		allowed []string
		host    string
		ok      bool
	}{
		{"loopback name", "127.0.0.1:8080", nil, "localhost:8080", true},
		{"any IP literal", "127.0.0.1:8080", nil, "10.1.2.3:8080", true},
		{"IPv6 literal", "[::1]:8080", nil, "[::1]:8080", true},
		{"no Host (HTTP/1.0)", "127.0.0.1:8080", nil, "", true},
		{"foreign name", "127.0.0.1:8080", nil, "evil.example:8080", false},
		{"configured name", "pipe.lan:8080", nil, "pipe.lan:8080", true},
		{"configured name, other case", "pipe.lan:8080", nil, "PIPE.LAN", true},
		{"hostname when bound to loopback", "127.0.0.1:8080", nil, hostname, hostname == "" || hostname == "localhost"},
		{"hostname when bound to all", "0.0.0.0:8080", nil, hostname, hostname != ""},
		{"hostname when bound to all, v6", "[::]:8080", nil, hostname + ":8080", hostname != ""},
		{"allowed_hosts name", "127.0.0.1:8080", []string{"pipe.example.com"}, "pipe.example.com", true},
		{"allowed_hosts wildcard", "127.0.0.1:8080", []string{"*.example.com"}, "a.b.example.com:443", true},
		{"wildcard is not the bare domain", "127.0.0.1:8080", []string{"*.example.com"}, "example.com", false},
		{"wildcard is a suffix on a label", "127.0.0.1:8080", []string{"*.example.com"}, "evilexample.com", false},
		{"star turns it off", "127.0.0.1:8080", []string{"*"}, "anything.example", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := newHostCheck(tt.addr, tt.allowed).allows(tt.host); got != tt.ok {
				t.Errorf("addr %s, allowed %v: Host %q allowed = %v, want %v", tt.addr, tt.allowed, tt.host, got, tt.ok)
			}
		})
	}
}
