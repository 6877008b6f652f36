package symtab

import (
	"encoding/binary"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// The MORK layout: encoding and decoding of SharedMapping_0xNN.binary_data
// and FileSizes.meta.

// appendMORKRecord appends one record: id bytes 2–7, the length (^n in one
// byte up to 127, else u64 BE), the bytes.
func appendMORKRecord(dst []byte, id uint64, s string) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], id)
	dst = append(dst, b[8-morkIDLen:]...)
	if len(s) <= morkShortMax {
		dst = append(dst, ^byte(len(s)))
	} else {
		dst = binary.BigEndian.AppendUint64(dst, uint64(len(s)))
	}
	return append(dst, s...)
}

// morkRecordLen is the encoded size of a record.
func morkRecordLen(s string) int {
	if len(s) <= morkShortMax {
		return morkMinRecord + len(s)
	}
	return morkIDLen + morkLongLenLen + len(s)
}

// morkFiles encodes t as the MORK layout's entries: one per slot that has
// symbols, slots ascending, records in id order, then FileSizes.meta.
func (t *Table) morkFiles() ([]zipFile, error) {
	// Sizes per slot first, so each entry is allocated once.
	var sizes [morkSlots]int
	var err error
	t.each(func(e *entry) bool {
		if !fitsMORK(e.id) {
			err = errcode.New(pkg, errcode.ErrUnsupported, "symtab: id %#x does not fit MORK's scheme (bytes 0–1 zero, slot below 128)", e.id)
			return false
		}
		sizes[idSlot(e.id)] += morkRecordLen(e.sym)
		return true
	})
	if err != nil {
		return nil, err
	}
	var data [morkSlots][]byte
	t.each(func(e *entry) bool {
		slot := idSlot(e.id)
		if data[slot] == nil {
			data[slot] = make([]byte, 0, sizes[slot])
		}
		data[slot] = appendMORKRecord(data[slot], e.id, e.sym)
		return true
	})
	var files []zipFile
	var meta []byte
	for slot := range uint64(morkSlots) {
		if data[slot] == nil {
			continue
		}
		files = append(files, zipFile{name: morkDataName(slot), data: data[slot]})
		var r morkSize
		r.set(slot, uint64(len(data[slot])))
		meta = append(meta, r[:]...)
	}
	if meta == nil {
		meta = []byte{}
	}
	return append(files, zipFile{name: morkMetaName, data: meta}), nil
}

// morkWalk checks one slot's records and calls fn with each id, the
// string's bounds data[off:end] and the record's offset.
func morkWalk(name string, slot uint64, data []byte, lim *Limits, fn func(id uint64, off, end, at int) error) error {
	for p := 0; p < len(data); {
		at := p
		if len(data)-p < morkMinRecord {
			return badAt(name, at, "the data ends inside a record")
		}
		var b [8]byte
		copy(b[8-morkIDLen:], data[p:p+morkIDLen])
		id := binary.BigEndian.Uint64(b[:])
		p += morkIDLen
		var n uint64
		if tag := data[p]; tag&0x80 != 0 {
			n = uint64(^tag)
			p++
		} else {
			if len(data)-p < morkLongLenLen {
				return badAt(name, at, "the data ends inside an 8-byte length")
			}
			n = binary.BigEndian.Uint64(data[p:])
			p += morkLongLenLen
		}
		if n > uint64(lim.MaxSymbolLen) {
			return errcode.New(pkg, errcode.ErrLimit, "symtab: %s byte %d: a symbol of %d bytes, beyond Limits.MaxSymbolLen (%d)", name, at, n, lim.MaxSymbolLen)
		}
		if n > uint64(len(data)-p) {
			return badAt(name, at, "a symbol of %d bytes; %d remain", n, len(data)-p)
		}
		if id == 0 {
			return badAt(name, at, "id 0 is never a symbol")
		}
		if idSlot(id) != slot {
			return badAt(name, at, "id %#x belongs to slot %d, not %d", id, idSlot(id), slot)
		}
		if err := fn(id, p, p+int(n), at); err != nil {
			return err
		}
		p += int(n)
	}
	return nil
}

// readMORK builds a table from the MORK layout's entries (FileSizes.meta
// and data entries, no others). FileSizes.meta must list exactly the data
// entries present, each once, with its true size.
func readMORK(files map[string][]byte, lim *Limits) (*Table, error) {
	meta, ok := files[morkMetaName]
	if !ok {
		return nil, errcode.New(pkg, errcode.ErrFormat, "symtab: MORK table has no %s", morkMetaName)
	}
	if len(meta)%morkMetaRecord != 0 {
		return nil, errcode.New(pkg, errcode.ErrFormat, "symtab: %s is %d bytes, not a multiple of %d", morkMetaName, len(meta), morkMetaRecord)
	}
	var data [morkSlots][]byte
	var has [morkSlots]bool
	for name, b := range files {
		if slot, ok := morkSlotOf(name); ok {
			data[slot], has[slot] = b, true
		}
	}
	var listed [morkSlots]bool
	for p := 0; p < len(meta); p += morkMetaRecord {
		r := morkSize(meta[p : p+morkMetaRecord])
		slot, size := r.slot(), r.size()
		if slot >= morkSlots {
			return nil, badAt(morkMetaName, p, "slot %d (slots are 0–127)", slot)
		}
		if listed[slot] {
			return nil, badAt(morkMetaName, p, "slot %d again", slot)
		}
		listed[slot] = true
		name := morkDataName(slot)
		if !has[slot] {
			return nil, badAt(morkMetaName, p, "lists %s, which the archive lacks", name)
		}
		if size != uint64(len(data[slot])) {
			return nil, badAt(morkMetaName, p, "says %s is %d bytes; it is %d", name, size, len(data[slot]))
		}
	}
	for slot := range uint64(morkSlots) {
		if has[slot] && !listed[slot] {
			return nil, errcode.New(pkg, errcode.ErrFormat, "symtab: %s does not list %s", morkMetaName, morkDataName(slot))
		}
	}

	// First pass: structure and the count, so the table is sized once.
	var total uint64
	for slot := range uint64(morkSlots) {
		if !listed[slot] {
			continue
		}
		err := morkWalk(morkDataName(slot), slot, data[slot], lim, func(uint64, int, int, int) error {
			if total++; total > uint64(lim.MaxSymbols) {
				return errcode.New(pkg, errcode.ErrLimit, "symtab: more than Limits.MaxSymbols (%d) symbols", lim.MaxSymbols)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	t := newSized(int(total))
	for slot := range uint64(morkSlots) {
		if !listed[slot] {
			continue
		}
		name := morkDataName(slot)
		if err := morkWalk(name, slot, data[slot], lim, t.loader(name, data[slot])); err != nil {
			return nil, err
		}
	}
	return t, nil
}
