// Package mmx reads and writes MMX (Multimedia Matrix, .mmx) files: a
// multimodal container of tensors, meshes, sequences, text, embeddings and
// metadata, with journaled atomic commits, crash recovery, streaming
// append and partial reads.
//
// The format is the seed's (shared/seeds/000); docs/spec/mmx.md is the
// normative text with every decision on its gaps. This comment summarizes.
//
// # Layout
//
//	offset 0     header, 4096 bytes: "MMX\0", u32 version 1, u32 json_len,
//	             header JSON, zero padding, u32 CRC-32 at 4092
//	4096 …       chunks (each at a multiple of its alignment, 64 by default)
//	             and directory records, in the order they were written
//	end          the newest directory record, whose last 16 bytes are its own
//	             offset (u64) and "MMXTAIL\0"
//
// A directory record is "MMXD", u32 1, u64 generation, u64 json_len, the
// directory JSON, SHA-256 of all that, then the 16-byte trailer. The JSON
// is the seed's: {"version", "generation", "file", "chunks": {name: entry}},
// an entry carrying name, chunk_type, offset, size, compression, shape,
// dtype, logical_region and checksum (of the stored bytes), plus
// uncompressed_size, alignment, attributes and checksum_algorithm.
//
// # Chunk checksums
//
// An entry's checksum_algorithm names its checksum: absent is SHA-256 (the
// seed's, every file written before the field, MorphNet's), "blake3" is
// BLAKE3-256, "crc32c" CRC-32C; other names are ErrUnsupported at open.
// Writers default to CRC-32C, an error-detecting code as file systems use
// for the same purpose, at a tenth of BLAKE3's cost (Options.Checksum:
// ChecksumSHA256 writes the seed's, omitting the field; ChecksumBLAKE3 a
// cryptographic hash, lukechampine.com/blake3 as in VSF). A chunk is checked on writes (beside the
// pwrite), first reads and Verify, which also checks several chunks at
// once. A first read does not hash again a chunk an earlier open in the
// process verified while the file is unchanged and the chunk's pages are
// in memory (VerifyOnRead).
//
// # Commits
//
// Writes append chunk bytes to the end of the file and are invisible until
// Commit, which syncs them, appends a complete new directory, syncs, and
// rewrites the header (a cache of the newest directory's summary). On
// Linux a durable writer starts each large chunk's disk write as soon as
// it is written (sync_file_range), so the commit's sync mostly waits for
// writes already under way; Create syncs the new file's directory. Open
// takes the directory the file ends with; after a crash it scans back for
// the newest record whose SHA-256 holds, so a torn tail loses only the
// commit that was cut short; candidates are checked cheaply before they
// are hashed, and the bytes recovery reads are bounded by a multiple of the
// tail it examines (a tail of crafted candidates is ErrFormat). Rollback
// drops the open transaction. Compact rewrites the file with the directory
// right after the header, beside it, and renames it over it; Commit does so
// on its own when dead bytes exceed Options.AutoCompactMinDead (64 MiB) and
// AutoCompactRatio (1.0) × the live bytes.
//
// # Payloads
//
// Tensor and Embedding chunks hold the raw array (little-endian, row-major;
// dtype and shape in the entry), so a raw chunk can be viewed in place in a
// memory-mapped file. Text, Sequence and Meta hold one JSON object; Mesh a
// 48-byte head and its arrays. Chunks may be compressed with LZ4, zlib or
// zstd; every decompression is bounded by the entry's uncompressed_size,
// which is checked (Limits: MaxChunkBytes, MaxRatio, MaxJSONBytes) before
// anything is allocated for it. ReadChunkInto and ReadFlatInto decompress
// into caller-provided memory. Verify streams: its memory does not grow
// with chunk size.
//
// Files written by MorphNet (bincode directory trailer) open read-only.
package mmx
