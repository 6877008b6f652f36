// Package mork reads and writes the serialization formats of MORK, the
// MeTTa reduction kernel: spaces of MeTTa expressions stored as byte
// paths. The normative spec is docs/spec/mork.md; this comment is its
// summary, and each part's own package documents its bytes:
//
//	core/mork/expr    the expression byte encoding, the MeTTa parser and printer, matching
//	core/mork/paths   path sets, PATHMAP1, PathMap's .paths, the path records
//	core/mork/act     ACTree03, the seed's layout and PathMap's, read in place
//	core/mork/symtab  the symbol table ZIP, the seed's layout and MORK's
//	core/mork         the space file MTTS, multiplicities MTTM, versions, File
//
// # Containers
//
// Every container is a sorted set of paths with u64 values; File opens any
// of them (DetectKind tells them apart by their first bytes) and Export
// writes any of them, or MeTTa text.
//
// Space file (MTTS), all integers little-endian:
//
//	header        16 bytes
//	  [0:4]       "MTTS"
//	  [4]         major version: 1
//	  [5]         minor version: 0 or 1
//	  [6:8]       flags u16: bit 0 checksum footer, bit 1 paths compressed
//	  [8:16]      1.0: reserved, zero; 1.1: timestamp u64, Unix seconds
//	symbol table  u64 length, then that many bytes: a symbol table ZIP
//	paths         u64 count, then per path u32 length and the path bytes
//	              (with bit 1: u64 uncompressed length, then one zstd
//	              frame of the section above)
//	footer        32 bytes, Blake2b-256 of every byte before it (bit 0)
//
// The seed writes its version as one u16 "= 1", which is the bytes 01 00:
// polyfmt reads byte 4 as the major and byte 5 as the minor, so the seed's
// files are version 1.0 and stay readable; polyfmt writes 1.1, whose
// timestamp takes the first reserved bytes as the seed's schema-evolution
// section does. A major other than 1 is ErrUnsupported, naming it; flag
// bits this version does not define are ErrUnsupported too. Migrate (and
// Commit on a file opened writable) turns 1.0 into 1.1.
//
// A space whose symbol table holds symbols is interned: every symbol in
// its paths is stored as an 8-byte id (tag 0xC8 and the id big-endian)
// that the table resolves. A space with an empty table stores symbols as
// written.
//
// Multiplicities (MTTM) share the header (flag bit 0 only) and hold a u64
// count, then per entry a u32 key length, the UTF-8 key and a u64 value,
// then the optional footer. Keys are unique; polyfmt writes them sorted.
//
// # Safety
//
// Every length and count is checked against the bytes that remain and the
// Limits before anything is allocated for it; decompression is bounded by
// the declared size and Limits.Paths.MaxRatio; checksums are checked
// before the content is parsed. An ACT is read in place: open checks its
// header, each lookup bounds-checks the nodes it reads, and Verify walks
// every node once.
package mork
