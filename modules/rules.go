package modules

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// Rules for Field.Rule. Each gets a value already of the field's type
// (int or float64 for a number, a string for a duration).

// Positive is the rule of a number that must be above 0.
func Positive(v any) error {
	if f, ok := AsNumber(v); ok && !(f > 0) {
		return fmt.Errorf("must be above 0, not %s", formatNumber(f))
	}
	return nil
}

// Between returns the rule of a number within lo and hi; openLo and
// openHi leave the bound out: Between(0, 1, true, false) is (0, 1].
func Between(lo, hi float64, openLo, openHi bool) func(any) error {
	left, right := "[", "]"
	if openLo {
		left = "("
	}
	if openHi {
		right = ")"
	}
	interval := fmt.Sprintf("%s%s, %s%s", left, formatNumber(lo), formatNumber(hi), right)
	return func(v any) error {
		f, ok := AsNumber(v)
		if !ok {
			return nil
		}
		if f < lo || f > hi || (openLo && f == lo) || (openHi && f == hi) || f != f {
			return fmt.Errorf("must be in %s, not %s", interval, formatNumber(f))
		}
		return nil
	}
}

// AsNumber reads a JSON number as pipe's values hold it (an int or a
// float64); ok is false for anything else.
func AsNumber(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

func formatNumber(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// ListenAddress is the rule of a TCP address to listen on, host:port: the
// host may be empty (every interface), an IP address or a name; the port
// a number from 0 (any free port; also an empty port) to 65535, or a
// service's name (http), as net.Listen takes them.
func ListenAddress(v any) error {
	s, ok := v.(string)
	if !ok {
		return nil
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return fmt.Errorf("%q is not host:port (write 127.0.0.1:8080, or :8080 for every interface)", s)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil && port != "" { // "": port 0
		if !isServiceName(port) {
			return fmt.Errorf("%q: the port must be a number from 0 to 65535, not %q", s, port)
		}
		// A service's name is looked up in /etc/services (and Go's own
		// short list), not over the network: one not there is a typo.
		if _, err := net.LookupPort("tcp", port); err != nil {
			return fmt.Errorf("%q: no service is named %q here (/etc/services): write the port's number", s, port)
		}
	}
	if strings.ContainsAny(host, " /") {
		return fmt.Errorf("%q: %q is not a host name or an IP address", s, host)
	}
	return nil
}

// isServiceName reports whether s may name a service of /etc/services
// (http, https-alt): letters, digits and dashes, a letter first.
func isServiceName(s string) bool {
	if s == "" || !('a' <= s[0] && s[0] <= 'z' || 'A' <= s[0] && s[0] <= 'Z') {
		return false
	}
	return strings.Trim(strings.ToLower(s), "abcdefghijklmnopqrstuvwxyz0123456789-") == ""
}
