package main

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/ffi"
)

// TestLibraryExports: libpolyfmt.so exports exactly the functions of the
// ffi export table (which a wasm test checks against polyfmt.h and the
// module). POLYFMT_LIB names a built library; otherwise one is built.
func TestLibraryExports(t *testing.T) {
	lib := os.Getenv("POLYFMT_LIB")
	if lib == "" {
		lib = filepath.Join(t.TempDir(), "libpolyfmt.so")
		if out, err := exec.Command("go", "build", "-buildmode=c-shared", "-o", lib, ".").CombinedOutput(); err != nil {
			t.Fatalf("build: %v\n%s", err, out)
		}
	}
	f, err := elf.Open(lib)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	syms, err := f.DynamicSymbols()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range syms {
		if strings.HasPrefix(s.Name, "pf_") && s.Section != elf.SHN_UNDEF && elf.ST_TYPE(s.Info) == elf.STT_FUNC {
			got = append(got, s.Name)
		}
	}
	var want []string
	for _, e := range ffi.Exports {
		want = append(want, e.Name)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("libpolyfmt.so exports %v\nthe table lists %v", got, want)
	}
}
