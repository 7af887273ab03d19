// Command yamlnode parses a YAML file into a yaml.Node and exits: the
// floor under `pipe validate` of the same file (issue 13 asks validate to
// stay within 1.3x of it; see ../process.sh).
//
//	go run ./testdata/bench/yamlnode FILE
package main

import (
	"fmt"
	"os"

	"gopkg.in/yaml.v3"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: yamlnode FILE")
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "yamlnode:", err)
		os.Exit(1)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		fmt.Fprintln(os.Stderr, "yamlnode:", err)
		os.Exit(1)
	}
}
