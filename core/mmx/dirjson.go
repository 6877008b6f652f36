package mmx

import (
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/internal/jsonx"
)

// decodeDirectory parses directory JSON strictly (duplicate keys anywhere,
// trailing data and invalid UTF-8 are malformed) without reflection: a
// directory of 10,000 chunks must open in well under 50 ms, and
// encoding/json spent most of that. Unknown keys are skipped (validated),
// so later versions may add fields.
func decodeDirectory(js []byte, maxDepth int) (*dirDoc, error) {
	p := &dparser{b: js, maxDepth: maxDepth}
	doc := &dirDoc{}
	err := p.object(func(key string) error {
		switch key {
		case "version":
			v, err := p.uint()
			doc.Version = uint32(min(v, 1<<32-1))
			return err
		case "generation":
			v, err := p.uint()
			doc.Generation = v
			return err
		case "file":
			return p.identity(&doc.File)
		case "chunks":
			doc.Chunks = map[string]*Entry{}
			return p.object(func(name string) error {
				e := &Entry{}
				if err := p.entry(e); err != nil {
					return fmt.Errorf("chunk %q: %w", name, err)
				}
				doc.Chunks[name] = e
				return nil
			})
		}
		return p.skip(1)
	})
	if err == nil {
		p.ws()
		if p.i != len(p.b) {
			err = p.errf("data after the directory")
		}
	}
	if err != nil {
		return nil, errcode.Wrap("mmx", errcode.ErrFormat, err, "directory JSON")
	}
	return doc, nil
}

type dparser struct {
	b        []byte
	i        int
	maxDepth int
}

func (p *dparser) errf(format string, args ...any) error {
	return fmt.Errorf("at byte %d: %s", p.i, fmt.Sprintf(format, args...))
}

func (p *dparser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *dparser) peek() byte {
	p.ws()
	if p.i < len(p.b) {
		return p.b[p.i]
	}
	return 0
}

func (p *dparser) expect(c byte) error {
	if p.peek() != c {
		return p.errf("want %q", c)
	}
	p.i++
	return nil
}

// object parses {"k": v, …}, calling field for each key with the cursor on
// its value; a key seen twice is an error.
func (p *dparser) object(field func(key string) error) error {
	if err := p.expect('{'); err != nil {
		return err
	}
	// Duplicate check: a short list for the usual small objects, a map
	// once an object has many keys (the chunk table).
	var few [16]string
	seenList := few[:0]
	var seen map[string]struct{}
	if p.peek() == '}' {
		p.i++
		return nil
	}
	for {
		if p.peek() != '"' {
			return p.errf("want a key")
		}
		k, err := p.str()
		if err != nil {
			return err
		}
		dup := false
		if seen != nil {
			_, dup = seen[k]
			seen[k] = struct{}{}
		} else {
			for _, o := range seenList {
				if o == k {
					dup = true
					break
				}
			}
			if seenList = append(seenList, k); len(seenList) == cap(few) {
				seen = make(map[string]struct{}, 64)
				for _, o := range seenList {
					seen[o] = struct{}{}
				}
			}
		}
		if dup {
			return p.errf("duplicate key %q", k)
		}
		if err := p.expect(':'); err != nil {
			return err
		}
		if err := field(k); err != nil {
			return err
		}
		switch p.peek() {
		case ',':
			p.i++
		case '}':
			p.i++
			return nil
		default:
			return p.errf("want ',' or '}'")
		}
	}
}

func (p *dparser) str() (string, error) {
	p.i++ // opening quote, checked by the caller
	start := p.i
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			s := p.b[start:p.i]
			p.i++
			if !utf8.Valid(s) {
				return "", p.errf("string is not UTF-8")
			}
			return string(s), nil
		case c == '\\':
			return p.strSlow(start)
		case c < 0x20:
			return "", p.errf("control character in a string")
		}
		p.i++
	}
	return "", p.errf("unterminated string")
}

// strSlow decodes a string with escapes, from start (just after the quote).
func (p *dparser) strSlow(start int) (string, error) {
	out := append([]byte(nil), p.b[start:p.i]...)
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			if !utf8.Valid(out) {
				return "", p.errf("string is not UTF-8")
			}
			return string(out), nil
		case c < 0x20:
			return "", p.errf("control character in a string")
		case c != '\\':
			out = append(out, c)
			p.i++
			continue
		}
		if p.i+1 >= len(p.b) {
			break
		}
		e := p.b[p.i+1]
		p.i += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
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
			r, ok := p.hex4()
			if !ok {
				return "", p.errf("bad \\u escape")
			}
			if utf16.IsSurrogate(r) {
				if p.i+1 < len(p.b) && p.b[p.i] == '\\' && p.b[p.i+1] == 'u' {
					p.i += 2
					r2, ok := p.hex4()
					if !ok {
						return "", p.errf("bad \\u escape")
					}
					r = utf16.DecodeRune(r, r2)
				} else {
					r = utf8.RuneError
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			return "", p.errf("bad escape \\%c", e)
		}
	}
	return "", p.errf("unterminated string")
}

func (p *dparser) hex4() (rune, bool) {
	if p.i+4 > len(p.b) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(p.b[p.i:p.i+4]), 16, 32)
	p.i += 4
	return rune(v), err == nil
}

// uint parses a non-negative integer without sign, fraction or exponent.
func (p *dparser) uint() (uint64, error) {
	p.ws()
	start := p.i
	var v uint64
	for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
		d := uint64(p.b[p.i] - '0')
		if v > (1<<64-1-d)/10 {
			return 0, p.errf("number overflows 64 bits")
		}
		v = v*10 + d
		p.i++
	}
	n := p.i - start
	if n == 0 || (n > 1 && p.b[start] == '0') {
		return 0, p.errf("want an unsigned integer")
	}
	if p.i < len(p.b) && (p.b[p.i] == '.' || p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		return 0, p.errf("want an unsigned integer")
	}
	return v, nil
}

func (p *dparser) null() bool {
	if p.peek() == 'n' && p.i+4 <= len(p.b) && string(p.b[p.i:p.i+4]) == "null" {
		p.i += 4
		return true
	}
	return false
}

func (p *dparser) optStr() (*string, error) {
	if p.null() {
		return nil, nil
	}
	if p.peek() != '"' {
		return nil, p.errf("want a string or null")
	}
	s, err := p.str()
	return &s, err
}

func (p *dparser) reqStr() (string, error) {
	if p.peek() != '"' {
		return "", p.errf("want a string")
	}
	return p.str()
}

func (p *dparser) identity(id *identity) error {
	return p.object(func(k string) (err error) {
		switch k {
		case "file_id":
			id.FileID, err = p.reqStr()
		case "created":
			id.Created, err = p.reqStr()
		case "creator":
			id.Creator, err = p.reqStr()
		case "model_uuid":
			id.ModelUUID, err = p.optStr()
		default:
			err = p.skip(2)
		}
		return err
	})
}

func (p *dparser) entry(e *Entry) error {
	return p.object(func(k string) (err error) {
		switch k {
		case "name":
			e.Name, err = p.reqStr()
		case "chunk_type":
			var s string
			s, err = p.reqStr()
			e.ChunkType = ChunkType(s)
		case "offset":
			e.Offset, err = p.uint()
		case "size":
			e.Size, err = p.uint()
		case "compression":
			e.Compression, err = p.reqStr()
		case "shape":
			if p.null() {
				return nil
			}
			if err = p.expect('['); err != nil {
				return err
			}
			e.Shape = []uint64{}
			if p.peek() == ']' {
				p.i++
				return nil
			}
			for {
				if len(e.Shape) >= 1024 {
					return p.errf("shape too long")
				}
				v, err := p.uint()
				if err != nil {
					return err
				}
				e.Shape = append(e.Shape, v)
				if p.peek() == ',' {
					p.i++
					continue
				}
				return p.expect(']')
			}
		case "dtype":
			var s *string
			if s, err = p.optStr(); s != nil {
				d := DType(*s)
				e.DType = &d
			}
		case "logical_region":
			e.LogicalRegion, err = p.optStr()
		case "checksum":
			e.Checksum, err = p.reqStr()
		case "checksum_algorithm":
			var s string
			s, err = p.reqStr()
			e.ChecksumAlgorithm = ChecksumAlgorithm(s)
		case "uncompressed_size":
			e.UncompressedSize, err = p.uint()
		case "alignment":
			e.Alignment, err = p.uint()
		case "attributes":
			start := p.i
			if err = p.skip(2); err != nil {
				return err
			}
			raw := p.b[start:p.i]
			if err = jsonx.Valid(raw, p.maxDepth); err == nil {
				err = json.Unmarshal(raw, &e.Attributes)
			}
		default:
			err = p.skip(2)
		}
		return err
	})
}

// skip validates and passes over one value of any kind (unknown fields),
// with depth counted from depth.
func (p *dparser) skip(depth int) error {
	if depth > p.maxDepth {
		return p.errf("nested deeper than %d", p.maxDepth)
	}
	switch c := p.peek(); {
	case c == '{':
		return p.object(func(string) error { return p.skip(depth + 1) })
	case c == '[':
		p.i++
		if p.peek() == ']' {
			p.i++
			return nil
		}
		for {
			if err := p.skip(depth + 1); err != nil {
				return err
			}
			if p.peek() == ',' {
				p.i++
				continue
			}
			return p.expect(']')
		}
	case c == '"':
		_, err := p.str()
		return err
	case c == 't' || c == 'f' || c == 'n':
		for _, w := range []string{"true", "false", "null"} {
			if p.i+len(w) <= len(p.b) && string(p.b[p.i:p.i+len(w)]) == w {
				p.i += len(w)
				return nil
			}
		}
		return p.errf("bad literal")
	case c == '-' || (c >= '0' && c <= '9'):
		start := p.i
		for p.i < len(p.b) && (p.b[p.i] == '-' || p.b[p.i] == '+' || p.b[p.i] == '.' || p.b[p.i] == 'e' || p.b[p.i] == 'E' || (p.b[p.i] >= '0' && p.b[p.i] <= '9')) {
			p.i++
		}
		if !json.Valid(p.b[start:p.i]) {
			return p.errf("bad number")
		}
		return nil
	}
	return p.errf("want a value")
}
