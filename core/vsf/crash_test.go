package vsf

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"testing"

	"github.com/polyfmt/polyfmt/core/internal/storage"
)

// Commits under fault injection. A commit writes the whole image to a
// temporary file beside the path, syncs it and renames it over the path
// (storage.PathReplacement); these tests fail each step in turn and check
// that the path still holds exactly the previous commit, that the writer
// can commit again, and that no temporary file outlives the next commit.

// fileState is what a reader of the file at path sees: every section's
// bytes (decoded fields for structured ones) and the trailer; the file
// must verify.
func fileState(t *testing.T, f *File) map[string]string {
	t.Helper()
	if err := f.Verify(); err != nil {
		t.Fatalf("verify: %v", err)
	}
	out := map[string]string{}
	for _, l := range f.Labels() {
		raw, err := f.Raw(l.Name)
		if err != nil {
			t.Fatalf("section %q: %v", l.Name, err)
		}
		out[l.Name] = string(raw)
	}
	out[" trailer"] = string(wireOf(t, append(f.Trailer(), Field{"end", Boolean(true)})))
	return out
}

func pathState(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := Open(path)
	if err != nil {
		t.Fatalf("open after a failed commit: %v", err)
	}
	defer f.Close()
	return fileState(t, f)
}

func leftovers(t *testing.T, path string) []string {
	t.Helper()
	m, err := filepath.Glob(path + ".commit-*")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// crashTx is the commit under test: a changed section, a new one, a removed one.
func crashTx(f *File) error {
	b, err := f.Builder()
	if err != nil {
		return err
	}
	s, err := b.Section("notes")
	if err != nil {
		return err
	}
	if err := s.Set("summary", Name("changed")); err != nil {
		return err
	}
	n, err := b.Section("new")
	if err != nil {
		return err
	}
	if err := n.Add("grid", u16Tensor(9, 3, 3)); err != nil {
		return err
	}
	b.Remove("blob.z")
	return f.Commit()
}

func TestCommitFaults(t *testing.T) {
	path := filepath.Join(t.TempDir(), "crash.vsf")
	base := sampleBytes(t, FormSeed)
	if err := os.WriteFile(path, base, 0o644); err != nil {
		t.Fatal(err)
	}
	old := pathState(t, path)
	ref, err := NewMem(base, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := crashTx(ref); err != nil {
		t.Fatal(err)
	}
	next := fileState(t, ref)
	img, _ := ref.Bytes()

	type fault struct {
		name string
		repl func(p storage.PathReplacement) storage.FaultReplacement
		sync bool
	}
	var faults []fault
	for cut := 0; cut < len(img); cut += len(img)/150 + 1 {
		faults = append(faults, fault{fmt.Sprintf("write cut at %d of %d", cut, len(img)),
			func(p storage.PathReplacement) storage.FaultReplacement {
				return storage.FaultReplacement{PathReplacement: p, Budget: cut}
			}, false})
	}
	faults = append(faults,
		fault{"write cut one byte short", func(p storage.PathReplacement) storage.FaultReplacement {
			return storage.FaultReplacement{PathReplacement: p, Budget: len(img) - 1}
		}, false},
		fault{"sync", func(p storage.PathReplacement) storage.FaultReplacement {
			return storage.FaultReplacement{PathReplacement: p, Budget: 1 << 30, FailSync: true}
		}, true},
		fault{"install", func(p storage.PathReplacement) storage.FaultReplacement {
			return storage.FaultReplacement{PathReplacement: p, Budget: 1 << 30, FailInstall: true}
		}, true},
		fault{"write cut, temporary file left behind", func(p storage.PathReplacement) storage.FaultReplacement {
			return storage.FaultReplacement{PathReplacement: p, Budget: len(img) / 2, KeepTemp: true}
		}, false},
		fault{"install, temporary file left behind", func(p storage.PathReplacement) storage.FaultReplacement {
			return storage.FaultReplacement{PathReplacement: p, Budget: 1 << 30, FailInstall: true, KeepTemp: true}
		}, false},
	)
	for _, c := range faults {
		w, err := OpenFile(path, os.O_RDWR, &Options{NoSync: !c.sync})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		fr := c.repl(storage.NewPathReplacement(w.store, path, "commit"))
		w.repl = fr
		if err := crashTx(w); err == nil {
			t.Fatalf("%s: the commit succeeded", c.name)
		}
		if got, _ := os.ReadFile(path); !bytes.Equal(got, base) {
			t.Fatalf("%s: the file changed", c.name)
		}
		if got := pathState(t, path); !maps.Equal(got, old) {
			t.Fatalf("%s: a reader does not see the previous commit", c.name)
		}
		if got := fileState(t, w); !maps.Equal(got, old) {
			t.Fatalf("%s: the writer does not show the previous commit", c.name)
		}
		if l := leftovers(t, path); len(l) != 0 && !fr.KeepTemp {
			t.Fatalf("%s: a failed commit left %v", c.name, l)
		} else if fr.KeepTemp && len(l) != 1 {
			t.Fatalf("%s: the kept temporary file is not there: %v", c.name, l)
		}
		// The fault gone, the pending change commits.
		w.repl = storage.ReplacementFor(w.store, "commit")
		if err := w.Commit(); err != nil {
			t.Fatalf("%s: commit after the fault: %v", c.name, err)
		}
		if got := pathState(t, path); !maps.Equal(got, next) {
			t.Fatalf("%s: the retried commit is not what it should be", c.name)
		}
		if l := leftovers(t, path); len(l) != 0 {
			t.Fatalf("%s: after a successful commit %v remain", c.name, l)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, base, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// In memory, a failed commit leaves the file as it was: the Faulty image
// fails its write and the bytes do not change.
func TestCommitFaultsInMemory(t *testing.T) {
	base := sampleBytes(t, FormSeed)
	ref, _ := NewMem(base, nil)
	if err := crashTx(ref); err != nil {
		t.Fatal(err)
	}
	img, _ := ref.Bytes()
	for _, budget := range []int{0, 1, 100, len(img) - 1} {
		m, err := NewMem(base, nil)
		if err != nil {
			t.Fatal(err)
		}
		m.repl = storage.FaultyMemReplacement{Replacement: m.repl, Budget: budget}
		if err := crashTx(m); err == nil {
			t.Fatalf("budget %d: the commit succeeded", budget)
		}
		if got, _ := m.Bytes(); !bytes.Equal(got, base) {
			t.Fatalf("budget %d: the bytes changed", budget)
		}
	}
}
