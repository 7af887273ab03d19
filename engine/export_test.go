package engine

// EncodeRecordFresh encodes rec from its map alone, as a record read back
// is: what EncodeRecord must write whether or not it copies the bytes the
// run's journal kept.
func EncodeRecordFresh(rec *Record) ([]byte, error) {
	cp := *rec
	cp.order = nil
	return EncodeRecord(&cp)
}

// KeptNodes is how many of rec's nodes EncodeRecord would copy from the
// bytes the run's journal kept.
func KeptNodes(rec *Record) int {
	ids, _ := rec.order.nodesOf(rec.Nodes)
	n := 0
	for _, id := range ids {
		if id.span > 0 {
			n++
		}
	}
	return n
}

// PresortNodes is the fewest plan nodes a run sorts by id while it goes on.
const PresortNodes = presortNodes
