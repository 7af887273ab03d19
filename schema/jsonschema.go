package schema

import _ "embed"

// JSONSchema is the JSON Schema of pipeline files (draft 2020-12), for
// editors: `# yaml-language-server: $schema=...`. A test keeps it in step
// with the keys the loader accepts.
//
//go:embed pipeline.schema.json
var JSONSchema []byte
