package engine

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/pipe-run/pipe/engine/internal/cachestore"
	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

// This file holds what a resumed run (pipe run --resume) checks of each
// node before it keeps what the node left in the earlier run, besides its
// record (keep.go): that the node is the one that ran (its definition
// digest), and that no config value it reads changed since. Each node is
// decided alone, as Nextflow's -resume and Snakemake decide a task: an
// edit to one node, or a config key one node reads, runs that node again
// (and the nodes below it, which need a node not kept), not the run.

// configChange is a config key whose value, or whose source for a
// secret, changed since the run a resumed run keeps from; text says how,
// in the words of a message: "config RACE (true, was false)".
type configChange struct {
	key, text string
}

// configChanges compares the config of the earlier run (was, as its
// record holds it) with this run's (now, the same form), key by key in
// key order. A secret's value is not recorded, but its digest is
// (RunResume.Secrets: wasSecrets and nowSecrets): a change of it, or of
// where the value comes from, is a change, named by its key alone (a
// record of an earlier pipe holds no digests: the source alone is
// compared). A key set in one run alone changed too; nil was (a record
// without config) compares nothing.
func configChanges(was, now map[string]ConfigValue, secret func(string) bool, wasSecrets, nowSecrets map[string]string) []configChange {
	if was == nil {
		return nil
	}
	keys := slices.Sorted(maps.Keys(was))
	for k := range now {
		if _, ok := was[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out []configChange
	for _, k := range keys {
		w, had := was[k]
		n, has := now[k]
		var text string
		switch {
		case !had:
			text = fmt.Sprintf("config %s (%v, was not set)", k, n.Value)
		case !has:
			text = fmt.Sprintf("config %s (not set, was %v)", k, w.Value)
		case secret(k) || w.Value == Masked:
			switch {
			case n.From != w.From:
				text = fmt.Sprintf("secret %s (now from %s, was from %s)", k, n.From, w.From)
			case digestChanged(k, wasSecrets, nowSecrets):
				text = fmt.Sprintf("secret %s (its value changed)", k)
			}
		case !sameValue(w.Value, n.Value):
			nt, wt := fmt.Sprint(n.Value), fmt.Sprint(w.Value)
			if nt == wt { // another type: "1" and 1
				nt, wt = typedText(n.Value), typedText(w.Value)
			}
			text = fmt.Sprintf("config %s (%s, was %s)", k, nt, wt)
		case digestChanged(k, wasSecrets, nowSecrets):
			// The same text as recorded, a secret in it masked.
			text = fmt.Sprintf("config %s (its value, which holds a secret, changed)", k)
		}
		if text != "" {
			out = append(out, configChange{key: k, text: text})
		}
	}
	return out
}

// digestChanged reports whether both runs hold a digest of config key k
// (RunResume.Secrets) and they differ.
func digestChanged(k string, was, now map[string]string) bool {
	w, n := was[k], now[k]
	return w != "" && n != "" && w != n
}

// sameValue reports whether config values a and b, as a record holds
// them (one may be read back), are the same: of the same type and value,
// lists and maps item by item. Numbers are one type, as JSON has them (a
// record read back has float64 where the config has int: 1.0 is 1), but
// -0 is not 0, and NaN is NaN; a string is never a number ("1" is not 1).
func sameValue(a, b any) bool {
	if af, ok := modules.AsNumber(a); ok {
		bf, ok := modules.AsNumber(b)
		if !ok {
			return false
		}
		if math.IsNaN(af) || math.IsNaN(bf) {
			return math.IsNaN(af) && math.IsNaN(bf)
		}
		return af == bf && math.Signbit(af) == math.Signbit(bf)
	}
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case []any:
		y, ok := b.([]any)
		return ok && len(x) == len(y) && sameItems(x, y)
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !sameValue(v, w) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

func sameItems(x, y []any) bool {
	for i := range x {
		if !sameValue(x[i], y[i]) {
			return false
		}
	}
	return true
}

// typedText is config value v written so that its type shows: a string
// quoted, a number as Go writes it.
func typedText(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return fmt.Sprint(v)
}

// definition is node or instance i's definition digest: an instance is
// its node's.
func (c *core) definition(i int) string {
	if n := len(c.plan.nodes); i >= n {
		i = int(c.inst[i-n].parent)
	}
	return c.plan.definition(i)
}

// whyStale says why node or instance i, which left k in the earlier run,
// is not the node that ran then, or reads other config: its definition
// changed, a config value it reads changed, or, for a node whose program
// gets the run's config in its environment (modules.Info.ProgramEnv),
// any config value did. "" when neither.
func (c *core) whyStale(i int, k Kept) string {
	if k.Definition != "" && !k.Forced && k.Definition != c.definition(i) {
		return "its definition changed"
	}
	if c.baseDirChanged != "" {
		// Every node: programs run there, and modules read relative paths
		// (inputs, files:, sub-pipelines) under it.
		return c.baseDirChanged
	}
	if len(c.configChanged) == 0 && len(c.envChanged) == 0 {
		return ""
	}
	pn := c.pn(i)
	sameItem := k.Item != "" && k.Item == c.itemDigest(i)
	var read []string
	for _, ch := range c.configChanged {
		if reads(pn, ch.key) && !(sameItem && onlyItemsRead(pn, ch.key)) {
			read = append(read, ch.text)
		}
	}
	if len(read) > 0 {
		return "what it reads changed: " + strings.Join(read, ", ")
	}
	if pn.info == nil || !pn.info.ProgramEnv {
		return ""
	}
	// Its program may read any of the environment, as the node cache
	// assumes (envIngredients): pipe cannot tell which it does.
	var env []string
	for _, ch := range c.configChanged {
		if inProgramEnv(c.plan.Pipeline, ch.key) {
			env = append(env, ch.text)
		}
	}
	for _, ch := range c.envChanged {
		env = append(env, ch.text)
	}
	if len(env) > 0 {
		return "its program's environment changed: " + strings.Join(env, ", ")
	}
	return ""
}

// runResume is what the record of a run of plan, whose programs get env
// (moduleEnv), says for a resumed run to compare (Record.Resume): the
// base directory, a digest of each .env key in env that the pipeline
// does not declare, and a digest of each config value (config) that the
// record (recorded) masks, as the node cache digests it (valueDigest).
func runResume(plan *Plan, env []string, config map[string]any, recorded map[string]ConfigValue, key []byte) *RunResume {
	r := &RunResume{BaseDir: plan.BaseDir, Env: map[string]string{}}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		if _, declared := plan.env.cfgIndex[k]; !declared {
			r.Env[k] = cachestore.Digest([]byte(v))
		}
	}
	for k, cv := range recorded {
		if len(key) == 0 {
			break // no digest of a secret without a key (Options.DigestKey)
		}
		if !plan.Pipeline.IsSecret(k) && !maskedText(cv.Value, config[k]) {
			continue
		}
		d, err := keyedDigest(key, config[k])
		if err != nil {
			continue // not JSON: compared by its source, as before
		}
		if r.Secrets == nil {
			r.Secrets = map[string]string{}
		}
		r.Secrets[k] = d
	}
	return r
}

// maskedText reports whether recorded, a config value as the record
// holds it, is the text value with a secret masked in it.
func maskedText(recorded, value any) bool {
	r, ok := recorded.(string)
	v, isText := value.(string)
	return ok && isText && r != v
}

// runChanges compares what the record of the earlier run says (was; nil
// compares nothing) with this run's (now): how the base directory
// changed, "" when it did not, and which .env keys that reach programs
// changed, in key order.
func runChanges(was, now *RunResume) (baseDir string, env []configChange) {
	if was == nil {
		return "", nil
	}
	switch {
	case was.BaseDir == now.BaseDir:
	case was.BaseDir == "":
		// A run on Temporal ran in its workers' directories.
		baseDir = fmt.Sprintf("the run it resumes records no base directory (it ran on Temporal workers); this one runs in %s", now.BaseDir)
	default:
		baseDir = fmt.Sprintf("the base directory changed (%s, was %s)", now.BaseDir, was.BaseDir)
	}
	keys := slices.Sorted(maps.Keys(was.Env))
	for k := range now.Env {
		if _, ok := was.Env[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		w, had := was.Env[k]
		n, has := now.Env[k]
		switch {
		case !had:
			env = append(env, configChange{key: k, text: ".env key " + k + " (was not set)"})
		case !has:
			env = append(env, configChange{key: k, text: ".env key " + k + " (not set now)"})
		case w != n:
			env = append(env, configChange{key: k, text: ".env key " + k})
		}
	}
	return baseDir, env
}

// reads reports whether node pn reads config key: its expressions (when,
// inputs, foreach) do, or, for a pipeline node, the dangerous gate its
// sub-pipeline gets.
func reads(pn *planNode, key string) bool {
	if _, found := slices.BinarySearch(pn.configKeys, key); found {
		return true
	}
	if pn.each != nil && slices.Contains(pn.each.configKeys, key) {
		return true
	}
	return pn.sub != nil && key == DangerKey
}

// onlyItemsRead reports whether foreach node pn reads config key only
// to make its items: its when and inputs do not read it, so that an
// instance whose item is the same is the instance that ran.
func onlyItemsRead(pn *planNode, key string) bool {
	_, found := slices.BinarySearch(pn.configKeys, key)
	return !found && pn.sub == nil
}

// itemDigest is a digest of what instance i reads of its item (item,
// item_key, item_index) when its node's items come from config (a
// resumed run compares it, ResumeInfo.Item): "" for a node, or an
// instance whose items do not.
func (c *core) itemDigest(i int) string {
	n := len(c.plan.nodes)
	if i < n {
		return ""
	}
	in := &c.inst[i-n]
	pn := &c.plan.nodes[in.parent]
	if pn.each == nil || len(pn.each.configKeys) == 0 {
		return ""
	}
	fan := c.nodes[in.parent].fan
	if fan == nil {
		return ""
	}
	d, err := valueDigest([]any{fan.values[in.index], c.itemKey(in), int(in.index)})
	if err != nil {
		return "" // not JSON: compared as config, as before
	}
	return d
}

// inProgramEnv reports whether config key reaches programs' environment
// (moduleEnv): the keys the pipeline declares do, and one it declared in
// the earlier run did. The dangerous gate, undeclared, does not.
func inProgramEnv(p *schema.Pipeline, key string) bool {
	return key != DangerKey || slices.ContainsFunc(p.Config, func(c schema.ConfigVar) bool { return c.Key == key })
}

// keyedDigest is the digest of a JSON value as valueDigest makes it (its
// canonical JSON), HMAC-SHA256 under key.
func keyedDigest(key []byte, v any) (string, error) {
	b, err := modules.MarshalPythonJSON(v)
	if err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write(b)
	return "hmac-sha256:" + hex.EncodeToString(mac.Sum(nil)), nil
}
