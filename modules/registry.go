package modules

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Registry maps module names to their Info.
type Registry struct {
	mu     sync.RWMutex // guards byName
	byName map[string]*Info
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{byName: map[string]*Info{}} }

// Default is the registry built-in modules add themselves to from init.
var Default = NewRegistry()

// Register adds a module to the Default registry. It panics on a bad or
// duplicate registration: that is a programming error, found at start-up.
func Register(info Info) { Default.Register(info) }

// Register adds a module to r; see the package function.
func (r *Registry) Register(info Info) {
	if info.Name == "" || info.New == nil {
		panic("modules: Register needs a Name and a New function")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.byName[info.Name]; dup {
		panic(fmt.Sprintf("modules: module %q registered twice", info.Name))
	}
	r.byName[info.Name] = &info
}

// Lookup returns the module called name.
func (r *Registry) Lookup(name string) (*Info, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	info, ok := r.byName[name]
	return info, ok
}

// List returns every module, sorted by name.
func (r *Registry) List() []*Info {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]*Info, 0, len(r.byName))
	for _, info := range r.byName {
		out = append(out, info)
	}
	slices.SortFunc(out, func(a, b *Info) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Names returns every module name, sorted.
func (r *Registry) Names() []string {
	infos := r.List()
	names := make([]string, len(infos))
	for i, info := range infos {
		names[i] = info.Name
	}
	return names
}
