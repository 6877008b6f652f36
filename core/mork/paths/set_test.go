package paths

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

func TestSetTable(t *testing.T) {
	type add struct {
		p string
		v uint64
	}
	type kv struct {
		p string
		v uint64
	}
	for _, tc := range []struct {
		name string
		adds []add
		want []kv
	}{
		{"empty", nil, nil},
		{"one", []add{{"a", 1}}, []kv{{"a", 1}}},
		{"empty path", []add{{"", 7}, {"a", 1}}, []kv{{"", 7}, {"a", 1}}},
		{"sorted input", []add{{"a", 1}, {"b", 2}, {"c", 3}}, []kv{{"a", 1}, {"b", 2}, {"c", 3}}},
		{"reversed", []add{{"c", 3}, {"b", 2}, {"a", 1}}, []kv{{"a", 1}, {"b", 2}, {"c", 3}}},
		{"consecutive duplicate: last wins", []add{{"a", 1}, {"a", 2}}, []kv{{"a", 2}}},
		{"scattered duplicates: last wins", []add{{"b", 1}, {"a", 2}, {"b", 3}, {"a", 4}, {"b", 5}}, []kv{{"a", 4}, {"b", 5}}},
		{"prefix sorts first", []add{{"ab", 1}, {"a", 2}, {"abc", 3}, {"a\x00", 4}}, []kv{{"a", 2}, {"a\x00", 4}, {"ab", 1}, {"abc", 3}}},
		{"same 8-byte prefix", []add{{"abcdefghZ", 1}, {"abcdefgh", 2}, {"abcdefghA", 3}, {"abcdefgh", 4}}, []kv{{"abcdefgh", 4}, {"abcdefghA", 3}, {"abcdefghZ", 1}}},
		{"zero bytes vs short", []add{{"\x00\x00", 1}, {"\x00", 2}, {"", 3}}, []kv{{"", 3}, {"\x00", 2}, {"\x00\x00", 1}}},
		{"high bytes", []add{{"\xff", 1}, {"\x80", 2}, {"\x7f", 3}}, []kv{{"\x7f", 3}, {"\x80", 2}, {"\xff", 1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := NewSet()
			for _, a := range tc.adds {
				s.Add([]byte(a.p), a.v)
			}
			if s.Len() != len(tc.want) {
				t.Fatalf("Len %d, want %d", s.Len(), len(tc.want))
			}
			var total int64
			for i, w := range tc.want {
				if string(s.Path(i)) != w.p || s.Value(i) != w.v {
					t.Fatalf("entry %d is %q=%d, want %q=%d", i, s.Path(i), s.Value(i), w.p, w.v)
				}
				if v, ok := s.Get([]byte(w.p)); !ok || v != w.v {
					t.Fatalf("Get(%q) = %d, %v", w.p, v, ok)
				}
				total += int64(len(w.p))
			}
			if s.Bytes() != total {
				t.Fatalf("Bytes %d, want %d", s.Bytes(), total)
			}
			if _, ok := s.Get([]byte("zz")); ok {
				t.Fatal("Get of an absent path succeeded")
			}
			// Sort is idempotent.
			s.Sort()
			s.Sort()
			if s.Len() != len(tc.want) {
				t.Fatal("Len changed after Sort")
			}
		})
	}
}

func TestSetZeroValue(t *testing.T) {
	var s Set
	if s.Len() != 0 || s.Bytes() != 0 {
		t.Fatal("zero Set not empty")
	}
	if lo, hi := s.Range(nil); lo != 0 || hi != 0 {
		t.Fatalf("Range on empty set: %d, %d", lo, hi)
	}
	if s.Remove([]byte("a")) {
		t.Fatal("Remove on empty set")
	}
	s.Add([]byte("x"), 1)
	if v, ok := s.Get([]byte("x")); !ok || v != 1 {
		t.Fatal("zero Set does not take Add")
	}
}

func TestSetAddCopies(t *testing.T) {
	s := NewSet()
	p := []byte("abc")
	s.Add(p, 1)
	p[0] = 'z'
	if string(s.Path(0)) != "abc" {
		t.Fatalf("Add kept the caller's slice: %q", s.Path(0))
	}
	// Path's slice has no spare capacity: appending to it cannot clobber the next path.
	s.Add([]byte("abd"), 2)
	q := append(s.Path(0), 'X')
	_ = q
	if string(s.Path(1)) != "abd" {
		t.Fatalf("appending to Path(0) changed Path(1): %q", s.Path(1))
	}
	// Adding a path the set itself holds.
	s.Add(s.Path(1), 3)
	s.Add(append(s.Path(0), 'q'), 4)
	wantPaths(t, s, [][]byte{[]byte("abc"), []byte("abcq"), []byte("abd")})
	if v, _ := s.Get([]byte("abd")); v != 3 {
		t.Fatalf("re-added path has value %d, want 3", v)
	}
}

func TestSetAddAfterSort(t *testing.T) {
	s := setOf([]byte("m"), []byte("c"))
	s.Sort()
	s.Add([]byte("a"), 10) // before everything: unsorted again
	s.Add([]byte("m"), 11) // a duplicate of a sorted path
	s.Add([]byte("z"), 12)
	wantPaths(t, s, [][]byte{[]byte("a"), []byte("c"), []byte("m"), []byte("z")})
	if v, _ := s.Get([]byte("m")); v != 11 {
		t.Fatalf("m = %d, want 11 (the last Add)", v)
	}
}

func TestSetInOrderStaysSorted(t *testing.T) {
	s := NewSet()
	for _, p := range sortedUnique(genPaths(1000)) {
		s.Add(p, 0)
	}
	if s.unsorted {
		t.Fatal("adding paths in increasing order marked the set unsorted")
	}
	s.Add([]byte{0}, 0)
	if !s.unsorted {
		t.Fatal("adding a smaller path did not mark the set unsorted")
	}
}

func TestSetRange(t *testing.T) {
	s := setOf([]byte("a"), []byte("ab"), []byte("abc"), []byte("abd"), []byte("ac"), []byte("b"), []byte(""), []byte("ab\xff"), []byte("ac\x00"))
	// sorted: "" a ab abc abd ab\xff ac ac\x00 b
	for _, tc := range []struct {
		prefix string
		lo, hi int
	}{
		{"", 0, 9},
		{"a", 1, 8},
		{"ab", 2, 6},
		{"abc", 3, 4},
		{"abz", 5, 5}, // "abz" < "ab\xff"
		{"ac", 6, 8},
		{"b", 8, 9},
		{"c", 9, 9},
		{"\x00", 1, 1},
		{"ab\xff", 5, 6},
	} {
		lo, hi := s.Range([]byte(tc.prefix))
		if lo != tc.lo || hi != tc.hi {
			t.Errorf("Range(%q) = %d, %d; want %d, %d", tc.prefix, lo, hi, tc.lo, tc.hi)
		}
		for i := lo; i < hi; i++ {
			if !bytes.HasPrefix(s.Path(i), []byte(tc.prefix)) {
				t.Errorf("Range(%q) includes %q", tc.prefix, s.Path(i))
			}
		}
	}
}

func TestSetRemove(t *testing.T) {
	s := setOf([]byte("b"), []byte("a"), []byte("ccc"), []byte(""), []byte("dd"))
	for _, tc := range []struct {
		p    string
		ok   bool
		want []string
	}{
		{"x", false, []string{"", "a", "b", "ccc", "dd"}},
		{"ccc", true, []string{"", "a", "b", "dd"}},
		{"ccc", false, []string{"", "a", "b", "dd"}},
		{"", true, []string{"a", "b", "dd"}},
		{"dd", true, []string{"a", "b"}},
		{"a", true, []string{"b"}},
		{"b", true, nil},
	} {
		if ok := s.Remove([]byte(tc.p)); ok != tc.ok {
			t.Fatalf("Remove(%q) = %v", tc.p, ok)
		}
		var want [][]byte
		var total int64
		for _, w := range tc.want {
			want = append(want, []byte(w))
			total += int64(len(w))
		}
		wantPaths(t, s, want)
		if s.Bytes() != total {
			t.Fatalf("after Remove(%q): Bytes %d, want %d", tc.p, s.Bytes(), total)
		}
	}
}

func TestSetAllStops(t *testing.T) {
	s := setOf([]byte("a"), []byte("b"), []byte("c"))
	n := 0
	for range s.All() {
		n++
		if n == 2 {
			break
		}
	}
	if n != 2 {
		t.Fatalf("All yielded %d after break", n)
	}
}

func TestSetAddPanicsOnHugePath(t *testing.T) {
	// recordLimit stands for MaxRecordLen, which no test can allocate.
	defer func(l uint64) { recordLimit = l }(recordLimit)
	recordLimit = 10
	s := NewSet()
	s.Add(make([]byte, 10), 0) // at the limit: taken
	defer func() {
		if recover() == nil {
			t.Fatal("Add of a path longer than the record limit did not panic")
		}
		if s.Len() != 1 {
			t.Fatalf("the refused path changed the set: %d paths", s.Len())
		}
	}()
	s.Add(make([]byte, 11), 0)
}

// TestSetModel checks the Set against a map under random adds and removes,
// with sorts and reads interleaved.
func TestSetModel(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 9))
	s := NewSet()
	model := map[string]uint64{}
	randPath := func() []byte {
		p := make([]byte, r.IntN(7))
		for i := range p {
			p[i] = "ab\x00\xff"[r.IntN(4)]
		}
		return p
	}
	// Rounds of a burst of adds (sorted once, at the next read), then
	// removes and reads.
	for step := 0; step < 400; step++ {
		for range r.IntN(40) {
			p, v := randPath(), r.Uint64()
			s.Add(p, v)
			model[string(p)] = v
		}
		for range r.IntN(5) {
			p := randPath()
			_, in := model[string(p)]
			if got := s.Remove(p); got != in {
				t.Fatalf("step %d: Remove(%x) = %v, model %v", step, p, got, in)
			}
			delete(model, string(p))
		}
		for range 10 {
			p := randPath()
			v, ok := s.Get(p)
			mv, mok := model[string(p)]
			if ok != mok || v != mv {
				t.Fatalf("step %d: Get(%x) = %d %v, model %d %v", step, p, v, ok, mv, mok)
			}
		}
		if step%10 == 0 {
			check(t, s, model)
		}
	}
	check(t, s, model)
}

func check(t *testing.T, s *Set, model map[string]uint64) {
	t.Helper()
	keys := make([]string, 0, len(model))
	var total int64
	for k := range model {
		keys = append(keys, k)
		total += int64(len(k))
	}
	sort.Strings(keys)
	if s.Len() != len(keys) || s.Bytes() != total {
		t.Fatalf("Len %d Bytes %d, model %d %d", s.Len(), s.Bytes(), len(keys), total)
	}
	i := 0
	for p, v := range s.All() {
		if string(p) != keys[i] || v != model[keys[i]] {
			t.Fatalf("entry %d: %x=%d, model %x=%d", i, p, v, keys[i], model[keys[i]])
		}
		i++
	}
	var prefix []byte
	if len(keys) > 0 {
		k := keys[len(keys)/2]
		prefix = []byte(k[:len(k)/2])
	}
	lo, hi := s.Range(prefix)
	want := 0
	for _, k := range keys {
		if bytes.HasPrefix([]byte(k), prefix) {
			want++
		}
	}
	if hi-lo != want {
		t.Fatalf("Range(%x) has %d paths, model %d", prefix, hi-lo, want)
	}
}

func TestSetLarge(t *testing.T) {
	ps := genPaths(50000)
	s := NewSet()
	for i, p := range ps {
		s.Add(p, uint64(i))
	}
	// Add every path again, half with new values: the last Add wins.
	for i, p := range ps[:25000] {
		s.Add(p, uint64(i)+1e9)
	}
	want := sortedUnique(ps)
	wantPaths(t, s, want)
	for i, p := range ps {
		v, ok := s.Get(p)
		exp := uint64(i)
		if i < 25000 {
			exp += 1e9
		}
		if !ok || v != exp {
			t.Fatalf("Get(%x) = %d %v, want %d", p, v, ok, exp)
		}
	}
	if !slices.IsSortedFunc(pathsOf(s), bytes.Compare) {
		t.Fatal("not sorted")
	}
}

// TestSetConcurrentReads: after Sort, the read methods may run in many
// goroutines at once (the race detector checks they write nothing).
func TestSetConcurrentReads(t *testing.T) {
	ps := genPaths(2000)
	s := setOf(ps...)
	s.Sort()
	done := make(chan bool)
	for g := range 4 {
		go func() {
			defer func() { done <- true }()
			for i, p := range ps {
				if _, ok := s.Get(p); !ok {
					t.Errorf("goroutine %d: %x missing", g, p)
					return
				}
				lo, hi := s.Range(p[:4])
				if lo >= hi || s.Len() != len(ps) || s.Bytes() == 0 || len(s.Path(i)) == 0 {
					t.Errorf("goroutine %d: bad reads", g)
					return
				}
				_ = s.Value(i)
			}
			n := 0
			for range s.All() {
				n++
			}
			if n != len(ps) {
				t.Errorf("goroutine %d: All gave %d", g, n)
			}
		}()
	}
	for range 4 {
		<-done
	}
}

// TestSetSortAgainstReference sorts sets big enough for the radix passes,
// of paths built to stress the key: a shared prefix, zero bytes (which the
// key pads with), paths that are prefixes of others, tails past the 16 key
// bytes, and scattered repeats whose last value must win.
func TestSetSortAgainstReference(t *testing.T) {
	for _, tc := range []struct {
		name   string
		prefix string
		maxLen int
		alpha  string
	}{
		{"zeros and prefixes", "", 20, "\x00\x01"},
		{"shared prefix, long tails", "(edge ", 40, "\x00\xff"},
		{"key-length paths", "p", 18, "\x00a"},
		{"wide alphabet", "", 6, "abcdefghijklmnopqrstuvwxyz\x00\xff"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(11, uint64(len(tc.name))))
			s := NewSet()
			last := map[string]uint64{}
			for i := range 30000 {
				p := []byte(tc.prefix)
				for range r.IntN(tc.maxLen + 1) {
					p = append(p, tc.alpha[r.IntN(len(tc.alpha))])
				}
				s.Add(p, uint64(i))
				last[string(p)] = uint64(i)
			}
			keys := make([]string, 0, len(last))
			for k := range last {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			if s.Len() != len(keys) {
				t.Fatalf("%d paths, want %d", s.Len(), len(keys))
			}
			for i, k := range keys {
				if string(s.Path(i)) != k || s.Value(i) != last[k] {
					t.Fatalf("entry %d: %x=%d, want %x=%d", i, s.Path(i), s.Value(i), k, last[k])
				}
			}
		})
	}
}
