package expr

import (
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// endless yields head, then body repeated forever, counting what it gave.
type endless struct {
	head, body string
	i          int
	read       int64
}

func (e *endless) Read(b []byte) (int, error) {
	n := 0
	for n < len(b) {
		var c byte
		if e.i < len(e.head) {
			c = e.head[e.i]
		} else {
			c = e.body[(e.i-len(e.head))%len(e.body)]
		}
		b[n] = c
		n++
		e.i++
	}
	e.read += int64(n)
	return n, nil
}

// TestHostileEndlessInput: text that never ends the token or expression
// it started stops with ErrLimit after a bounded read, whatever the
// shape. (An unbounded parser would never return.)
func TestHostileEndlessInput(t *testing.T) {
	m := newMapInterner()
	for _, c := range []struct {
		name, head, body string
		opts             *Options
		line, col        int
		msg              string
	}{
		{"bare symbol", "", "a", nil, 1, 1, "longer than 63"},
		{"symbol in a list", "(x ", "a", nil, 1, 4, "longer than 63"},
		{"interned symbol", "", "a", &Options{Interner: m}, 1, 1, "MaxTokenBytes"},
		{"string", `"`, "a", nil, 1, 1, "longer than 63"},
		{"string of newlines", `(x "`, "\n", nil, 1, 4, "longer than 63"},
		{"escaped symbol", `#"`, `\x41`, nil, 1, 1, "longer than 63"},
		{"variable name", "$", "v", nil, 1, 1, "MaxTokenBytes"},
		{"nesting", "", "(", nil, 1, 257, "MaxDepth"},
		{"items", "(", "a ", nil, 1, 128, "more than 63 items"},
		{"expression size", "(", strings.Repeat("x", 60) + " ", &Options{Limits: &Limits{MaxExprBytes: 1000}}, 1, 1 + 16*61 + 1, "MaxExprBytes"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := &endless{head: c.head, body: c.body}
			_, err := NewParser(r, c.opts).Next()
			wantErr(t, err, errcode.Limit, c.line, c.col)
			if !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("%v: want %q", err, c.msg)
			}
			if r.read > 4*bufSize {
				t.Fatalf("read %d bytes before giving up", r.read)
			}
		})
	}
}
