package temporal

import (
	"encoding/json"
	"fmt"
	"maps"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// A pipeline node runs its whole sub-pipeline in one attempt, and sends
// its sub-pipeline's node records back with its outputs
// (engine.ChildrenKey): with hundreds of nodes, the records alone pass
// what Temporal takes in one payload. They are cut as a run's record is,
// the inputs and outputs of the biggest first; what is still too large
// is said as what it is, not as the node's outputs.

// fitChildren returns values, a pipeline node's outputs (encoded: their
// JSON, over maxOutputJSON), encoded again with its sub-pipeline's
// records cut to fit; or, when they do not fit even so, tooLarge says
// what is too large and what to do.
func fitChildren(values map[string]any, encoded []byte) (out []byte, tooLarge string, err error) {
	raw, ok := values[engine.ChildrenKey]
	if !ok {
		return encoded, "", nil
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return encoded, "", nil
	}
	var children map[string]*engine.NodeRecord
	if json.Unmarshal(b, &children) != nil {
		return encoded, "", nil
	}
	bound := fmt.Sprintf("a pipeline node's result on Temporal, its sub-pipeline's records included, is at most %s", modules.Size(PayloadLimit))
	// With a margin: each cut leaves a note and a mark in its record.
	cutNodes(children, len(encoded)-maxOutputJSON+maxOutputJSON/8, bound, "the rest is left out of the sub-pipeline's records on Temporal")
	if b, err = json.Marshal(children); err != nil {
		return nil, "", err
	}
	plain, err := modules.DecodeJSON(b)
	if err != nil {
		return nil, "", err
	}
	fitted := maps.Clone(values)
	fitted[engine.ChildrenKey] = plain
	if out, err = modules.MarshalJSON(fitted); err != nil || len(out) <= maxOutputJSON {
		return out, "", err
	}
	// Still too large: say which part is.
	parts := []part{{fmt.Sprintf("the records of its sub-pipeline's %d nodes", len(children)), len(b)}}
	for k, v := range values {
		if k == engine.ChildrenKey {
			continue
		}
		if e, err := modules.MarshalJSON(v); err == nil {
			parts = append(parts, part{"its output " + k, len(e)})
		}
	}
	return nil, fmt.Sprintf("its result is %s of JSON (%s) with the inputs and outputs of its sub-pipeline's nodes left out, over the %s Temporal takes in one payload: "+
		"split the sub-pipeline into several pipeline nodes (a foreach over a pipeline node sends each instance's records apart), or run it here; "+
		"for a large output of the sub-pipeline, %s",
		modules.Size(int64(len(out))), largest(parts, len(out)), modules.Size(PayloadLimit), tooLargeAdvice), nil
}
