package main

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/alecthomas/kong"

	"github.com/pipe-run/pipe/schema"
)

// helpWithParams prints kong's help, then, for pipe run FILE --help and
// pipe explain FILE --help, the pipeline's parameters.
func helpWithParams(pa **pipelineArgs) kong.HelpPrinter {
	return func(options kong.HelpOptions, ctx *kong.Context) error {
		if err := kong.DefaultHelpPrinter(options, ctx); err != nil {
			return err
		}
		sel := ctx.Selected()
		if *pa == nil || sel == nil || !slices.Contains(paramCommands, sel.Name) {
			return nil
		}
		(*pa).printParams(ctx.Stdout, ctx.Model)
		return nil
	}
}

// printParams lists the pipeline's config keys as flags: type, default
// and description.
func (pa *pipelineArgs) printParams(w io.Writer, app *kong.Application) {
	if pa.file == "" {
		fmt.Fprintf(w, "\nA pipeline's config keys are flags after the file: pipe %s FILE --help lists them.\n", pa.cmd)
		return
	}
	fmt.Fprintf(w, "\nPipeline parameters of %s: its config keys as flags after the file\n(--key VALUE or --key=VALUE; a bool alone is true; they override --set):\n", pa.file)
	if pa.readErr != nil {
		fmt.Fprintf(w, "  (cannot read them: %v)\n", firstLine(pa.readErr.Error()))
		return
	}
	if len(pa.config) == 0 {
		fmt.Fprintln(w, "  (none: the pipeline has no config)")
		return
	}
	_, clashes := pa.flags(app)
	rows := make([][4]string, len(pa.config))
	var width [3]int
	for i, c := range pa.config {
		f := paramFlag(c.Key)
		name, desc := "--"+f, c.Description
		switch {
		case f == "":
			name = "--set " + c.Key + "=..."
		case clashes[f].why != "":
			name = "--set " + c.Key + "=..."
			desc = strings.TrimSpace(desc + " (--" + f + " is " + clashes[f].why + ")")
		case !isBool(c.Value):
			name += "=" + strings.ToUpper(typeName(c.Value))
		}
		rows[i] = [4]string{name, typeName(c.Value), pa.describeDefault(c), desc}
		for k := range width {
			width[k] = max(width[k], len(rows[i][k]))
		}
	}
	indent := 2 + width[0] + 2 + width[1] + 2 + width[2] + 2
	for _, r := range rows {
		line := fmt.Sprintf("  %-*s  %-*s  %-*s  ", width[0], r[0], width[1], r[1], width[2], r[2])
		for k, part := range wrap(r[3], max(helpWidth-indent, 30)) {
			if k > 0 {
				line = strings.Repeat(" ", indent)
			}
			fmt.Fprintln(w, strings.TrimRight(line+part, " "))
		}
		if r[3] == "" {
			fmt.Fprintln(w, strings.TrimRight(line, " "))
		}
	}
}

// helpWidth is the width parameters' help is wrapped to.
const helpWidth = 100

// wrap cuts text into lines of at most width bytes, at spaces.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && len(line)+1+len(word) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// typeName is the type a config key's value takes, from its default.
func typeName(v any) string {
	switch v.(type) {
	case bool:
		return "bool"
	case int:
		return "int"
	case float64:
		return "number"
	}
	return "string"
}

// describeDefault says a config key's default as its help shows it: a
// secret's as ***, unless it is empty (*** said it had a value).
func (pa *pipelineArgs) describeDefault(c schema.ConfigVar) string {
	if c.Value != nil && c.Value != "" && pa.secret != nil && pa.secret(c.Key) {
		return "default ***"
	}
	switch x := c.Value.(type) {
	case nil:
		return "no default"
	case string:
		return "default " + strconv.Quote(x)
	}
	return fmt.Sprintf("default %v", c.Value)
}
