package jsonx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// directory is an MMX-like directory of n chunk entries, about 105 bytes
// each (10,000 entries is about 1 MiB).
func directory(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"format":"polyfmt.mmx.v1","chunks":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"name":"layer.%d.weight","dtype":"F32","shape":[%d,64],"offset":%d,"size":%d,"codec":"Zstd"}`,
			i, 16+i%100, i*4096, 4096+i%7)
	}
	b.WriteString(`],"meta":{"created_by":"polyfmt","note":"caf\u00e9"}}`)
	return []byte(b.String())
}

// tokenValid is a reference validator built on encoding/json's Decoder.Token:
// the same rules as Valid, except that Token turns lone surrogates into
// U+FFFD rather than rejecting them. The tests compare against it, and
// BenchmarkValid measures it.
func tokenValid(data []byte, maxDepth int) error {
	if !utf8.Valid(data) {
		return errors.New("invalid UTF-8")
	}
	type frame struct {
		obj       bool
		expectKey bool
		keys      map[string]struct{}
	}
	var stack []*frame
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // 1e400 is valid JSON
	done := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			if !done {
				return io.ErrUnexpectedEOF
			}
			return nil
		}
		if err != nil {
			return err
		}
		if done {
			return errors.New("data after the value")
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.obj && top.expectKey {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:len(stack)-1]
			} else {
				k := tok.(string)
				if _, dup := top.keys[k]; dup {
					return fmt.Errorf("duplicate key %q", k)
				}
				top.keys[k] = struct{}{}
				top.expectKey = false
				continue
			}
		} else if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				if len(stack) >= maxDepth {
					return errors.New("too deep")
				}
				stack = append(stack, &frame{obj: d == '{', expectKey: d == '{', keys: map[string]struct{}{}})
				continue
			default:
				stack = stack[:len(stack)-1]
			}
		}
		// A value (scalar or closed container) is complete.
		if len(stack) == 0 {
			done = true
		} else if t := stack[len(stack)-1]; t.obj {
			t.expectKey = true
		}
	}
}

// hasSurrogateEscape reports whether data has a \uD800-\uDFFF escape.
func hasSurrogateEscape(data []byte) bool {
	for i := 0; i+3 < len(data); i++ {
		if data[i] == '\\' && data[i+1] == 'u' && (data[i+2] == 'd' || data[i+2] == 'D') {
			switch data[i+3] {
			case '8', '9', 'a', 'b', 'c', 'd', 'e', 'f', 'A', 'B', 'C', 'D', 'E', 'F':
				return true
			}
		}
	}
	return false
}
