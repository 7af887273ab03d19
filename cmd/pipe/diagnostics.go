package main

import (
	"fmt"
	"io"

	"github.com/pipe-run/pipe/schema"
)

// How a pipeline's problems are told: as text with their snippets, or as
// log records in a machine log format.

// printDiagnostics prints diags as validate does, and a line that counts
// them.
func printDiagnostics(w io.Writer, diags schema.Diagnostics) {
	for _, d := range diags {
		fmt.Fprintln(w, d.Long())
	}
	warnings := 0
	for _, d := range diags {
		if d.IsWarning() {
			warnings++
		}
	}
	summary := plural(len(diags)-warnings, "problem")
	if warnings > 0 {
		summary += ", " + plural(warnings, "warning")
	}
	fmt.Fprintln(w, summary)
}

// logDiagnostics logs each of diags as a record (--log-format json or
// logfmt), with its place and hint as fields: a machine reading pipe's
// log finds a pipeline's problems as it finds the rest.
func logDiagnostics(l *logs, diags schema.Diagnostics) {
	for _, d := range diags {
		log := l.base.Error
		if d.IsWarning() {
			log = l.base.Warn
		}
		log(d.Message, "file", d.File, "line", d.Line, "col", d.Col, "hint", d.Hint)
	}
}
