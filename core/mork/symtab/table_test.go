package symtab

import (
	"slices"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

func TestInternAssignsMORKSlotZeroIDs(t *testing.T) {
	var tb Table // the zero Table is usable
	for i, s := range []string{"foo", "bar", "", "foo", "baz", ""} {
		id, err := tb.Intern([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]uint64{"foo": 1, "bar": 2, "": 3, "baz": 4}[s]
		if id != want {
			t.Fatalf("Intern #%d %q = %d, want %d", i, s, id, want)
		}
	}
	if tb.Len() != 4 || tb.MaxID() != 4 {
		t.Fatalf("Len %d MaxID %d, want 4 4", tb.Len(), tb.MaxID())
	}
	if s, ok := tb.Symbol(3); !ok || len(s) != 0 {
		t.Fatalf("Symbol(3) = %q %v, want the empty symbol", s, ok)
	}
	if id, ok := tb.ID([]byte("baz")); !ok || id != 4 {
		t.Fatalf("ID(baz) = %d %v", id, ok)
	}
	if _, ok := tb.ID([]byte("qux")); ok {
		t.Fatal("ID of an absent symbol found")
	}
	if _, ok := tb.Symbol(0); ok {
		t.Fatal("Symbol(0) found")
	}
}

func TestInternContinuesAfterLargestSlotZeroID(t *testing.T) {
	for _, c := range []struct {
		name string
		adds []uint64
		want uint64
	}{
		{"empty", nil, 1},
		{"after 7", []uint64{7}, 8},
		{"after 300, 7 added later", []uint64{300, 7}, 301},
		{"other slots do not count", []uint64{1 << 40, 5<<40 | 9}, 1},
		{"slot 0 and others", []uint64{1<<40 | 3, 12}, 13},
		{"ids outside MORK's scheme do not count", []uint64{1 << 63, 1 << 48}, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			tb := New()
			for i, id := range c.adds {
				if err := tb.Add(id, []byte{byte('a' + i)}); err != nil {
					t.Fatal(err)
				}
			}
			id, err := tb.Intern([]byte("new"))
			if err != nil || id != c.want {
				t.Fatalf("Intern = %d, %v; want %d", id, err, c.want)
			}
		})
	}
}

func TestInternRunsOutOfSlotZero(t *testing.T) {
	tb := New()
	if err := tb.Add(counterMax, []byte("last")); err != nil {
		t.Fatal(err)
	}
	_, err := tb.Intern([]byte("one more"))
	isErr(t, "Intern past 2^40-1", err, errcode.ErrLimit)
	if tb.Len() != 1 {
		t.Fatalf("a failed Intern added a symbol: Len %d", tb.Len())
	}
	if id, err := tb.Intern([]byte("last")); err != nil || id != counterMax {
		t.Fatalf("Intern of a present symbol on a full slot = %d, %v", id, err)
	}
}

func TestAdd(t *testing.T) {
	tb := New()
	if err := tb.Add(10, []byte("ten")); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		id   uint64
		sym  string
		kind error
	}{
		{"the same pair again", 10, "ten", nil},
		{"id 0", 0, "zero", errcode.ErrBadArg},
		{"a taken id", 10, "other", errcode.ErrBadArg},
		{"a symbol with another id", 11, "ten", errcode.ErrBadArg},
		{"a large id", 1<<64 - 1, "max", nil},
		{"the empty symbol", 12, "", nil},
	} {
		err := tb.Add(c.id, []byte(c.sym))
		if c.kind == nil && err != nil || c.kind != nil && (err == nil || errcode.Of(err) != errcode.Of(c.kind)) {
			t.Fatalf("%s: %v, want %v", c.name, err, c.kind)
		}
	}
	if tb.Len() != 3 || tb.MaxID() != 1<<64-1 {
		t.Fatalf("Len %d MaxID %#x", tb.Len(), tb.MaxID())
	}
}

func TestSymbolReturnsACopy(t *testing.T) {
	tb := New()
	id, _ := tb.Intern([]byte("abc"))
	s, _ := tb.Symbol(id)
	s[0] = 'X'
	again, _ := tb.Symbol(id)
	if string(again) != "abc" {
		t.Fatalf("modifying Symbol's result changed the table: %q", again)
	}
	in := []byte("def")
	id2, _ := tb.Intern(in)
	in[0] = 'X'
	if got, _ := tb.Symbol(id2); string(got) != "def" {
		t.Fatalf("modifying Intern's argument changed the table: %q", got)
	}
	if b, ok := tb.AppendSymbol([]byte("<"), id2); !ok || string(b) != "<def" {
		t.Fatalf("AppendSymbol = %q %v", b, ok)
	}
	if b, ok := tb.AppendSymbol([]byte("<"), 99); ok || string(b) != "<" {
		t.Fatalf("AppendSymbol of an absent id = %q %v", b, ok)
	}
}

func TestAllInIDOrder(t *testing.T) {
	tb := New()
	ids := []uint64{50, 3, 1 << 40, 7, 1<<63 + 1, 2}
	for _, id := range ids {
		if err := tb.Add(id, []byte{byte(id), byte(id >> 40), byte(id >> 56)}); err != nil {
			t.Fatal(err)
		}
	}
	var got []uint64
	tb.All(func(id uint64, sym []byte) bool {
		if want, _ := tb.Symbol(id); string(want) != string(sym) {
			t.Fatalf("All gave %q for %#x, Symbol %q", sym, id, want)
		}
		got = append(got, id)
		return true
	})
	want := slices.Sorted(slices.Values(ids))
	if !slices.Equal(got, want) {
		t.Fatalf("All order %v, want %v", got, want)
	}
	// An Intern after All keeps the order right.
	tb.Intern([]byte("new")) // id 51
	got = got[:0]
	tb.All(func(id uint64, _ []byte) bool { got = append(got, id); return len(got) < 5 })
	if !slices.Equal(got, []uint64{2, 3, 7, 50, 51}) {
		t.Fatalf("All stopped early gave %v", got)
	}
}

func TestEqual(t *testing.T) {
	a, b := New(), New()
	a.Add(1, []byte("x"))
	b.Add(1, []byte("x"))
	if !a.Equal(b) {
		t.Fatal("equal tables differ")
	}
	b.Add(2, []byte("y"))
	a.Add(2, []byte("z"))
	if a.Equal(b) {
		t.Fatal("tables with different symbols are equal")
	}
}

func TestLayoutString(t *testing.T) {
	for l, s := range map[Layout]string{LayoutSeed: "seed", LayoutMORK: "mork", 0: "Layout(0)", 7: "Layout(7)"} {
		if l.String() != s {
			t.Fatalf("%d: %q, want %q", int(l), l.String(), s)
		}
	}
}

// Readers may share a table: the id order that All and Write need is
// built once, under a lock, by whichever reader comes first (run with
// -race).
func TestConcurrentReaders(t *testing.T) {
	tb := New()
	for i := 200; i > 0; i-- { // backwards, so the id order must be built
		tb.Add(uint64(i), []byte{'s', byte(i)})
	}
	if _, err := tb.AppendZip(nil, LayoutMORK); err != nil { // builds the order
		t.Fatal(err)
	}
	tb.Add(1000, []byte("drops the order built above"))
	want, _ := tb.AppendZip(nil, LayoutMORK)
	if back, _, err := ReadBytes(want, nil); err != nil || !back.Equal(tb) {
		t.Fatalf("the rebuilt order: %v", err)
	}
	tb.Add(500, []byte("and again"))
	want, _ = tb.AppendZip(nil, LayoutMORK)
	done := make(chan error)
	for g := range 4 {
		go func() {
			var err error
			for i := range 50 {
				switch (g + i) % 3 {
				case 0:
					n := 0
					tb.All(func(uint64, []byte) bool { n++; return true })
					if n != 202 {
						err = errcode.New(pkg, errcode.ErrInternal, "All saw %d", n)
					}
				case 1:
					if s, ok := tb.Symbol(uint64(i + 1)); !ok || s[1] != byte(i+1) {
						err = errcode.New(pkg, errcode.ErrInternal, "Symbol(%d) = %q", i+1, s)
					}
				default:
					if b, _ := tb.AppendZip(nil, LayoutMORK); string(b) != string(want) {
						err = errcode.New(pkg, errcode.ErrInternal, "a concurrent write differs")
					}
				}
			}
			done <- err
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}
