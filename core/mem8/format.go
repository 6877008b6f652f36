package mem8

import (
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"hash/crc32"
	"math"
)

// Wire constants. They are fixed by the seed (mem8_binary.rs) and must not change.
const (
	Magic       = "MEM8"                // 4 bytes at offset 0
	Version     = 1                     // u8 at offset 4
	HeaderSize  = 30                    // packed header, blocks start right after it
	BlockSize   = 4096                  // every block, including its padding
	blockHead   = 72                    // fixed fields before the content
	MaxContent  = BlockSize - blockHead // 4024 bytes of content per block
	maxTokenLen = 255                   // longest token string a definition trailer can hold
)

// Flags recorded in header byte 5. Files written by the seed code carry 0.
type Flags uint8

const (
	// FlagHashChain: every block's prev_hash is SHA-256 of the previous
	// block's 4096 bytes (zeros for block 0).
	FlagHashChain Flags = 1 << 0
	// FlagHeaderCRC: header bytes 26..30 hold CRC-32 (IEEE) of bytes 0..26.
	FlagHeaderCRC Flags = 1 << 1
	// FlagTokens: token ids come from a TokenMap; a block that first uses a
	// dynamic id carries the token's definition in its tail.
	FlagTokens Flags = 1 << 2

	// DefaultFlags is what Create writes unless Options.Plain is set.
	DefaultFlags = FlagHashChain | FlagHeaderCRC | FlagTokens
	knownFlags   = DefaultFlags
)

// header is the 30-byte packed little-endian file header.
//
//	off size field
//	  0    4 magic "MEM8"
//	  4    1 version (1)
//	  5    1 flags
//	  6    4 block_count u32
//	 10    8 identity_freq f64
//	 18    8 temporal_phase f64
//	 26    4 crc32 u32
type header [HeaderSize]byte

func (h *header) magic() string      { return string(h[0:4]) }
func (h *header) version() uint8     { return h[4] }
func (h *header) flags() Flags       { return Flags(h[5]) }
func (h *header) blockCount() uint32 { return binary.LittleEndian.Uint32(h[6:10]) }
func (h *header) identityFreq() float64 {
	return math.Float64frombits(binary.LittleEndian.Uint64(h[10:18]))
}
func (h *header) temporalPhase() float64 {
	return math.Float64frombits(binary.LittleEndian.Uint64(h[18:26]))
}
func (h *header) crc() uint32        { return binary.LittleEndian.Uint32(h[26:30]) }
func (h *header) computeCRC() uint32 { return crc32.ChecksumIEEE(h[0:26]) }

func (h *header) setBlockCount(n uint32) { binary.LittleEndian.PutUint32(h[6:10], n) }

// seal stores the CRC when the file carries FlagHeaderCRC.
func (h *header) seal() {
	if h.flags()&FlagHeaderCRC != 0 {
		binary.LittleEndian.PutUint32(h[26:30], h.computeCRC())
	}
}

func newHeader(flags Flags, freq, phase float64) header {
	var h header
	copy(h[0:4], Magic)
	h[4] = Version
	h[5] = byte(flags)
	binary.LittleEndian.PutUint64(h[10:18], math.Float64bits(freq))
	binary.LittleEndian.PutUint64(h[18:26], math.Float64bits(phase))
	h.seal()
	return h
}

// Block layout, 4096 bytes, block i at offset 30 + i*4096:
//
//	off  size  field
//	  0     8  index u64
//	  8    16  wave_signature = SHA-256(content ‖ identity_freq f64 LE)[0:16]
//	 24     8  timestamp u64, microseconds since the Unix epoch
//	 32     2  importance u16 (see Quantize)
//	 34     2  token_id u16
//	 36    32  prev_hash (FlagHashChain: ChainDigest of block i-1; zeros for block 0)
//	 68     4  content_len u32 (≤ 4024)
//	 72   ≤4024 content, zero padding to the end
//
// With FlagTokens, the block that first uses a dynamic token id ends with its
// definition, which the seed code never reads (it reads content_len bytes):
//
//	4093-L   L  token string, UTF-8, 1 ≤ L ≤ 255
//	4093     2  token id u16 (equal to token_id)
//	4095     1  L
type blockHdr []byte // at least blockHead bytes

func (b blockHdr) index() uint64      { return binary.LittleEndian.Uint64(b[0:8]) }
func (b blockHdr) timestamp() uint64  { return binary.LittleEndian.Uint64(b[24:32]) }
func (b blockHdr) importance() uint16 { return binary.LittleEndian.Uint16(b[32:34]) }
func (b blockHdr) tokenID() uint16    { return binary.LittleEndian.Uint16(b[34:36]) }
func (b blockHdr) contentLen() uint32 { return binary.LittleEndian.Uint32(b[68:72]) }

func blockOffset(i uint64) int64 { return HeaderSize + int64(i)*BlockSize }

// trailerSize is how many tail bytes the definition of a token of n bytes takes.
func trailerSize(n int) int { return n + 3 }

// Quantize converts an importance in [0,1] to the stored u16 exactly as the
// seed does: (importance as f32 × 65535.0) truncated toward zero, saturating
// at 0 and 65535, NaN → 0.
func Quantize(importance float32) uint16 {
	v := importance * 65535.0
	switch {
	case v != v || v <= 0:
		return 0
	case v >= 65535:
		return 65535
	}
	return uint16(v)
}

// Dequantize is the seed's read-back value: u16 / 65535.0.
func Dequantize(q uint16) float32 { return float32(q) / 65535.0 }

// WaveSignature is SHA-256(content ‖ identity_freq as f64 LE), first 16 bytes.
func WaveSignature(content []byte, identityFreq float64) [16]byte {
	var s sigHasher
	return s.sum(content, identityFreq)
}

// sigHasher computes wave signatures with one SHA-256 state, reused: an
// append makes no allocation for its signature.
type sigHasher struct {
	h   hash.Hash
	buf [sha256.Size]byte
}

func (s *sigHasher) sum(content []byte, identityFreq float64) [16]byte {
	if s.h == nil {
		s.h = sha256.New()
	} else {
		s.h.Reset()
	}
	s.h.Write(content)
	binary.LittleEndian.PutUint64(s.buf[:8], math.Float64bits(identityFreq))
	s.h.Write(s.buf[:8])
	return [16]byte(s.h.Sum(s.buf[:0])[:16])
}

// ChainDigest is what the next block's prev_hash holds: SHA-256 of the
// block's 4096 bytes with the trailing zero bytes removed. Blocks are fixed
// length, so distinct blocks never give the same input; leaving the zero
// padding out makes the chain cost a hash of the content rather than of
// 4 KiB (Verify checks separately that the padding is zero).
func ChainDigest(block []byte) [32]byte { return chainDigestTo(block, len(block)) }

// chainDigestTo is ChainDigest for a block known to hold only zeros from
// end on (an append knows where its content or token definition ends).
func chainDigestTo(block []byte, end int) [32]byte {
	for end >= 8 && binary.LittleEndian.Uint64(block[end-8:end]) == 0 {
		end -= 8
	}
	for end > 0 && block[end-1] == 0 {
		end--
	}
	return sha256.Sum256(block[:end])
}
