package model

import (
	"testing"

	"github.com/pipe-run/pipe/modules/internal/football"
)

func TestCalibrate(t *testing.T) {
	// Ten matches at 0.5/0.3/0.2: home wins five, draws three, away two -
	// a calibrated forecaster, whose bins lie on the diagonal.
	var probs [][3]float64
	var results []football.Outcome
	for i := range 10 {
		probs = append(probs, [3]float64{0.5, 0.3, 0.2})
		results = append(results, []football.Outcome{football.Home, football.Draw, football.Away}[min(i/5+i/8, 2)])
	}
	bins := Calibrate(probs, results)
	want := []Bin{{P: 0.2, Observed: 0.2, N: 10}, {P: 0.3, Observed: 0.3, N: 10}, {P: 0.5, Observed: 0.5, N: 10}}
	if len(bins) != len(want) {
		t.Fatalf("bins %v, want %v", bins, want)
	}
	for i := range want {
		if d := bins[i].Observed - want[i].Observed; bins[i].N != want[i].N || d > 1e-9 || d < -1e-9 || bins[i].P-want[i].P > 1e-9 {
			t.Errorf("bin %d: %+v, want %+v", i, bins[i], want[i])
		}
	}
	// A probability of exactly 1 falls in the last bin, not past it.
	if b := Calibrate([][3]float64{{1, 0, 0}}, []football.Outcome{football.Home}); b[len(b)-1].P != 1 || b[len(b)-1].Observed != 1 {
		t.Errorf("certainty: %+v", b)
	}
}
