// Package mem8 reads and writes MEM8 (.m8) files: an append-only log of
// fixed 4096-byte memory blocks with wave signatures, importance, tokens and
// hash chaining.
//
// The format is the one written by mem8_binary.rs (the seed,
// shared/seeds/001): polyfmt opens every file the seed code writes, and the
// seed code opens every file polyfmt writes. The normative text, with every
// decision on the seed's gaps, is docs/spec/mem8.md; this comment is its
// summary.
//
// # Layout
//
// All integers little-endian, no alignment. A file is a 30-byte header
// followed by n blocks of exactly 4096 bytes (block i at 30 + i·4096), so its
// size is 30 + n·4096.
//
//	header (30 bytes)
//	  0  [4]byte  magic "MEM8"
//	  4  u8       version = 1
//	  5  u8       flags (FlagHashChain | FlagHeaderCRC | FlagTokens; 0 in seed files)
//	  6  u32      block_count
//	 10  f64      identity_freq (440.0 unless set)
//	 18  f64      temporal_phase
//	 26  u32      crc32: CRC-32/IEEE of bytes 0..26 when FlagHeaderCRC, else 0
//
//	block (4096 bytes)
//	  0  u64      index (= i)
//	  8  [16]byte wave_signature = SHA-256(content ‖ identity_freq f64 LE)[0:16]
//	 24  u64      timestamp, microseconds since the Unix epoch
//	 32  u16      importance = (f32 importance × 65535.0) truncated, saturating, NaN → 0
//	 34  u16      token_id (0 = none; seed reserved ids 0x80…0x93, 0xFFFE, 0xFFFF; dynamic from 0x100)
//	 36  [32]byte prev_hash: ChainDigest of block i-1 when FlagHashChain (zeros for block 0), else zeros
//	              (SHA-256 of its 4096 bytes with trailing zero bytes removed)
//	 68  u32      content_len ≤ 4024
//	 72  [..]byte content, then zero padding to 4096
//
// With FlagTokens, the first block that uses a dynamic token id carries the
// token's definition in its last 3+L bytes: the token's UTF-8 bytes (L of
// them, 1 ≤ L ≤ 255), the id as u16, then L as u8. Dynamic ids are assigned
// in order from 0x100, so replaying the blocks rebuilds the same map.
//
// # Writing
//
// An append writes the whole block at 30 + n·4096, syncs, then rewrites the
// header with block_count n+1 (and its CRC), and syncs. With NoSync on a file
// on disk, the header is rewritten only every 256 appends, at Sync and at
// Close, so an append is one pwrite. A single writer holds an advisory lock
// (flock) and the lock file path.lock (docs/spec/mmx.md §5.1); readers take
// none.
//
// # Opening and recovery
//
// Open checks the header (a NaN or infinite identity_freq or
// temporal_phase is malformed) and decides how many blocks are committed: the
// header's count when its CRC holds (or the file has no CRC), followed by
// every whole block past it that is intact (index, content_len, tokens, zero
// padding, wave signature, chain link: a NoSync writer's header lags); the
// number of whole blocks when the CRC fails (a header write cut short) or the header
// claims more blocks than the file holds. Each accepted block must carry its
// own index and a content_len ≤ 4024; with FlagTokens its token id must be
// known or defined in order. Bytes past the accepted blocks are a torn
// append: a read-only open reports them in Recovery and ignores them, a
// read-write open truncates them and rewrites the header. Verify reads the
// whole file and checks every wave signature, the hash chain and the CRC.
//
// # Importance query
//
// QueryIndices is the seed's read_by_importance without its bugs: blocks
// ordered by stored (quantized) importance, descending, ties oldest first; a
// block is kept if its content (as lossy UTF-8) contains a keyword or fewer
// than Fill (10) are kept; the query stops at Max (20).
package mem8
