// Command libfloor is gofloor with the five libraries pipe must use linked
// in (yaml.v3, dominikbraun/graph, expr, charmbracelet/log, kong), each
// used once, lightly, so that the linker keeps it: their package inits and
// the size they add are paid by any program built on them before it does
// anything. Two of them (kong, and charmbracelet/log through
// xo/terminfo) import os/user, which with cgo on (go build's default
// where a C compiler is found) links libc dynamically: the dynamic loader
// runs before Go does. ../startup.sh sets it against make as the floor
// under pipe's own start-up.
//
//	go run ./testdata/bench/libfloor [PROGRAM]
package main

import (
	"fmt"
	"os"
	"os/exec"

	"github.com/alecthomas/kong"
	"github.com/charmbracelet/log"
	"github.com/dominikbraun/graph"
	"github.com/expr-lang/expr"
	"gopkg.in/yaml.v3"
)

var cli struct {
	Program string `arg:"" optional:"" default:"/bin/true" help:"The program to run."`
}

func main() {
	kong.Parse(&cli)
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte("a: 1"), &doc); err != nil {
		log.Fatal(err)
	}
	g := graph.New(graph.StringHash, graph.Directed(), graph.Acyclic())
	if err := g.AddVertex(cli.Program); err != nil {
		log.Fatal(err)
	}
	if _, err := expr.Compile("1 + 1"); err != nil {
		log.Fatal(err)
	}
	if err := exec.Command(cli.Program).Run(); err != nil {
		fmt.Fprintln(os.Stderr, "libfloor:", err)
		os.Exit(1)
	}
}
