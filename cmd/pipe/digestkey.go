package main

import (
	"crypto/rand"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/pipe-run/pipe/engine"
)

// digestKeyFile holds, in the runs directory, the key of the digests run
// records hold of secret values (engine.Options.DigestKey): a record
// copied elsewhere goes without it, and a guess of a secret cannot be
// tested against its digest there.
const digestKeyFile = ".digest-key"

const digestKeyLen = 32

// readDigestKey returns runsDir's key; nil when it has none.
func readDigestKey(runsDir string) []byte {
	b, err := os.ReadFile(filepath.Join(runsDir, digestKeyFile))
	if err != nil || len(b) != digestKeyLen {
		return nil
	}
	return b
}

// digestKey returns runsDir's key, made (random, readable by its owner
// alone) when it has none and mint is set (the run has secrets). Two runs
// that make one at once keep the first linked in place. nil when none can
// be made: the run then records no digest of its secrets (a resumed run
// compares where they came from).
func digestKey(e *env, runsDir string, mint bool) []byte {
	if k := readDigestKey(runsDir); k != nil || !mint {
		return k
	}
	err := func() error {
		k := make([]byte, digestKeyLen)
		rand.Read(k)
		f, err := os.CreateTemp(runsDir, digestKeyFile+"-*")
		if err != nil {
			return err
		}
		defer os.Remove(f.Name())
		_, err = f.Write(k)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		path := filepath.Join(runsDir, digestKeyFile)
		if err := os.Link(f.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
			return os.Rename(f.Name(), path) // a file system without hard links
		}
		return nil
	}()
	if err != nil {
		e.logs.base.Debug("no key for the digests of secrets: the record holds none", "dir", runsDir, "err", err)
	}
	return readDigestKey(runsDir)
}

// hasSecrets reports whether a run of plan, with the .env keys env, has
// values it masks: secret config keys, or .env keys named as secrets.
func hasSecrets(plan *engine.Plan, env map[string]string) bool {
	p := plan.Pipeline
	for _, k := range p.ConfigKeys() {
		if p.IsSecret(k) {
			return true
		}
	}
	for k := range env {
		if p.IsSecret(k) {
			return true
		}
	}
	return false
}
