package model

import "slices"

// Teams lists the clubs the file's model knows, sorted.
func (f *File) Teams() []string {
	var out []string
	if f.DixonColes != nil {
		out = append(out, f.DixonColes.Names...)
	}
	if f.Elo != nil {
		for name := range f.Elo.Ratings {
			if !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
