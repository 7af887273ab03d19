package model

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/modules/internal/football"
	"github.com/pipe-run/pipe/modules/internal/jsonfile"
)

// FileFormat and FileVersion mark a saved model; a reader refuses what it
// does not know rather than guess.
const (
	FileFormat  = "pipe/sports_predictor"
	FileVersion = 1
)

// File is a fitted model on disk, with what it was fitted on.
type File struct {
	Format      string          `json:"format"`
	Version     int             `json:"version"`
	Options     Options         `json:"options"`
	Synthetic   bool            `json:"synthetic"`
	Data        football.Source `json:"data"`
	Fingerprint string          `json:"fingerprint"`
	FittedAt    time.Time       `json:"fitted_at"`
	DixonColes  *DixonColes     `json:"dixon_coles,omitempty"`
	Elo         *Elo            `json:"elo,omitempty"`
	Weight      float64         `json:"blend_weight,omitempty"`
}

// Fingerprint identifies the data and options a model was fitted with.
func Fingerprint(ms []football.Match, opts Options) string {
	h := sha256.New()
	b, _ := json.Marshal(opts)
	h.Write(b)
	for i := range ms {
		m := &ms[i]
		h.Write([]byte(m.Key()))
		h.Write([]byte(strconv.Itoa(m.HomeGoals) + "-" + strconv.Itoa(m.AwayGoals) + "\n"))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// NewFile wraps a fitted model.
func NewFile(m Model, opts Options, src football.Source, synthetic bool, fingerprint string, at time.Time) *File {
	f := &File{Format: FileFormat, Version: FileVersion, Options: opts, Synthetic: synthetic, Data: src, Fingerprint: fingerprint, FittedAt: at}
	switch x := m.(type) {
	case *DixonColes:
		f.DixonColes = x
	case *Elo:
		f.Elo = x
	case *Blend:
		f.DixonColes, f.Elo, f.Weight = x.DC, x.Elo, x.Weight
	}
	return f
}

// Model returns the fitted model in the file.
func (f *File) Model() (Model, error) {
	if f.DixonColes != nil {
		f.DixonColes.Index()
	}
	switch f.Options.Method {
	case MethodDixonColes:
		if f.DixonColes != nil {
			return f.DixonColes, nil
		}
	case MethodElo:
		if f.Elo != nil {
			return f.Elo, nil
		}
	case MethodBlend:
		if f.DixonColes != nil && f.Elo != nil {
			return &Blend{DC: f.DixonColes, Elo: f.Elo, Weight: f.Weight}, nil
		}
	}
	return nil, fmt.Errorf("the file has no fitted %s model", f.Options.Method)
}

// Save writes the file atomically.
func (f *File) Save(path string) error {
	return jsonfile.Write(path, f, 0o600)
}

// MaxFile bounds a model file Load reads: a model holds a few numbers a
// team.
const MaxFile = 64 << 20

// Load reads a model file written by Save.
func Load(path string) (*File, error) {
	data, err := modules.ReadFile(path, MaxFile, "model file")
	if err != nil {
		return nil, err
	}
	var f File
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("model file %s: not JSON: %w", path, err)
	}
	if f.Format != FileFormat {
		return nil, fmt.Errorf("model file %s: format %q is not a %s model", path, f.Format, FileFormat)
	}
	if f.Version != FileVersion {
		return nil, fmt.Errorf("model file %s: version %d; this pipe reads version %d (fit the model again)", path, f.Version, FileVersion)
	}
	if _, err := f.Model(); err != nil {
		return nil, fmt.Errorf("model file %s: %w", path, err)
	}
	return &f, nil
}
