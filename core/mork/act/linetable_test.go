package act

import "testing"

func TestLineTable(t *testing.T) {
	var lt lineTable
	lt.init()
	if _, _, ok := lt.find([]byte("abc")); ok {
		t.Fatal("found in an empty table")
	}
	_, h, _ := lt.find([]byte("abc"))
	lt.add([]byte("abc"), h, 100)
	if at, _, ok := lt.find([]byte("abc")); !ok || at != 100 {
		t.Errorf("find(abc) = %d, %v", at, ok)
	}
	if _, _, ok := lt.find([]byte("abd")); ok {
		t.Error("found abd")
	}
	// Three lines forced onto one hash: each is still found, the first
	// occurrence of a line wins, and a prefix of one is not it.
	lt.add([]byte("x"), 7, 1)
	lt.add([]byte("yy"), 7, 2)
	lt.add([]byte("zzz"), 7, 3)
	for _, c := range []struct {
		line string
		at   int64
		ok   bool
	}{{"x", 1, true}, {"yy", 2, true}, {"zzz", 3, true}, {"zz", 0, false}, {"w", 0, false}} {
		if at, ok := lt.lookup([]byte(c.line), 7); at != c.at || ok != c.ok {
			t.Errorf("lookup(%q) = %d, %v; want %d, %v", c.line, at, ok, c.at, c.ok)
		}
	}
}
