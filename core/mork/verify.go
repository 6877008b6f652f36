package mork

import (
	"bytes"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/mork/act"
	"github.com/polyfmt/polyfmt/core/mork/paths"
	"github.com/polyfmt/polyfmt/core/mork/symtab"
)

// Verify checks the committed file whole: every checksum (checked at open
// for the kinds that have one), every structural rule, and, in a space,
// that every path is one MORK expression whose interned symbols resolve.
// An ACT read in place is walked node by node (linear in its size).
func (f *File) Verify() error {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if err := f.readable(); err != nil {
		return err
	}
	if f.tree != nil {
		return f.tree.Verify()
	}
	// Read the committed image again, checksum first: bytes opened
	// read-only are the caller's and may have changed since open.
	switch f.kind {
	case KindSpace:
		s, _, err := ReadSpace(f.data, &f.lim)
		if err != nil {
			return err
		}
		return CheckPaths(s.Paths, interning(s.Symbols))
	case KindMult:
		_, _, err := ReadMult(f.data, &f.lim)
		return err
	case KindPathMap1:
		_, _, err := paths.ReadPathMap1(f.data, &f.lim.Paths)
		return err
	case KindPaths:
		_, err := paths.ReadPaths(bytes.NewReader(f.data), &f.lim.Paths)
		return err
	case KindSymbols:
		_, _, err := symtab.ReadBytes(f.data, &f.lim.Symbols)
		return err
	case KindACT:
		t, err := act.NewTree(f.data, &f.lim.ACT)
		if err != nil {
			return err
		}
		return t.Verify()
	}
	return nil
}

// interning is t when it holds symbols (its space is interned), else nil.
func interning(t *symtab.Table) *symtab.Table {
	if t != nil && t.Len() > 0 {
		return t
	}
	return nil
}

// Migrate returns a space file in the current version (1.1, with
// timestamp ts in Unix seconds, 0 for now): a 1.0 file's symbols, paths,
// flags and symbol layout, unchanged, under a 1.1 header and a new
// checksum. A file already in 1.1 is returned as it is. A version this
// reader does not know is ErrUnsupported.
func Migrate(data []byte, ts uint64, lim *Limits) ([]byte, error) {
	s, h, err := ReadSpace(data, lim)
	if err != nil {
		return nil, err
	}
	if h.Version.Minor >= WriteMinor {
		return data, nil
	}
	return AppendSpace(nil, s, &SpaceOptions{NoChecksum: !h.Checksum, Compress: h.Compressed, Timestamp: ts, SymbolLayout: h.SymbolLayout})
}

// DetectVersion reads the version of a space or multiplicities file
// without reading the rest: ErrFormat for another magic or a short file.
func DetectVersion(data []byte) (Version, error) {
	if len(data) < 6 {
		return Version{}, errcode.At("mork", errcode.ErrFormat, int64(len(data)), "%d bytes are too few for a version", len(data))
	}
	switch string(data[:4]) {
	case SpaceMagic, MultMagic:
		return Version{data[4], data[5]}, nil
	}
	return Version{}, errcode.At("mork", errcode.ErrFormat, 0, "not a space or multiplicities file: magic %q", data[:4])
}

// CanRead reports whether this reader reads version v.
func CanRead(v Version) bool { return v.Major == SupportedMajor }
