package jsonx

import (
	"bytes"
	"unicode/utf8"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// linearKeys is how many keys an object holds before its duplicate check
// switches from a linear scan to a map.
const linearKeys = 16

// maxKeyInError bounds how much of a duplicate key an error message quotes.
const maxKeyInError = 64

// Valid reports whether data is one strict JSON value (see the package
// documentation), nested at most maxDepth deep (DefaultMaxDepth if
// maxDepth <= 0). A violation is an *errcode.Error whose Offset is where it
// starts, such as the opening quote of a duplicate key; its kind is
// [errcode.ErrFormat], or [errcode.ErrLimit] for too deep a nesting. Valid
// makes one pass; it allocates a stack of open containers with their key
// lists (reused from one object to the next), a map for each object with more
// than 16 keys, and a copy of each key that contains escapes.
func Valid(data []byte, maxDepth int) error {
	if maxDepth <= 0 {
		maxDepth = DefaultMaxDepth
	}
	s := scanner{data: data, max: maxDepth}
	return s.run()
}

// scanner is a one-pass validator. stack holds one level per open container;
// levels are reused, with their key lists, as containers open and close.
type scanner struct {
	data  []byte
	i     int
	max   int
	depth int
	stack []level
}

type level struct {
	obj  bool
	keys [][]byte            // the keys seen, unescaped (slices of data when they had no escapes)
	set  map[string]struct{} // used instead of keys once there are more than linearKeys
	big  bool
}

func (s *scanner) fail(off int, format string, args ...any) error {
	return errcode.At(pkg, errcode.ErrFormat, int64(off), format, args...)
}

// unexpected describes the byte at s.i, or the end of input.
func (s *scanner) unexpected(want string) error {
	if s.i >= len(s.data) {
		return s.fail(s.i, "unexpected end of input, want %s", want)
	}
	c := s.data[s.i]
	if c < utf8.RuneSelf {
		return s.fail(s.i, "unexpected %q, want %s", c, want)
	}
	if r, n := utf8.DecodeRune(s.data[s.i:]); r != utf8.RuneError || n > 1 {
		return s.fail(s.i, "unexpected %q, want %s", r, want)
	}
	return s.fail(s.i, "invalid UTF-8 byte %#02x, want %s", c, want)
}

func (s *scanner) ws() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) run() error {
	d := s.data
	if bytes.HasPrefix(d, []byte("\xef\xbb\xbf")) {
		return s.fail(0, "byte order mark")
	}
value:
	for {
		s.ws()
		if s.i >= len(d) {
			return s.unexpected("a value")
		}
		switch c := d[s.i]; c {
		case '{', '[':
			if err := s.push(c == '{'); err != nil {
				return err
			}
			s.i++
			s.ws()
			if s.i < len(d) && d[s.i] == c+2 { // '}' or ']'
				s.i++
				s.depth--
				break
			}
			if c == '{' {
				if err := s.key(); err != nil {
					return err
				}
			}
			continue value
		case '"':
			if _, _, err := s.str(); err != nil {
				return err
			}
		case 't':
			if err := s.literal("true"); err != nil {
				return err
			}
		case 'f':
			if err := s.literal("false"); err != nil {
				return err
			}
		case 'n':
			if err := s.literal("null"); err != nil {
				return err
			}
		default:
			if c == '-' || c >= '0' && c <= '9' {
				if err := s.number(); err != nil {
					return err
				}
				break
			}
			return s.unexpected("a value")
		}
		// After a value: close containers, or a comma and the next value.
		for {
			s.ws()
			if s.depth == 0 {
				if s.i < len(d) {
					return s.fail(s.i, "data after the value")
				}
				return nil
			}
			top := &s.stack[s.depth-1]
			if s.i < len(d) {
				switch d[s.i] {
				case ',':
					s.i++
					if top.obj {
						s.ws()
						if err := s.key(); err != nil {
							return err
						}
					}
					continue value
				case '}', ']':
					if (d[s.i] == '}') == top.obj {
						s.i++
						s.depth--
						continue
					}
				}
			}
			if top.obj {
				return s.unexpected(`',' or '}'`)
			}
			return s.unexpected(`',' or ']'`)
		}
	}
}

func (s *scanner) push(obj bool) error {
	if s.depth >= s.max {
		return errcode.At(pkg, errcode.ErrLimit, int64(s.i), "nesting deeper than %d", s.max)
	}
	if s.depth == len(s.stack) {
		s.stack = append(s.stack, level{})
	}
	lv := &s.stack[s.depth]
	lv.obj = obj
	if obj {
		lv.keys = lv.keys[:0]
		if lv.big {
			clear(lv.set)
			lv.big = false
		}
	}
	s.depth++
	return nil
}

// key reads an object key, checks it is new in its object, and reads the
// colon after it.
func (s *scanner) key() error {
	if s.i >= len(s.data) || s.data[s.i] != '"' {
		return s.unexpected("an object key")
	}
	at := s.i
	k, escaped, err := s.str()
	if err != nil {
		return err
	}
	if escaped {
		k = unescape(k)
	}
	lv := &s.stack[s.depth-1]
	if lv.big {
		if _, dup := lv.set[string(k)]; dup {
			return s.duplicate(at, k)
		}
		lv.set[string(k)] = struct{}{}
	} else {
		for _, o := range lv.keys {
			if bytes.Equal(o, k) {
				return s.duplicate(at, k)
			}
		}
		lv.keys = append(lv.keys, k)
		if len(lv.keys) > linearKeys {
			if lv.set == nil {
				lv.set = make(map[string]struct{}, 2*linearKeys)
			}
			for _, o := range lv.keys {
				lv.set[string(o)] = struct{}{}
			}
			lv.keys = lv.keys[:0]
			lv.big = true
		}
	}
	s.ws()
	if s.i >= len(s.data) || s.data[s.i] != ':' {
		return s.unexpected("':'")
	}
	s.i++
	return nil
}

func (s *scanner) duplicate(at int, k []byte) error {
	q := k
	more := ""
	if len(q) > maxKeyInError {
		q = q[:maxKeyInError]
		for len(q) > 0 && !utf8.Valid(q) { // do not cut a character
			q = q[:len(q)-1]
		}
		more = "…"
	}
	return s.fail(at, "duplicate key %q%s", q, more)
}

// plain marks the string bytes that need no attention: printable ASCII other
// than '"' and '\\'.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// str reads a string at s.i (its opening quote) and returns its raw content
// and whether that holds escapes. It checks escapes, surrogate pairs, control
// characters and UTF-8.
func (s *scanner) str() (raw []byte, escaped bool, err error) {
	d := s.data
	start := s.i + 1
	i := start
	for {
		for i < len(d) && plain[d[i]] {
			i++
		}
		if i >= len(d) {
			return nil, false, s.fail(s.i, "unterminated string")
		}
		switch c := d[i]; {
		case c == '"':
			s.i = i + 1
			return d[start:i], escaped, nil
		case c == '\\':
			escaped = true
			n, err := s.escape(i)
			if err != nil {
				return nil, false, err
			}
			i += n
		case c < 0x20:
			return nil, false, s.fail(i, "control character %#02x in string", c)
		default:
			r, n := utf8.DecodeRune(d[i:])
			if r == utf8.RuneError && n <= 1 {
				return nil, false, s.fail(i, "invalid UTF-8 byte %#02x in string", c)
			}
			i += n
		}
	}
}

// escape checks the escape sequence at d[i] ('\\') and returns its length.
func (s *scanner) escape(i int) (int, error) {
	d := s.data
	if i+1 >= len(d) {
		return 0, s.fail(i, "unterminated string")
	}
	switch d[i+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2, nil
	case 'u':
		r, ok := hex4(d[i+2:])
		if !ok {
			return 0, s.fail(i, "invalid \\u escape")
		}
		switch {
		case r >= 0xdc00 && r <= 0xdfff:
			return 0, s.fail(i, "lone low surrogate \\u%04x", r)
		case r >= 0xd800 && r <= 0xdbff:
			if i+7 < len(d) && d[i+6] == '\\' && d[i+7] == 'u' {
				if lo, ok := hex4(d[i+8:]); ok && lo >= 0xdc00 && lo <= 0xdfff {
					return 12, nil
				}
			}
			return 0, s.fail(i, "lone high surrogate \\u%04x", r)
		}
		return 6, nil
	}
	return 0, s.fail(i, "invalid escape \\%c", d[i+1])
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// unescape decodes the content of a string that str accepted.
func unescape(raw []byte) []byte {
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' {
			out = append(out, c)
			i++
			continue
		}
		switch raw[i+1] {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, _ := hex4(raw[i+2:])
			if r >= 0xd800 && r <= 0xdbff {
				lo, _ := hex4(raw[i+8:])
				r = 0x10000 + (r-0xd800)<<10 + (lo - 0xdc00)
				i += 6
			}
			out = utf8.AppendRune(out, r)
			i += 6
			continue
		default: // '"', '\\', '/'
			out = append(out, raw[i+1])
		}
		i += 2
	}
	return out
}

func (s *scanner) literal(lit string) error {
	if !bytes.HasPrefix(s.data[s.i:], []byte(lit)) {
		return s.unexpected("a value")
	}
	s.i += len(lit)
	return nil
}

// number reads -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *scanner) number() error {
	d := s.data
	i := s.i
	if d[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
			n++
		}
		return n
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case digits() == 0:
		s.i = i
		return s.unexpected("a digit")
	}
	if i < len(d) && d[i] == '.' {
		i++
		if digits() == 0 {
			s.i = i
			return s.unexpected("a digit after '.'")
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if digits() == 0 {
			s.i = i
			return s.unexpected("a digit in the exponent")
		}
	}
	s.i = i
	return nil
}
