package mork

import (
	"github.com/polyfmt/polyfmt/core/errcode"
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
	if f.kind == KindSpace {
		return CheckPaths(f.set, f.spaceSyms())
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
