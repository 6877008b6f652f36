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
// read it (Symbol, AppendSymbol, ID, Len, MaxID, All, Write, AppendZip);
// Intern and Add must not run concurrently with any other method.
type Table struct {
	syms map[string]uint64 // symbol → id
	ids  map[uint64]string // id → symbol

	// order holds every id; it is ascending when sorted is set, and is
	// sorted under mu by the readers that need id order.
	mu     sync.Mutex
	order  []uint64
	sorted bool

	max  uint64 // the largest id, 0 when empty
	next uint64 // the next slot-0 id Intern assigns; 0 means 1
}

// New returns an empty table.
func New() *Table { return &Table{} }

// newSized returns an empty table with room for n symbols.
func newSized(n int) *Table {
	return &Table{syms: make(map[string]uint64, n), ids: make(map[uint64]string, n), order: make([]uint64, 0, n), sorted: true}
}

// Len returns the number of symbols.
func (t *Table) Len() int { return len(t.ids) }

// MaxID returns the largest id in the table, or 0 when it is empty.
func (t *Table) MaxID() uint64 { return t.max }

// ID returns the id of sym, if it is in the table.
func (t *Table) ID(sym []byte) (uint64, bool) {
	id, ok := t.syms[string(sym)]
	return id, ok
}

// Symbol returns a copy of the symbol whose id is id, if there is one.
func (t *Table) Symbol(id uint64) ([]byte, bool) {
	s, ok := t.ids[id]
	if !ok {
		return nil, false
	}
	return []byte(s), true
}

// AppendSymbol appends the symbol whose id is id to dst; ok is false (and
// dst returned as is) when there is none.
func (t *Table) AppendSymbol(dst []byte, id uint64) ([]byte, bool) {
	s, ok := t.ids[id]
	if !ok {
		return dst, false
	}
	return append(dst, s...), true
}

// Intern returns the id of sym, assigning the next one if sym is new. New
// ids follow MORK's scheme in writer slot 0: the counter after the largest
// slot-0 id in the table, so the first id of an empty table is 1. It fails
// with [errcode.ErrLimit] only when slot 0's 2^40−1 ids are used up.
func (t *Table) Intern(sym []byte) (uint64, error) {
	if id, ok := t.syms[string(sym)]; ok {
		return id, nil
	}
	id := t.next
	if id == 0 {
		id = 1
	}
	if id > counterMax {
		return 0, errcode.New(pkg, errcode.ErrLimit, "symtab: slot 0 has no id left (its counter reached %#x)", uint64(counterMax))
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
	if s, ok := t.ids[id]; ok {
		if s == string(sym) {
			return nil
		}
		return errcode.New(pkg, errcode.ErrBadArg, "symtab: id %#x already names %q", id, s)
	}
	if old, ok := t.syms[string(sym)]; ok {
		return errcode.New(pkg, errcode.ErrBadArg, "symtab: %q already has id %#x", sym, old)
	}
	t.insert(id, string(sym))
	return nil
}

// All calls fn for every symbol in id order until fn returns false. sym
// is valid only during the call (it is reused); fn must not modify t.
func (t *Table) All(fn func(id uint64, sym []byte) bool) {
	var buf []byte
	for _, id := range t.sortedIDs() {
		buf = append(buf[:0], t.ids[id]...)
		if !fn(id, buf) {
			return
		}
	}
}

// insert adds a pair known to be new (neither id nor sym present).
func (t *Table) insert(id uint64, s string) {
	if t.ids == nil {
		t.syms, t.ids, t.sorted = map[string]uint64{}, map[uint64]string{}, true
	}
	t.syms[s] = id
	t.ids[id] = s
	if len(t.order) > 0 && id < t.order[len(t.order)-1] {
		t.sorted = false
	}
	t.order = append(t.order, id)
	t.max = max(t.max, id)
	if idSlot(id) == 0 && id >= t.next {
		t.next = id + 1
	}
}

// sortedIDs returns every id, ascending. The slice is shared: callers
// only read it.
func (t *Table) sortedIDs() []uint64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.sorted {
		slices.Sort(t.order)
		t.sorted = true
	}
	return t.order
}

// symbolAt returns the symbol of an id known to be present.
func (t *Table) symbolAt(id uint64) string { return t.ids[id] }

// Equal reports whether t and u hold the same pairs.
func (t *Table) Equal(u *Table) bool {
	if t.Len() != u.Len() {
		return false
	}
	for id, s := range t.ids {
		if v, ok := u.ids[id]; !ok || v != s {
			return false
		}
	}
	return true
}
