package modules

import "log/slog"

// StreamAttr is the attribute that marks a log record as a line a
// module's program printed: its value is "stdout" or "stderr".
const StreamAttr = "stream"

// LineStream returns the stream of a line a program printed, "stdout" or
// "stderr", or "" for a record that is not one.
func LineStream(rec slog.Record) string {
	stream := ""
	rec.Attrs(func(a slog.Attr) bool {
		if a.Key == StreamAttr {
			stream = a.Value.String()
			return false
		}
		return true
	})
	if stream != "stdout" && stream != "stderr" {
		return ""
	}
	return stream
}
