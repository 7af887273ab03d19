package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/alecthomas/kong"
)

// otherToolFlags maps flags that other tools (make, go-task, dagu,
// Ansible, docker) have and pipe does not to pipe's way of saying the
// same, by the flag of pipe it uses. A near name (--quiet and --set) is
// no help for them: what is meant is known.
var otherToolFlags = map[string]struct{ flag, write string }{
	"quiet":       {"output", "--output quiet"},
	"q":           {"output", "--output quiet"},
	"silent":      {"output", "--output quiet"},
	"verbose":     {"debug", "--debug"},
	"v":           {"debug", "--debug"},
	"jobs":        {"max-parallel", "--max-parallel N"},
	"j":           {"max-parallel", "--max-parallel N"},
	"parallel":    {"max-parallel", "--max-parallel N"},
	"concurrency": {"max-parallel", "--max-parallel N"},
	"dry":         {"dry-run", "--dry-run"},
	"n":           {"dry-run", "--dry-run"},
	"env":         {"set", "--set KEY=VALUE"},
	"var":         {"set", "--set KEY=VALUE"},
	"param":       {"set", "--set KEY=VALUE"},
	"params":      {"set", "--set KEY=VALUE"},
	"env-file":    {"config", "--config F.env"},
}

// commandFlagHints says, for a command without the flag of pipe that
// otherToolFlags names, how that command does the same, by the command's
// name and the flag's.
var commandFlagHints = map[string]map[string]string{
	"validate": {
		"quiet":  validateQuiet,
		"q":      validateQuiet,
		"silent": validateQuiet,
	},
}

const validateQuiet = "validate prints problems on stderr and one `ok FILE` line per good file on stdout: pipe validate FILE... >/dev/null keeps the problems only"

// otherToolFlag returns how pipe writes name (without its dashes), a
// flag of another tool, when cmd or a command above it has the flag that
// does it; else "".
func otherToolFlag(cmd *kong.Node, name string) string {
	hint, ok := otherToolFlags[name]
	if !ok {
		return ""
	}
	for n := cmd; n != nil; n = n.Parent {
		for _, f := range n.Flags {
			if f.Name == hint.flag {
				return hint.write
			}
		}
	}
	return ""
}

// withOtherToolFlag rewords kong's "unknown flag -q, did you mean one of
// "-h", "-s"?" for a flag of another tool: did you mean --output quiet?
func withOtherToolFlag(err error) error {
	var pe *kong.ParseError
	if !errors.As(err, &pe) || pe.Context == nil {
		return err
	}
	rest, ok := strings.CutPrefix(err.Error(), "unknown flag ")
	if !ok {
		return err
	}
	flag, _, _ := strings.Cut(rest, ",")
	cmd := pe.Context.Selected()
	if cmd == nil {
		cmd = pe.Context.Model.Node
	}
	name := strings.TrimLeft(flag, "-")
	if hint, ok := commandFlagHints[cmd.Name][name]; ok {
		return fmt.Errorf("unknown flag %s: %s", flag, hint)
	}
	if write := otherToolFlag(cmd, name); write != "" {
		return fmt.Errorf("unknown flag %s (did you mean %s?)", flag, write)
	}
	return err
}
