// Command pipe loads, validates, draws and runs YAML pipelines of modules.
package main

import (
	"os"

	_ "github.com/pipe-run/pipe/modules/all"
)

func main() {
	os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
