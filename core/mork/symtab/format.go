package symtab

import (
	"encoding/binary"
	"strconv"
)

// pkg is the errcode package name of every error this package returns.
const pkg = "mork"

// Magic is how a symbol table file starts: the signature of a ZIP local
// file header. Both layouts are ZIP archives whose first entry is a file,
// so every table Write produces starts with it (the format registry's key).
var Magic = []byte("PK\x03\x04")

// Layout says which of the two ZIP layouts a table is stored in.
type Layout int

// The layouts. The numbers are part of the ABI and never change.
const (
	// LayoutSeed is the five-entry layout of the seed document
	// (metadata.bin, str_to_sym.bin, sym_to_str.bin, short_str_to_sym.bin,
	// sym_to_short_str.bin), entries compressed with Deflate.
	LayoutSeed Layout = 1
	// LayoutMORK is the layout MORK's interning crate writes
	// (SharedMapping::serialize): one stored entry per writer slot and
	// FileSizes.meta.
	LayoutMORK Layout = 2
)

// String returns "seed" or "mork", or "Layout(n)" for an unknown value.
func (l Layout) String() string {
	switch l {
	case LayoutSeed:
		return "seed"
	case LayoutMORK:
		return "mork"
	}
	return "Layout(" + strconv.Itoa(int(l)) + ")"
}

// Symbol ids (MORK's scheme, both layouts): a u64 whose big-endian bytes
// are 0 0 slot c c c c c — byte 2 the writer slot (0–127), bytes 3–7 a
// counter. Slot 0 counts from 1 (id 0 is never a symbol), slot k > 0 from
// k<<40. Table.Intern uses slot 0.
const (
	counterBits = 40                       // bytes 3–7 of the id
	counterMax  = 1<<counterBits - 1       // the last counter value of a slot
	morkSlots   = 128                      // slots 0..127: the slot byte's top bit is clear
	morkIDLimit = morkSlots << counterBits // ids below this fit MORK's scheme
)

// idSlot is the writer slot of an id (byte 2).
func idSlot(id uint64) uint64 { return id >> counterBits }

// fitsMORK reports whether a MORK file can hold id: bytes 0–1 zero, the
// slot below 128, and not 0.
func fitsMORK(id uint64) bool { return id != 0 && id < morkIDLimit }

// ---- seed layout (shared/seeds/003, "Symbol Table Format") ----

// The seed layout's entry names, in the order Write stores them. They
// must not change.
const (
	seedMetaName          = "metadata.bin"
	seedStrToSymName      = "str_to_sym.bin"
	seedSymToStrName      = "sym_to_str.bin"
	seedShortStrToSymName = "short_str_to_sym.bin"
	seedSymToShortStrName = "sym_to_short_str.bin"
)

// seedNames lists the seed entries in Write's order.
var seedNames = [...]string{seedMetaName, seedStrToSymName, seedSymToStrName, seedShortStrToSymName, seedSymToShortStrName}

const (
	seedShortMax   = 7    // a string of at most 7 bytes goes to the short files
	seedWideFlag   = 0xFF // id flag byte: 8 id bytes (LE) follow
	seedNarrowMax  = 254  // ids 0..254 are one byte
	seedCountLen   = 8    // u64 LE entry count at the start of each map file
	seedStrLenLen  = 4    // u32 LE string length
	seedMinRecord  = 1 + seedStrLenLen
	seedMaxStrLen  = 1<<32 - 1 // what the u32 length can say
	seedMetaLen    = 48
	seedWideRecord = 1 + 8 + seedStrLenLen // record overhead with a wide id
)

// seedMeta is metadata.bin: six u64 LE.
//
//	 0  u64  str_to_sym.bin size in bytes (uncompressed)
//	 8  u64  sym_to_str.bin size
//	16  u64  short_str_to_sym.bin size
//	24  u64  sym_to_short_str.bin size
//	32  u64  max symbol id (0 for an empty table)
//	40  u64  total symbols (long and short)
type seedMeta [seedMetaLen]byte

func (m *seedMeta) size(i int) uint64       { return binary.LittleEndian.Uint64(m[8*i:]) }
func (m *seedMeta) setSize(i int, v uint64) { binary.LittleEndian.PutUint64(m[8*i:], v) }
func (m *seedMeta) maxID() uint64           { return binary.LittleEndian.Uint64(m[32:]) }
func (m *seedMeta) setMaxID(v uint64)       { binary.LittleEndian.PutUint64(m[32:], v) }
func (m *seedMeta) total() uint64           { return binary.LittleEndian.Uint64(m[40:]) }
func (m *seedMeta) setTotal(v uint64)       { binary.LittleEndian.PutUint64(m[40:], v) }

// ---- MORK layout (trueagi-io/MORK interning/src/serialization.rs) ----

// The MORK layout's entry names. They must not change.
const (
	morkMetaName   = "FileSizes.meta"
	morkDataPrefix = "SharedMapping_0x" // then the slot as two upper-case hex digits
	morkDataSuffix = ".binary_data"
)

const (
	morkIDLen      = 6   // a record stores id bytes 2–7 (bytes 0–1 are zero)
	morkShortMax   = 127 // lengths up to 127 are one byte, ^len (top bit set)
	morkLongLenLen = 8   // longer: u64 BE length (top bit clear)
	morkMinRecord  = morkIDLen + 1
	morkMetaRecord = 16
)

// morkDataName is the entry name of a slot's records.
func morkDataName(slot uint64) string {
	const hex = "0123456789ABCDEF"
	return morkDataPrefix + string([]byte{hex[slot>>4&0xF], hex[slot&0xF]}) + morkDataSuffix
}

// morkSlotOf parses a data entry name; ok is false for any other name,
// including lower-case hex digits and slots 128–255.
func morkSlotOf(name string) (slot uint64, ok bool) {
	if len(name) != len(morkDataPrefix)+2+len(morkDataSuffix) ||
		name[:len(morkDataPrefix)] != morkDataPrefix || name[len(morkDataPrefix)+2:] != morkDataSuffix {
		return 0, false
	}
	for _, c := range []byte(name[len(morkDataPrefix) : len(morkDataPrefix)+2]) {
		switch {
		case c >= '0' && c <= '9':
			slot = slot<<4 | uint64(c-'0')
		case c >= 'A' && c <= 'F':
			slot = slot<<4 | uint64(c-'A'+10)
		default:
			return 0, false
		}
	}
	return slot, slot < morkSlots
}

// morkSize is one FileSizes.meta record.
//
//	0  u64 BE  slot
//	8  u64 BE  byte count of SharedMapping_0x<slot>.binary_data
type morkSize [morkMetaRecord]byte

func (r *morkSize) slot() uint64 { return binary.BigEndian.Uint64(r[0:]) }
func (r *morkSize) size() uint64 { return binary.BigEndian.Uint64(r[8:]) }
func (r *morkSize) set(slot, n uint64) {
	binary.BigEndian.PutUint64(r[0:], slot)
	binary.BigEndian.PutUint64(r[8:], n)
}
