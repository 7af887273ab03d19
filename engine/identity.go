package engine

// inspect asks the node's module what its target declares about itself
// (modules.Info.Inspect), from the inputs that hold no ${{ }}: a Python
// file that declares itself dangerous makes its node dangerous before any
// of its code runs, and the dangerous gate holds it like any other.
func (c *compiler) inspect(pn *planNode) {
	if pn.info.Inspect == nil || c.dir == "" {
		return
	}
	with := make(map[string]any, len(pn.With))
	for _, in := range pn.With {
		if len(in.Templates) == 0 {
			with[in.Key] = in.Value
		}
	}
	id := pn.info.Inspect(with, c.dir)
	if id.Dangerous {
		pn.dangerous = true
		pn.declared = id.Why
	}
}
