package main

import (
	"testing"
	"time"
)

// waitUntil polls cond until it holds, or fails the test with why().
func waitUntil(t *testing.T, limit time.Duration, cond func() bool, why func() string) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal(why())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
