package main

import (
	"reflect"
	"strings"
	"sync"
)

// Building kong's model of the whole command line (reflection over every
// command's flags, their tags parsed, every help text interpolated) was a
// third of `pipe --version` and a tenth of running a 1-node pipeline. A
// command line that names its command first gets a parser of that command
// alone; mainWith goes back to the whole one wherever the others matter.

// smallParser returns the commands the parser of args needs: the one args
// starts with, or none for a bare --version (an empty, non-nil list). It
// returns nil when args want the whole parser: no command first (flags
// before it, a typo), help, completion, or -h/--help anywhere.
func smallParser(args []string) []string {
	if len(args) == 1 && args[0] == "--version" {
		return []string{}
	}
	if len(args) == 0 {
		return nil
	}
	for _, a := range args {
		if a == "-h" || a == "--help" {
			return nil
		}
	}
	switch name := args[0]; name {
	case "help", "completion", completeCommand:
		return nil
	default:
		if _, ok := commandFields()[name]; ok {
			return []string{name}
		}
		return nil
	}
}

// command is one of cli's commands: its help and the field kong fills.
type command struct {
	help   string
	target any // a pointer to the field
}

// commandField returns the command named name, with c's field to fill.
func commandField(c *cli, name string) (command, bool) {
	i, ok := commandFields()[name]
	if !ok {
		return command{}, false
	}
	f := reflect.TypeFor[cli]().Field(i)
	return command{help: f.Tag.Get("help"), target: reflect.ValueOf(c).Elem().Field(i).Addr().Interface()}, true
}

// commandFields maps the name of each of cli's commands to its field
// index. A command is named after its field, lower case, as kong names
// one-word fields; TestSmallParserKnowsEveryCommand checks they agree.
var commandFields = sync.OnceValue(func() map[string]int {
	t := reflect.TypeFor[cli]()
	out := map[string]int{}
	for i := range t.NumField() {
		f := t.Field(i)
		if _, ok := f.Tag.Lookup("cmd"); ok {
			name := f.Tag.Get("name")
			if name == "" {
				name = strings.ToLower(f.Name)
			}
			out[name] = i
		}
	}
	return out
})
