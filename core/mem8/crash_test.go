package mem8

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/polyfmt/polyfmt/core/internal/storage"
)

// baseFile returns the image of a file with three committed blocks, one of
// which defines a token, and the blocks themselves.
func baseFile(t *testing.T, opt *Options) ([]byte, []Block) {
	t.Helper()
	f, err := NewMem(nil, opt)
	if err != nil {
		t.Fatal(err)
	}
	tok := "alpha"
	if opt != nil && opt.Plain {
		tok = ""
	}
	for i, r := range []Record{
		{Content: []byte("one"), Importance: 0.3, Timestamp: 1},
		{Content: bytes.Repeat([]byte("x"), 2000), Importance: 0.9, Token: tok, Timestamp: 2},
		{Content: []byte("three"), Importance: 0.6, Timestamp: 3},
	} {
		if _, err := f.AppendRecord(r); err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
	}
	var blocks []Block
	for b, err := range f.Forward() {
		if err != nil {
			t.Fatal(err)
		}
		blocks = append(blocks, b)
	}
	return f.Bytes(), blocks
}

// checkAfterCrash opens image read-only, then read-write, and checks that the
// committed blocks are intact, the in-flight one is whole or absent, the file
// verifies after repair, and appending works again.
func checkAfterCrash(t *testing.T, image []byte, want []Block, inflight []byte) {
	t.Helper()
	ro, err := OpenBytes(image, nil)
	if err != nil {
		t.Fatalf("read-only open after crash: %v", err)
	}
	n := ro.Count()
	if n != uint64(len(want)) && n != uint64(len(want))+1 {
		t.Fatalf("read-only open: %d blocks, want %d or %d (recovery %+v)", n, len(want), len(want)+1, ro.Recovery())
	}
	for i, w := range want {
		b, err := ro.Block(uint64(i))
		if err != nil {
			t.Fatalf("block %d: %v", i, err)
		}
		if !bytes.Equal(b.Content, w.Content) || b.Importance != w.Importance || b.Token != w.Token || b.PrevHash != w.PrevHash {
			t.Fatalf("block %d changed after crash", i)
		}
	}
	if n > uint64(len(want)) {
		b, _ := ro.Block(n - 1)
		if !bytes.Equal(b.Content, inflight) {
			t.Fatalf("in-flight block came back with other content")
		}
	}
	rw, err := NewMem(image, nil)
	if err != nil {
		t.Fatalf("read-write open after crash: %v", err)
	}
	if rw.Count() != n {
		t.Fatalf("read-write open kept %d blocks, read-only %d", rw.Count(), n)
	}
	if err := rw.Verify(); err != nil {
		t.Fatalf("verify after repair: %v (recovery %+v)", err, rw.Recovery())
	}
	tok := "beta"
	if rw.Header().Flags&FlagTokens == 0 {
		tok = ""
	}
	if _, err := rw.AppendRecord(Record{Content: []byte("after"), Importance: 0.5, Token: tok}); err != nil {
		t.Fatalf("append after repair: %v", err)
	}
	if err := rw.Verify(); err != nil {
		t.Fatalf("verify after append: %v", err)
	}
	again, err := OpenBytes(rw.Bytes(), nil)
	if err != nil || !again.Recovery().Clean() || again.Count() != n+1 {
		t.Fatalf("reopen after repair+append: %v, %+v", err, again.Recovery())
	}
}

// TestCrashEveryByte cuts an append at every byte of its writes (block, then
// header) under the process-crash model: what was written stays written.
func TestCrashEveryByte(t *testing.T) {
	for _, plain := range []bool{false, true} {
		opt := &Options{Plain: plain}
		base, want := baseFile(t, opt)
		token := "gamma"
		if plain {
			token = ""
		}
		inflight := []byte("in flight")
		total := BlockSize + HeaderSize
		for cut := 0; cut <= total; cut++ {
			t.Run(fmt.Sprintf("plain=%v/cut=%d", plain, cut), func(t *testing.T) {
				ff := storage.NewFaulty(base)
				f, err := openStorage(ff, int64(len(base)), Options{})
				if err != nil {
					t.Fatal(err)
				}
				ff.WriteBudget = cut
				_, err = f.AppendRecord(Record{Content: inflight, Importance: 0.7, Token: token})
				if (err == nil) != (cut == total) {
					t.Fatalf("append with %d of %d bytes: err %v", cut, total, err)
				}
				if err != nil {
					if _, err2 := f.Append([]byte("more"), 0.1); err2 == nil {
						t.Fatal("append after a failed append succeeded")
					}
				}
				checkAfterCrash(t, ff.Snapshot(), want, inflight)
			})
		}
	}
}

// TestCrashAtSync fails each sync of an append in turn; under the
// power-loss model only what was synced survives.
func TestCrashAtSync(t *testing.T) {
	base, want := baseFile(t, nil)
	inflight := []byte("synced?")
	for k := 0; k <= 2; k++ {
		t.Run(fmt.Sprintf("sync=%d", k), func(t *testing.T) {
			ff := storage.NewFaulty(base)
			f, err := openStorage(ff, int64(len(base)), Options{})
			if err != nil {
				t.Fatal(err)
			}
			ff.Durable = ff.Snapshot()
			ff.SyncBudget = k
			_, err = f.AppendRecord(Record{Content: inflight, Importance: 0.2})
			if (err == nil) != (k == 2) {
				t.Fatalf("append with %d syncs allowed: %v", k, err)
			}
			checkAfterCrash(t, ff.Durable, want, inflight)    // power loss
			checkAfterCrash(t, ff.Snapshot(), want, inflight) // process crash
		})
	}
}

// TestLostUnsyncedHeader models an OS crash with NoSync where the header
// reached the disk but the block did not: open must still succeed with the
// blocks that are there.
func TestLostUnsyncedHeader(t *testing.T) {
	base, want := baseFile(t, &Options{Plain: true})
	f, _ := NewMem(base, &Options{NoSync: true})
	f.Append([]byte("lost"), 0.5)
	img := f.Bytes()
	img = img[:len(base)] // the block never reached the disk
	copy(img, f.Bytes()[:HeaderSize])
	checkAfterCrash(t, img, want, nil)
}

// lazyAppend appends block i of the lazy-header tests (every fifth defines
// a token, so definitions fall past a stale header too).
func lazyRecord(i int) Record {
	r := Record{Content: fmt.Appendf(nil, "lazy %d %s", i, bytes.Repeat([]byte{'z'}, i%50)), Importance: float32(i%10) / 10, Timestamp: uint64(1000 + i)}
	if i%5 == 2 {
		r.Token = fmt.Sprintf("t%d", i)
	}
	return r
}

// checkLazyImage opens image read-only and read-write and checks it holds
// at least the first `least` blocks of lazyRecord, at most one more, each
// intact, that the read-write open verifies and can append.
func checkLazyImage(t *testing.T, image []byte, least int) {
	t.Helper()
	ro, err := OpenBytes(image, nil)
	if err != nil {
		t.Fatalf("read-only open: %v", err)
	}
	n := int(ro.Count())
	if n < least || n > least+1 {
		t.Fatalf("read-only open: %d blocks, want %d or %d (recovery %+v)", n, least, least+1, ro.Recovery())
	}
	for i := range n {
		b, err := ro.Block(uint64(i))
		w := lazyRecord(i)
		if err != nil || !bytes.Equal(b.Content, w.Content) || b.Token != w.Token || b.Timestamp != w.Timestamp {
			t.Fatalf("block %d: %v %q %q", i, err, b.Content, b.Token)
		}
	}
	rw, err := NewMem(image, nil)
	if err != nil || int(rw.Count()) != n {
		t.Fatalf("read-write open: %v, %d blocks (read-only %d)", err, rw.Count(), n)
	}
	if _, err := rw.AppendRecord(lazyRecord(n)); err != nil {
		t.Fatal(err)
	}
	if err := rw.Verify(); err != nil {
		t.Fatal(err)
	}
	if h := rw.Header(); h.BlockCount != uint32(n+1) {
		t.Fatalf("header says %d blocks after repair and append, want %d", h.BlockCount, n+1)
	}
}

// TestCrashLazyHeader: with NoSync the header is rewritten every
// headerEvery appends; a crash anywhere in a run of appends (the writes cut
// at byte budgets around the header rewrites) still leaves every append
// that returned, under the process-crash model.
func TestCrashLazyHeader(t *testing.T) {
	empty, err := NewMem(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	base := empty.Bytes()
	const total = headerEvery + 40
	var cuts []int
	for _, blocks := range []int{0, 3, headerEvery - 1, headerEvery, total - 2} {
		at := blocks * BlockSize
		if blocks >= headerEvery {
			at += HeaderSize
		}
		cuts = append(cuts, at, at+1, at+BlockSize-1, at+BlockSize, at+BlockSize+HeaderSize/2)
	}
	for _, cut := range cuts {
		t.Run(fmt.Sprintf("cut=%d", cut), func(t *testing.T) {
			ff := storage.NewFaulty(base)
			f, err := openStorage(ff, int64(len(base)), Options{NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			ff.WriteBudget = cut
			done := 0
			for ; done < total; done++ {
				if _, err := f.AppendRecord(lazyRecord(done)); err != nil {
					break
				}
			}
			if done == total {
				t.Fatalf("every append succeeded with %d bytes of writes allowed", cut)
			}
			checkLazyImage(t, ff.Snapshot(), done)
		})
	}
}

// TestLazyHeaderSync: Sync brings a stale header up to date between two
// fsyncs, so a power loss after it keeps every block appended before it.
func TestLazyHeaderSync(t *testing.T) {
	empty, _ := NewMem(nil, nil)
	base := empty.Bytes()
	ff := storage.NewFaulty(base)
	f, err := openStorage(ff, int64(len(base)), Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		if _, err := f.AppendRecord(lazyRecord(i)); err != nil {
			t.Fatal(err)
		}
	}
	if got := binary.LittleEndian.Uint32(ff.Snapshot()[6:10]); got != 0 {
		t.Fatalf("header on disk says %d blocks before any rewrite is due", got)
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	if got := binary.LittleEndian.Uint32(ff.Durable[6:10]); got != 10 {
		t.Fatalf("durable header says %d blocks after Sync, want 10", got)
	}
	for i := 10; i < 20; i++ {
		if _, err := f.AppendRecord(lazyRecord(i)); err != nil {
			t.Fatal(err)
		}
	}
	checkLazyImage(t, ff.Durable, 10) // power loss: what Sync made durable
	ro, _ := OpenBytes(ff.Durable, nil)
	if rec := ro.Recovery(); !rec.Clean() || rec.HeaderBlocks != 10 || ro.Count() != 10 {
		t.Fatalf("power loss after Sync: %d blocks, recovery %+v", ro.Count(), rec)
	}
	checkLazyImage(t, ff.Snapshot(), 20) // process crash: every append
	ro, _ = OpenBytes(ff.Snapshot(), nil)
	if rec := ro.Recovery(); !rec.Clean() || rec.HeaderBlocks != 10 || ro.Count() != 20 || ro.Verify() != nil {
		t.Fatalf("process crash after Sync: %d blocks, recovery %+v, verify %v", ro.Count(), rec, ro.Verify())
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if got := binary.LittleEndian.Uint32(ff.Snapshot()[6:10]); got != 20 {
		t.Fatalf("header says %d blocks after Close, want 20", got)
	}
}
