package modules

import (
	"math"
	"strings"
	"testing"
)

func TestListenAddress(t *testing.T) {
	for _, tt := range []struct {
		addr, err string // err: "" for none
	}{
		{"127.0.0.1:8080", ""},
		{":8080", ""},
		{"[::1]:0", ""},
		{"example.com:65535", ""},
		{"0.0.0.0:http", ""},
		{"localhost", "is not host:port"},
		{"127.0.0.1:99999", "the port must be a number from 0 to 65535"},
		{"127.0.0.1:-1", "the port must be a number"},
		{"127.0.0.1:", ""}, // port 0, as net.Listen reads it
		{"::1:80", "is not host:port"},
		{"my host:80", "is not a host name or an IP address"},
		{"localhost:https", ""},
		{"localhost:http2x", "no service is named"},
	} {
		err := ListenAddress(tt.addr)
		if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("ListenAddress(%q) = %v, want %q", tt.addr, err, tt.err)
		}
	}
	if err := ListenAddress(8080); err != nil {
		t.Errorf("a value of another type is the type check's: %v", err)
	}
}

// A Number holds NaN: an output, an item or a promise may be one (the
// engine refuses NaN only as a module's input: ErrNaN).
func TestNumberCheckTakesNaN(t *testing.T) {
	for _, tt := range []struct {
		v   any
		err string // "" for none
	}{
		{1, ""},
		{0.5, ""},
		{math.Inf(1), ""},
		{math.NaN(), ""},
		{"1", "want a number"},
	} {
		err := Number.Check(tt.v)
		if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("Number.Check(%v) = %v, want %q", tt.v, err, tt.err)
		}
	}
}
