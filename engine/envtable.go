package engine

import (
	"fmt"
	"reflect"
)

// This file holds the one table of the names expressions can read.

// The fields of the expression environment: indexes into envTable, and
// into the environment struct built from it.
const (
	fieldConfig = iota
	fieldNodes
	fieldPipeline
	fieldRun
	fieldSuccess
	fieldFailure
	fieldAlways
	fieldCancelled
	fieldItem
	fieldItemKey
	fieldItemIndex
	// fieldCount sizes envTable: a field added above without its entry
	// leaves a zero one, which TestEnvTable reports.
	fieldCount
)

// envName is one name expressions can read.
type envName struct {
	name string
	// typ is its Go type; nil for config, whose struct type is built per
	// pipeline from its keys.
	typ reflect.Type
	// status marks the status functions: a `when` that calls none means
	// success() && (when). item marks the names set only in a foreach
	// node's instances.
	status, item bool
}

// envTable is the one list of the environment's names, in field order:
// the environment struct, the unknown-name check and its hints, and the
// status and item names all come from it.
var envTable = [fieldCount]envName{
	fieldConfig:    {name: "config"},
	fieldNodes:     {name: "nodes", typ: nodesType},
	fieldPipeline:  {name: "pipeline", typ: pipelineType},
	fieldRun:       {name: "run", typ: runType},
	fieldSuccess:   {name: "success", typ: funcType, status: true},
	fieldFailure:   {name: "failure", typ: funcType, status: true},
	fieldAlways:    {name: "always", typ: funcType, status: true},
	fieldCancelled: {name: "cancelled", typ: funcType, status: true},
	fieldItem:      {name: "item", typ: anyType, item: true},
	fieldItemKey:   {name: "item_key", typ: stringType, item: true},
	fieldItemIndex: {name: "item_index", typ: intType, item: true},
}

var (
	envNames    = envNamesWhere(func(envName) bool { return true })
	statusFuncs = envNamesWhere(func(e envName) bool { return e.status })
	// itemNames are set only in a foreach node's instances.
	itemNames = envNamesWhere(func(e envName) bool { return e.item })
	// nodeViewFields are what nodes.<id> has: NodeView's expr tags.
	nodeViewFields = exprTags(reflect.TypeFor[NodeView]())
)

// envFields are the environment struct's fields, config's type left for
// newExprEnv to set.
var envFields = func() []reflect.StructField {
	out := make([]reflect.StructField, len(envTable))
	for k, f := range envTable {
		out[k] = reflect.StructField{Name: fmt.Sprintf("E%d", k), Type: f.typ, Tag: reflect.StructTag(fmt.Sprintf(`expr:%q`, f.name))}
	}
	return out
}()

func envNamesWhere(keep func(envName) bool) []string {
	var out []string
	for _, e := range envTable {
		if keep(e) {
			out = append(out, e.name)
		}
	}
	return out
}

// exprTags lists the names expressions read a struct's fields by.
func exprTags(t reflect.Type) []string {
	out := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		out = append(out, t.Field(i).Tag.Get("expr"))
	}
	return out
}
