package model

import "github.com/pipe-run/pipe/modules/internal/football"

// CalibrationBins is how many equal-width bins of predicted probability a
// calibration table has.
const CalibrationBins = 10

// Bin is one bin of a calibration table: the mean predicted probability
// of the outcomes in it, how often they happened, and how many there were.
type Bin struct {
	P, Observed float64
	N           int
}

// Calibrate pools the three outcomes' probabilities of every match into
// bins and returns the bins that have any: a calibrated forecaster's bins
// lie on the diagonal (Observed = P).
func Calibrate(probs [][3]float64, results []football.Outcome) []Bin {
	var sumP, hits [CalibrationBins]float64
	var n [CalibrationBins]int
	for i, p := range probs {
		for k := range 3 {
			b := min(max(int(p[k]*CalibrationBins), 0), CalibrationBins-1)
			sumP[b] += p[k]
			n[b]++
			if football.Outcome(k) == results[i] {
				hits[b]++
			}
		}
	}
	var out []Bin
	for b := range CalibrationBins {
		if n[b] > 0 {
			out = append(out, Bin{P: sumP[b] / float64(n[b]), Observed: hits[b] / float64(n[b]), N: n[b]})
		}
	}
	return out
}

// BinsValue is the table as plain values ({p, observed, n} maps), for outputs.
func BinsValue(bins []Bin, round func(float64) float64) []any {
	out := make([]any, 0, len(bins))
	for _, b := range bins {
		out = append(out, map[string]any{"p": round(b.P), "observed": round(b.Observed), "n": b.N})
	}
	return out
}
