package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/pipe-run/pipe/engine/internal/cachestore"
	"github.com/pipe-run/pipe/modules"
)

// DefaultCacheMaxBytes bounds the node cache when nothing else is set.
const DefaultCacheMaxBytes = cachestore.DefaultMaxBytes

// caching is the node cache as an Executor around another: a task of a
// node that caches is keyed (see Plan.ingredients); on a hit the entry's
// outputs, message and log come back without running anything, with
// Output.CachedFrom set; on a miss the task runs and, if it succeeds, is
// stored. The cache never fails a node: a key that cannot be made (an
// unreadable file), a corrupt entry or a store that cannot be written
// means running, or not storing, with a warning.
type caching struct {
	next   Executor
	plan   *Plan
	store  *cachestore.Store
	config map[string]any
	// env are the ingredients of the environment the run's programs get
	// (Plan.envIngredients), made once: envErr, when they cannot be made,
	// runs the nodes of modules that take it uncached.
	env    []cachestore.Ingredient
	envErr error
	// mask masks what the run shows with the run's secrets: a log copied
	// from an entry is masked with them, whatever the entry's run took for
	// secret.
	mask *redactor
	// read is false with Options.NoCache: run, then store.
	read   bool
	logger func(node string) *slog.Logger
}

var _ Executor = (*caching)(nil)

// withCache wraps exec in the node cache when the run has one and the
// plan has a node that caches; otherwise it is exec itself, so that a
// pipeline without caching does no cache work at all.
func (r *run) withCache(exec Executor) Executor {
	if r.opts.CacheDir == "" || !r.plan.caching {
		return exec
	}
	c := &caching{next: exec, plan: r.plan, store: cachestore.Open(r.opts.CacheDir), config: r.config,
		mask: r.redact, read: !r.opts.NoCache, logger: r.nodeLogger}
	c.env, c.envErr = r.plan.envIngredients(r.config, r.progEnv)
	return c
}

// Execute implements Executor.
func (c *caching) Execute(ctx context.Context, t Task) (*modules.Output, error) {
	pn := &c.plan.nodes[t.index]
	if !pn.cache {
		return c.next.Execute(ctx, t)
	}
	log := c.logger(t.Node)
	written, err := c.plan.writtenFiles(ctx, t.index, t.With)
	var ings []cachestore.Ingredient
	if err == nil {
		ings, err = c.plan.ingredientsWith(ctx, t.index, t.With, c.config, c.env, written)
	}
	if err == nil && pn.info.ProgramEnv {
		err = c.envErr
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		log.Warn("running uncached: no cache key", "err", err)
		return c.next.Execute(ctx, t)
	}
	key := cachestore.Key(ings)
	if c.read {
		out, err := c.hit(key, t.LogFile)
		if err == nil {
			// Stored before the node promised what it does now.
			err = checkPromise(pn.promise, out)
		}
		if err == nil {
			log.Debug("cache hit", "key", key[:12], "from", out.CachedFrom)
			if t.cacheKey != nil {
				*t.cacheKey = key
			}
			return out, nil
		}
		log.Debug("cache miss", "key", key[:12], "why", err)
		c.sayWhyWrittenMiss(t.Node, written, log)
	}
	out, err := c.next.Execute(ctx, t)
	if err != nil {
		return out, err
	}
	if len(written) > 0 {
		// Stored under the files as the run left them: see afterWrites.
		after, err := c.plan.writtenFiles(ctx, t.index, t.With)
		if err != nil {
			log.Warn("not cached: the files it may write", "err", err)
			return out, nil
		}
		ings = afterWrites(ings, written, after)
		key = cachestore.Key(ings)
	}
	if err := c.put(key, ings, t, out); err != nil {
		log.Warn("not cached", "err", err)
	}
	if t.cacheKey != nil {
		*t.cacheKey = key
	}
	return out, nil
}

// sayWhyWrittenMiss says, on a miss of node, which files its last entry's
// run wrote (a model it saved) are gone or changed since: the cause a
// user looks for when a node that came from the cache runs again.
func (c *caching) sayWhyWrittenMiss(node string, written []writtenFile, log *slog.Logger) {
	if len(written) == 0 {
		return
	}
	if _, last, ok := c.store.Last(c.plan.Pipeline.Name, node); ok {
		for _, why := range wroteChanged(last, written) {
			log.Info("cache: " + why + ": running it again")
		}
	}
}

// hit returns the entry of key as outputs, its log copied to logFile,
// masked with this run's secrets (a key may be secret now that was not
// when the entry was made, and a value secret now may be in the log).
func (c *caching) hit(key, logFile string) (*modules.Output, error) {
	e, log, err := c.store.Get(key)
	if err != nil {
		return nil, err
	}
	out, err := entryOutput(e)
	if err != nil {
		return nil, err
	}
	if len(log) > 0 && logFile != "" {
		if err := os.MkdirAll(filepath.Dir(logFile), 0o755); err != nil {
			return nil, err
		}
		if c.mask != nil {
			s := string(log)
			if masked := c.mask.String(s); masked != s {
				log = []byte(masked)
			}
		}
		if err := os.WriteFile(logFile, log, 0o600); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// entryOutput decodes an entry's outputs; undecodable ones are a miss.
func entryOutput(e *cachestore.Entry) (*modules.Output, error) {
	out := &modules.Output{Message: e.Message, CachedFrom: e.Run}
	outputs := []byte(e.Outputs)
	if e.OutputsText != "" {
		outputs = []byte(e.OutputsText)
	}
	if len(outputs) > 0 {
		v, err := modules.DecodeJSON(outputs)
		if err != nil {
			return nil, fmt.Errorf("%w: outputs: %w", cachestore.ErrMiss, err)
		}
		values, ok := v.(map[string]any)
		if !ok && v != nil {
			return nil, fmt.Errorf("%w: outputs are not an object", cachestore.ErrMiss)
		}
		out.Values = values
	}
	return out, nil
}

func (c *caching) put(key string, ings []cachestore.Ingredient, t Task, out *modules.Output) error {
	var outputs []byte
	if len(out.Values) > 0 {
		var err error
		if outputs, err = modules.MarshalPythonJSON(out.Values); err != nil {
			return err
		}
	}
	e := &cachestore.Entry{Key: key, Run: t.Run, Pipeline: c.plan.Pipeline.Name, Node: t.Node,
		Message: out.Message, Outputs: outputs, Ingredients: ings}
	if len(outputs) > 0 && !json.Valid(outputs) { // a NaN or an infinity, as Python writes them
		e.Outputs, e.OutputsText = nil, string(outputs)
	}
	return errors.Join(c.store.Put(e, t.LogFile), c.store.SetLast(e))
}

// cachedReason is the record's reason for a node served from the cache.
func cachedReason(run string) string { return "cached from " + run }

// CacheDir is the node cache's store inside a pipe state directory
// (.pipe): beside the runs, apart from the downloads .pipe/cache holds.
func CacheDir(state string) string { return filepath.Join(state, "cache", "nodes") }

// CachePruned says what PruneCache did: the entries it removed and the
// bytes they took, the entries kept and theirs.
type CachePruned struct {
	Removed, Kept int
	Freed, Bytes  int64
}

// PruneCache bounds the node cache in dir to max bytes, dropping the least
// recently used entries first. It says what it removed and kept.
func PruneCache(dir string, max int64) (CachePruned, error) {
	p, err := cachestore.Open(dir).Prune(max)
	return CachePruned{Removed: p.Removed, Kept: p.Entries, Freed: p.Freed, Bytes: p.Bytes}, err
}
