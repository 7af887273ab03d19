//go:build race

package schema_test

// raceEnabled: the race detector changes what allocations cost, so memory
// bounds are not checked under it.
const raceEnabled = true
