package mork

import (
	"encoding/binary"
	"fmt"

	"github.com/polyfmt/polyfmt/core/mork/act"
	"github.com/polyfmt/polyfmt/core/mork/paths"
	"github.com/polyfmt/polyfmt/core/mork/symtab"
)

// Wire constants. None of them may change: files in the wild carry them.
const (
	// SpaceMagic opens a space file (4 bytes at offset 0).
	SpaceMagic = "MTTS"
	// MultMagic opens a multiplicities file (4 bytes at offset 0).
	MultMagic = "MTTM"
	// HeaderSize is the size of the space and multiplicities headers.
	HeaderSize = 16
	// ChecksumSize is the size of the Blake2b-256 footer.
	ChecksumSize = 32

	// FlagChecksum (bit 0 of the header's flags) says a Blake2b-256 footer
	// of everything before it ends the file.
	FlagChecksum = 1 << 0
	// FlagCompressed (bit 1, space files only) says the paths section is
	// one zstd frame, preceded by its uncompressed length (u64 LE).
	FlagCompressed = 1 << 1
	// knownFlags are the bits this version defines; others are refused.
	knownFlags = FlagChecksum | FlagCompressed
)

// The version polyfmt reads (every minor of SupportedMajor) and writes.
const (
	SupportedMajor = 1
	// WriteMinor is the minor version written: 1.1 keeps a timestamp in
	// the header's first 8 reserved bytes.
	WriteMinor = 1
)

// Kind is the container a File holds.
type Kind int

// The containers of MORK.
const (
	// KindSpace is the space file, MTTS: symbol table, paths, checksum.
	KindSpace Kind = iota + 1
	// KindPathMap1 is the seed's compressed path file, PATHMAP1.
	KindPathMap1
	// KindPaths is PathMap's .paths: one zlib stream of paths.
	KindPaths
	// KindACT is an ArenaCompactTree (ACTree03), in the seed's layout or
	// PathMap's: paths with u64 values, read in place.
	KindACT
	// KindSymbols is a symbol table ZIP alone (the seed's layout or MORK's).
	KindSymbols
	// KindMult is a multiplicities file, MTTM: UTF-8 keys with u64 counts.
	KindMult
)

var kindNames = map[Kind]string{KindSpace: "space", KindPathMap1: "pathmap1", KindPaths: "paths",
	KindACT: "act", KindSymbols: "symbols", KindMult: "mult"}

// String is the kind's name on the ABI and the command line: "space",
// "pathmap1", "paths", "act", "symbols", "mult".
func (k Kind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return "unknown"
}

// ParseKind reads a kind's name (as String writes it; "mtts" and "mttm"
// are accepted too).
func ParseKind(s string) (Kind, bool) {
	switch s {
	case "mtts":
		return KindSpace, true
	case "mttm":
		return KindMult, true
	}
	for k, n := range kindNames {
		if n == s {
			return k, true
		}
	}
	return 0, false
}

// Extension is the usual file-name extension of a kind.
func (k Kind) Extension() string {
	switch k {
	case KindSpace:
		return ".mtts"
	case KindPathMap1:
		return ".pathmap"
	case KindPaths:
		return ".paths"
	case KindACT:
		return ".act"
	case KindSymbols:
		return ".zip"
	case KindMult:
		return ".mttm"
	}
	return ""
}

// Magics are the leading bytes of every MORK container, for the format
// registry: MTTS, MTTM, PATHMAP1, ACTree03, a ZIP's local header, and the
// zlib headers a .paths file starts with.
func Magics() [][]byte {
	m := [][]byte{[]byte(SpaceMagic), []byte(MultMagic), []byte(paths.Magic), []byte(act.Magic), symtab.Magic}
	for _, z := range paths.ZlibMagics {
		m = append(m, z[:])
	}
	return m
}

// DetectKind tells a container by its first bytes (16 are enough).
func DetectKind(head []byte) (Kind, bool) {
	has := func(m string) bool { return len(head) >= len(m) && string(head[:len(m)]) == m }
	switch {
	case has(SpaceMagic):
		return KindSpace, true
	case has(MultMagic):
		return KindMult, true
	case has(paths.Magic):
		return KindPathMap1, true
	case has(act.Magic):
		return KindACT, true
	case has(string(symtab.Magic)):
		return KindSymbols, true
	}
	for _, z := range paths.ZlibMagics {
		if has(string(z[:])) {
			return KindPaths, true
		}
	}
	return 0, false
}

// header is the 16-byte header of a space or multiplicities file:
//
//	[0:4]   magic ("MTTS" or "MTTM")
//	[4]     major version (1)
//	[5]     minor version (0 or 1)
//	[6:8]   flags, u16 LE (FlagChecksum, FlagCompressed)
//	[8:16]  version 1.0: reserved; 1.1: timestamp, u64 LE, Unix seconds
//
// The seed writes the version as one u16 LE "= 1": the bytes 01 00, which
// this reading calls 1.0, so every file the seed describes reads the same.
type header [HeaderSize]byte

func (h *header) magic() string         { return string(h[0:4]) }
func (h *header) major() uint8          { return h[4] }
func (h *header) minor() uint8          { return h[5] }
func (h *header) flags() uint16         { return binary.LittleEndian.Uint16(h[6:8]) }
func (h *header) timestamp() uint64     { return binary.LittleEndian.Uint64(h[8:16]) }
func (h *header) setFlags(f uint16)     { binary.LittleEndian.PutUint16(h[6:8], f) }
func (h *header) setTime(t uint64)      { binary.LittleEndian.PutUint64(h[8:16], t) }
func (h *header) setVersion(a, b uint8) { h[4], h[5] = a, b }

// Version is a container's version, MAJOR.MINOR.
type Version struct {
	Major, Minor uint8
}

func (v Version) String() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }
