// Package symtab reads and writes MORK symbol tables: the one-to-one map
// between symbols (byte strings) and the 64-bit ids that interned MORK
// expressions store in their place (tag 0xC8, then 8 id bytes big-endian).
// A table is a ZIP archive in one of two layouts, told apart by its entry
// names; both are read, and a Table writes either.
//
// # Symbol ids
//
// Ids follow MORK's scheme (interning/src/lib.rs): the id's big-endian
// bytes are
//
//	0  0  slot  c  c  c  c  c
//
// bytes 0–1 zero, byte 2 the writer slot 0–127 (its top bit stays clear),
// bytes 3–7 a per-slot counter. Slot 0 counts from 1, because id 0 is
// never a symbol; slot k > 0 counts from k<<40. [Table.Intern] assigns
// slot-0 ids after the largest slot-0 id present, so a fresh table's
// first id is 1. [Table.Add] accepts any non-zero id (the seed layout can
// store any u64); LayoutMORK can only store ids of the scheme.
//
// Symbols are bytes. The seed calls its strings UTF-8, but MORK symbols
// are arbitrary bytes and both layouts carry them unchanged, so neither
// reader checks UTF-8 and any table round-trips through either layout.
//
// # MORK layout
//
// What SharedMapping::serialize writes (trueagi-io/MORK,
// interning/src/serialization.rs) and SharedMapping::deserialize reads.
// Checked against that source:
//
//	SharedMapping_0xNN.binary_data   one per slot that holds symbols; NN is the
//	                                 slot in two upper-case hex digits (00–7F)
//	FileSizes.meta                   written last, after the data entries
//
// Entries are stored (MORK builds the zip crate without deflate, so its
// reader cannot inflate); polyfmt writes them stored and also reads
// deflated ones. MORK marks its data entries large_file (ZIP64 extra
// fields); polyfmt adds ZIP64 fields only where sizes need them, and
// both readers take either. A data entry is a run of records, in id order:
//
//	record
//	  0  [6]byte  id bytes 2–7 (slot, counter); bytes 0–1 are zero and not stored
//	  6  length   n ≤ 127: one byte ^n (bitwise not, so 0x80–0xFF)
//	              n > 127: u64 BE n (top bit clear, so its first byte is 0x00–0x7F)
//	  …  [n]byte  the symbol
//
//	FileSizes.meta: one 16-byte record per data entry, slots ascending
//	  0  u64 BE  slot
//	  8  u64 BE  the data entry's size in bytes
//
// MORK writes no entry for an empty slot, so an empty table is an archive
// with one empty FileSizes.meta. Its reader tells the two length forms
// apart by the top bit of the byte after the id, and stops at an id of six
// zero bytes (its slab's padding); polyfmt reports such a record as
// malformed instead.
//
// Reading checks: FileSizes.meta is a whole number of records, names
// slots 0–127 once each, and lists exactly the data entries present with
// their true sizes; every record is complete, its id non-zero and in its
// entry's slot; no id and no symbol appears twice. A length of 127 or less
// in the 8-byte form is read (its value is unambiguous) but never written.
// An empty data entry listed with size 0 is read as an empty slot (MORK
// never writes one), and a slot's counter may reach 0xFFFFFFFFFF.
//
// # Seed layout
//
// The seed document's ("Symbol Table Format", shared/seeds/003), entries
// compressed with Deflate, stored in this order:
//
//	metadata.bin           six u64 LE (48 bytes)
//	  0  str_to_sym.bin size     (uncompressed bytes)
//	  8  sym_to_str.bin size
//	 16  short_str_to_sym.bin size
//	 24  sym_to_short_str.bin size
//	 32  max symbol id (0 for an empty table)
//	 40  total symbols (long and short)
//	str_to_sym.bin         long strings (more than 7 bytes), by string bytes
//	sym_to_str.bin         the same records, by id
//	short_str_to_sym.bin   short strings (0–7 bytes), by string bytes
//	sym_to_short_str.bin   the same records, by id
//
//	map file
//	  0  u64 LE   entry count
//	  8  records
//	record
//	  id          one byte 0–254, or 0xFF then the id as u64 LE
//	  u32 LE      string length
//	  [n]byte     the string
//
// The seed describes only str_to_sym.bin's records. Decisions on its
// gaps, for a coherent reading: the other three files use the same record;
// each symbol is in exactly one pair of files (short ones in the short
// pair, long ones in the long pair, never both), listed once in each file
// of its pair; the sym_to_* files are in id order and the str_to_* files
// in byte order (what Write produces; the reader accepts any order);
// metadata sizes are the uncompressed sizes. Reading checks that all five
// entries are present, that metadata agrees with the entries' sizes, the
// largest id and the symbol count, that both files of a pair hold the same
// id–string pairs, and that no id and no string appears twice. Id 0 is
// refused (it is never a symbol); an id of 254 or less written in the
// 9-byte form is read but never written.
//
// # Both layouts
//
// An archive is one layout or the other: seed and MORK names never mix,
// and any other entry (a directory, a stray file) is [errcode.ErrFormat]
// rather than ignored, so what is read can be written back whole. Entry
// names that are empty, absolute, carry a drive letter, a backslash or
// "..", or appear twice are malformed whatever the layout.
//
// Reading goes through archive/zip on an io.ReaderAt, bounded by
// [Limits]: the entry count; each entry's declared size against its
// compressed size (MaxRatio: zip bombs) and the archive's size; the total
// declared size; then each entry is read through an io.LimitReader and
// must hold exactly its declared size and CRC-32. A stored entry's buffer
// is its declared size, which cannot exceed the archive; a compressed
// entry's buffer starts near its compressed size and grows with the bytes
// that arrive, never with the size the archive claims. Every count in a
// map file is checked against the bytes left before the table is sized,
// and offsets the archive points outside itself are malformed input; an
// error of the io.ReaderAt itself is returned as it is.
//
// Writing is deterministic: fixed entry order, every modification time
// 1980-01-01 00:00, no extra fields or data descriptors, Deflate at level
// 6 (github.com/klauspost/compress/flate, pinned by go.mod; a new version
// of it may change the seed layout's bytes, never their meaning), so the
// same table always writes the same bytes; the golden files in
// core/testdata/mork/symtab hold them (go test -run Golden -update
// rewrites them).
package symtab
