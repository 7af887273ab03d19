package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

type modulesCmd struct {
	JSON bool     `help:"Print the registry as JSON."`
	Name []string `arg:"" optional:"" help:"Show only these modules."`
}

type fieldJSON struct {
	Name        string   `json:"name"`
	Type        string   `json:"type"`
	Required    bool     `json:"required,omitempty"`
	Default     any      `json:"default,omitempty"`
	Description string   `json:"description,omitempty"`
	Enum        []string `json:"enum,omitempty"`
}

type moduleJSON struct {
	Name        string      `json:"name"`
	Description string      `json:"description"`
	Dangerous   bool        `json:"dangerous,omitempty"`
	Waits       bool        `json:"waits,omitempty"`
	AnyInputs   bool        `json:"any_inputs,omitempty"`
	Tags        []string    `json:"tags,omitempty"`
	Inputs      []fieldJSON `json:"inputs"`
	Outputs     []fieldJSON `json:"outputs"`
}

func fieldsJSON(fs []modules.Field) []fieldJSON {
	out := make([]fieldJSON, len(fs))
	for i, f := range fs {
		out[i] = fieldJSON{Name: f.Name, Type: string(f.Type), Required: f.Required, Default: f.Default, Description: f.Description, Enum: f.Enum}
	}
	return out
}

func (c *modulesCmd) Run(e *env) error {
	var infos []*modules.Info
	for _, info := range modules.Default.List() {
		if len(c.Name) == 0 || slices.Contains(c.Name, info.Name) {
			infos = append(infos, info)
		}
	}
	for _, n := range c.Name {
		if _, ok := modules.Default.Lookup(n); !ok {
			hint := schema.DidYouMean(n, modules.Default.Names())
			if hint == "" {
				hint = "`pipe modules` lists them"
			}
			return fail(exitUsage, "no module %q (%s)", n, hint)
		}
	}
	if c.JSON {
		out := make([]moduleJSON, len(infos))
		for i, info := range infos {
			out[i] = moduleJSON{Name: info.Name, Description: info.Description, Dangerous: info.Dangerous, Waits: info.Waits,
				AnyInputs: info.AnyInputs, Tags: info.Tags, Inputs: fieldsJSON(info.Inputs), Outputs: fieldsJSON(info.Outputs)}
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	for k, info := range infos {
		if k > 0 {
			fmt.Fprintln(e.stdout)
		}
		flags := ""
		if info.Dangerous {
			flags = "  [dangerous: runs only with ENABLE_DANGEROUS_AI=true]"
		}
		if len(info.Tags) > 0 {
			flags += "  [tags: " + strings.Join(info.Tags, ", ") + "]"
		}
		fmt.Fprintf(e.stdout, "%s%s\n  %s\n", info.Name, flags, info.Description)
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		if len(info.Inputs) > 0 {
			fmt.Fprintln(tw, "  inputs:")
			for _, f := range info.Inputs {
				req := ""
				switch {
				case f.Required:
					req = "required"
				case f.Default != nil:
					req = fmt.Sprintf("default %v", f.Default)
				}
				fmt.Fprintf(tw, "    %s\t%s\t%s\t%s\n", f.Name, f.Type, req, f.Description)
			}
		}
		if len(info.Outputs) > 0 {
			fmt.Fprintln(tw, "  outputs:")
			for _, f := range info.Outputs {
				fmt.Fprintf(tw, "    %s\t%s\t\t%s\n", f.Name, f.Type, f.Description)
			}
		}
		tw.Flush()
	}
	return nil
}

type schemaCmd struct{}

func (schemaCmd) Run(e *env) error {
	out, err := withSchemas(modules.Default)
	if err != nil {
		return err
	}
	_, err = e.stdout.Write(append(out, '\n'))
	return err
}
