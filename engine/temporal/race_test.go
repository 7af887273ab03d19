//go:build race

package temporal_test

// raceEnabled: the race detector makes an expression's evaluation inside
// a workflow task many times slower, past the SDK's deadlock detection (1 s).
const raceEnabled = true
