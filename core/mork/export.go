package mork

import (
	"bufio"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/format"
	"github.com/polyfmt/polyfmt/core/mork/act"
	"github.com/polyfmt/polyfmt/core/mork/expr"
	"github.com/polyfmt/polyfmt/core/mork/paths"
	"github.com/polyfmt/polyfmt/core/mork/symtab"
)

// ExportOptions shape Export's output; nil means the file's own settings
// (its compression, ACT layout and symbol layout) or the defaults.
type ExportOptions struct {
	// Compression of a PATHMAP1 output: "none", "zlib", "lz4", "zstd"
	// ("": the file's own, or zstd).
	Compression string
	// ACTLayout of an ACT output: "pathmap" or "seed" ("": the file's own,
	// or PathMap's).
	ACTLayout string
	// SymbolLayout of a symbol table, alone or in a space: "seed" or
	// "mork" ("": the file's own, or the seed's).
	SymbolLayout string
	// CompressSpace writes a space file's paths as one zstd frame.
	CompressSpace bool
	// NoChecksum leaves the Blake2b-256 footer out of a space or
	// multiplicities file.
	NoChecksum bool
	// Timestamp is a 1.1 space file's timestamp (0: now).
	Timestamp uint64
}

// Text is the pseudo-kind of MeTTa text for Export: one expression per
// line, symbols resolved through the file's symbol table.
const Text Kind = 100

// Export writes the file's content as a container of kind (or as MeTTa
// text, kind Text) to w. The file is not changed.
func (f *File) Export(w io.Writer, kind Kind, o *ExportOptions) error {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if err := f.readable(); err != nil {
		return err
	}
	return f.exportLocked(w, kind, o)
}

func (f *File) exportLocked(w io.Writer, kind Kind, o *ExportOptions) error {
	var opt ExportOptions
	if o != nil {
		opt = *o
	}
	enc := f.enc
	if opt.Compression != "" || opt.ACTLayout != "" || opt.SymbolLayout != "" {
		e, err := parseEncoding(opt.Compression, opt.ACTLayout, opt.SymbolLayout)
		if err != nil {
			return err
		}
		if opt.Compression != "" {
			enc.comp = e.comp
		}
		if opt.ACTLayout != "" {
			enc.act = e.act
		}
		if opt.SymbolLayout != "" {
			enc.sym = e.sym
		}
	}
	if o == nil && f.kind == KindSpace && kind == KindSpace {
		opt.CompressSpace = f.space.Compressed || f.opt.CompressSpace
	}
	set, err := f.fullSet()
	if err != nil {
		return err
	}
	switch kind {
	case Text:
		return f.writeText(w, set)
	case KindSpace:
		if f.kind == KindMult {
			return badArg("a multiplicities file has keys, not expressions: it cannot be a space")
		}
		if err := CheckPaths(set, f.spaceSyms()); err != nil {
			return err
		}
		return WriteSpace(w, &Space{Paths: set, Symbols: f.syms}, &SpaceOptions{NoChecksum: opt.NoChecksum,
			Compress: opt.CompressSpace, Timestamp: opt.Timestamp, SymbolLayout: enc.sym})
	case KindPathMap1:
		return paths.WritePathMap1(w, set, enc.comp)
	case KindPaths:
		return paths.WritePaths(w, set)
	case KindACT:
		wr := act.NewWriter(w, enc.act)
		for i := 0; i < set.Len(); i++ {
			if err := wr.Add(set.Path(i), set.Value(i)); err != nil {
				return err
			}
		}
		return wr.Close()
	case KindSymbols:
		return f.syms.Write(w, enc.sym)
	case KindMult:
		return WriteMult(w, set, &MultOptions{NoChecksum: opt.NoChecksum})
	}
	return badArg("unknown kind %d", kind)
}

// spaceSyms is the table interned symbols resolve through, or nil.
func (f *File) spaceSyms() *symtab.Table {
	if f.interned() {
		return f.syms
	}
	return nil
}

// fullSet is the file's paths as a set: the set itself, or an ACT read in
// place walked into a new one.
func (f *File) fullSet() (*paths.Set, error) {
	if f.tree == nil {
		return f.set, nil
	}
	set := paths.NewSet()
	if err := f.tree.Walk(nil, func(p []byte, v uint64) error {
		set.Add(p, v)
		return nil
	}); err != nil {
		return nil, err
	}
	set.Sort()
	return set, nil
}

// writeText prints every path as MeTTa, one per line. A multiplicities
// file prints "key<TAB>count" lines.
func (f *File) writeText(w io.Writer, set *paths.Set) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var line []byte
	res := f.resolver()
	for i := 0; i < set.Len(); i++ {
		line = line[:0]
		if f.kind == KindMult {
			line = append(line, set.Path(i)...)
			line = append(line, '\t')
			line = strconv.AppendUint(line, set.Value(i), 10)
		} else {
			var err error
			if line, err = expr.AppendText(line, set.Path(i), res); err != nil {
				return errcode.Wrap("mork", errcode.ErrFormat, err, "path %d is not a MORK expression", i)
			}
		}
		line = append(line, '\n')
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// checkPath checks a path added to the file: one MORK expression in a
// space, UTF-8 in a multiplicities file, nothing in a symbol table.
func (f *File) checkPath(p []byte) error {
	switch f.kind {
	case KindSpace:
		if err := expr.Check(p); err != nil {
			return errcode.Wrap("mork", errcode.ErrBadArg, err, "a space holds MORK expressions")
		}
	case KindMult:
		if !utf8.Valid(p) {
			return badArg("a multiplicities key must be UTF-8")
		}
	case KindSymbols:
		return badArg("a symbol table holds symbols, not paths: intern them through Symbols()")
	}
	return nil
}

// exportJSON is the JSON form of ExportOptions (the ABI's).
type exportJSON struct {
	Compression   string `json:"compression"`
	ACTLayout     string `json:"act_layout"`
	SymbolLayout  string `json:"symbol_layout"`
	CompressSpace bool   `json:"compress_space"`
	NoChecksum    bool   `json:"no_checksum"`
	Timestamp     uint64 `json:"timestamp"`
}

// ParseExport reads an export's kind ("metta" for text, or a kind's name)
// and its options' JSON form {"compression", "act_layout",
// "symbol_layout", "compress_space", "no_checksum", "timestamp"}.
func ParseExport(kind string, opts []byte) (Kind, *ExportOptions, error) {
	k, ok := ParseKind(kind)
	if kind == "metta" || kind == "text" {
		k, ok = Text, true
	}
	if !ok {
		return 0, nil, badArg("export kind must be metta, space, pathmap1, paths, act, symbols or mult; got %q", kind)
	}
	var o exportJSON
	if err := format.DecodeStrict("mork", "mork export options", opts, &o); err != nil {
		return 0, nil, err
	}
	if _, err := parseEncoding(o.Compression, o.ACTLayout, o.SymbolLayout); err != nil {
		return 0, nil, err
	}
	return k, &ExportOptions{Compression: o.Compression, ACTLayout: o.ACTLayout, SymbolLayout: o.SymbolLayout,
		CompressSpace: o.CompressSpace, NoChecksum: o.NoChecksum, Timestamp: o.Timestamp}, nil
}

// Intern returns the id of sym in a writable file's symbol table, adding
// it if missing: a symbol table, or a space that is interned or still
// empty (interning its first symbol makes it interned). A space holding
// paths with symbols as written is ErrBadArg: its paths would no longer
// read as they were written.
func (f *File) Intern(sym []byte) (uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.writable(); err != nil {
		return 0, err
	}
	switch {
	case f.kind == KindSymbols, f.interned():
	case f.kind == KindSpace && f.set.Len() == 0:
	case f.kind == KindSpace:
		return 0, badArg("this space stores its symbols as written: interning would change what its %d paths mean", f.set.Len())
	default:
		return 0, badArg("a %s file has no symbol table", f.kind)
	}
	n := f.syms.Len()
	id, err := f.syms.Intern(sym)
	if f.syms.Len() != n {
		f.dirty = true
	}
	return id, err
}
