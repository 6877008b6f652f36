// Package codec compresses and decompresses MMX chunks.
//
// A chunk is stored with one of four codecs, named in the MMX directory by
// the JSON strings of [Codec.String]. The wire forms below are fixed: files
// written by MorphNet and by every polyfmt release depend on them, so they
// must not change.
//
//	None  "None"  the bytes as they are
//
//	LZ4   "Lz4"   struct {
//	                  size  u32 little-endian  // uncompressed length; must equal the directory's size
//	                  block [..]byte           // one LZ4 block (the block format, not the frame format)
//	              }
//
//	Zlib  "Zlib"  one RFC 1950 stream: 2-byte header (78 9C at the default
//	              level 6), deflate data, 4-byte big-endian Adler-32
//
//	Zstd  "Zstd"  one RFC 8878 zstd frame (magic 28 B5 2F FD), written
//	              single-segment with Frame_Content_Size set and a content
//	              checksum
//
// # Bounds
//
// Decompress is told the uncompressed size by the caller (the directory's
// size, already checked against the caller's limits) and produces exactly that
// many bytes or fails; it never trusts a length from the stream. Before it
// allocates it checks the size against what the stream could at most expand
// to (LZ4 expands at most 255:1, deflate at most 1032:1; a zstd frame must
// declare the same content size when it declares one), so a tiny stream
// cannot make it allocate a large buffer. It then allocates the output once;
// a stream that would run past it is rejected after at most one further zstd
// block (128 KiB) or, for LZ4 and zlib, at the first byte too many. Corrupt,
// truncated or over-long streams, trailing bytes, and a length other than the
// declared size are all [errcode.ErrFormat] with the codec's error wrapped.
//
// # Concurrency
//
// Every function is safe for concurrent use. Zstd encoders and decoders run
// with concurrency 1 and start no goroutines (the wasip1 build runs goroutines
// only during a call); they are pooled, so concurrent calls do not queue on
// one instance. Compression is deterministic: the same input, codec, level
// and library version give the same bytes.
package codec
