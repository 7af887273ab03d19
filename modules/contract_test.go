package modules_test

import (
	"errors"
	"testing"

	"github.com/pipe-run/pipe/modules"
)

func TestFromResultStatus(t *testing.T) {
	const unknown = `, which pipe does not know: return "success" or "error"; its message: disk full`
	tests := []struct {
		name    string
		status  any
		wantErr string // "" when the node succeeds
	}{
		{"success", "success", ""},
		{"Success in another case", "SUCCESS", ""},
		{"ok", "ok", ""},
		{"error", "error", "disk full"},
		{"ERROR upper case", "ERROR", "disk full"},
		{"Error title case", "Error", "disk full"},
		{"failed", "failed", "disk full"},
		{"failure", "failure", "disk full"},
		{"fail", "fail", "disk full"},
		{"warning", "warning", `module reported status "warning"` + unknown},
		{"cancelled", "cancelled", `module reported status "cancelled"` + unknown},
		{"skipped", "skipped", `module reported status "skipped"` + unknown},
		{"empty string", "", `module reported status ""` + unknown},
		{"false", false, `module reported status false (a boolean)` + unknown},
		{"true", true, `module reported status true (a boolean)` + unknown},
		{"number", 1, `module reported status 1 (a number)` + unknown},
		{"null", nil, `module reported status null` + unknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := modules.FromResult(map[string]any{"status": tt.status, "message": "disk full", "free": 0})
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("status %#v: %v, want success", tt.status, err)
				}
				if out.Message != "disk full" || out.Values["free"] != 0 {
					t.Errorf("output = %+v, want the message and the free output", out)
				}
				if _, ok := out.Values["status"]; ok {
					t.Errorf("status kept among the outputs: %v", out.Values)
				}
				return
			}
			var modErr *modules.Error
			if !errors.As(err, &modErr) {
				t.Fatalf("status %#v: err = %v (output %+v), want a *modules.Error", tt.status, err, out)
			}
			if modErr.Message != tt.wantErr {
				t.Errorf("message:\n got %s\nwant %s", modErr.Message, tt.wantErr)
			}
			if modErr.Values["free"] != 0 {
				t.Errorf("outputs lost on failure: %v", modErr.Values)
			}
		})
	}
}

func TestFromResultWithoutStatus(t *testing.T) {
	out, err := modules.FromResult(map[string]any{"n": 3})
	if err != nil || out.Values["n"] != 3 {
		t.Fatalf("an object without status: %+v, %v; want its keys as outputs", out, err)
	}
	_, err = modules.FromResult(map[string]any{"status": "error"})
	if err == nil || err.Error() != "module reported status error" {
		t.Fatalf("error without a message: %v", err)
	}
}
