package web_interface

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
)

// hostCheck refuses requests whose Host header names a server this one is
// not. A web page the user opens can point a domain of its own at
// 127.0.0.1 (DNS rebinding) and then read this server as that domain: the
// browser sends the attacker's name in Host, so checking it closes the hole.
//
// Accepted without configuration, as Jupyter does with its local_hostnames:
//   - any IP literal (127.0.0.1, [::1], 192.168.1.5): rebinding needs a
//     name the attacker controls, and the user typed an address;
//   - localhost;
//   - the host of the addr input when it is a name;
//   - when bound to every interface (0.0.0.0, ::, ""), the machine's own
//     hostname, since that is how other machines on the network reach it;
//   - no Host at all (an HTTP/1.0 client; browsers always send one).
//
// allowed_hosts adds names (a proxy's public name; "*.example.com" for its
// subdomains); "*" turns the check off.
type hostCheck struct {
	names    map[string]bool
	suffixes []string // ".example.com" for "*.example.com"
	any      bool
}

func newHostCheck(addr string, allowed []string) *hostCheck {
	h := &hostCheck{names: map[string]bool{"localhost": true}}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	switch host = normHost(host); host {
	case "", "0.0.0.0", "::":
		if name, err := os.Hostname(); err == nil && name != "" {
			name = normHost(name)
			h.names[name] = true
			// A short hostname is also reached as name.local (mDNS).
			if !strings.Contains(name, ".") {
				h.names[name+".local"] = true
			}
		}
	default:
		h.names[host] = true
	}
	for _, a := range allowed {
		a = normHost(a)
		switch {
		case a == "*":
			h.any = true
		case strings.HasPrefix(a, "*."):
			h.suffixes = append(h.suffixes, a[1:])
		case a != "":
			h.names[a] = true
		}
	}
	return h
}

// normHost lowercases a host name and drops a trailing dot, so that
// "LocalHost." and "localhost" compare equal.
func normHost(s string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), ".")
}

// allows reports whether a request's Host header (with or without a
// port) names this server.
func (h *hostCheck) allows(hostHeader string) bool {
	if h.any || hostHeader == "" {
		return true
	}
	host := hostHeader
	if hh, _, err := net.SplitHostPort(hostHeader); err == nil {
		host = hh
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if _, err := netip.ParseAddr(host); err == nil {
		return true
	}
	host = normHost(host)
	if h.names[host] {
		return true
	}
	for _, s := range h.suffixes {
		if strings.HasSuffix(host, s) && len(host) > len(s) {
			return true
		}
	}
	return false
}

// wrap answers 421 Misdirected Request to a Host it does not allow.
func (h *hostCheck) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !h.allows(r.Host) {
			http.Error(w, fmt.Sprintf("host %q is not served here: open http://localhost (or this machine's address) instead, "+
				"or add the name to the web_interface node's allowed_hosts input", r.Host), http.StatusMisdirectedRequest)
			return
		}
		next.ServeHTTP(w, r)
	})
}
