package mmx

import (
	"encoding/binary"
	"hash/crc32"
)

// Wire constants. They must not change.
const (
	Magic      = "MMX\x00" // 4 bytes at offset 0
	Version    = 1         // u32 at offset 4
	HeaderSize = 4096      // the fixed header region; chunks start at or after it

	headerJSONOff = 12                           // u32 json_len at 8, JSON from 12
	headerCRCOff  = HeaderSize - 4               // u32 CRC-32 of bytes [0, 12+json_len)
	maxHeaderJSON = headerCRCOff - headerJSONOff // 4080 bytes

	dirMagic    = "MMXD" // directory record
	dirVersion  = 1      // u32 after dirMagic
	dirHeadSize = 24     // magic, version, generation u64, json_len u64
	tailMagic   = "MMXTAIL\x00"
	dirTailSize = 32 + 8 + 8 // SHA-256, record offset u64, tailMagic
	dirAlign    = 8          // directory records start 8-aligned

	// DefaultAlignment is where chunk data starts: a multiple of 64 bytes, so a
	// raw tensor can be mapped and viewed in place with any dtype and SIMD.
	DefaultAlignment = 64
)

// header is the 4096-byte file header.
//
//	off   size  field
//	   0     4  magic "MMX\0"
//	   4     4  version u32 = 1
//	   8     4  json_len u32 (≤ 4080)
//	  12     n  header JSON (compact UTF-8), zero padding after it
//	4092     4  crc32 u32: CRC-32/IEEE of bytes [0, 12+json_len) (polyfmt; 0 in MorphNet files)
type header [HeaderSize]byte

func (h *header) magic() string   { return string(h[0:4]) }
func (h *header) version() uint32 { return binary.LittleEndian.Uint32(h[4:8]) }
func (h *header) jsonLen() uint32 { return binary.LittleEndian.Uint32(h[8:12]) }
func (h *header) crc() uint32     { return binary.LittleEndian.Uint32(h[headerCRCOff:]) }

// jsonEnd is where the header JSON ends, clamped to the JSON area (the
// length is untrusted; open rejects one that does not fit).
func (h *header) jsonEnd() uint32    { return headerJSONOff + min(h.jsonLen(), maxHeaderJSON) }
func (h *header) json() []byte       { return h[headerJSONOff:h.jsonEnd()] }
func (h *header) computeCRC() uint32 { return crc32.ChecksumIEEE(h[:h.jsonEnd()]) }

func (h *header) set(doc []byte) {
	clear(h[:])
	copy(h[0:4], Magic)
	binary.LittleEndian.PutUint32(h[4:8], Version)
	binary.LittleEndian.PutUint32(h[8:12], uint32(len(doc)))
	copy(h[headerJSONOff:], doc)
	binary.LittleEndian.PutUint32(h[headerCRCOff:], h.computeCRC())
}

// Directory record, appended after the chunks of each commit:
//
//	off     size  field
//	  0        4  magic "MMXD"
//	  4        4  record version u32 = 1
//	  8        8  generation u64 (1, 2, … one per commit)
//	 16        8  json_len u64
//	 24        n  directory JSON
//	 24+n     32  SHA-256 of bytes [0, 24+n)
//	 56+n      8  offset u64 of this record's first byte
//	 64+n      8  "MMXTAIL\0"
//
// After a commit the file ends with the record, so its last 16 bytes locate
// the directory. A record is valid only if its SHA-256 matches.
func dirRecordSize(jsonLen int) int64 { return dirHeadSize + int64(jsonLen) + dirTailSize }

func alignUp(n, a uint64) uint64 { return (n + a - 1) &^ (a - 1) }
