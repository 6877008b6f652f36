package symtab

import (
	"slices"
	"sync"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// Table maps symbols (byte strings) to 64-bit ids and back, one to one.
// The zero Table is empty and ready to use.
//
// A Table is safe for concurrent use by any number of goroutines that only
// read it (Symbol, AppendSymbol, ID, Len, MaxID, All, Equal, Write,
// AppendZip); Intern and Add must not run concurrently with any other
// method.
type Table struct {
	// entries holds the pairs in insertion order; the maps index it.
	entries []entry
	syms    map[string]int32 // symbol → index in entries
	ids     map[uint64]int32 // id → index in entries

	// byID lists entries' indexes in id order when the entries are not
	// already in it (inOrder); it is built under mu by the readers that
	// need id order, and dropped by the next insertion.
	mu      sync.Mutex
	inOrder bool
	byID    []int32

	max  uint64 // the largest id, 0 when empty
	next uint64 // the next slot-0 id Intern assigns; 0 means 1
}

// entry is one id–symbol pair.
type entry struct {
	id  uint64
	sym string
}

// maxEntries is how many symbols a Table holds at most (int32 indexes).
const maxEntries = 1<<31 - 1

// New returns an empty table.
func New() *Table { return &Table{} }

// newSized returns an empty table with room for n symbols.
func newSized(n int) *Table {
	return &Table{entries: make([]entry, 0, n), syms: make(map[string]int32, n), ids: make(map[uint64]int32, n), inOrder: true}
}

// Len returns the number of symbols.
func (t *Table) Len() int { return len(t.entries) }

// MaxID returns the largest id in the table, or 0 when it is empty.
func (t *Table) MaxID() uint64 { return t.max }

// ID returns the id of sym, if it is in the table.
func (t *Table) ID(sym []byte) (uint64, bool) {
	i, ok := t.syms[string(sym)]
	if !ok {
		return 0, false
	}
	return t.entries[i].id, true
}

// Symbol returns a copy of the symbol whose id is id, if there is one.
func (t *Table) Symbol(id uint64) ([]byte, bool) {
	i, ok := t.ids[id]
	if !ok {
		return nil, false
	}
	return []byte(t.entries[i].sym), true
}

// AppendSymbol appends the symbol whose id is id to dst; ok is false (and
// dst returned as is) when there is none.
func (t *Table) AppendSymbol(dst []byte, id uint64) ([]byte, bool) {
	i, ok := t.ids[id]
	if !ok {
		return dst, false
	}
	return append(dst, t.entries[i].sym...), true
}

// Intern returns the id of sym, assigning the next one if sym is new. New
// ids follow MORK's scheme in writer slot 0: the counter after the largest
// slot-0 id in the table, so the first id of an empty table is 1. It fails
// with [errcode.ErrLimit] only when slot 0's 2^40−1 ids are used up or the
// table is full (2^31−1 symbols).
func (t *Table) Intern(sym []byte) (uint64, error) {
	if i, ok := t.syms[string(sym)]; ok {
		return t.entries[i].id, nil
	}
	id := max(t.next, 1)
	if id > counterMax {
		return 0, errcode.New(pkg, errcode.ErrLimit, "symtab: slot 0 has no id left (its counter reached %#x)", uint64(counterMax))
	}
	if err := t.room(); err != nil {
		return 0, err
	}
	t.insert(id, string(sym))
	return id, nil
}

// Add puts sym in the table with the given id. Adding a pair already there
// does nothing; id 0, an id that names another symbol, or a symbol that has
// another id is [errcode.ErrBadArg]. Any other id is accepted (the seed
// layout stores any u64); Write with LayoutMORK needs ids of MORK's scheme.
func (t *Table) Add(id uint64, sym []byte) error {
	if id == 0 {
		return errcode.New(pkg, errcode.ErrBadArg, "symtab: id 0 is never a symbol")
	}
	if i, ok := t.ids[id]; ok {
		if t.entries[i].sym == string(sym) {
			return nil
		}
		return errcode.New(pkg, errcode.ErrBadArg, "symtab: id %#x already names %q", id, t.entries[i].sym)
	}
	if i, ok := t.syms[string(sym)]; ok {
		return errcode.New(pkg, errcode.ErrBadArg, "symtab: %q already has id %#x", sym, t.entries[i].id)
	}
	if err := t.room(); err != nil {
		return err
	}
	t.insert(id, string(sym))
	return nil
}

// All calls fn for every symbol in id order until fn returns false. sym
// is valid only during the call (it is reused); fn must not modify t.
func (t *Table) All(fn func(id uint64, sym []byte) bool) {
	var buf []byte
	t.each(func(e *entry) bool {
		buf = append(buf[:0], e.sym...)
		return fn(e.id, buf)
	})
}

// Equal reports whether t and u hold the same pairs.
func (t *Table) Equal(u *Table) bool {
	if t.Len() != u.Len() {
		return false
	}
	for _, e := range t.entries {
		if i, ok := u.ids[e.id]; !ok || u.entries[i].sym != e.sym {
			return false
		}
	}
	return true
}

// room fails when the table is full.
func (t *Table) room() error {
	if len(t.entries) >= maxEntries {
		return errcode.New(pkg, errcode.ErrLimit, "symtab: a table holds at most %d symbols", maxEntries)
	}
	return nil
}

// insert adds a pair known to be new (neither id nor sym present).
func (t *Table) insert(id uint64, s string) {
	if t.ids == nil {
		t.syms, t.ids, t.inOrder = map[string]int32{}, map[uint64]int32{}, true
	}
	i := int32(len(t.entries))
	t.syms[s] = i
	t.ids[id] = i
	t.push(id, s)
}

// push appends the entry and updates the order, max and next fields; the
// maps are the caller's.
func (t *Table) push(id uint64, s string) {
	if len(t.entries) > 0 && id < t.entries[len(t.entries)-1].id {
		t.inOrder = false
	}
	t.byID = nil
	t.entries = append(t.entries, entry{id, s})
	t.max = max(t.max, id)
	if idSlot(id) == 0 && id >= t.next {
		t.next = id + 1
	}
}

// each calls fn for every entry in id order until fn returns false.
func (t *Table) each(fn func(e *entry) bool) {
	if t.inOrder || len(t.entries) < 2 {
		for i := range t.entries {
			if !fn(&t.entries[i]) {
				return
			}
		}
		return
	}
	t.mu.Lock()
	if t.byID == nil {
		ix := make([]int32, len(t.entries))
		for i := range ix {
			ix[i] = int32(i)
		}
		slices.SortFunc(ix, func(a, b int32) int {
			x, y := t.entries[a].id, t.entries[b].id
			if x < y {
				return -1
			}
			if x > y {
				return 1
			}
			return 0
		})
		t.byID = ix
	}
	ix := t.byID
	t.mu.Unlock()
	for _, i := range ix {
		if !fn(&t.entries[i]) {
			return
		}
	}
}

// load adds a pair read from a file, in the order read; it reports an id
// or a symbol already present (and then the table must be dropped).
func (t *Table) load(id uint64, s string) (dupID, dupSym bool) {
	i := int32(len(t.entries))
	n := len(t.ids)
	if t.ids[id] = i; len(t.ids) == n {
		return true, false
	}
	n = len(t.syms)
	if t.syms[s] = i; len(t.syms) == n {
		return false, true
	}
	t.push(id, s)
	return false, false
}

// loader returns the callback with which a layout's walk loads the records
// of the entry name holding data: each symbol a substring of one copy of
// data, an id or a symbol met again malformed.
func (t *Table) loader(name string, data []byte) func(id uint64, off, end, at int) error {
	str := string(data)
	return func(id uint64, off, end, at int) error {
		s := str[off:end]
		switch dupID, dupSym := t.load(id, s); {
		case dupID:
			return badAt(name, at, "id %#x again", id)
		case dupSym:
			return badAt(name, at, "%q again", s)
		}
		return nil
	}
}
