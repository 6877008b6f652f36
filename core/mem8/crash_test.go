package mem8

import (
	"bytes"
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
