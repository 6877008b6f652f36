package mem8

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

func TestCreateAppendReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.m8")
	f, err := Create(path, &Options{IdentityFreq: 528, TemporalPhase: 1.5})
	if err != nil {
		t.Fatal(err)
	}
	recs := []Record{
		{Content: []byte("alpha"), Importance: 0.25, Token: ".py", Timestamp: 10},
		{Content: []byte("beta"), Importance: 0.75, Token: "project/x", Timestamp: 11},
		{Content: bytes.Repeat([]byte{7}, MaxContent), Importance: 1, Timestamp: 12},
		{Content: nil, Importance: 0, Token: "project/x", Timestamp: 13},
		{Content: []byte("gamma"), Importance: 0.5, Token: "other"},
	}
	for i, r := range recs {
		idx, err := f.AppendRecord(r)
		if err != nil || idx != uint64(i) {
			t.Fatalf("append %d: idx %d err %v", i, idx, err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); errcode.Of(err) != errcode.BadHandle {
		t.Fatalf("second close: %v", err)
	}
	st, _ := os.Stat(path)
	if st.Size() != HeaderSize+5*BlockSize {
		t.Fatalf("size %d", st.Size())
	}
	g, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	h := g.Header()
	if h.IdentityFreq != 528 || h.TemporalPhase != 1.5 || h.Flags != DefaultFlags || h.BlockCount != 5 {
		t.Fatalf("header %+v", h)
	}
	for i, r := range recs {
		b, err := g.Block(uint64(i))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b.Content, r.Content) || b.Importance != Quantize(r.Importance) || b.Token != r.Token {
			t.Errorf("block %d: %+v", i, b)
		}
		if r.Timestamp != 0 && b.Timestamp != r.Timestamp {
			t.Errorf("block %d timestamp %d", i, b.Timestamp)
		}
		if sig := WaveSignature(r.Content, 528); b.WaveSignature != sig {
			t.Errorf("block %d signature", i)
		}
	}
	// Token ids mean the same after reopen: .py reserved, then 0x100, 0x101.
	ids := map[string]uint16{".py": 0x91, "project/x": 0x100, "other": 0x101}
	for s, id := range ids {
		if got, ok := g.Tokens().Lookup(s); !ok || got != id {
			t.Errorf("token %q = %#x, want %#x", s, got, id)
		}
	}
	if err := g.Verify(); err != nil {
		t.Fatal(err)
	}
	if _, err := g.Append([]byte("x"), 1); errcode.Of(err) != errcode.BadArg {
		t.Fatalf("append to read-only: %v", err)
	}
	if _, err := g.Block(5); errcode.Of(err) != errcode.NotFound {
		t.Fatalf("block past end: %v", err)
	}

	// Reopen for writing: new tokens continue the sequence, the chain continues.
	w, err := OpenFile(path, os.O_RDWR, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.AppendRecord(Record{Content: []byte("delta"), Token: "third"}); err != nil {
		t.Fatal(err)
	}
	if id, _ := w.Tokens().Lookup("third"); id != 0x102 {
		t.Fatalf("third token id %#x", id)
	}
	if err := w.Verify(); err != nil {
		t.Fatal(err)
	}
	w.Close()
}

func TestContentLimits(t *testing.T) {
	f, _ := NewMem(nil, nil)
	if _, err := f.Append(make([]byte, MaxContent+1), 0.5); errcode.Of(err) != errcode.Limit {
		t.Fatalf("4025 bytes: %v", err)
	}
	room := MaxContent - trailerSize(len("tok"))
	if _, err := f.AppendRecord(Record{Content: make([]byte, room+1), Token: "tok"}); errcode.Of(err) != errcode.Limit {
		t.Fatalf("content plus token definition over the block: %v", err)
	}
	if _, err := f.AppendRecord(Record{Content: make([]byte, room), Token: "tok"}); err != nil {
		t.Fatalf("content exactly filling a defining block: %v", err)
	}
	if _, err := f.AppendRecord(Record{Content: make([]byte, MaxContent), Token: "tok"}); err != nil {
		t.Fatalf("full content with a known token: %v", err)
	}
	if _, err := f.AppendRecord(Record{Token: strings.Repeat("t", 256)}); errcode.Of(err) != errcode.BadArg {
		t.Fatalf("256-byte token: %v", err)
	}
	if _, err := f.AppendRecord(Record{Token: "\xff"}); errcode.Of(err) != errcode.BadArg {
		t.Fatalf("non-UTF-8 token: %v", err)
	}
	// Nothing was lost or half-written by the refusals.
	if f.Count() != 2 {
		t.Fatalf("count %d", f.Count())
	}
	if err := f.Verify(); err != nil {
		t.Fatal(err)
	}
	g, err := OpenBytes(f.Bytes(), nil)
	if err != nil || g.Count() != 2 {
		t.Fatalf("reopen: %v", err)
	}
	p, _ := NewMem(nil, &Options{Plain: true})
	if _, err := p.AppendRecord(Record{Token: "x"}); errcode.Of(err) != errcode.Unsupported {
		t.Fatalf("token in a plain file: %v", err)
	}
}

func TestNaNImportance(t *testing.T) {
	f, _ := NewMem(nil, nil)
	f.Append([]byte("nan"), float32(math.NaN()))
	f.Append([]byte("inf"), float32(math.Inf(1)))
	f.Append([]byte("neg"), -3)
	want := []uint16{0, 65535, 0}
	for i, w := range want {
		b, _ := f.Block(uint64(i))
		if b.Importance != w {
			t.Errorf("block %d importance %d, want %d", i, b.Importance, w)
		}
	}
	idx, err := f.QueryIndices(nil)
	if err != nil || fmt.Sprint(idx) != "[1 0 2]" {
		t.Fatalf("query %v %v", idx, err)
	}
}

// The seed's bug 1 returned the first block over and over; each block must
// come back once, by importance, ties oldest first, in every session alike.
func TestQuerySemantics(t *testing.T) {
	f, _ := NewMem(nil, nil)
	for i := 0; i < 30; i++ {
		content := fmt.Sprintf("block %d", i)
		if i%7 == 0 {
			content += " needle"
		}
		f.Append([]byte(content), float32(i%5)/4)
	}
	idx, _ := f.QueryIndices(&Query{Keywords: []string{"needle"}})
	// Importance 1.0: 4,9,14,19,24,29; 0.75: 3,8,13,18,23,28 … Fill takes the
	// first 10, then only blocks with "needle" (0, 7, 14, 21, 28) not yet kept.
	want := "[4 9 14 19 24 29 3 8 13 18 28 7 21 0]"
	if fmt.Sprint(idx) != want {
		t.Fatalf("query = %v, want %s", idx, want)
	}
	g, _ := OpenBytes(f.Bytes(), nil)
	idx2, _ := g.QueryIndices(&Query{Keywords: []string{"needle"}})
	if fmt.Sprint(idx2) != want {
		t.Fatalf("reopened query = %v", idx2)
	}
	few, _ := g.QueryIndices(&Query{Fill: 2, Max: 3})
	if fmt.Sprint(few) != "[4 9]" {
		t.Fatalf("fill 2 max 3 without keywords = %v", few)
	}
	bl, _ := g.ByImportance("needle")
	if len(bl) != 14 || string(bl[0].Content) != "block 4" {
		t.Fatalf("ByImportance: %d blocks", len(bl))
	}
}

func TestLockOneWriter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "l.m8")
	w, err := Create(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := OpenFile(path, os.O_RDWR, nil); !errors.Is(err, errcode.ErrLocked) {
		t.Fatalf("second writer: %v", err)
	}
	if _, err := Create(path, nil); !errors.Is(err, errcode.ErrLocked) {
		t.Fatalf("create over a locked file: %v", err)
	}
	r, err := Open(path)
	if err != nil {
		t.Fatalf("reader beside a writer: %v", err)
	}
	r.Close()
	w.Close()
	w2, err := OpenFile(path, os.O_RDWR, nil)
	if err != nil {
		t.Fatalf("writer after close: %v", err)
	}
	w2.Close()
}

// Readers and one appender at once (run with -race).
func TestConcurrentReaders(t *testing.T) {
	f, _ := NewMem(nil, &Options{NoSync: true})
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for r := 0; r < 4; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				n := f.Count()
				if n > 0 {
					b, err := f.Block(n - 1)
					if err != nil || b.Index != n-1 {
						t.Errorf("read %d: %v", n-1, err)
						return
					}
				}
				if _, err := f.QueryIndices(&Query{Keywords: []string{"7"}}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	for i := 0; i < 500; i++ {
		if _, err := f.AppendRecord(Record{Content: []byte(fmt.Sprint(i)), Importance: 0.5, Token: fmt.Sprint("t", i%9)}); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	if err := f.Verify(); err != nil {
		t.Fatal(err)
	}
}

func TestRepairOnWritableOpen(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(vectorDir, "torn_tail.m8"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "torn.m8")
	os.WriteFile(path, data, 0o644)
	r, err := Open(path)
	if err != nil || r.Recovery().Clean() || r.Recovery().DroppedBytes != 2000 || r.Recovery().Repaired {
		t.Fatalf("read-only: %v %+v", err, r.Recovery())
	}
	r.Close()
	if st, _ := os.Stat(path); st.Size() != int64(len(data)) {
		t.Fatal("read-only open changed the file")
	}
	w, err := OpenFile(path, os.O_RDWR, nil)
	if err != nil || !w.Recovery().Repaired {
		t.Fatalf("read-write: %v %+v", err, w.Recovery())
	}
	w.Close()
	if st, _ := os.Stat(path); st.Size() != int64(len(data))-2000 {
		t.Fatalf("repair left %d bytes", st.Size())
	}
	c, _ := Open(path)
	if !c.Recovery().Clean() || c.Verify() != nil {
		t.Fatalf("after repair: %+v %v", c.Recovery(), c.Verify())
	}
}

func TestClosedFile(t *testing.T) {
	f, _ := NewMem(nil, nil)
	f.Close()
	if _, err := f.Block(0); !errors.Is(err, errcode.ErrClosed) {
		t.Fatal(err)
	}
	if _, err := f.Append(nil, 0); !errors.Is(err, errcode.ErrClosed) {
		t.Fatal(err)
	}
	if _, err := f.QueryIndices(nil); !errors.Is(err, errcode.ErrClosed) {
		t.Fatal(err)
	}
	if err := f.Verify(); !errors.Is(err, errcode.ErrClosed) {
		t.Fatal(err)
	}
}

func TestLimits(t *testing.T) {
	f, _ := NewMem(nil, nil)
	for i := 0; i < 5; i++ {
		f.Append([]byte("x"), 0.5)
	}
	if _, err := OpenBytes(f.Bytes(), &Options{Limits: &Limits{MaxBlocks: 4}}); errcode.Of(err) != errcode.Limit {
		t.Fatalf("5 blocks with MaxBlocks 4: %v", err)
	}
	g, _ := NewMem(f.Bytes(), &Options{Limits: &Limits{MaxBlocks: 5}})
	if _, err := g.Append([]byte("y"), 0.5); errcode.Of(err) != errcode.Limit {
		t.Fatalf("append past MaxBlocks: %v", err)
	}
}

// A reader beside a writer (as another process would be) sees new blocks
// after Refresh, and never a block that is not committed.
func TestReaderRefresh(t *testing.T) {
	path := filepath.Join(t.TempDir(), "live.m8")
	w, err := Create(path, &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	w.AppendRecord(Record{Content: []byte("a"), Token: "first"})
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Count() != 1 {
		t.Fatalf("reader sees %d", r.Count())
	}
	for i := 0; i < 20; i++ {
		w.AppendRecord(Record{Content: []byte(fmt.Sprint(i)), Token: fmt.Sprint("t", i%3)})
	}
	n, err := r.Refresh()
	if err != nil || n != 21 || r.Count() != 21 {
		t.Fatalf("refresh: %d %v", n, err)
	}
	b, err := r.Block(20)
	if err != nil || string(b.Content) != "19" || b.Token != "t1" {
		t.Fatalf("new block after refresh: %+v %v", b, err)
	}
	if err := r.Verify(); err != nil {
		t.Fatal(err)
	}
	m, _ := NewMem(nil, nil)
	if n, err := m.Refresh(); n != 0 || err != nil {
		t.Fatalf("refresh of an in-memory file: %d %v", n, err)
	}
}

// Preallocation never shows in the file: its size is always 30 + n·4096,
// during appends and after Close.
func TestPreallocationInvisible(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.m8")
	f, err := Create(path, &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 300; i++ {
		f.Append([]byte("x"), 0.5)
		if i%97 == 0 {
			if st, _ := os.Stat(path); st.Size() != HeaderSize+int64(i+1)*BlockSize {
				t.Fatalf("after %d appends the file is %d bytes", i+1, st.Size())
			}
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(path); st.Size() != HeaderSize+300*BlockSize {
		t.Fatalf("closed file is %d bytes", st.Size())
	}
	r, err := Open(path)
	if err != nil || !r.Recovery().Clean() || r.Count() != 300 {
		t.Fatalf("%v %+v", err, r.Recovery())
	}
	r.Close()
}

// A query's Max is the caller's word, not a size: a huge Max on a small
// file returns every match and allocates for the file, not for Max (it was
// make([]uint64, 0, Max): a fatal out-of-memory from pf_mem8_query).
func TestQueryHugeMax(t *testing.T) {
	f, _ := NewMem(nil, nil)
	for i := 0; i < 5; i++ {
		f.Append([]byte(fmt.Sprint("needle ", i)), 0.5)
	}
	var idx []uint64
	var err error
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	idx, err = f.QueryIndices(&Query{Keywords: []string{"needle"}, Max: 1 << 40})
	runtime.ReadMemStats(&after)
	if err != nil || len(idx) != 5 {
		t.Fatalf("query: %v %v", idx, err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Fatalf("a query with Max 2^40 allocated %d bytes", n)
	}
}

// TestNoSyncHeaderOnDisk: with NoSync a file on disk gets its header
// rewritten every headerEvery appends, at Sync and at Close; meanwhile a
// reader (and a copy, as a killed writer leaves the file) sees every block
// appended, each checked.
func TestNoSyncHeaderOnDisk(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lazy.m8")
	f, err := Create(path, &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	onDisk := func() uint32 {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return binary.LittleEndian.Uint32(b[6:10])
	}
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	const n = headerEvery + 7
	for i := range n {
		if _, err := f.AppendRecord(lazyRecord(i)); err != nil {
			t.Fatal(err)
		}
	}
	if got := onDisk(); got != headerEvery {
		t.Fatalf("header on disk says %d blocks, want %d", got, headerEvery)
	}
	if c, err := r.Refresh(); err != nil || c != n || !r.Recovery().Clean() || r.Recovery().HeaderBlocks != headerEvery {
		t.Fatalf("reader refresh: %d, %v, %+v", c, err, r.Recovery())
	}
	if err := r.Verify(); err != nil {
		t.Fatal(err)
	}
	if b, err := r.Block(n - 1); err != nil || !bytes.Equal(b.Content, lazyRecord(n-1).Content) {
		t.Fatalf("last block: %v", err)
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	if got := onDisk(); got != n {
		t.Fatalf("header on disk says %d blocks after Sync, want %d", got, n)
	}
	f.Append([]byte("one more"), 0.5)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if got := onDisk(); got != n+1 {
		t.Fatalf("header on disk says %d blocks after Close, want %d", got, n+1)
	}
	if fi, _ := os.Stat(path); fi.Size() != blockOffset(n+1) {
		t.Fatalf("file is %d bytes", fi.Size())
	}
}
