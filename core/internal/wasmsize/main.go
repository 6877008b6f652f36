// Command wasmsize measures polyfmt.wasm: its size raw and compressed with
// brotli the way a web server would serve it (quality 11, window 2^24,
// Node's zlib.brotliCompressSync), its sections, and what each linked Go
// package costs in the code section. `make bench` runs it after `make wasm`:
//
//	go run ./core/internal/wasmsize -wasm build/polyfmt.wasm
//
// The shipped module is built with -ldflags=-s, which drops the wasm name
// section; wasmsize builds its own copy of ./wasm with the same compiler
// flags but with names (the code and data sections are the same bytes) to
// attribute every function body to its package. A package's "brotli alone"
// is its function bodies compressed by themselves: a bound on what dropping
// it would save, not a share of the total (brotli finds repeats across
// packages too).
//
// The compressed size of the shipped module is reported through benchratio
// as a ratio to a 1,000,000-byte budget (issue 10).
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/polyfmt/polyfmt/internal/benchratio"
)

// budget is the goal for the compressed module.
const budget = 1_000_000

// brotliJS reads blobs from stdin (a JSON array of lengths on the first
// line, then the bytes) and prints a JSON array of their brotli sizes.
const brotliJS = `
const z = require("node:zlib");
const input = require("node:fs").readFileSync(0);
const nl = input.indexOf(10);
const lens = JSON.parse(input.subarray(0, nl).toString());
let off = nl + 1;
const out = lens.map((n) => {
  const b = input.subarray(off, off + n); off += n;
  return z.brotliCompressSync(b, { params: {
    [z.constants.BROTLI_PARAM_QUALITY]: 11,
    [z.constants.BROTLI_PARAM_LGWIN]: 24,
    [z.constants.BROTLI_PARAM_SIZE_HINT]: b.length } }).length;
});
console.log(JSON.stringify(out));
`

func main() {
	wasm := flag.String("wasm", "build/polyfmt.wasm", "the shipped module to measure")
	pkg := flag.String("pkg", "./wasm", "the package it is built from")
	buildflags := flag.String("buildflags", "", "the shipped build's compiler flags, e.g. -gcflags=fmt=-l (its named copy is built the same way)")
	top := flag.Int("top", 25, "packages to list (the rest are summed in one row)")
	node := flag.String("node", "node", "node, for brotli")
	flag.Parse()
	if err := run(os.Stdout, *wasm, *pkg, strings.Fields(*buildflags), *node, *top); err != nil {
		fmt.Fprintln(os.Stderr, "wasmsize:", err)
		os.Exit(1)
	}
}

func run(w io.Writer, wasmPath, pkg string, buildflags []string, node string, top int) error {
	shipped, err := os.ReadFile(wasmPath)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "wasmsize")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	named := filepath.Join(dir, "named.wasm")
	args := []string{"build", "-trimpath", "-buildmode=c-shared", "-o", named}
	args = append(args, buildflags...)
	if err := goCmd(nil, append(args, pkg)...); err != nil {
		return err
	}
	var list bytes.Buffer
	if err := goCmd(&list, "list", "-deps", pkg); err != nil {
		return err
	}
	nb, err := os.ReadFile(named)
	if err != nil {
		return err
	}
	m, err := parseModule(nb)
	if err != nil {
		return err
	}
	sm, err := parseModule(shipped)
	if err != nil {
		return err
	}
	rep := summarize(m, newPackageNamer(strings.Fields(list.String())))

	// One node process compresses the shipped module, its sections and each
	// package's bodies.
	blobs := [][]byte{shipped}
	for _, s := range sectionBytes(shipped) {
		blobs = append(blobs, s)
	}
	for _, p := range rep.Packages {
		blobs = append(blobs, p.bodies)
	}
	sizes, err := brotli(node, blobs)
	if err != nil {
		return err
	}
	total := sizes[0]
	secBr := sizes[1 : 1+len(sm.Sections)]
	for i := range rep.Packages {
		rep.Packages[i].Brotli = sizes[1+len(sm.Sections)+i]
	}

	fmt.Fprintf(w, "%s: %d bytes, brotli (q11, lgwin 24) %d bytes = %.3f of the %d-byte budget\n\n",
		wasmPath, len(shipped), total, float64(total)/budget, budget)
	fmt.Fprintf(w, "%-34s %10s %10s\n", "section", "bytes", "brotli")
	for i, s := range sm.Sections {
		if s.Size >= 1000 {
			fmt.Fprintf(w, "%-34s %10d %10d\n", s.Label(), s.Size, secBr[i])
		}
	}
	fmt.Fprintf(w, "\n%d function bodies, %d bytes; by package, largest first:\n", len(m.Functions), rep.Code)
	fmt.Fprintf(w, "%-52s %6s %10s %6s %14s\n", "package", "funcs", "code bytes", "%code", "brotli alone")
	var rest pkgCost
	for i, p := range rep.Packages {
		if i < top {
			fmt.Fprintf(w, "%-52s %6d %10d %5.1f%% %14d\n", p.Path, p.Funcs, p.Bytes, 100*float64(p.Bytes)/float64(rep.Code), p.Brotli)
			continue
		}
		rest.Funcs += p.Funcs
		rest.Bytes += p.Bytes
		rest.Brotli += p.Brotli
	}
	if rest.Funcs > 0 {
		fmt.Fprintf(w, "%-52s %6d %10d %5.1f%% %14d\n", fmt.Sprintf("(%d more packages)", len(rep.Packages)-top),
			rest.Funcs, rest.Bytes, 100*float64(rest.Bytes)/float64(rep.Code), rest.Brotli)
	}
	fmt.Fprintf(w, "\nby origin:\n")
	for _, g := range rep.Groups {
		fmt.Fprintf(w, "%-52s %6d %10d %5.1f%%\n", g.Path, g.Funcs, g.Bytes, 100*float64(g.Bytes)/float64(rep.Code))
	}
	return reportErr(benchratio.Report(benchratio.Line{
		Measure:  "polyfmt.wasm size, brotli q11 lgwin 24 (all four formats, wasip1 c-shared)",
		Ours:     float64(total),
		Peer:     budget,
		PeerName: "budget 1 MB (h5wasm bundle 0.79 MB)",
		Unit:     "bytes",
		Goal:     "<= 1.0",
		Source:   "core/internal/wasmsize",
	}))
}

func reportErr(err error) error {
	if err != nil {
		return fmt.Errorf("benchratio: %w", err)
	}
	return nil
}

// goCmd runs the go command for GOOS=wasip1 GOARCH=wasm.
func goCmd(stdout io.Writer, args ...string) error {
	cmd := exec.Command("go", args...)
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	cmd.Stdout = stdout
	if stdout == nil {
		cmd.Stdout = os.Stderr
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
	}
	return nil
}

func brotli(node string, blobs [][]byte) ([]int, error) {
	lens := make([]int, len(blobs))
	for i, b := range blobs {
		lens[i] = len(b)
	}
	head, _ := json.Marshal(lens)
	in := bytes.NewBuffer(append(head, '\n'))
	for _, b := range blobs {
		in.Write(b)
	}
	cmd := exec.Command(node, "-e", brotliJS)
	cmd.Stdin = in
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("node (brotli): %w", err)
	}
	var sizes []int
	if err := json.Unmarshal(out, &sizes); err != nil {
		return nil, err
	}
	if len(sizes) != len(blobs) {
		return nil, errors.New("node (brotli): wrong count")
	}
	return sizes, nil
}

// sectionBytes returns each section's contents, in order. The module has
// been parsed already, so it is well formed.
func sectionBytes(b []byte) [][]byte {
	var out [][]byte
	r := &reader{b: b, i: 8}
	for r.i < len(b) {
		if _, err := r.byte(); err != nil {
			break
		}
		body, err := r.bytes()
		if err != nil {
			break
		}
		out = append(out, body)
	}
	return out
}

// pkgCost is what one package (or group) costs in the code section.
type pkgCost struct {
	Path   string
	Funcs  int
	Bytes  int
	Brotli int
	bodies []byte
}

type report struct {
	Code     int
	Packages []pkgCost // largest first
	Groups   []pkgCost // Go runtime, standard library, third party, polyfmt
}

// origin groups a package path for the "by origin" table.
func origin(path string) string {
	switch {
	case strings.HasPrefix(path, "github.com/polyfmt/"), path == "main":
		return "polyfmt (github.com/polyfmt/polyfmt/...)"
	case strings.HasPrefix(path, "["):
		return "compiler and linker generated"
	case path == "runtime" || strings.HasPrefix(path, "runtime/") || strings.HasPrefix(path, "internal/"):
		return "Go runtime and internal/..."
	case !strings.Contains(strings.SplitN(path, "/", 2)[0], "."):
		return "Go standard library"
	}
	return "third party modules"
}

// summarize sums the function bodies of m by package, and concatenates
// each package's bodies for brotli.
func summarize(m *module, names *packageNamer) report {
	by := map[string]*pkgCost{}
	groups := map[string]*pkgCost{}
	var rep report
	for _, f := range m.Functions {
		path := names.Of(f.Name)
		p := by[path]
		if p == nil {
			p = &pkgCost{Path: path}
			by[path] = p
		}
		p.Funcs++
		p.Bytes += f.Size
		p.bodies = append(p.bodies, f.body...)
		g := groups[origin(path)]
		if g == nil {
			g = &pkgCost{Path: origin(path)}
			groups[origin(path)] = g
		}
		g.Funcs++
		g.Bytes += f.Size
		rep.Code += f.Size
	}
	for _, p := range by {
		rep.Packages = append(rep.Packages, *p)
	}
	for _, g := range groups {
		rep.Groups = append(rep.Groups, *g)
	}
	bySize := func(s []pkgCost) {
		sort.Slice(s, func(i, j int) bool {
			if s[i].Bytes != s[j].Bytes {
				return s[i].Bytes > s[j].Bytes
			}
			return s[i].Path < s[j].Path
		})
	}
	bySize(rep.Packages)
	bySize(rep.Groups)
	return rep
}
