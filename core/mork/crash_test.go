package mork

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/internal/storage"
)

// Commits under fault injection. A commit writes the whole container to a
// temporary file beside the path, syncs it and renames it over the path;
// these tests fail each step in turn (the write cut at about 150 points,
// the sync, the rename, a temporary file left behind) and check that the
// path still holds exactly the previous commit, that the writer still
// shows it, and that the pending change commits once the fault is gone.

// crashTx is the change under test: facts added and one removed.
func crashTx(t *testing.T, f *File) error {
	t.Helper()
	if _, err := f.ImportText(strings.NewReader("(edge d e)\n(edge e f)\n(rule $x (q $x))\n"), nil); err != nil {
		return err
	}
	p, err := f.EncodeText("(edge a b)")
	if err != nil {
		return err
	}
	if _, err := f.Remove(p); err != nil {
		return err
	}
	return f.Commit()
}

// state is what a reader of f sees: every path printed; f must verify.
func state(t *testing.T, f *File) []string {
	t.Helper()
	noErr(t, f.Verify())
	return contents(t, f)
}

func pathState(t *testing.T, path string) []string {
	t.Helper()
	f, err := Open(path)
	if err != nil {
		t.Fatalf("open after a failed commit: %v", err)
	}
	defer f.Close()
	return state(t, f)
}

func TestCommitFaults(t *testing.T) {
	for _, k := range []Kind{KindSpace, KindACT, KindPathMap1} {
		t.Run(k.String(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "crash"+k.Extension())
			src := sampleFile(t)
			var buf bytes.Buffer
			noErr(t, src.Export(&buf, k, &ExportOptions{Timestamp: 1}))
			base := buf.Bytes()
			noErr(t, os.WriteFile(path, base, 0o644))
			old := pathState(t, path)
			ref := must(NewMem(base, nil))
			noErr(t, crashTx(t, ref))
			next := state(t, ref)
			img := must(ref.Bytes())

			type fault struct {
				name string
				repl storage.FaultReplacement
				sync bool
			}
			var faults []fault
			for cut := 0; cut < len(img); cut += len(img)/150 + 1 {
				faults = append(faults, fault{fmt.Sprintf("write cut at %d of %d", cut, len(img)), storage.FaultReplacement{Budget: cut}, false})
			}
			faults = append(faults,
				fault{"write cut one byte short", storage.FaultReplacement{Budget: len(img) - 1}, false},
				fault{"sync", storage.FaultReplacement{Budget: 1 << 30, FailSync: true}, true},
				fault{"install", storage.FaultReplacement{Budget: 1 << 30, FailInstall: true}, true},
				fault{"write cut, temporary file left behind", storage.FaultReplacement{Budget: len(img) / 2, KeepTemp: true}, false},
			)
			for _, c := range faults {
				w := must(OpenFile(path, os.O_RDWR, &Options{NoSync: !c.sync}))
				fr := c.repl
				fr.PathReplacement = storage.NewPathReplacement(w.store, path, "commit")
				w.repl = fr
				if err := crashTx(t, w); err == nil {
					t.Fatalf("%s: the commit succeeded", c.name)
				}
				if got := must(os.ReadFile(path)); !bytes.Equal(got, base) {
					t.Fatalf("%s: the file changed", c.name)
				}
				if got := pathState(t, path); !slices.Equal(got, old) {
					t.Fatalf("%s: a reader does not see the previous commit", c.name)
				}
				// The fault gone, the pending change commits.
				w.repl = storage.ReplacementFor(w.store, "commit")
				noErr(t, w.Commit())
				if got := pathState(t, path); !slices.Equal(got, next) {
					t.Fatalf("%s: the retried commit gives %q, want %q", c.name, got, next)
				}
				if l, _ := filepath.Glob(path + ".commit-*"); len(l) != 0 {
					t.Fatalf("%s: after a successful commit %v remain", c.name, l)
				}
				noErr(t, w.Close())
				noErr(t, os.WriteFile(path, base, 0o644))
			}
		})
	}
}

// In memory, a failed commit leaves the image as it was.
func TestCommitFaultsInMemory(t *testing.T) {
	var buf bytes.Buffer
	noErr(t, sampleFile(t).Export(&buf, KindSpace, nil))
	base := buf.Bytes()
	for _, budget := range []int{0, 1, 100, len(base) - 1} {
		m := must(NewMem(base, nil))
		m.repl = storage.FaultyMemReplacement{Replacement: m.repl, Budget: budget}
		if err := crashTx(t, m); err == nil {
			t.Fatalf("budget %d: the commit succeeded", budget)
		}
		if got := must(m.Bytes()); !bytes.Equal(got, base) {
			t.Fatalf("budget %d: the bytes changed", budget)
		}
	}
}
