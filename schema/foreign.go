package schema

import (
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Keys users bring from GitHub Actions, dagu and go-task, and how pipe
// says the same. An unknown key found here gets this hint instead of a
// "did you mean" by spelling, which sends `uses:` to `needs:` and `if:`
// nowhere. The tables are data: a key another tool uses goes in a table,
// not in the loader.

// foreignKey is pipe's way of writing a key of another tool.
type foreignKey struct {
	// say names the other tool's key and pipe's way of writing it.
	say string
	// eg shows pipe's way on a made-up value: YAML, a line each key.
	eg []string
	// example, when set, shows pipe's way on the value the user wrote
	// (timeout-minutes: 5 is timeout: 5m); nil falls back to eg.
	example func(v *yaml.Node) []string
}

// hint is fk's hint for the value v written under the key.
func (fk foreignKey) hint(v *yaml.Node) string {
	eg := fk.eg
	if fk.example != nil {
		if ex := fk.example(v); ex != nil {
			eg = ex
		}
	}
	if len(eg) == 0 {
		return fk.say
	}
	return fk.say + "; write `" + strings.Join(eg, "` and `") + "`"
}

// The node keys of other tools.
var foreignNodeKeys = map[string]foreignKey{
	"uses": {say: "pipe runs another pipeline file as one node with `module: pipeline` (a GitHub action is not a pipe module: run its program with `module: exec`)",
		eg: lines("module: pipeline", "with: {file: other.yaml}"), example: usesExample},
	"if": {say: "GitHub Actions' `if` is pipe's `when`, an expression written without ${{ }}",
		eg: lines("when: success() && config.DEPLOY"), example: whenExample},
	"preconditions": dagusPreconditions,
	"precondition":  dagusPreconditions,
	"run":           execCommand("GitHub Actions' `run`"),
	"command":       execCommand("`command`"),
	"cmd":           execCommand("`cmd`"),
	"script":        execCommand("`script`"),
	"cmds":          {say: "go-task's `cmds` are pipe nodes: a node a command, with `module: exec`, in order by `needs`", eg: stepsAsNodes},
	"shell": {say: "exec runs a command string through sh -c; for another shell give the argv list",
		eg: lines("with: {command: [bash, -c, 'echo $HOME']}")},
	"env": {say: "environment variables are an input of `module: exec`; for every node at once, declare them in the pipeline's `config:`, whose keys every program gets",
		eg: lines("with: {env: {LEVEL: debug}}"), example: inlineUnder("with", "env")},
	"timeout-minutes": timeoutIn("m"),
	"timeoutSec":      timeoutIn("s"),
	"timeout_sec":     timeoutIn("s"),
	"steps":           {say: "a pipe node is one step: write each step as a node under the pipeline's `nodes:`, in order by `needs`", eg: stepsAsNodes},
	"depends":         dependsNeeds("`depends`"),
	"depends_on":      dependsNeeds("`depends_on`"),
	"dependsOn":       dependsNeeds("`dependsOn`"),
	"dependencies":    dependsNeeds("`dependencies`"),
	"deps":            dependsNeeds("go-task's `deps`"),
	"continue-on-error": {say: "pipe writes `continue_on_error` with underscores", eg: lines("continue_on_error: true"),
		example: inlineUnder("continue_on_error")},
	"continueOn": {say: "dagu's `continueOn` is pipe's `continue_on_error`: a failure of the node neither fails the run nor skips what needs it",
		eg: lines("continue_on_error: true")},
	"runs-on": {say: "pipe has no runner to choose per node: nodes run on this machine, or on Temporal workers for the whole run (pipe run FILE --on temporal://HOST:PORT/NS); remove `runs-on`"},
	"strategy": {say: "write the matrix on the node itself, and read a combination as item.KEY (matrix.KEY in GitHub Actions); strategy's fail-fast and max-parallel are the node's `fail_fast` and `max_parallel`",
		eg: lines("matrix: {league: [england, italy]}", "fail_fast: true"), example: strategyExample},
	"name": {say: "a node is named by its id, the key above `name`; free text goes in `description`",
		eg: lines("description: Fit the model"), example: inlineUnder("description")},
	"working-directory": execDir("GitHub Actions' `working-directory`"),
	"working_dir":       execDir("`working_dir`"),
	"workingDir":        execDir("`workingDir`"),
	"dir":               execDir("dagu's `dir`"),
	"output": {say: "exec gives what its program prints as an output, read as nodes.<id>.outputs.stdout (a printed JSON object's keys are outputs of their own); `outputs:` promises names and types",
		eg: lines("outputs: {stdout: string}")},
	"retryPolicy": {say: "dagu's `retryPolicy` is pipe's `retries`, a count or a mapping", eg: lines("retries: {limit: 3, backoff: 5s}")},
	"params": {say: "a module's inputs go under `with:` (`pipe modules` lists each module's)",
		eg: lines("with: {path: fit.py}"), example: inlineUnder("with")},
	"container": {say: "pipe runs programs on this machine, in no container of its own: start one from a node",
		eg: lines("module: exec", "with: {command: [docker, run, --rm, IMAGE]}")},
}

// The top-level keys of other tools.
var foreignPipelineKeys = map[string]foreignKey{
	"jobs":     nodesMapping("GitHub Actions' jobs are pipe's `nodes:`, a mapping of node id to node (`module`, `needs`, `with`); a job's steps are nodes too, in order by `needs`"),
	"steps":    nodesMapping("dagu's steps are pipe's `nodes:`, a mapping of node id to node rather than a list; `depends` is `needs`"),
	"tasks":    nodesMapping("go-task's tasks are pipe's `nodes:`, a mapping of node id to node; `deps` is `needs`, `cmds` an exec node's command"),
	"on":       noTriggers("GitHub Actions' `on`"),
	"schedule": noTriggers("dagu's `schedule`"),
	"env":      pipelineConfig("`env`"),
	"vars":     pipelineConfig("go-task's `vars`"),
	"params":   pipelineConfig("dagu's `params`"),
	"version":  {say: "a pipe file has no version: remove `version`"},

	"timeout-minutes": timeoutIn("m"),
	"timeoutSec":      timeoutIn("s"),
	"maxActiveSteps": {say: "dagu's `maxActiveSteps` is pipe's `max_parallel`", eg: lines("max_parallel: 4"),
		example: inlineUnder("max_parallel")},
	"defaults": {say: "settings shared by nodes are a YAML anchor under an `x-` key (which pipe ignores), merged into each node with `<<: *d`",
		eg: lines("x-defaults: &d {timeout: 5m, retries: 2}")},
	"working-directory": pipelineBaseDir,
	"workingDir":        pipelineBaseDir,
	"dir":               pipelineBaseDir,
}

// stepsAsNodes shows steps, or commands, as nodes in order.
var stepsAsNodes = lines("build: {module: exec, with: {command: make}}", "test: {module: exec, needs: build, with: {command: make test}}")

var dagusPreconditions = foreignKey{say: "dagu's preconditions are pipe's `when`, an expression over config and the outputs of needs; a shell check is a node of its own (`module: exec`) that this one needs",
	eg: lines("when: nodes.check.outputs.ready")}

var pipelineBaseDir = foreignKey{say: "the directory programs run in is the pipeline's `base_dir`, relative to the file's directory",
	eg: lines("base_dir: .."), example: inlineUnder("base_dir")}

func lines(yaml ...string) []string { return yaml }

func execCommand(key string) foreignKey {
	return foreignKey{say: key + " is a program for `module: exec`, its `command` input (a string runs through sh -c; a list is the argv)",
		eg: lines("module: exec", "with: {command: make test}"), example: func(v *yaml.Node) []string {
			if w := inline(v, "with", "command"); w != "" {
				return lines("module: exec", w)
			}
			return nil
		}}
}

func dependsNeeds(key string) foreignKey {
	return foreignKey{say: key + " is pipe's `needs`, a node id or a list of them", eg: lines("needs: [build, lint]"),
		example: inlineUnder("needs")}
}

func execDir(key string) foreignKey {
	return foreignKey{say: key + " is the `dir` input of `module: exec`, relative to the base directory", eg: lines("with: {dir: build}"),
		example: inlineUnder("with", "dir")}
}

func timeoutIn(unit string) foreignKey {
	return foreignKey{say: "pipe's `timeout` is a duration (30s, 5m, 1h30m)", eg: lines("timeout: 5m"), example: func(v *yaml.Node) []string {
		n, err := strconv.Atoi(v.Value)
		if v.Kind != yaml.ScalarNode || err != nil || n < 0 {
			return nil
		}
		return lines("timeout: " + strconv.Itoa(n) + unit)
	}}
}

func nodesMapping(say string) foreignKey {
	return foreignKey{say: say, eg: lines("nodes: {build: {module: exec, with: {command: make}}}")}
}

func noTriggers(key string) foreignKey {
	return foreignKey{say: key + ": pipe has no triggers; a pipeline runs when `pipe run FILE` runs it (from cron, CI or a hook): remove it"}
}

func pipelineConfig(key string) foreignKey {
	return foreignKey{say: key + " is pipe's `config:`, typed defaults read as config.KEY, set by --set KEY=VALUE, a .env file or the environment; every program gets them in its environment",
		eg: lines("config: {LEVEL: debug}"), example: inlineUnder("config")}
}

// inlineUnder shows the user's value under pipe's keys: `with: {dir: v}`.
func inlineUnder(keys ...string) func(v *yaml.Node) []string {
	return func(v *yaml.Node) []string {
		if w := inline(v, keys...); w != "" {
			return lines(w)
		}
		return nil
	}
}

// usesExample turns `uses: other.yaml` into a pipeline node.
func usesExample(v *yaml.Node) []string {
	if v.Kind != yaml.ScalarNode || !(strings.HasSuffix(v.Value, ".yaml") || strings.HasSuffix(v.Value, ".yml")) {
		return nil
	}
	if w := inline(v, "with", "file"); w != "" {
		return lines("module: pipeline", w)
	}
	return nil
}

// whenExample turns `if: ${{ expr }}` into `when: expr`.
func whenExample(v *yaml.Node) []string {
	if v.Kind != yaml.ScalarNode {
		return nil
	}
	expr := strings.TrimSpace(v.Value)
	if inner, ok := strings.CutPrefix(expr, "${{"); ok {
		if inner, ok = strings.CutSuffix(inner, "}}"); ok && !strings.Contains(inner, "${{") {
			expr = strings.TrimSpace(inner)
		}
	}
	if expr == "" {
		return nil
	}
	return inlineUnder("when")(&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: expr})
}

// strategyExample lifts `strategy: {matrix: ...}` onto the node.
func strategyExample(v *yaml.Node) []string {
	if v.Kind != yaml.MappingNode {
		return nil
	}
	if m := mappingValue(v, "matrix"); m != nil {
		return inlineUnder("matrix")(m)
	}
	return nil
}

// mappingValue is the value of key in mapping m; nil when m has none.
func mappingValue(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// maxExample bounds the length of a hint's example built from the user's
// value: past it, the made-up one reads better.
const maxExample = 80

// inline writes v under the keys, `a: {b: v}`, on one line in YAML's flow
// style for a hint; "" when v is null or does not fit on a short line.
func inline(v *yaml.Node, keys ...string) string {
	if v == nil || v.Kind == yaml.AliasNode || isNull(v) {
		return ""
	}
	c := *v // restyled, not changed: the loader still reads v
	c.Anchor, c.HeadComment, c.LineComment, c.FootComment = "", "", "", ""
	if c.Kind != yaml.ScalarNode {
		c.Style |= yaml.FlowStyle
	} else if c.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		c.Style = 0
	}
	node := &c
	for i := len(keys) - 1; i >= 0; i-- {
		style := yaml.FlowStyle
		if i == 0 {
			style = 0 // the outer key starts the line: key: {...}
		}
		node = &yaml.Node{Kind: yaml.MappingNode, Style: style, Content: []*yaml.Node{
			{Kind: yaml.ScalarNode, Tag: "!!str", Value: keys[i]}, node,
		}}
	}
	out, err := yaml.Marshal(node)
	text := strings.TrimSuffix(string(out), "\n")
	if err != nil || strings.ContainsAny(text, "\n#") || len(text) > maxExample {
		return ""
	}
	return text
}
