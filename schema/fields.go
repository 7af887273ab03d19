package schema

// The keys a pipeline file may use. They are the one list that the loader
// checks unknown keys against and that the JSON Schema test compares with
// schema/pipeline.schema.json.
var (
	PipelineKeys = []string{"name", "description", "config", "nodes", "max_parallel", "timeout", "secrets", "base_dir", "outputs"}
	NodeKeys     = []string{"module", "needs", "when", "with", "timeout", "retries", "continue_on_error", "dangerous", "description", "cache", "files", "tags", "foreach", "max_parallel", "fail_fast", "outputs"}
	RetryKeys    = []string{"limit", "backoff", "factor", "max_backoff"}
	// ConfigEntryKeys are the keys of a config entry's long form,
	// `KEY: {default: x, description: ...}`.
	ConfigEntryKeys = []string{"default", "description"}
)
