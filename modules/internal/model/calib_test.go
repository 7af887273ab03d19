package model

import (
	"context"
	"os"
	"testing"

	"github.com/pipe-run/pipe/modules/internal/football"
)

func TestCalibration(t *testing.T) {
	if os.Getenv("PIPE_TUNE") == "" {
		t.Skip()
	}
	for name, ms := range leagues(t) {
		var in []football.Match
		for _, m := range ms {
			if m.When.Before(seasonStart(2017)) {
				in = append(in, m)
			}
		}
		mod, _ := New(DefaultOptions(MethodDixonColes))
		sc, _ := WalkForward(context.Background(), in, seasonStart(2014), mod)
		var pd, ad, ph, ah float64
		for _, s := range sc {
			pd += s.Probs[1]
			ph += s.Probs[0]
			if s.Match.Result() == football.Draw {
				ad++
			}
			if s.Match.Result() == football.Home {
				ah++
			}
		}
		n := float64(len(sc))
		t.Logf("%s: draws predicted %.4f actual %.4f; home predicted %.4f actual %.4f", name, pd/n, ad/n, ph/n, ah/n)
	}
}
