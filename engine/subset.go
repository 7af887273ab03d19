package engine

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/pipe-run/pipe/schema"
)

// This file holds the checks of a pipeline node's `set:`, the config it
// gives its sub-pipeline: its keys, and its values' types.

// checkSet checks node n's `set:` against the sub-pipeline's config: each
// key one of its keys, each literal value of its default's type.
func (c *compiler) checkSet(n *schema.Node, sub *schema.Pipeline) {
	var set *schema.Input
	for k := range n.With {
		if n.With[k].Key == "set" {
			set = &n.With[k]
		}
	}
	if set == nil {
		return
	}
	values, ok := set.Value.(map[string]any)
	if !ok {
		if s, isStr := set.Value.(string); isStr && strings.Contains(s, DangerKey) {
			// A whole set: ${{ {...} }} known at run time, which cannot
			// open the gate either.
			c.warnf(set.Pos, "the run's --set "+DangerKey+"=true (or its environment variable) opens it for every pipeline of the run",
				"node %s: set %s has no effect: the dangerous gate is the run's, which a parent cannot open for its sub-pipeline", n.ID, DangerKey)
		}
		return // not a map: reported as the input's type
	}
	for _, key := range set.Keys {
		if key.Text == DangerKey {
			c.warnf(key.Pos, "the run's --set "+DangerKey+"=true (or its environment variable) opens it for every pipeline of the run",
				"node %s: set %s has no effect: the dangerous gate is the run's, which a parent cannot open for its sub-pipeline", n.ID, DangerKey)
			continue
		}
		def, found := configDefault(sub, key.Text)
		if !found {
			hint := schema.DidYouMean(key.Text, sub.ConfigKeys())
			if hint == "" {
				hint = fmt.Sprintf("%s declares: %s", filepath.Base(sub.Source.Name), strings.Join(sub.ConfigKeys(), ", "))
				if len(sub.Config) == 0 {
					hint = fmt.Sprintf("%s declares no config", filepath.Base(sub.Source.Name))
				}
			}
			c.errorf(key.Pos, hint, "node %s: pipeline %s has no config %s", n.ID, filepath.Base(sub.Source.Name), schema.Quote(key.Text))
			continue
		}
		v := values[key.Text]
		if s, isStr := v.(string); isStr && strings.Contains(s, "${{") {
			// Known at run time, its type often now: ${{ config.V }}.
			if what := c.wholeKind(s); what != "" && !takesKind(def, what) {
				c.errorf(key.Pos, fmt.Sprintf("the default of %s in %s is %v", key.Text, filepath.Base(sub.Source.Name), def),
					"node %s: set %s: want %s, and %s is %s", n.ID, key.Text, typeName(reflect.TypeOf(def)), strings.TrimSpace(s), what)
			}
			continue // the run checks its value
		}
		if def == nil || v == nil {
			continue
		}
		if _, err := setValue(def, v); err != nil {
			c.errorf(key.Pos, fmt.Sprintf("the default of %s in %s is %v", key.Text, filepath.Base(sub.Source.Name), def), "node %s: set %s: %v", n.ID, key.Text, err)
		}
	}
}

// wholeKind is the type of a value that is exactly one ${{ }}, in words
// ("a string"), when compiling it tells: "" when it does not (a node's
// output, any) or the text is more than one expression.
func (c *compiler) wholeKind(text string) string {
	literals, exprs, err := splitTemplate(text)
	if err != nil || len(exprs) != 1 || strings.TrimSpace(literals[0]) != "" || strings.TrimSpace(literals[1]) != "" {
		return ""
	}
	comp, errs := c.env.compile(exprs[0].src, false)
	if len(errs) > 0 || comp == nil || comp.prog.Node() == nil {
		return "" // reported where the input's templates are compiled
	}
	switch comp.prog.Node().Type().Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a bool"
	case reflect.Int, reflect.Int64:
		return "a whole number"
	case reflect.Float64:
		return "a number"
	}
	return ""
}

// takesKind reports whether a config key whose default is def takes a
// value of kind what (wholeKind's words): a number takes a whole number,
// and a whole number a number (whole at run time, or the run says so).
func takesKind(def any, what string) bool {
	switch def.(type) {
	case string:
		return what == "a string"
	case bool:
		return what == "a bool"
	case int, float64:
		return what == "a whole number" || what == "a number"
	}
	return true
}

// configDefault returns the default of p's config key, which may be the
// dangerous gate every pipeline has (WithDangerKey).
func configDefault(p *schema.Pipeline, key string) (any, bool) {
	for _, cv := range WithDangerKey(p.Config) {
		if cv.Key == key {
			return cv.Value, true
		}
	}
	return nil, false
}

// setValue gives v the type of the config default def: a whole number
// for a float default is a float; anything else must match.
func setValue(def, v any) (any, error) {
	if def == nil || v == nil {
		return v, nil
	}
	want := reflect.TypeOf(def)
	if n, ok := v.(int); ok && want.Kind() == reflect.Float64 {
		return float64(n), nil
	}
	if f, ok := v.(float64); ok && want.Kind() == reflect.Int && f == float64(int(f)) {
		return int(f), nil
	}
	if reflect.TypeOf(v) != want {
		// The value too: "a number" for 1.5 where a whole number is
		// wanted said nothing of what was wrong with it.
		return nil, fmt.Errorf("want %s, not %s", typeName(want), valueWord(v))
	}
	return v, nil
}

func typeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "a bool"
	case reflect.Int:
		return "a whole number"
	case reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Slice:
		return "a list"
	case reflect.Map:
		return "a map"
	}
	return t.String()
}
