package mmx

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/internal/storage"
)

// smallCommits makes n commits of one new small Text chunk each: every
// commit appends the whole directory, so without compaction the dead space
// grows as n².
func smallCommits(t testing.TB, f *File, from, n int, check func(i int)) {
	t.Helper()
	for i := from; i < from+n; i++ {
		if err := f.WriteText(fmt.Sprintf("notes/%06d", i), &Text{Content: fmt.Sprint("note ", i)}, nil); err != nil {
			t.Fatal(err)
		}
		if err := f.Commit(); err != nil {
			t.Fatal(err)
		}
		if check != nil {
			check(i)
		}
	}
}

// Dead space: 2,166 small commits once left a file of 1.37 GB, 1.15 GB of it
// old directories. Automatic compaction bounds it: after every
// commit, dead ≤ max(AutoCompactMinDead, AutoCompactRatio × live). In
// memory, so that the test does not pay a compaction's syncs; the on-disk
// path is TestAutoCompactOnDisk's.
func TestAutoCompactBoundsDeadSpace(t *testing.T) {
	const n, minDead = 1000, 1 << 20
	f, err := NewMem(nil, &Options{AutoCompactMinDead: minDead})
	if err != nil {
		t.Fatal(err)
	}
	compactions, maxSize := 0, uint64(0)
	gen := f.Generation()
	smallCommits(t, f, 0, n, func(i int) {
		dead := f.DeadBytes()
		live := f.commitEnd - dead
		if dead > max(minDead, live) {
			t.Fatalf("commit %d: %d dead bytes, %d live", i, dead, live)
		}
		// The bound in numbers: the live bytes (header, chunks, the current
		// directory and its start copy) plus at most max(1 MiB, live) dead.
		size := uint64(f.store.Mem.Size())
		if bound := live + max(minDead, live); size > bound {
			t.Fatalf("commit %d: file of %d bytes, bound %d", i, size, bound)
		}
		maxSize = max(maxSize, size)
		if f.Generation() > gen+1 {
			compactions++
		}
		gen = f.Generation()
	})
	t.Logf("%d commits: %d compactions, file %d bytes (largest %d), %d dead", n, compactions, f.store.Mem.Size(), maxSize, f.DeadBytes())
	// Without compaction the file would be Σ directories ≈ 1000²/2 × 130 B.
	if compactions == 0 || maxSize > 2<<20 {
		t.Fatalf("%d compactions, largest file %d bytes", compactions, maxSize)
	}
	r, err := OpenBytes(f.Bytes(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Len() != n || !r.Recovery().Clean() {
		t.Fatalf("reopen: %d chunks, %+v", r.Len(), r.Recovery())
	}
	if tx, err := r.ReadText("notes/000777"); err != nil || tx.Content != "note 777" {
		t.Fatalf("%v %v", tx, err)
	}
}

// Overwrites of one large chunk: the file stays within live + max(min, live).
func TestAutoCompactOverwrites(t *testing.T) {
	const minDead = 1 << 20
	f, err := NewMem(nil, &Options{AutoCompactMinDead: minDead, AutoCompactRatio: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	data := make([]byte, 300<<10)
	for i := range 50 {
		data[0] = byte(i)
		if err := f.WriteTensor("w", &Tensor{DType: Uint8, Shape: []uint64{uint64(len(data))}, Data: data}, nil); err != nil {
			t.Fatal(err)
		}
		if err := f.Commit(); err != nil {
			t.Fatal(err)
		}
		dead := f.DeadBytes()
		live := f.commitEnd - dead
		if float64(dead) > max(minDead, 0.5*float64(live)) || uint64(len(f.Bytes())) != f.commitEnd {
			t.Fatalf("commit %d: %d dead, %d live, %d bytes", i, dead, live, len(f.Bytes()))
		}
	}
	if _, b, err := f.ReadChunk("w"); err != nil || b[0] != 49 {
		t.Fatal(err)
	}
}

// AutoCompactMinDead < 0 turns it off: the dead space grows as before.
func TestAutoCompactDisabled(t *testing.T) {
	f, err := NewMem(nil, &Options{AutoCompactMinDead: -1, AutoCompactRatio: 0.01})
	if err != nil {
		t.Fatal(err)
	}
	smallCommits(t, f, 0, 300, nil)
	if d := f.DeadBytes(); d < 2<<20 || f.Generation() != 301 {
		t.Fatalf("%d dead bytes, generation %d", d, f.Generation())
	}
}

// faultyDir stands for a directory in the crash tests: the File's bytes are
// what the path names (cur); Compact writes an image into a new Faulty with
// the given budgets, and install is the atomic rename.
type faultyDir struct {
	cur               *storage.Faulty
	writes, syncs     int
	created, installs int
	img               *storage.Faulty // the last image created
}

func (d *faultyDir) Create() (storage.File, error) {
	d.img = storage.NewFaulty(nil)
	d.img.WriteBudget, d.img.SyncBudget = d.writes, d.syncs
	d.created++
	return d.img, nil
}

func (d *faultyDir) Install(img storage.File) (storage.File, error) {
	d.cur = img.(*storage.Faulty)
	d.installs++
	return img, nil
}

func (d *faultyDir) Discard(storage.File) {}

// deadBase is a committed file with dead space: overwrites and deletes.
func deadBase(t *testing.T) []byte {
	f, err := NewMem(crashBase(t), &Options{AutoCompactMinDead: -1})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		f.WriteTensor("d", Float32Tensor([]uint64{1024}, make([]float32, 1024)), nil)
		f.WriteText(fmt.Sprint("t", i%4), &Text{Content: strings.Repeat("x", i)}, nil)
		f.Commit()
	}
	f.Delete("t3")
	f.Commit()
	return f.Bytes()
}

// autoOpts makes every commit of deadBase's file compact.
var autoOpts = Options{AutoCompactMinDead: 1, AutoCompactRatio: 0.01}

// A crash at any byte or sync of the automatic compaction that follows a
// commit leaves a file that opens with every committed chunk: the old file
// (the commit), untouched, until the synced image replaces it.
func TestAutoCompactCrash(t *testing.T) {
	base := deadBase(t)
	ref, _ := NewMem(base, nil)
	old := state(t, ref)
	transaction(ref)
	new := state(t, ref)
	refImg, _ := NewMem(base, &autoOpts)
	transaction(refImg)
	imageSize := len(refImg.Bytes())
	if imageSize >= len(base) {
		t.Fatalf("compaction did not shrink the file: %d → %d", len(base), imageSize)
	}
	for _, syncs := range []int{0, 1 << 30} {
		for cut := 0; cut <= imageSize+64; cut += 1 + cut/64 {
			if syncs == 0 && cut > 0 {
				break // a failed sync: one case is enough
			}
			ff := storage.NewFaulty(base)
			f, err := openStorage(ff, uint64(len(base)), autoOpts)
			if err != nil {
				t.Fatal(err)
			}
			dir := &faultyDir{cur: ff, writes: cut, syncs: syncs}
			f.repl = dir
			if err := transaction(f); err != nil {
				t.Fatalf("cut %d: the commit failed with the compaction: %v", cut, err)
			}
			if dir.created != 1 {
				t.Fatalf("cut %d: %d compactions started", cut, dir.created)
			}
			installed := dir.installs == 1
			if installed != !dir.img.Crashed || (cut >= imageSize && syncs > 0 && !installed) {
				t.Fatalf("cut %d of %d, syncs %d: installed %v, image crashed %v", cut, imageSize, syncs, installed, dir.img.Crashed)
			}
			// Process crash now, and power loss now: both show the commit.
			for model, img := range map[string][]byte{"process": dir.cur.Snapshot(), "power": dir.cur.Durable} {
				if got := afterCrash(t, img, old, new); !maps.Equal(got, new) {
					t.Fatalf("cut %d, %s crash: the commit is lost", cut, model)
				}
			}
			// The File goes on: a failed compaction left it as the commit did.
			if got := state(t, f); !maps.Equal(got, new) {
				t.Fatalf("cut %d: the File shows %v", cut, keys(got))
			}
			if !installed && f.compactAt == 0 {
				t.Fatalf("cut %d: a failed compaction would be retried at once", cut)
			}
			dir.cur.WriteBudget, dir.cur.SyncBudget = 1<<30, 1<<30 // the installed image is the file now
			if err := f.WriteText("after", &Text{Content: "y"}, nil); err != nil {
				t.Fatal(err)
			}
			if err := f.Commit(); err != nil {
				t.Fatal(err)
			}
			r, err := OpenBytes(dir.cur.Snapshot(), nil)
			if err != nil || r.Len() != len(new)+1 || !r.Recovery().Clean() {
				t.Fatalf("cut %d: reopen after a later commit: %v %+v", cut, err, r.Recovery())
			}
		}
	}
}

// A crash during the commit itself never starts the compaction.
func TestAutoCompactCommitCut(t *testing.T) {
	base := deadBase(t)
	ref, _ := NewMem(base, nil)
	old := state(t, ref)
	transaction(ref)
	new := state(t, ref)
	total := len(ref.Bytes()) - len(base) + HeaderSize
	for cut := 0; cut <= total; cut += 7 {
		ff := storage.NewFaulty(base)
		f, err := openStorage(ff, uint64(len(base)), autoOpts)
		if err != nil {
			t.Fatal(err)
		}
		dir := &faultyDir{cur: ff, writes: 1 << 30, syncs: 1 << 30}
		f.repl = dir
		ff.WriteBudget = cut
		err = transaction(f)
		if (err == nil) != (dir.created == 1) {
			t.Fatalf("cut %d: commit error %v, %d compactions", cut, err, dir.created)
		}
		afterCrash(t, dir.cur.Snapshot(), old, new)
	}
}

// cutFile fails every write after budget bytes.
type cutFile struct {
	storage.File
	budget int
}

func (c *cutFile) WriteAt(p []byte, off int64) (int, error) {
	if len(p) > c.budget {
		n, _ := c.File.WriteAt(p[:c.budget], off)
		c.budget = 0
		return n, storage.ErrCrash
	}
	c.budget -= len(p)
	return c.File.WriteAt(p, off)
}

// cutPath is the on-disk replacement with writes to the image cut short.
type cutPath struct {
	storage.PathReplacement
	budget int
}

func (c cutPath) Create() (storage.File, error) {
	img, err := c.PathReplacement.Create()
	if err != nil {
		return nil, err
	}
	return &cutFile{File: img, budget: c.budget}, nil
}

func (c cutPath) Install(img storage.File) (storage.File, error) {
	return c.PathReplacement.Install(img.(*cutFile).File)
}

func (c cutPath) Discard(img storage.File) { c.PathReplacement.Discard(img.(*cutFile).File) }

func compactLeftovers(t *testing.T, path string) []string {
	m, err := filepath.Glob(path + ".compact-*")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// On disk: a compaction whose image write fails leaves the file as it was
// and no temporary file; one that succeeds keeps the file's mode, and a
// reader that had the file open keeps reading it, then Refreshes onto the
// new one.
func TestAutoCompactOnDisk(t *testing.T) {
	path := filepath.Join(t.TempDir(), "disk.mmx")
	if err := os.WriteFile(path, deadBase(t), 0o640); err != nil {
		t.Fatal(err)
	}
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	before := state(t, r)
	genBefore := r.Generation()

	for _, cut := range []int{0, 100, 5000} {
		w, err := OpenFile(path, os.O_RDWR, &autoOpts)
		if err != nil {
			t.Fatal(err)
		}
		w.repl = cutPath{storage.NewPathReplacement(w.store, path, "compact"), cut}
		if err := w.Compact(); !errors.Is(err, storage.ErrCrash) {
			t.Fatalf("cut %d: %v", cut, err)
		}
		if l := compactLeftovers(t, path); len(l) != 0 {
			t.Fatalf("cut %d: left %v", cut, l)
		}
		if got := state(t, w); !maps.Equal(got, before) {
			t.Fatalf("cut %d: %v", cut, keys(got))
		}
		w.Close()
		c, err := Open(path)
		if err != nil || !maps.Equal(state(t, c), before) || !c.Recovery().Clean() {
			t.Fatalf("cut %d: reopen: %v", cut, err)
		}
		c.Close()
	}

	w, err := OpenFile(path, os.O_RDWR, &autoOpts)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	fiBefore, _ := os.Stat(path)
	if err := w.WriteText("new", &Text{Content: "after"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil { // compacts: dead space above the thresholds
		t.Fatal(err)
	}
	fi, _ := os.Stat(path)
	if os.SameFile(fi, fiBefore) || fi.Size() >= fiBefore.Size() || fi.Mode().Perm() != 0o640 || w.DeadBytes() > 1024 {
		t.Fatalf("not compacted: %d → %d bytes, mode %v, dead %d", fiBefore.Size(), fi.Size(), fi.Mode(), w.DeadBytes())
	}
	if l := compactLeftovers(t, path); len(l) != 0 {
		t.Fatalf("left %v", l)
	}
	// The writer lock moved to the new file.
	if _, err := OpenFile(path, os.O_RDWR, nil); errcode.Of(err) != errcode.Locked {
		t.Fatalf("second writer: %v", err)
	}
	// The reader still reads the file it opened, then moves to the new one.
	if got := state(t, r); !maps.Equal(got, before) || r.Generation() != genBefore {
		t.Fatal("the reader lost its file")
	}
	g, err := r.Refresh()
	if err != nil || g != w.Generation() {
		t.Fatalf("refresh: %d %v, writer at %d", g, err, w.Generation())
	}
	if got := state(t, r); !maps.Equal(got, state(t, w)) || len(got) != len(before)+1 {
		t.Fatalf("after refresh: %v", keys(got))
	}
}

// An entry looked up before a compaction is read from where it moved.
func TestCompactRelocatesLookedUpEntries(t *testing.T) {
	f, _ := NewMem(deadBase(t), nil)
	f.mu.RLock()
	e := f.committed["a"]
	f.mu.RUnlock()
	want, _, _ := f.stored(e, 0, e.Size)
	want = append([]byte(nil), want...)
	for range 3 {
		if err := f.Compact(); err != nil {
			t.Fatal(err)
		}
		got, _, err := f.stored(e, 0, e.Size)
		if err != nil || string(got) != string(want) {
			t.Fatalf("stale entry read %d bytes, %v", len(got), err)
		}
		f.mu.RLock()
		e = f.committed["a"]
		f.mu.RUnlock()
	}
}

// BenchmarkCommitSmall is the cost of one small commit on a file of 1,000
// chunks, with automatic compaction at its defaults, at a low threshold,
// and off. file-MB is the size the file ends at.
func BenchmarkCommitSmall(b *testing.B) {
	for _, c := range []struct {
		name    string
		minDead int64
	}{{"default", 0}, {"min1MiB", 1 << 20}, {"off", -1}} {
		b.Run(c.name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "bench.mmx")
			f, err := Create(path, &Options{NoSync: true, AutoCompactMinDead: c.minDead})
			if err != nil {
				b.Fatal(err)
			}
			smallCommits(b, f, 0, 1000, nil)
			i := 1000
			for b.Loop() {
				smallCommits(b, f, i%1000, 1, nil) // overwrites: the chunk count stays
				i++
			}
			fi, _ := os.Stat(path)
			b.ReportMetric(float64(fi.Size())/(1<<20), "file-MB")
			f.Close()
		})
	}
}

// Readers in other goroutines keep reading while commits compact the file
// under them (run with -race).
func TestAutoCompactConcurrentReaders(t *testing.T) {
	f, err := NewMem(crashBase(t), &autoOpts)
	if err != nil {
		t.Fatal(err)
	}
	want := state(t, f)
	done := make(chan struct{})
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			for {
				select {
				case <-done:
					errs <- nil
					return
				default:
				}
				for name, v := range want {
					if _, b, err := f.ReadChunk(name); err != nil || string(b) != v {
						errs <- fmt.Errorf("%s: %v", name, err)
						return
					}
				}
				if _, _, err := f.ReadTensorRows("a", 0, 1); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	gen := f.Generation()
	for i := range 200 {
		f.WriteText(fmt.Sprint("w", i%3), &Text{Content: strings.Repeat("z", 100)}, nil)
		if err := f.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if f.Generation() < gen+300 { // each commit compacted
		t.Fatalf("generation %d → %d", gen, f.Generation())
	}
}
