package main

import (
	"errors"
	"sort"
	"strconv"
	"strings"
)

// A section of a wasm module: its id, its name (custom sections only) and
// the size of its contents.
type section struct {
	ID   byte
	Name string
	Size int
}

// A defined function: its name from the name section ("" without one) and
// the size of its body in the code section.
type function struct {
	Name string
	Size int
	body []byte // the body's bytes, within the module's buffer
}

// module is what wasmsize reads from a wasm binary.
type module struct {
	Sections  []section
	Functions []function // defined functions, in index order after the imports
}

var sectionNames = [...]string{"custom", "type", "import", "function", "table", "memory",
	"global", "export", "start", "element", "code", "data", "datacount"}

// Label names a section for the table: the custom section's own name, or
// the kind of the others.
func (s section) Label() string {
	if s.ID == 0 {
		return "custom " + s.Name
	}
	if int(s.ID) < len(sectionNames) {
		return sectionNames[s.ID]
	}
	return "section " + strconv.Itoa(int(s.ID))
}

var errTruncated = errors.New("wasm: truncated")

type reader struct {
	b []byte
	i int
}

func (r *reader) byte() (byte, error) {
	if r.i >= len(r.b) {
		return 0, errTruncated
	}
	r.i++
	return r.b[r.i-1], nil
}

// uleb reads an unsigned LEB128 of at most 32 bits.
func (r *reader) uleb() (int, error) {
	var v uint64
	for shift := 0; shift < 35; shift += 7 {
		c, err := r.byte()
		if err != nil {
			return 0, err
		}
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			if v > 1<<32-1 {
				break
			}
			return int(v), nil
		}
	}
	return 0, errors.New("wasm: bad LEB128")
}

// bytes reads a length-prefixed byte string.
func (r *reader) bytes() ([]byte, error) {
	n, err := r.uleb()
	if err != nil {
		return nil, err
	}
	if n > len(r.b)-r.i {
		return nil, errTruncated
	}
	r.i += n
	return r.b[r.i-n : r.i], nil
}

// parseModule reads the sections, the defined functions' body sizes and,
// where the module has a name section, their names.
func parseModule(b []byte) (*module, error) {
	if len(b) < 8 || string(b[:4]) != "\x00asm" {
		return nil, errors.New("wasm: not a wasm module")
	}
	m := &module{}
	imported := 0
	names := map[int]string{}
	r := &reader{b: b, i: 8}
	for r.i < len(b) {
		id, err := r.byte()
		if err != nil {
			return nil, err
		}
		body, err := r.bytes()
		if err != nil {
			return nil, err
		}
		s := section{ID: id, Size: len(body)}
		sr := &reader{b: body}
		switch id {
		case 0:
			name, err := sr.bytes()
			if err != nil {
				return nil, err
			}
			s.Name = string(name)
			if s.Name == "name" {
				if err := readNames(sr, names); err != nil {
					return nil, err
				}
			}
		case 2:
			if imported, err = countImportedFuncs(sr); err != nil {
				return nil, err
			}
		case 10:
			n, err := sr.uleb()
			if err != nil {
				return nil, err
			}
			if n > len(body) {
				return nil, errTruncated
			}
			m.Functions = make([]function, 0, n)
			for range n {
				fb, err := sr.bytes()
				if err != nil {
					return nil, err
				}
				m.Functions = append(m.Functions, function{Size: len(fb), body: fb})
			}
		}
		m.Sections = append(m.Sections, s)
	}
	for i := range m.Functions {
		m.Functions[i].Name = names[imported+i]
	}
	return m, nil
}

// countImportedFuncs counts the function imports, which come first in the
// function index space.
func countImportedFuncs(r *reader) (int, error) {
	n, err := r.uleb()
	if err != nil {
		return 0, err
	}
	funcs := 0
	for range n {
		if _, err := r.bytes(); err != nil { // module
			return 0, err
		}
		if _, err := r.bytes(); err != nil { // field
			return 0, err
		}
		kind, err := r.byte()
		if err != nil {
			return 0, err
		}
		switch kind {
		case 0: // function: type index
			funcs++
			_, err = r.uleb()
		case 1: // table: reftype, limits
			if _, err = r.byte(); err == nil {
				err = r.limits()
			}
		case 2: // memory: limits
			err = r.limits()
		case 3: // global: valtype, mutability
			if _, err = r.byte(); err == nil {
				_, err = r.byte()
			}
		default:
			return 0, errors.New("wasm: unknown import kind " + strconv.Itoa(int(kind)))
		}
		if err != nil {
			return 0, err
		}
	}
	return funcs, nil
}

func (r *reader) limits() error {
	flag, err := r.byte()
	if err != nil {
		return err
	}
	if _, err := r.uleb(); err != nil {
		return err
	}
	if flag&1 != 0 {
		_, err = r.uleb()
	}
	return err
}

// readNames reads the function names (subsection 1) of a name section.
func readNames(r *reader, names map[int]string) error {
	for r.i < len(r.b) {
		sub, err := r.byte()
		if err != nil {
			return err
		}
		body, err := r.bytes()
		if err != nil {
			return err
		}
		if sub != 1 {
			continue
		}
		sr := &reader{b: body}
		n, err := sr.uleb()
		if err != nil {
			return err
		}
		for range n {
			idx, err := sr.uleb()
			if err != nil {
				return err
			}
			name, err := sr.bytes()
			if err != nil {
				return err
			}
			names[idx] = string(name)
		}
	}
	return nil
}

// packageNamer maps the function names of a Go wasm module to import paths.
// The Go linker writes a function's symbol name with each "/" of the
// package path turned into "_" ("encoding_json.Marshal",
// "github.com_klauspost_compress_zstd.(*Encoder).EncodeAll" spelled
// "..._zstd.__Encoder_.EncodeAll"), so a name is matched against the
// linked packages' paths spelled the same way, longest first.
type packageNamer struct {
	mangled []string          // longest first
	path    map[string]string // mangled → import path
}

func newPackageNamer(paths []string) *packageNamer {
	p := &packageNamer{path: map[string]string{}}
	for _, s := range paths {
		m := strings.ReplaceAll(s, "/", "_")
		if _, ok := p.path[m]; !ok {
			p.path[m] = s
			p.mangled = append(p.mangled, m)
		}
	}
	sort.Slice(p.mangled, func(i, j int) bool { return len(p.mangled[i]) > len(p.mangled[j]) })
	return p
}

// Of returns the import path of the package a function belongs to, or a
// bracketed group for what belongs to none: the compiler's generated
// equality and hash functions ("type:.eq.T", spelled "type_.eq.T"), the
// wasm entry points and the linker's helpers.
func (p *packageNamer) Of(name string) string {
	for _, m := range p.mangled {
		if len(name) > len(m) && name[len(m)] == '.' && strings.HasPrefix(name, m) {
			return p.path[m]
		}
	}
	switch {
	case name == "":
		return "[unnamed]"
	case strings.HasPrefix(name, "type_.") || strings.HasPrefix(name, "type:."):
		return "[type equality and hash functions]"
	}
	return "[linker and export entry points]"
}
