package modules

import (
	"fmt"
	"regexp"
	"sync"
	"time"
)

// ParseDuration parses a duration as time.ParseDuration does, with an
// error that says what is wrong: a duration past what pipe can count
// (about 292 years) is too long, not "not a duration".
func ParseDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err == nil {
		return d, nil
	}
	if durationShape().MatchString(s) {
		return 0, fmt.Errorf("%q is too long: at most %dh (about 292 years)", s, int64(time.Duration(1<<63-1)/time.Hour))
	}
	return 0, fmt.Errorf("%q is not a duration (write 30s, 5m or 1h30m)", s)
}

// durationShape matches what time.ParseDuration reads, whatever its size:
// a text of that shape it refuses is too long. (schema's twin checks a
// pipeline's own durations; the packages share nothing else.)
var durationShape = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[-+]?((\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$`)
})
