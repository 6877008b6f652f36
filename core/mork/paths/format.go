package paths

import (
	"encoding/binary"
	"math"
	"strconv"
)

// pkg names this package in errors: every MORK package reports as "mork".
const pkg = "mork"

// Wire constants of PATHMAP1. They are fixed by the seed's "Paths Format
// Specification" and must not change.
const (
	// Magic is the 8 bytes at offset 0 of a PATHMAP1 file.
	Magic = "PATHMAP1"
	// HeaderSize is the fixed header before the payload.
	HeaderSize = 16
	// ChecksumSize is the Blake2b-256 digest after the payload.
	ChecksumSize = 32
	// VersionMajor and VersionMinor are the version written: u16 LE 1 at
	// offset 8, whose first byte is the major and second the minor. A
	// reader takes any minor of a major it knows.
	VersionMajor = 1
	VersionMinor = 0
	// countSize is the u64 path count that starts a record section.
	countSize = 8
	// lenSize is the u32 length that starts each record.
	lenSize = 4
)

// MaxRecordLen is the longest path a record can hold: its length is a u32.
// [Set.Add] refuses longer paths, so every Set can be written.
const MaxRecordLen = math.MaxUint32

// Compression is the u16 at offset 10 of a PATHMAP1 header: how the payload
// is compressed. The numbers are the seed's and must not change.
type Compression uint16

// The compressions.
const (
	None Compression = 0 // the record section as it is
	Zlib Compression = 1 // one RFC 1950 stream, written at level 6 (78 9C)
	LZ4  Compression = 2 // LZ4 frames (magic 04 22 4D 18), the frame format, not the block format
	Zstd Compression = 3 // zstd frames (RFC 8878), written at level 6
)

var compressionNames = [...]string{None: "none", Zlib: "zlib", LZ4: "lz4", Zstd: "zstd"}

// String returns "none", "zlib", "lz4" or "zstd", or "Compression(n)" for a
// value that is none of these.
func (c Compression) String() string {
	if int(c) < len(compressionNames) {
		return compressionNames[c]
	}
	return "Compression(" + strconv.Itoa(int(c)) + ")"
}

func (c Compression) known() bool { return int(c) < len(compressionNames) }

// Header is what a PATHMAP1 file says about itself: its 16-byte header and
// its checksum.
type Header struct {
	Major, Minor uint8       // version (1.0 when written by this package)
	Compression  Compression // how the payload is compressed
	Reserved     [4]byte     // bytes 12..15 as read; written as zeros
	Checksum     [32]byte    // the Blake2b-256 digest that ends the file
}

// header is the 16-byte PATHMAP1 header.
//
//	off size field
//	  0    8 magic "PATHMAP1"
//	  8    1 version major (1)  } the seed's u16 LE version
//	  9    1 version minor (0)  }
//	 10    2 compression u16 LE
//	 12    4 reserved (zeros on write, ignored on read)
type header [HeaderSize]byte

func (h *header) magic() string            { return string(h[0:8]) }
func (h *header) major() uint8             { return h[8] }
func (h *header) minor() uint8             { return h[9] }
func (h *header) compression() Compression { return Compression(binary.LittleEndian.Uint16(h[10:12])) }
func (h *header) reserved() (r [4]byte)    { copy(r[:], h[12:16]); return r }

func (h *header) setMagic()                     { copy(h[0:8], Magic) }
func (h *header) setVersion(major, minor uint8) { h[8], h[9] = major, minor }
func (h *header) setCompression(c Compression)  { binary.LittleEndian.PutUint16(h[10:12], uint16(c)) }

// ZlibMagics are the two bytes a PathMap .paths file starts with: a zlib
// header (CMF 78: deflate, 32 KiB window) with no preset dictionary, one per
// FLEVEL (78 01 levels 0–1, 78 5E 2–5, 78 9C 6, 78 DA 7–9; PathMap writes
// 78 DA). A format registry matches a file against them; the readers take
// any valid zlib header.
var ZlibMagics = [][2]byte{{0x78, 0x01}, {0x78, 0x5E}, {0x78, 0x9C}, {0x78, 0xDA}}

// pathsLevel is the zlib level of .paths files, as PathMap writes them.
const pathsLevel = 7

// pathMap1ZlibLevel and pathMap1ZstdLevel are the levels of the seed's
// compress_paths: flate2's Compression::default() (6) and zstd level 6.
const (
	pathMap1ZlibLevel = 6
	pathMap1ZstdLevel = 6
)
