package football

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/pipe-run/pipe/modules"
)

// MaxDownload bounds what Read fetches from a URL, and each file it reads:
// a season of a league is tens of kilobytes.
const MaxDownload = 64 << 20

// Source describes what Read read.
type Source struct {
	Files  []string `json:"files"`
	Layout string   `json:"layout"`
	// OddsColumns names the odds columns used, if any.
	OddsColumns string `json:"odds_columns,omitempty"`
	// BadOdds counts the matches whose odds were given but not usable
	// (not finite, or 1 or less) and were dropped; FirstBadOdds is the
	// first one's file:line.
	BadOdds      int    `json:"bad_odds,omitempty"`
	FirstBadOdds string `json:"first_bad_odds,omitempty"`
	// Duplicates counts the matches read a second time (the same season,
	// date or round, and clubs), which were dropped; FirstDuplicate is
	// the first one's file:line.
	Duplicates     int    `json:"duplicates,omitempty"`
	FirstDuplicate string `json:"first_duplicate,omitempty"`
	// Overlaps says, per pair of files, which matches both hold under
	// other names or dates (a season in two layouts): they are kept, and
	// count twice.
	Overlaps []string `json:"overlaps,omitempty"`
	Matches  int      `json:"matches"`
	Fixtures int      `json:"fixtures"`
}

// Read reads matches from source: a CSV file, a directory of CSV files, a
// glob, or an http(s) URL (downloaded once into cacheDir). Matches come
// back in time order.
func Read(ctx context.Context, source, cacheDir string) ([]Match, Source, error) {
	var files []string
	switch {
	case strings.HasPrefix(source, "http://") || strings.HasPrefix(source, "https://"):
		path, err := download(ctx, source, cacheDir)
		if err != nil {
			return nil, Source{}, err
		}
		files = []string{path}
	default:
		var err error
		if files, err = expand(source); err != nil {
			return nil, Source{}, err
		}
	}
	var all []Match
	src := Source{Files: files}
	for _, f := range files {
		data, err := modules.ReadFile(f, MaxDownload, "data file")
		if err != nil {
			return nil, Source{}, err
		}
		ms, layout, oddsCols, err := Parse(f, data)
		if err != nil {
			return nil, Source{}, err
		}
		if src.Layout == "" {
			src.Layout, src.OddsColumns = layout, oddsCols
		}
		all = append(all, ms...)
	}
	Sort(all)
	AssignSeasons(all)
	all, src.Duplicates, src.FirstDuplicate = dedupe(all)
	if len(files) > 1 {
		src.Overlaps = overlaps(all)
	}
	for i := range all {
		if all[i].Played() {
			src.Matches++
		} else {
			src.Fixtures++
		}
		if all[i].BadOdds {
			if src.BadOdds == 0 {
				src.FirstBadOdds = all[i].Source
			}
			src.BadOdds++
		}
	}
	if len(all) == 0 {
		return nil, src, fmt.Errorf("%s: no matches", source)
	}
	return all, src, nil
}

// Sort orders matches by time, keeping the order of matches at the same
// time.
func Sort(ms []Match) {
	slices.SortStableFunc(ms, func(a, b Match) int { return a.When.Compare(b.When) })
}

func expand(source string) ([]string, error) {
	info, err := os.Stat(source)
	switch {
	case err == nil && info.IsDir():
		files, _ := filepath.Glob(filepath.Join(source, "*.csv"))
		if len(files) == 0 {
			return nil, fmt.Errorf("%s: no .csv files in this directory", source)
		}
		slices.Sort(files)
		return files, nil
	case err == nil:
		return []string{source}, nil
	}
	if strings.ContainsAny(source, "*?[") {
		files, gerr := filepath.Glob(source)
		if gerr != nil {
			return nil, fmt.Errorf("%s: %w", source, gerr)
		}
		if len(files) == 0 {
			return nil, &noMatchError{source}
		}
		slices.Sort(files)
		return files, nil
	}
	return nil, err
}

// noMatchError is a glob that matches no file: a missing file too.
type noMatchError struct{ glob string }

func (e *noMatchError) Error() string        { return e.glob + ": no file matches" }
func (e *noMatchError) Is(target error) bool { return target == fs.ErrNotExist }

// download fetches url into cacheDir once; later calls read the cache.
func download(ctx context.Context, url, cacheDir string) (string, error) {
	sum := sha256.Sum256([]byte(url))
	path := filepath.Join(cacheDir, hex.EncodeToString(sum[:8])+".csv")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("downloading %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("downloading %s: %s", url, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxDownload+1))
	if err != nil {
		return "", fmt.Errorf("downloading %s: %w", url, err)
	}
	if len(data) > MaxDownload {
		return "", fmt.Errorf("downloading %s: larger than %d MiB", url, MaxDownload>>20)
	}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(cacheDir, ".download-*")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	return path, os.Rename(tmp.Name(), path)
}

// Teams lists the teams in ms, sorted.
func Teams(ms []Match) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range ms {
		for _, t := range []string{m.Home, m.Away} {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	slices.SortFunc(out, func(a, b string) int { return cmp.Compare(a, b) })
	return out
}

// Closest returns the known team whose name is most like name, for "did
// you mean", by the Dice similarity of their letter pairs ("Man United"
// and "Manchester United", "Synthetic Cty" and "Synthetic City"); "" when
// none is close.
func Closest(name string, teams []string) string {
	q := bigrams(name)
	best, bestScore := "", 0.4
	for _, t := range teams {
		if score := dice(q, bigrams(t)); score > bestScore {
			best, bestScore = t, score
		}
	}
	return best
}

func bigrams(s string) map[string]int {
	r := []rune(strings.ToLower(s))
	out := map[string]int{}
	for i := 0; i+1 < len(r); i++ {
		out[string(r[i:i+2])]++
	}
	return out
}

func total(m map[string]int) int {
	n := 0
	for _, c := range m {
		n += c
	}
	return max(n, 1)
}
