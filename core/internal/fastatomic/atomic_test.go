package fastatomic

import "testing"

// The same behaviour in either build (GOOS=wasip1 GOARCH=wasm runs the
// plain one).
func TestMethods(t *testing.T) {
	var i Int32
	if i.Add(3) != 3 || i.Add(-1) != 2 || i.Load() != 2 {
		t.Fatal("Int32")
	}
	i.Store(7)
	if i.Load() != 7 {
		t.Fatal("Int32.Store")
	}
	var u Uint64
	u.Store(1 << 40)
	if u.Add(1) != 1<<40+1 || u.Load() != 1<<40+1 {
		t.Fatal("Uint64")
	}
	var p Pointer[int]
	a, b := new(int), new(int)
	if p.Load() != nil || !p.CompareAndSwap(nil, a) || p.CompareAndSwap(nil, b) || p.Load() != a {
		t.Fatal("Pointer")
	}
	p.Store(b)
	if p.Load() != b {
		t.Fatal("Pointer.Store")
	}
}
