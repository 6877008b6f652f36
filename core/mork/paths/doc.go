// Package paths holds MORK's path sets: Set, the sorted in-memory set of
// paths every MORK container uses, and the two files that store one — the
// seed's PATHMAP1 container and PathMap's .paths file — plus the record
// section that MORK's space file (MTTS) embeds.
//
// A path is a byte string; in MORK, an encoded expression (one tag byte per
// item, pre-order). A space is a byte trie, so paths sort by bytes.
//
// # Record section
//
// All integers little-endian, no alignment.
//
//	records {
//	    count u64                // number of paths
//	    count × {
//	        len  u32             // path length, 0 … 4 GiB−1
//	        path [len]byte
//	    }
//	}
//
// Writers emit the paths sorted by bytes and without duplicates; readers
// accept any order and repetition. Values are not stored.
//
// # PATHMAP1 (the seed's "Paths Format Specification")
//
//	file {
//	    magic       [8]byte  // "PATHMAP1"
//	    major       u8       // 1 } the seed's u16 LE version = 1, read as
//	    minor       u8       // 0 } major.minor: 1.0
//	    compression u16      // 0 none, 1 zlib, 2 lz4, 3 zstd
//	    reserved    [4]byte  // zeros when written; ignored when read
//	    payload     [..]byte // records, compressed as compression says
//	    checksum    [32]byte // Blake2b-256 (unkeyed) of magic … payload
//	}
//
// The payload has no length of its own: it is everything between the
// header and the last 32 bytes. Compressed, it is one zlib stream (RFC
// 1950; written at level 6, the seed's flate2 default), LZ4 frames (the
// frame format the seed's lz4::EncoderBuilder writes; written with 64 KiB
// independent blocks and a content checksum) or zstd frames (RFC 8878;
// written at level 6 with a content checksum). Readers accept concatenated
// LZ4 or zstd frames, linked LZ4 blocks and frames without checksums, and
// nothing after the compressed stream.
//
// Gaps in the seed, decided here: the checksum covers every byte before it
// — header and compressed payload — so a file is verified before anything
// is decompressed; the version's first byte is the major and its second
// the minor (every MORK container in polyfmt reads versions so), a major
// other than 1 is [errcode.ErrUnsupported] naming the version found and
// the one supported, and any minor of major 1 is read; the version is
// checked before the checksum, since another major may place it
// elsewhere; reserved bytes are not checked.
//
// # PathMap .paths
//
//	file = zlib( records without count: { len u32, path [len]byte } … )
//
// One zlib stream (RFC 1950), written by PathMap at level 7, so it starts
// 78 DA ([ZlibMagics] lists the four standard headers); the records run to
// the end of the stream, sorted and deduplicated when PathMap writes them,
// in any order and with repeats when MORK writes .upaths. The empty file is
// 78 DA 03 00 00 00 00 01. The path (foo $x (bar $x)), MORK bytes
// 03 C3 66 6F 6F C0 02 C3 62 61 72 80, is the record
// 0C 00 00 00 03 C3 66 6F 6F C0 02 C3 62 61 72 80.
//
// # Reading untrusted input
//
// Nothing is allocated by a size read from the input before that size is
// checked against [Limits] and the bytes that can back it. Neither file
// declares its uncompressed size, so payloads are decompressed as streams
// and parsed as they come, never held whole; the output is bounded by
// Limits.MaxDecompressed and by Limits.MaxRatio times the compressed size
// ([errcode.ErrLimit]). A count of paths is checked against
// Limits.MaxPaths and against the bytes its records need; a length against
// Limits.MaxPathLen, and where the input's size is known against what
// remains, otherwise by growing the path's buffer only as bytes arrive.
//
// Errors are *errcode.Error values of package "mork" wrapping the
// sentinels: [errcode.ErrFormat] for malformed or truncated input,
// [errcode.ErrChecksum] for a Blake2b, Adler-32, LZ4 or zstd checksum that
// does not match, [errcode.ErrUnsupported] for a later major version, an
// unknown compression or a preset dictionary, [errcode.ErrLimit] for a
// limit, [errcode.ErrBadArg] for a bad argument.
package paths
