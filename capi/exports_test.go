package main

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/ffi"
)

// buildLibrary builds libpolyfmt.so from this package into a temporary
// directory and returns its path and cgo's header of the shims' actual C
// signatures.
func buildLibrary(t *testing.T) (lib string, cgoHeader []byte) {
	t.Helper()
	dir := t.TempDir()
	lib = filepath.Join(dir, "libpolyfmt.so")
	if out, err := exec.Command("go", "build", "-buildmode=c-shared", "-o", lib, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	h, err := os.ReadFile(filepath.Join(dir, "libpolyfmt.h"))
	if err != nil {
		t.Fatal(err)
	}
	return lib, h
}

// TestLibraryExports: the library exports exactly the spec's C functions
// (POLYFMT_LIB, the library the other suites use, when set), and each
// shim's signature — as cgo declares it in the header it writes beside
// the library — has the spec's C types, parameter by parameter. cgo drops
// const, so the comparison does too.
func TestLibraryExports(t *testing.T) {
	built, cgoHeader := buildLibrary(t)
	lib := os.Getenv("POLYFMT_LIB")
	if lib == "" {
		lib = built
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
	for i := range ffi.Spec {
		if !ffi.Spec[i].WasmOnly {
			want = append(want, ffi.Spec[i].Name)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("%s exports %v\nthe spec lists %v", lib, got, want)
	}

	// extern int32_t pf_open(char* path, size_t path_len, …);
	re := regexp.MustCompile(`(?m)^extern ([a-z0-9_]+\*?) (pf_[a-z0-9_]+)\(([^)]*)\);`)
	decl := map[string][]string{}
	for _, m := range re.FindAllStringSubmatch(string(cgoHeader), -1) {
		types := []string{norm(m[1])}
		for _, p := range strings.Split(m[3], ",") {
			if p = strings.TrimSpace(p); p != "" {
				types = append(types, norm(p[:strings.LastIndexAny(p, " *")+1]))
			}
		}
		decl[m[2]] = types
	}
	for i := range ffi.Spec {
		e := &ffi.Spec[i]
		if e.WasmOnly {
			continue
		}
		spec := []string{norm(e.Result.C())}
		for _, s := range e.Slots() {
			spec = append(spec, norm(s.C))
		}
		if !slices.Equal(decl[e.Name], spec) {
			t.Errorf("%s: the shim is %v, the spec %v", e.Name, decl[e.Name], spec)
		}
	}
}

// norm is a C type without const and spaces: "const char *" → "char*".
func norm(c string) string {
	c = strings.ReplaceAll(c, "const ", "")
	return strings.ReplaceAll(c, " ", "")
}
