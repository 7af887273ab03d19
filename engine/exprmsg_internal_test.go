package engine

import "testing"

// A message of expr whose shape pipe does not know still names no Go
// type: each is replaced by what users call it.
func TestUserTypes(t *testing.T) {
	for in, want := range map[string]string{
		`cannot use struct { F0 bool "expr:\"A\"" } as type map[string]interface {} in map key`: "cannot use config as type map in map key",
		"sortBy order argument must be a string (got []interface {})":                           "sortBy order argument must be a string (got list)",
		"cannot reverse engine.NodeView":                                                        "cannot reverse node",
		"cannot concat map[string]engine.NodeView and func() bool":                              "cannot concat nodes and function",
		"reflect.Value.Convert: value of type float64 cannot be converted to type string":       "value of type number cannot be converted to type string",
		"cannot transform <nil> to pairs":                                                       "cannot transform null to pairs",
		`"int64" is not []string, nor "map[x]"`:                                                 `"int64" is not list, nor "map[x]"`, // the user's text stays
	} {
		if got := userTypes(in); got != want {
			t.Errorf("userTypes(%q)\n = %q\nwant %q", in, got, want)
		}
	}
}
