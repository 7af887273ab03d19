package main

type helpCmd struct {
	Command []string `arg:"" optional:"" help:"The command to explain, e.g. run."`
}

// Run prints pipe's help, or a command's: pipe help run is pipe run --help.
func (c *helpCmd) Run(e *env) error {
	code := Main(append(c.Command, "--help"), e.stdin, e.stdout, e.stderr)
	if code != exitOK {
		return silent(code)
	}
	return nil
}
