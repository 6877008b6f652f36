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
//	Zstd  "Zstd"  one RFC 8878 zstd frame (magic 28 B5 2F FD) with
//	              Frame_Content_Size set and, unless empty, a content
//	              checksum; single-segment up to 8 MiB, above that with an
//	              8 MiB window (so the reference decoder needs no raised
//	              window limit)
//
// # Reading
//
// Decompress is told the uncompressed size by the caller (the directory's
// size, already checked against the caller's limits) and produces exactly that
// many bytes or fails; it never trusts a length from the stream. Corrupt,
// truncated or over-long streams, trailing bytes, and a length other than the
// declared size are all [errcode.ErrFormat], with the codec library's error
// wrapped where it gave one.
//
// Before it allocates, it checks the size against the most the stream could
// expand to, so a tiny stream cannot make it allocate a large buffer: an LZ4
// block expands at most 255:1 and deflate at most 1032:1; a zstd frame is
// walked block header by block header (raw and RLE blocks give their size,
// a compressed block at most 128 KiB), which also finds where the frame ends.
// It then allocates the output once, with no spare capacity. LZ4 and zlib
// stop at the first byte past the size; zstd, which decodes whole blocks,
// after at most one block (128 KiB) past it.
//
// Check runs those same checks alone, for a caller that allocates the
// output itself (straight into host memory, say) and must not allocate for
// a declaration the stream cannot meet.
//
// DecompressTo streams instead: it writes the output to an io.Writer in
// pieces of at most 1 MiB and never holds it, so checking a chunk (Verify)
// costs memory independent of its size: a 64 KiB history for LZ4 (decoded
// by this package's own streaming block decoder, held to accept exactly
// what the block decoder accepts), 32 KiB for deflate, the frame's window
// for zstd, at most 128 MiB (the reference decoder's default limit; frames
// needing more, which Compress never writes, are decoded whole).
//
// # Streams of unknown length
//
// NewZlibReader, NewZstdReader and NewZlibWriter hand out the pooled
// library readers and writers behind the functions above (the zstd decoder
// with DecompressTo's options), for formats whose streams state no size
// (MORK's PATHMAP1 and .paths). They bound nothing: the caller bounds what
// it reads, and classifies the library's errors itself.
//
// What each codec accepts beyond what Compress writes:
//
//	LZ4   any valid block; for size 0 only the one-byte block 00, as in the
//	      reference decoder (an empty block is rejected)
//	Zlib  any level and window size; a preset dictionary is ErrUnsupported
//	Zstd  frames without Frame_Content_Size or checksum, multi-segment frames
//	      (as streaming encoders write them). Not: a second frame, skippable
//	      frames (both count as trailing data), or an empty input; a frame
//	      that needs a dictionary is ErrUnsupported
//
// # Concurrency
//
// Every function is safe for concurrent use. Zstd encoders and decoders run
// with concurrency 1 and start no goroutines (the wasip1 build runs goroutines
// only during a call); they are pooled, so concurrent calls do not queue on
// one instance. Compression is deterministic: the same input, codec, level
// and library version give the same bytes.
package codec
