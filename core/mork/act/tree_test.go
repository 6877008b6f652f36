package act

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// TestOpenReadsHeaderOnly: Open and NewTree look at the header alone, so a
// file whose nodes are garbage opens, and the garbage shows on first use.
func TestOpenReadsHeaderOnly(t *testing.T) {
	garbage := bytes.Repeat([]byte{0xFF}, 4096)
	pm := pmFile(16+2000, garbage, false)
	var h seedHeader
	h.init()
	h.setRoot(seedHeaderSize)
	h.setNodes(uint64(len(garbage) / seedNodeSize))
	seed := append(h[:], garbage[:len(garbage)/seedNodeSize*seedNodeSize]...)
	for _, data := range [][]byte{pm, seed} {
		p := filepath.Join(t.TempDir(), "g.act")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		tr, err := Open(p, nil)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		_, _, err = tr.Get([]byte("a"))
		isKind(t, err, errcode.ErrFormat)
		isKind(t, tr.Verify(), errcode.ErrFormat)
		tr.Close()
	}
}

func TestOpenErrors(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "missing.act"), nil)
	if errcode.Of(err) != errcode.NotFound {
		t.Errorf("missing file: %v (%s)", err, errcode.Of(err).Name())
	}
	_, err = Open(t.TempDir(), nil)
	isKind(t, err, errcode.ErrBadArg)
	p := filepath.Join(t.TempDir(), "empty.act")
	os.WriteFile(p, nil, 0o644)
	_, err = Open(p, nil)
	isKind(t, err, errcode.ErrFormat)
	_, err = Open(p, &Limits{MaxDepth: -1})
	isKind(t, err, errcode.ErrBadArg)
	if tr, err := NewTree([]byte(Magic+"\x00\x00\x00\x00\x03\x00\x00\x00"), nil); tr != nil || err == nil {
		t.Errorf("NewTree of a bare seed selector = %v, %v", tr, err)
	}
	if LayoutSeed.String() != "seed" || LayoutPathMap.String() != "pathmap" || Layout(9).String() != "Layout(9)" {
		t.Error("Layout.String")
	}
}

// TestGetAllocs: Get reads in place.
func TestGetAllocs(t *testing.T) {
	rs := genPaths(11, 300)
	for _, layout := range layouts {
		tr, _ := NewTree(build(t, layout, rs), nil)
		i := 0
		allocs := testing.AllocsPerRun(2000, func() {
			if _, ok, err := tr.Get(rs[i%len(rs)].Path); !ok || err != nil {
				t.Fatal("lookup failed")
			}
			i++
		})
		if allocs != 0 {
			t.Errorf("%v: Get allocates %.1f times", layout, allocs)
		}
	}
}

// TestConcurrentReads: one Tree read from many goroutines (run with -race).
func TestConcurrentReads(t *testing.T) {
	rs := genPaths(12, 300)
	for _, layout := range layouts {
		tr, _ := NewTree(build(t, layout, rs), nil)
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := g; i < len(rs); i += 8 {
					if v, ok, err := tr.Get(rs[i].Path); err != nil || !ok || v != rs[i].Value {
						t.Errorf("Get(%x) = %d, %v, %v", rs[i].Path, v, ok, err)
					}
				}
				if n, err := tr.Count(); err != nil || n != uint64(len(rs)) {
					t.Errorf("Count = %d, %v", n, err)
				}
			}()
		}
		wg.Wait()
	}
}

// TestWalkPrefixAgreesWithGet: Walk from a prefix reports the prefix's own
// path exactly when Get finds it, on malformed seed trees too. Walk once
// descended by its own linear search, and read the children run of a leaf
// (failing on a stray offset Get ignores).
func TestWalkPrefixAgreesWithGet(t *testing.T) {
	files := map[string][]byte{
		// Root → 'a', a leaf (value 1) with a stray, unaligned children offset.
		"stray children offset": seedFile(1, 1, []seedNode{sn('a', 5, 1, 0), sn(0, -24, 0, 1)}, nil),
		// Root → [2, 1]: children out of order.
		"tags unsorted": seedFile(0, 2, []seedNode{sn(0, 24, 0, 2), sn(2, 0, 1, 0), sn(1, 0, 2, 0)}, nil),
	}
	for name, data := range files {
		tr, err := NewTree(data, nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, p := range [][]byte{{1}, {2}, {'a'}, {'a', 0}, {'a', 5}, {1, 1}} {
			_, ok, gerr := tr.Get(p)
			found := false
			werr := tr.Walk(p, func(q []byte, _ uint64) error {
				found = found || bytes.Equal(q, p)
				return nil
			})
			if gerr != nil || werr != nil || found != ok {
				t.Errorf("%s: %x: Get found %v (%v), Walk found %v (%v)", name, p, ok, gerr, found, werr)
			}
		}
	}
}

// TestCountOnce: Count walks the tree on its first call only; later calls,
// concurrent ones included, return its count or its error.
func TestCountOnce(t *testing.T) {
	rs := genPaths(13, 300)
	for _, layout := range layouts {
		tr, _ := NewTree(build(t, layout, rs), nil)
		if n, err := tr.Count(); err != nil || n != uint64(len(rs)) {
			t.Fatalf("%v: Count = %d, %v", layout, n, err)
		}
		if allocs := testing.AllocsPerRun(100, func() { tr.Count() }); allocs != 0 {
			t.Errorf("%v: a second Count allocates %.1f times: it walks again", layout, allocs)
		}
		tr.Close()
		if _, err := tr.Count(); !errors.Is(err, errcode.ErrClosed) {
			t.Errorf("%v: Count after Close: %v", layout, err)
		}
	}
	cycle, _ := NewTree(seedFile(0, 0, []seedNode{sn(0, 0, 0, 1)}, nil), nil)
	for range 2 {
		if _, err := cycle.Count(); !errors.Is(err, errcode.ErrFormat) {
			t.Fatalf("seed cycle: Count = %v, want ErrFormat", err)
		}
	}
}
