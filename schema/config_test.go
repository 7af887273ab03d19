package schema_test

import "testing"

// TestConfigLongFormAndDescriptions: a config entry is a default, or
// {default, description}; without a description, its YAML comment says
// what it is for (pipe run FILE --help shows it).
func TestConfigLongFormAndDescriptions(t *testing.T) {
	p := parse(t, `
config:
  PLAIN: 1
  LINE: models/x.pth   # the model file
  # Where the results are:
  # a CSV or a directory.
  ABOVE: data
  LONG: {default: 0.25, description: the Kelly fraction}   # not this comment
  LONG_BLOCK:
    default: true
    description: >-
      turn it on
  NO_DEFAULT: {description: set it with --no-default}
nodes:
  a: {module: echo}
`)
	tests := []struct {
		key         string
		value       any
		description string
	}{
		{"PLAIN", 1, ""},
		{"LINE", "models/x.pth", "the model file"},
		{"ABOVE", "data", "Where the results are: a CSV or a directory."},
		{"LONG", 0.25, "the Kelly fraction"},
		{"LONG_BLOCK", true, "turn it on"},
		{"NO_DEFAULT", nil, "set it with --no-default"},
	}
	if len(p.Config) != len(tests) {
		t.Fatalf("config = %+v", p.Config)
	}
	for i, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			c := p.Config[i]
			if c.Key != tt.key || c.Value != tt.value || c.Description != tt.description {
				t.Errorf("got %s = %#v (%q), want %s = %#v (%q)", c.Key, c.Value, c.Description, tt.key, tt.value, tt.description)
			}
		})
	}
}
