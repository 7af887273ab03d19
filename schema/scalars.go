package schema

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// scalar decodes a scalar the way YAML resolves it: bool, int, float64,
// string or nil. Timestamps and custom tags stay strings.
func (l *loader) scalar(v *yaml.Node) any {
	switch v.ShortTag() {
	case "!!null":
		return nil
	case "!!bool", "!!int", "!!float":
		var out any
		if err := v.Decode(&out); err == nil {
			switch x := out.(type) {
			case int64:
				return int(x)
			case uint64:
				if x <= math.MaxInt {
					return int(x)
				}
				return float64(x)
			}
			return out
		}
	}
	return v.Value
}

func isNull(v *yaml.Node) bool {
	return v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null"
}

func (l *loader) str(v *yaml.Node, field string) (string, bool) {
	if l.customTag(v) { // module: !mod echo would be echo, the tag dropped
		return "", false
	}
	if v.Kind != yaml.ScalarNode || isNull(v) {
		l.errorf(posOf(v), "", "%s must be a string, not %s", field, kindName(v))
		return "", false
	}
	return v.Value, true
}

func (l *loader) bool(v *yaml.Node, field string) (bool, bool) {
	if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!bool" {
		b, _ := l.scalar(v).(bool)
		return b, true
	}
	l.errorf(posOf(v), orHint(tagHint(v), "write true or false"), "%s must be a bool, not %s", field, kindName(v))
	return false, false
}

func (l *loader) int(v *yaml.Node, field string) (int, bool) {
	if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!int" {
		if n, ok := l.scalar(v).(int); ok {
			return n, true
		}
		l.errorf(posOf(v), "", "%s is out of range", field)
		return 0, false
	}
	if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!float" && strings.Trim(v.Value, "+-0123456789") == "" {
		// Digits alone, too many for an int: YAML reads them as a float.
		l.errorf(posOf(v), "", "%s %s is out of range", field, Quote(v.Value))
		return 0, false
	}
	l.errorf(posOf(v), tagHint(v), "%s must be a whole number, not %s", field, kindName(v))
	return 0, false
}

func (l *loader) duration(v *yaml.Node, field string) (time.Duration, bool) {
	if v.Kind != yaml.ScalarNode || isNull(v) {
		l.errorf(posOf(v), "write a duration such as 30s, 5m or 1h30m", "%s must be a duration, not %s", field, kindName(v))
		return 0, false
	}
	if hint := tagHint(v); hint != "" && strings.HasPrefix(v.ShortTag(), "!!") && v.ShortTag() != "!!str" {
		l.errorf(posOf(v), hint, "%s must be a duration, not %s", field, kindName(v))
		return 0, false
	}
	if v.ShortTag() == "!!int" && strings.HasPrefix(v.Value, "-") {
		// -16s would be refused next: say what is wrong with it now.
		l.errorf(posOf(v), "write a duration such as 30s, 5m or 1h30m", "%s must not be negative", field)
		return 0, false
	}
	if v.ShortTag() == "!!int" && v.Value != "0" {
		n := v.Value
		if isPrefixedInt(n) { // 0x10, 0o17: the seconds are in decimal
			if i, ok := l.scalar(v).(int); ok {
				n = strconv.Itoa(i)
			}
		}
		l.errorf(posOf(v), fmt.Sprintf("write %ss for seconds or %sm for minutes", n, n), "%s %s has no unit", field, Clip(v.Value))
		return 0, false
	}
	d, err := time.ParseDuration(v.Value)
	if err != nil && durationShape.MatchString(v.Value) {
		l.errorf(posOf(v), fmt.Sprintf("at most %dh (about 292 years); leave it out for no limit", int64(time.Duration(1<<63-1)/time.Hour)), "%s %s is too long", field, Quote(v.Value))
		return 0, false
	}
	if err != nil {
		l.errorf(posOf(v), "write a duration such as 30s, 5m or 1h30m (units: ms, s, m, h)", "%s %s is not a duration", field, Quote(v.Value))
		return 0, false
	}
	if d < 0 {
		l.errorf(posOf(v), "", "%s must not be negative", field)
		return 0, false
	}
	return d, true
}

// maxRetries keeps a typo (retries: 1000000) from retrying for days.
const maxRetries = 100

func (l *loader) retries(r *Retry, v *yaml.Node) {
	if v.Kind == yaml.ScalarNode {
		if n, ok := l.int(v, "retries"); ok {
			r.Limit = l.retryLimit(v, n)
		}
		return
	}
	if v.Kind != yaml.MappingNode {
		l.errorf(posOf(v), "write retries: 3 or retries: {limit: 3, backoff: 2s}", "retries must be a number or a mapping, not %s", kindName(v))
		return
	}
	var maxAt, backoffAt *yaml.Node // written, not defaults
	for _, kv := range l.pairs(v, "key") {
		k, val := kv.key, kv.value
		switch k.Value {
		case "limit":
			if n, ok := l.int(val, "retries.limit"); ok {
				r.Limit = l.retryLimit(val, n)
			}
		case "backoff":
			if d, ok := l.duration(val, "retries.backoff"); ok {
				r.Backoff, backoffAt = d, val
			}
		case "max_backoff":
			if d, ok := l.duration(val, "retries.max_backoff"); ok {
				r.MaxBackoff, maxAt = d, val
			}
		case "factor":
			f, ok := l.scalar(val).(float64)
			if n, isInt := l.scalar(val).(int); isInt {
				f, ok = float64(n), true
			}
			if !ok || f < 1 || f > 10 {
				l.errorf(posOf(val), "1 waits the same each time; 2 doubles the wait", "retries.factor must be a number from 1 to 10")
				continue
			}
			r.Factor = f
		default:
			l.unknownKey(k, val, "retries", RetryKeys, nil)
		}
	}
	if r.MaxBackoff < r.Backoff && maxAt != nil && backoffAt == nil {
		r.Backoff = r.MaxBackoff // max_backoff: 500ms alone: no wait is longer
	}
	if r.MaxBackoff < r.Backoff && maxAt != nil {
		l.errorf(posOf(maxAt), "raise max_backoff to "+r.Backoff.String()+" or more, or lower backoff",
			"retries.max_backoff %s is less than backoff %s, the first wait", r.MaxBackoff, r.Backoff)
	}
	if r.MaxBackoff < r.Backoff { // backoff alone, past the default bound: it bounds the waits
		r.MaxBackoff = r.Backoff
	}
}

func (l *loader) retryLimit(v *yaml.Node, n int) int {
	switch {
	case n < 0:
		l.errorf(posOf(v), "0 means no retry", "retries must not be negative")
		return 0
	case n > maxRetries:
		l.errorf(posOf(v), "", "retries must be at most %d", maxRetries)
		return maxRetries
	}
	return n
}

// durationShape matches what time.ParseDuration reads, whatever its size:
// a text of that shape it refuses is too long, not misspelt. (modules'
// twin checks module inputs; the packages share nothing else.)
var durationShape = regexp.MustCompile(`^[-+]?((\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$`)
