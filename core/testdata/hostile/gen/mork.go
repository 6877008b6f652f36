package main

// The MORK part of the corpus: one file per container (docs/spec/mork.md),
// each valid but in its one lie, with its checksums (Blake2b-256 footers,
// ZIP CRC-32s) right so that the parser behind them is reached. Built from
// the wire layout, as the rest of the corpus is, not with core/mork's
// writers.

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/crc32"

	"golang.org/x/crypto/blake2b"

	"github.com/polyfmt/polyfmt/core/internal/hostile"
	corpus "github.com/polyfmt/polyfmt/core/testdata/hostile"
)

// morkCases are the MORK files. Read is "walk every path" (Len, then every
// path and value); the CLI's verbs are inspect -json, verify and convert
// to a space file (.mtts).
func morkCases() []built {
	var out []built
	add := func(name, ext, attacks string, e corpus.Expect, data []byte) {
		c := corpus.Case{Name: name, File: name + ext, Format: "mork", Attacks: attacks, Expect: e}
		out = append(out, built{Case: c, file: c.File, data: data})
	}
	cli := func(inspect, verify, convert int) map[string]int {
		return map[string]int{"inspect": inspect, "verify": verify, "convert": convert}
	}
	refused := func(code string) corpus.Expect { return corpus.Expect{Open: code, CLI: cli(1, 1, 1)} }
	// An ACT is read in place: open checks the header only, and every walk
	// (Len, paths, verify, convert) meets the bad node. inspect -json
	// prints the header and succeeds: its "paths_error" says why the paths
	// cannot be counted (verify is what fails).
	badTree := corpus.Expect{Open: "ok", Read: "PF_EFORMAT", Verify: "PF_EFORMAT", CLI: cli(0, 1, 1)}
	fooBar := []byte{0x03, 0xC3, 'f', 'o', 'o', 0xC0, 0x02, 0xC3, 'b', 'a', 'r', 0x80} // (foo $x (bar $x))

	// ---- path files --------------------------------------------------------
	add("mork_pathmap1_zstd_2gib", ".pathmap",
		"a 66 KB PATHMAP1 (zstd, checksum right) whose frame of RLE blocks decodes to 128 paths of 16 MiB of zeros: 2 GiB of records. "+
			"The payload states no size, so decoding streams and stops at Limits.Paths.MaxRatio (256× the payload, 16 MiB): PF_ELIMIT at open, in bounded memory",
		refused("PF_ELIMIT"), pathmap1(3, hostile.ZstdZeroRecords(128, 16<<20)))
	add("mork_pathmap1_count_2p60", ".pathmap",
		"a stored PATHMAP1 whose record count says 2^60 paths over one 3-byte path: nothing is sized by the count; over Limits.Paths.MaxPaths (2^27): PF_ELIMIT at open",
		refused("PF_ELIMIT"), pathmap1(0, append(binary.LittleEndian.AppendUint64(nil, 1<<60), record([]byte{0xC2, 'h', 'i'})...)))
	add("mork_paths_zlib_bomb_16mib", ".paths",
		"a 17 KB PathMap .paths: one zlib stream of repeated deflate segments inflating to 16 MiB of zero bytes (4 M records of the empty path); "+
			"the stream is stopped at 256× the compressed bytes read: PF_ELIMIT at open",
		refused("PF_ELIMIT"), hostile.ZlibZeros(16))

	// ---- space files -------------------------------------------------------
	empty := morkZip(zipEntry{name: "FileSizes.meta", data: []byte{}})
	{
		b := spaceHead(mttsChecksum)
		b = binary.LittleEndian.AppendUint64(b, 1<<62)
		b = append(b, empty...)
		b = pathsSection(b, fooBar)
		add("mork_space_symtab_len_2p62", ".mtts",
			"a space file (MTTS 1.1, checksum right) whose symbol-table length says 2^62 bytes: checked against the bytes that follow, never allocated: PF_EFORMAT at open",
			refused("PF_EFORMAT"), seal(b))
	}
	{
		zeros := make([]byte, 1<<20)
		bomb := morkZip(zipEntry{name: "SharedMapping_0x00.binary_data", data: zeros, deflate: true, declared: 1 << 30},
			zipEntry{name: "FileSizes.meta", data: morkSizes(0, 1<<30)})
		add("mork_space_symtab_zip_bomb", ".mtts",
			"a space file whose symbol table ZIP has an entry declaring 1 GiB, deflated to 1 KB (1 MiB of zeros): "+
				"refused by the entry's ratio (Limits.Symbols.MaxRatio, 256) before a byte is inflated: PF_ELIMIT at open",
			refused("PF_ELIMIT"), space(bomb, mttsChecksum, fooBar))
	}
	{
		// Interned: the table holds "foo" as id 1; the path's second symbol
		// is id 99, which no entry holds.
		table := morkZip(zipEntry{name: "SharedMapping_0x00.binary_data", data: morkRecord(1, "foo")},
			zipEntry{name: "FileSizes.meta", data: morkSizes(0, 10)})
		p := append([]byte{0x02}, internedSym(1)...)
		p = append(p, internedSym(99)...)
		add("mork_space_ids_nowhere", ".mtts",
			"an interned space (table: id 1 = foo) whose path (foo <id 99>) names an id the table lacks: opens and walks (paths are bytes); "+
				"verify, and convert (which checks every path it writes), resolve every id: PF_EFORMAT, never a lookup out of range",
			corpus.Expect{Open: "ok", Read: "ok", Verify: "PF_EFORMAT", CLI: cli(0, 1, 1)}, space(table, mttsChecksum, p))
	}
	{
		b := spaceHead(mttsChecksum | mttsCompressed)
		b = binary.LittleEndian.AppendUint64(b, uint64(len(empty)))
		b = append(b, empty...)
		raw := pathsSection(nil, fooBar)
		b = binary.LittleEndian.AppendUint64(b, 1<<40)
		b = append(b, hostile.ZstdFrame(7, hostile.ZstdBlock{Data: raw})...)
		add("mork_space_paths_declared_1tib", ".mtts",
			"a space file with compressed paths (flag bit 1) whose section declares 1 TiB uncompressed over a 30-byte zstd frame: "+
				"over Limits.Paths.MaxDecompressed (4 GiB), nothing allocated by the declaration: PF_ELIMIT at open",
			refused("PF_ELIMIT"), seal(b))
	}

	// ---- symbol tables ------------------------------------------------------
	add("mork_symtab_dotdot_name", ".zip",
		"a MORK-layout symbol table ZIP, valid but for one more entry named ../evil (a zip-slip name): every name is checked before any entry is read: PF_EFORMAT at open",
		refused("PF_EFORMAT"), morkZip(zipEntry{name: "SharedMapping_0x00.binary_data", data: morkRecord(1, "alpha")},
			zipEntry{name: "FileSizes.meta", data: morkSizes(0, 12)}, zipEntry{name: "../evil", data: []byte("x")}))
	{
		// The seed layout: str_to_sym.bin maps "a-long-one" to id 9, its
		// pair sym_to_str.bin holds id 77 for it, and metadata.bin claims
		// 77 as the largest id: one id each file points to, the other lacks.
		long9, long77, none := seedMap(seedRecord(9, "a-long-one")), seedMap(seedRecord(77, "a-long-one")), seedMap()
		add("mork_symtab_ids_nowhere", ".zip",
			"a seed-layout symbol table whose str_to_sym.bin maps a symbol to id 9 while sym_to_str.bin has it as id 77: ids that point nowhere in the other file: PF_EFORMAT at open",
			refused("PF_EFORMAT"), seedZip(long9, long77, none, none, 77, 1))
	}

	// ---- ACT -----------------------------------------------------------------
	add("mork_act_pathmap_self_cycle", ".act",
		"a PathMap-layout ACT whose root branch (value 1) has child 'a' at distance 0: the node itself, a cycle (references must point strictly back)",
		badTree, pmACT(16, []byte{0x41, 1, 0, 'a'}))
	add("mork_act_pathmap_offset_range", ".act",
		"a PathMap-layout ACT whose root branch names its child 2^63 bytes back, before the start of the file: every offset is bounds-checked",
		badTree, pmACT(18, []byte{0x40, 7, 0x01, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0x80, 'a'}))
	add("mork_act_seed_child_outside", ".act",
		"a seed-layout ACT (one node) whose root's children offset is +2147483640 (89 478 485 nodes on), 2 GiB past the end of an 88-byte file",
		badTree, seedACT(seedNode(0, 2147483640, 0, 1)))
	add("mork_act_seed_cycle", ".act",
		"a seed-layout ACT of two nodes that are each other's child (root → 'a' → root …): an endless path, stopped by the visit bound (Limits.ACT.MaxVisits: as many nodes as the file holds)",
		badTree, seedACT(seedNode(0, 24, 0, 1), seedNode('a', -24, 0, 1)))

	// ---- multiplicities -------------------------------------------------------
	{
		b := append([]byte("MTTM"), 1, 0)
		b = binary.LittleEndian.AppendUint16(b, mttsChecksum)
		b = append(b, make([]byte, 8)...)
		b = binary.LittleEndian.AppendUint64(b, 1<<60)
		b = binary.LittleEndian.AppendUint32(b, 3)
		b = append(b, "foo"...)
		b = binary.LittleEndian.AppendUint64(b, 1)
		add("mork_mttm_count_2p60", ".mttm",
			"a multiplicities file (MTTM, checksum right) whose entry count says 2^60 over one entry: checked against the bytes that follow: PF_EFORMAT at open",
			refused("PF_EFORMAT"), seal(b))
	}

	// ---- zlib headers ---------------------------------------------------------
	metta := []byte("(= (fact $n) (if (== $n 0) 1 (* $n (fact (- $n 1)))))\n(fact 5)\n")
	add("mork_zlib_metta_garbage", ".metta.z",
		`MeTTa text behind a zlib header (78 9C): a PathMap .paths by its first bytes, but not deflate data: PF_EFORMAT at open`,
		refused("PF_EFORMAT"), append([]byte{0x78, 0x9C}, metta...))
	add("mork_zlib_metta_stream", ".metta.z",
		`a real zlib stream of MeTTa text: a .paths by its header, whose first "record length" is the text "(= (" read as a u32, 677 MB: over Limits.Paths.MaxPathLen, nothing allocated: PF_ELIMIT at open. `+
			`The CLI sees the length is no path record's and leaves the stream to MEM8's JSON import, which convert alone reads: inspect and verify find no format (1), convert fails on the JSON (1)`,
		refused("PF_ELIMIT"), zlibOf(metta))
	return out
}

// ---- containers ----------------------------------------------------------------

const (
	mttsChecksum   = 1 << 0
	mttsCompressed = 1 << 1
	// mttsTime is every space file's 1.1 timestamp (2026-01-01T00:00:00Z).
	mttsTime = 1767225600
)

// spaceHead is a 1.1 space file header.
func spaceHead(flags uint16) []byte {
	b := append([]byte("MTTS"), 1, 1)
	b = binary.LittleEndian.AppendUint16(b, flags)
	return binary.LittleEndian.AppendUint64(b, mttsTime)
}

// space is a 1.1 space file: table, paths, checksum when flags say so.
func space(table []byte, flags uint16, paths ...[]byte) []byte {
	b := spaceHead(flags)
	b = binary.LittleEndian.AppendUint64(b, uint64(len(table)))
	b = append(b, table...)
	b = pathsSection(b, paths...)
	if flags&mttsChecksum != 0 {
		return seal(b)
	}
	return b
}

// seal appends the Blake2b-256 footer of everything before it.
func seal(b []byte) []byte {
	sum := blake2b.Sum256(b)
	return append(b, sum[:]...)
}

// pathsSection appends a u64 count and the records.
func pathsSection(dst []byte, paths ...[]byte) []byte {
	dst = binary.LittleEndian.AppendUint64(dst, uint64(len(paths)))
	for _, p := range paths {
		dst = append(dst, record(p)...)
	}
	return dst
}

func record(p []byte) []byte {
	return append(binary.LittleEndian.AppendUint32(nil, uint32(len(p))), p...)
}

// internedSym is an interned symbol: C8 and the id, 8 bytes big-endian.
func internedSym(id uint64) []byte { return binary.BigEndian.AppendUint64([]byte{0xC8}, id) }

// pathmap1 is a PATHMAP1 1.0 file: header, payload, Blake2b-256 of both.
func pathmap1(comp uint16, payload []byte) []byte {
	b := append([]byte("PATHMAP1"), 1, 0)
	b = binary.LittleEndian.AppendUint16(b, comp)
	b = append(b, 0, 0, 0, 0)
	return seal(append(b, payload...))
}

// pmACT is a PathMap-layout ACT: magic, root offset, the arena from byte
// 16, the 8-byte zero trailer.
func pmACT(root uint64, arena []byte) []byte {
	b := binary.LittleEndian.AppendUint64([]byte("ACTree03"), root)
	return append(append(b, arena...), make([]byte, 8)...)
}

// seedNode is one 24-byte seed-layout node: tag, 3 reserved, i32 children
// offset from the node, u64 value, u64 metadata (bits 0–8 child count).
func seedNode(tag byte, children int32, value, meta uint64) []byte {
	b := []byte{tag, 0, 0, 0}
	b = binary.LittleEndian.AppendUint32(b, uint32(children))
	b = binary.LittleEndian.AppendUint64(b, value)
	return binary.LittleEndian.AppendUint64(b, meta)
}

// seedACT is a seed-layout ACT with a consistent header (root the first
// node, the node count, no values) over nodes.
func seedACT(nodes ...[]byte) []byte {
	b := append([]byte("ACTree03"), 0, 0, 0, 0)
	b = binary.LittleEndian.AppendUint32(b, 3)  // version
	b = binary.LittleEndian.AppendUint32(b, 0)  // flags
	b = binary.LittleEndian.AppendUint64(b, 64) // root offset
	b = binary.LittleEndian.AppendUint64(b, uint64(len(nodes)))
	b = binary.LittleEndian.AppendUint64(b, 0) // values
	b = append(b, make([]byte, 20)...)
	for _, n := range nodes {
		b = append(b, n...)
	}
	return b
}

// ---- symbol table ZIPs -----------------------------------------------------------

type zipEntry struct {
	name     string
	data     []byte
	deflate  bool
	declared uint64 // the uncompressed size declared; 0: the real one
}

// morkZip writes the entries as a ZIP, as given (a lying size, an unsafe
// name), with fixed times and real CRC-32s.
func morkZip(entries ...zipEntry) []byte {
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, e := range entries {
		body := e.data
		h := &zip.FileHeader{Name: e.name, Method: zip.Store, CRC32: crc32.ChecksumIEEE(e.data), UncompressedSize64: uint64(len(e.data))}
		if e.deflate {
			var c bytes.Buffer
			fw, _ := flate.NewWriter(&c, flate.BestCompression)
			fw.Write(e.data)
			fw.Close()
			body, h.Method = c.Bytes(), zip.Deflate
		}
		if e.declared != 0 {
			h.UncompressedSize64 = e.declared
		}
		h.CompressedSize64 = uint64(len(body))
		w, err := zw.CreateRaw(h)
		if err != nil {
			fail(err)
		}
		w.Write(body)
	}
	if err := zw.Close(); err != nil {
		fail(err)
	}
	return out.Bytes()
}

// morkRecord is a MORK-layout record: id bytes 2–7, ^len, the symbol.
func morkRecord(id uint64, s string) []byte {
	b := binary.BigEndian.AppendUint64(nil, id)[2:]
	return append(append(b, ^byte(len(s))), s...)
}

// morkSizes is FileSizes.meta: (slot, size) pairs, u64 big-endian.
func morkSizes(pairs ...uint64) []byte {
	var b []byte
	for _, v := range pairs {
		b = binary.BigEndian.AppendUint64(b, v)
	}
	return b
}

// seedRecord is a seed-layout map record: a one-byte id (0–254), u32
// length, the symbol.
func seedRecord(id byte, s string) []byte {
	return append(binary.LittleEndian.AppendUint32([]byte{id}, uint32(len(s))), s...)
}

// seedMap is a seed-layout map file: the u64 count, the records.
func seedMap(recs ...[]byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(recs)))
	for _, r := range recs {
		b = append(b, r...)
	}
	return b
}

// seedZip is the seed layout's five entries, stored, with metadata.bin
// giving the map sizes, maxID and total.
func seedZip(strToSym, symToStr, shortToSym, symToShort []byte, maxID, total uint64) []byte {
	var meta []byte
	for _, m := range [][]byte{strToSym, symToStr, shortToSym, symToShort} {
		meta = binary.LittleEndian.AppendUint64(meta, uint64(len(m)))
	}
	meta = binary.LittleEndian.AppendUint64(meta, maxID)
	meta = binary.LittleEndian.AppendUint64(meta, total)
	return morkZip(zipEntry{name: "metadata.bin", data: meta}, zipEntry{name: "str_to_sym.bin", data: strToSym},
		zipEntry{name: "sym_to_str.bin", data: symToStr}, zipEntry{name: "short_str_to_sym.bin", data: shortToSym},
		zipEntry{name: "sym_to_short_str.bin", data: symToShort})
}
