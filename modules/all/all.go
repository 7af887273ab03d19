// Package all registers every built-in module; the CLI imports it for its
// side effect, the way Caddy's modules/standard does.
package all

import (
	_ "github.com/pipe-run/pipe/modules/auto_stake"
	_ "github.com/pipe-run/pipe/modules/betting_prediction"
	_ "github.com/pipe-run/pipe/modules/echo"
	_ "github.com/pipe-run/pipe/modules/exec"
	_ "github.com/pipe-run/pipe/modules/python"
	_ "github.com/pipe-run/pipe/modules/sports_predictor"
	_ "github.com/pipe-run/pipe/modules/wait"
	_ "github.com/pipe-run/pipe/modules/web_interface"
)
