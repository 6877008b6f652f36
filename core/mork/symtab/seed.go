package symtab

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// The seed layout: encoding and decoding of its five entries.

// badAt is a malformed-input error at a byte offset inside an entry.
func badAt(name string, at int, format string, args ...any) error {
	return errcode.New(pkg, errcode.ErrFormat, "symtab: %s byte %d: %s", name, at, fmt.Sprintf(format, args...))
}

// appendSeedRecord appends one map record: the variable-length id, the
// u32 LE length, the bytes.
func appendSeedRecord(dst []byte, id uint64, s string) []byte {
	if id <= seedNarrowMax {
		dst = append(dst, byte(id))
	} else {
		dst = binary.LittleEndian.AppendUint64(append(dst, seedWideFlag), id)
	}
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(s)))
	return append(dst, s...)
}

// seedRecordLen is the encoded size of a record.
func seedRecordLen(id uint64, s string) int {
	if id <= seedNarrowMax {
		return seedMinRecord + len(s)
	}
	return seedWideRecord + len(s)
}

// seedFiles encodes t as the seed layout's entries, in Write's order.
// Strings of at most 7 bytes go to the short pair of files, longer ones to
// the long pair; the sym_to_* files list records in id order, the
// str_to_* files in byte order of the strings.
func (t *Table) seedFiles() ([]zipFile, error) {
	type pair struct {
		s  string
		id uint64
	}
	var long, short []pair
	var longLen, shortLen int
	var err error
	t.each(func(e *entry) bool {
		if uint64(len(e.sym)) > seedMaxStrLen {
			err = errcode.New(pkg, errcode.ErrUnsupported, "symtab: a symbol of %d bytes (id %#x) does not fit the seed layout's u32 length", len(e.sym), e.id)
			return false
		}
		if len(e.sym) <= seedShortMax {
			short = append(short, pair{e.sym, e.id})
			shortLen += seedRecordLen(e.id, e.sym)
		} else {
			long = append(long, pair{e.sym, e.id})
			longLen += seedRecordLen(e.id, e.sym)
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	encode := func(ps []pair, n int) []byte {
		b := binary.LittleEndian.AppendUint64(make([]byte, 0, seedCountLen+n), uint64(len(ps)))
		for _, p := range ps {
			b = appendSeedRecord(b, p.id, p.s)
		}
		return b
	}
	symToStr, symToShort := encode(long, longLen), encode(short, shortLen)
	byString := func(a, b pair) int { return strings.Compare(a.s, b.s) }
	slices.SortFunc(long, byString)
	slices.SortFunc(short, byString)
	strToSym, shortToSym := encode(long, longLen), encode(short, shortLen)

	var m seedMeta
	for i, b := range [][]byte{strToSym, symToStr, shortToSym, symToShort} {
		m.setSize(i, uint64(len(b)))
	}
	m.setMaxID(t.MaxID())
	m.setTotal(uint64(t.Len()))
	return []zipFile{
		{seedMetaName, m[:], true},
		{seedStrToSymName, strToSym, true},
		{seedSymToStrName, symToStr, true},
		{seedShortStrToSymName, shortToSym, true},
		{seedSymToShortStrName, symToShort, true},
	}, nil
}

// seedCount reads and checks a map file's entry count: within MaxSymbols,
// and no more records than the bytes after it can hold.
func seedCount(name string, data []byte, lim *Limits) (uint64, error) {
	if len(data) < seedCountLen {
		return 0, badAt(name, 0, "%d bytes, shorter than the u64 entry count", len(data))
	}
	n := binary.LittleEndian.Uint64(data)
	if n > uint64(lim.MaxSymbols) {
		return 0, errcode.New(pkg, errcode.ErrLimit, "symtab: %s claims %d entries, beyond Limits.MaxSymbols (%d)", name, n, lim.MaxSymbols)
	}
	if fit := uint64(len(data)-seedCountLen) / seedMinRecord; n > fit {
		return 0, badAt(name, 0, "claims %d entries; its %d bytes hold at most %d", n, len(data), fit)
	}
	return n, nil
}

// walkSeed checks a map file record by record and calls fn with each id,
// the string's bounds data[off:end] and the record's offset. short says
// which pair the file belongs to.
func walkSeed(name string, data []byte, short bool, lim *Limits, fn func(id uint64, off, end, at int) error) error {
	n, err := seedCount(name, data, lim)
	if err != nil {
		return err
	}
	p := seedCountLen
	for i := range n {
		at := p
		if p >= len(data) {
			return badAt(name, at, "the data ends before record %d of %d", i+1, n)
		}
		id := uint64(data[p])
		p++
		if id == seedWideFlag {
			if len(data)-p < 8 {
				return badAt(name, at, "the data ends inside an 8-byte id")
			}
			id = binary.LittleEndian.Uint64(data[p:])
			p += 8
		}
		if len(data)-p < seedStrLenLen {
			return badAt(name, at, "the data ends inside a string length")
		}
		sl := uint64(binary.LittleEndian.Uint32(data[p:]))
		p += seedStrLenLen
		if sl > uint64(lim.MaxSymbolLen) {
			return errcode.New(pkg, errcode.ErrLimit, "symtab: %s byte %d: a symbol of %d bytes, beyond Limits.MaxSymbolLen (%d)", name, at, sl, lim.MaxSymbolLen)
		}
		if sl > uint64(len(data)-p) {
			return badAt(name, at, "a string of %d bytes; %d remain", sl, len(data)-p)
		}
		if short != (sl <= seedShortMax) {
			if short {
				return badAt(name, at, "a string of %d bytes in a file of strings of at most %d", sl, seedShortMax)
			}
			return badAt(name, at, "a string of %d bytes in a file of strings longer than %d", sl, seedShortMax)
		}
		if id == 0 {
			return badAt(name, at, "id 0 is never a symbol")
		}
		if err := fn(id, p, p+int(sl), at); err != nil {
			return err
		}
		p += int(sl)
	}
	if p != len(data) {
		return badAt(name, p, "%d bytes follow the last of %d records", len(data)-p, n)
	}
	return nil
}

// readSeed builds a table from the seed layout's entries (all five
// present, no others) and checks that they agree: metadata sizes, max id
// and total; each sym_to_* record matched by exactly one str_to_* record
// with the same id and string; no id or string twice.
func readSeed(files map[string][]byte, lim *Limits) (*Table, error) {
	for _, name := range seedNames {
		if _, ok := files[name]; !ok {
			return nil, errcode.New(pkg, errcode.ErrFormat, "symtab: seed table has no %s", name)
		}
	}
	raw := files[seedMetaName]
	if len(raw) != seedMetaLen {
		return nil, errcode.New(pkg, errcode.ErrFormat, "symtab: %s is %d bytes, not %d", seedMetaName, len(raw), seedMetaLen)
	}
	m := seedMeta(raw)
	for i, name := range seedNames[1:] {
		if got := uint64(len(files[name])); m.size(i) != got {
			return nil, badAt(seedMetaName, 8*i, "says %s is %d bytes; it is %d", name, m.size(i), got)
		}
	}
	// Counts first, so the table is sized once and bounded by the bytes.
	var count [len(seedNames)]uint64
	for i, name := range seedNames[1:] {
		n, err := seedCount(name, files[name], lim)
		if err != nil {
			return nil, err
		}
		count[i+1] = n
	}
	strToSym, symToStr, shortToSym, symToShort := count[1], count[2], count[3], count[4]
	if strToSym != symToStr {
		return nil, badAt(seedStrToSymName, 0, "%d entries; %s has %d", strToSym, seedSymToStrName, symToStr)
	}
	if shortToSym != symToShort {
		return nil, badAt(seedShortStrToSymName, 0, "%d entries; %s has %d", shortToSym, seedSymToShortStrName, symToShort)
	}
	total := symToStr + symToShort
	if total > uint64(lim.MaxSymbols) {
		return nil, errcode.New(pkg, errcode.ErrLimit, "symtab: %d symbols, beyond Limits.MaxSymbols (%d)", total, lim.MaxSymbols)
	}
	if m.total() != total {
		return nil, badAt(seedMetaName, 40, "says %d symbols; the maps hold %d", m.total(), total)
	}

	t := newSized(int(total))
	for _, name := range []string{seedSymToStrName, seedSymToShortStrName} {
		data := files[name]
		if err := walkSeed(name, data, name == seedSymToShortStrName, lim, t.loader(name, data)); err != nil {
			return nil, err
		}
	}
	if m.maxID() != t.MaxID() {
		return nil, badAt(seedMetaName, 32, "says the max id is %#x; it is %#x", m.maxID(), t.MaxID())
	}

	seen := make([]bool, t.Len())
	for _, pr := range [][2]string{{seedStrToSymName, seedSymToStrName}, {seedShortStrToSymName, seedSymToShortStrName}} {
		name, other := pr[0], pr[1]
		data := files[name]
		err := walkSeed(name, data, name == seedShortStrToSymName, lim, func(id uint64, off, end, at int) error {
			s := data[off:end]
			i, ok := t.syms[string(s)]
			if !ok {
				return badAt(name, at, "%q, which %s lacks", s, other)
			}
			if want := t.entries[i].id; want != id {
				return badAt(name, at, "maps %q to %#x; %s gives it %#x", s, id, other, want)
			}
			if seen[i] {
				return badAt(name, at, "%q again", s)
			}
			seen[i] = true
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return t, nil
}
