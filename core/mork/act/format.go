package act

import (
	"encoding/binary"
	"math/bits"
	"strconv"
)

// pkg is the package name errors carry.
const pkg = "mork"

// Magic is the first 8 bytes of both layouts. It must not change.
const Magic = "ACTree03"

// Layout is one of the two byte layouts that share [Magic].
type Layout int

const (
	// LayoutSeed is the seed's 64-byte header and 24-byte nodes.
	LayoutSeed Layout = iota
	// LayoutPathMap is pathmap 0.3.5's variable-length post-order arena.
	LayoutPathMap
)

// String returns "seed" or "pathmap".
func (l Layout) String() string {
	switch l {
	case LayoutSeed:
		return "seed"
	case LayoutPathMap:
		return "pathmap"
	}
	return "Layout(" + strconv.Itoa(int(l)) + ")"
}

// Seed layout. These sizes and offsets are the wire format: they must not change.
const (
	seedHeaderSize = 64 // bytes before the first node
	seedNodeSize   = 24 // bytes per node
	seedVersion    = 3  // header version

	seedMetaCount    = 0x1FF  // metadata bits 0–8: child count
	seedMetaHasValue = 1 << 9 // metadata bit 9: the node holds a value, even 0
	seedMetaReserved = ^uint64(seedMetaCount | seedMetaHasValue)
	seedMaxChildren  = 256
)

// seedSelector is bytes 8–15 of a seed-layout file: the magic's NUL padding
// and version 3.
var seedSelector = [8]byte{0, 0, 0, 0, seedVersion, 0, 0, 0}

// seedHeader is the 64-byte header of the seed layout.
type seedHeader [seedHeaderSize]byte

func (h *seedHeader) flags() uint32      { return binary.LittleEndian.Uint32(h[16:]) }
func (h *seedHeader) root() uint64       { return binary.LittleEndian.Uint64(h[20:]) }
func (h *seedHeader) totalNodes() uint64 { return binary.LittleEndian.Uint64(h[28:]) }
func (h *seedHeader) valueCount() uint64 { return binary.LittleEndian.Uint64(h[36:]) }
func (h *seedHeader) reserved() []byte   { return h[44:64] }
func (h *seedHeader) setRoot(v uint64)   { binary.LittleEndian.PutUint64(h[20:], v) }
func (h *seedHeader) setNodes(v uint64)  { binary.LittleEndian.PutUint64(h[28:], v) }
func (h *seedHeader) setValues(v uint64) { binary.LittleEndian.PutUint64(h[36:], v) }
func (h *seedHeader) init() {
	*h = seedHeader{}
	copy(h[:], Magic)
	binary.LittleEndian.PutUint32(h[12:], seedVersion)
}

// seedNode is one 24-byte node of the seed layout.
type seedNode [seedNodeSize]byte

func (n *seedNode) reservedOK() bool { return n[1]|n[2]|n[3] == 0 }
func (n *seedNode) children() int32  { return int32(binary.LittleEndian.Uint32(n[4:])) }
func (n *seedNode) value() uint64    { return binary.LittleEndian.Uint64(n[8:]) }
func (n *seedNode) meta() uint64     { return binary.LittleEndian.Uint64(n[16:]) }
func (n *seedNode) count() int       { return int(n.meta() & seedMetaCount) }
func (n *seedNode) hasValue() bool   { return n.value() != 0 || n.meta()&seedMetaHasValue != 0 }
func (n *seedNode) put(tag byte, children int32, value uint64, meta uint64) {
	n[0], n[1], n[2], n[3] = tag, 0, 0, 0
	binary.LittleEndian.PutUint32(n[4:], uint32(children))
	binary.LittleEndian.PutUint64(n[8:], value)
	binary.LittleEndian.PutUint64(n[16:], meta)
}

// PathMap layout. These are pathmap 0.3.5's constants: they must not change.
const (
	pmRootAt       = 8  // u64 root offset
	pmArenaStart   = 16 // first node or line data
	pmTrailer      = 8  // zero bytes after the root node
	pmLineFlag     = 0x80
	pmValueFlag    = 0x40
	pmCountMask    = 0x3F // branch head: child count, 32 = mask follows
	pmLineChild    = 0x01 // line head: has child
	pmLineReserved = 0x3E // line head bits that must be zero
	pmMaskCount    = 32   // a branch with this many children or more stores a mask
	pmMaskSize     = 32   // bytes of a child mask
	varintBias     = 247  // a first byte above this is 247 + the number of value bytes
	maxVarint      = 9
)

// appendVarint appends v in pathmap's varint encoding.
func appendVarint(dst []byte, v uint64) []byte {
	if v <= varintBias {
		return append(dst, byte(v))
	}
	n := 8 - bits.LeadingZeros64(v)/8
	dst = append(dst, byte(varintBias+n))
	for i := 0; i < n; i++ {
		dst = append(dst, byte(v>>(8*i)))
	}
	return dst
}

// varintLen returns the encoded length announced by a varint's first byte.
func varintLen(b0 byte) int {
	if b0 <= varintBias {
		return 1
	}
	return int(b0-varintBias) + 1
}

// appendPMBranch appends a PathMap branch node with the given child bytes
// (ascending); relFirst is the node's offset minus its first child's.
func appendPMBranch(dst []byte, hasValue bool, value uint64, relFirst uint64, keys []byte) []byte {
	head := byte(min(len(keys), pmMaskCount))
	if hasValue {
		head |= pmValueFlag
	}
	dst = append(dst, head)
	if hasValue {
		dst = appendVarint(dst, value)
	}
	if len(keys) == 0 {
		return dst
	}
	dst = appendVarint(dst, relFirst)
	if len(keys) < pmMaskCount {
		return append(dst, keys...)
	}
	var mask [pmMaskSize]byte
	for _, k := range keys {
		mask[k>>3] |= 1 << (k & 7)
	}
	return append(dst, mask[:]...)
}

// appendPMLine appends a PathMap line node; relChild (when hasChild) and
// relLine are the node's offset minus its child's and its line data's.
func appendPMLine(dst []byte, hasValue bool, value uint64, hasChild bool, relChild, relLine uint64) []byte {
	head := byte(pmLineFlag)
	if hasValue {
		head |= pmValueFlag
	}
	if hasChild {
		head |= pmLineChild
	}
	dst = append(dst, head)
	if hasValue {
		dst = appendVarint(dst, value)
	}
	if hasChild {
		dst = appendVarint(dst, relChild)
	}
	return appendVarint(dst, relLine)
}
