//go:build !linux

package proc

import "os"

// awaitExit leaves the waiting to os.Process.Wait where there are no pidfds.
func awaitExit(*os.Process) {}
