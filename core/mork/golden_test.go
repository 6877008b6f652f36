package mork

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/vectors"
)

var update = flag.Bool("update", false, "rewrite the shared vectors in core/testdata/mork/containers")

// The shared container vectors: files of every kind written from one
// sample space, and damaged ones, with what opening and verifying each
// must give. Go, wazero, pytest, Node and Chromium read the same manifest.
const containersDir = "../testdata/mork/containers"

const goldenText = `(edge a b)
(edge b c)
(edge c a)
(person (name "Ada Lovelace") (born 1815))
(foo $x (bar $x))
(a $x $y $x $y)
()
`

// goldenFiles writes every vector: name → bytes, and its manifest case.
func goldenFiles(t *testing.T) (map[string][]byte, []vectors.MorkCase) {
	files := map[string][]byte{}
	var cases []vectors.MorkCase
	add := func(name, about string, b []byte, c vectors.MorkCase) {
		files[name] = b
		c.File, c.About = name, about
		cases = append(cases, c)
	}
	plain := must(Create("", nil))
	must(plain.ImportText(strings.NewReader(goldenText), nil))
	interned := must(Create("", nil))
	must(interned.ImportText(strings.NewReader(goldenText), &ImportOptions{Intern: true}))
	export := func(f *File, k Kind, o *ExportOptions) []byte {
		var buf bytes.Buffer
		noErr(t, f.Export(&buf, k, o))
		return buf.Bytes()
	}
	texts := contents(t, plain)
	zeros := slices.Repeat([]string{"0"}, len(texts))
	// Path files keep no values: each path reads back with its record's
	// index in the file (core/mork/paths), the key PathMap's aux data uses.
	var index []string
	for i := range texts {
		index = append(index, strconv.Itoa(i))
	}
	ts := &ExportOptions{Timestamp: 1_700_000_000}
	add("space.mtts", "a space file, 1.1, checksum, the seed's symbol layout, no symbols", export(plain, KindSpace, ts),
		vectors.MorkCase{Kind: "space", Version: "1.1", Paths: texts, Values: zeros})
	add("space_zstd.mtts", "paths compressed (flag bit 1)", export(plain, KindSpace, &ExportOptions{Timestamp: 1_700_000_000, CompressSpace: true}),
		vectors.MorkCase{Kind: "space", Version: "1.1", Paths: texts, Values: zeros})
	v10 := must(AppendSpace(nil, &Space{Paths: plain.set}, &SpaceOptions{V10: true}))
	add("space_v10.mtts", "version 1.0, as the seed writes (01 00, reserved zero)", v10,
		vectors.MorkCase{Kind: "space", Version: "1.0", Paths: texts, Values: zeros})
	add("space_interned.mtts", "interned: symbols are 8-byte ids of MORK's symbol layout", export(interned, KindSpace, &ExportOptions{Timestamp: 1_700_000_000, SymbolLayout: "mork"}),
		vectors.MorkCase{Kind: "space", Version: "1.1", Paths: contents(t, interned), Values: zeros, Symbols: interned.Symbols().Len(), Interned: true})
	for _, c := range []string{"none", "zlib", "lz4", "zstd"} {
		add("sample_"+c+".pathmap", "PATHMAP1 compressed with "+c, export(plain, KindPathMap1, &ExportOptions{Compression: c}),
			vectors.MorkCase{Kind: "pathmap1", Version: "1.0", Paths: texts, Values: index})
	}
	add("sample.paths", "PathMap's .paths: one zlib stream, level 7", export(plain, KindPaths, nil),
		vectors.MorkCase{Kind: "paths", Paths: texts, Values: index})
	valued := must(Create("", &Options{Kind: KindACT}))
	vals := []string{}
	for i := 0; i < plain.set.Len(); i++ {
		v := uint64(i)*0x0101_0101_0101 + 1
		if i == 2 {
			v = 1<<64 - 1
		}
		noErr(t, valued.Add(plain.set.Path(i), v))
		vals = append(vals, strconv.FormatUint(v, 10))
	}
	add("sample_pathmap.act", "ACTree03 in PathMap's layout, with values", export(valued, KindACT, &ExportOptions{ACTLayout: "pathmap"}),
		vectors.MorkCase{Kind: "act", Paths: texts, Values: vals})
	add("sample_seed.act", "ACTree03 in the seed's layout (64-byte header, 24-byte nodes)", export(valued, KindACT, &ExportOptions{ACTLayout: "seed"}),
		vectors.MorkCase{Kind: "act", Paths: texts, Values: vals})
	add("symbols_seed.zip", "a symbol table in the seed's five-file layout", export(interned, KindSymbols, &ExportOptions{SymbolLayout: "seed"}),
		vectors.MorkCase{Kind: "symbols", Symbols: interned.Symbols().Len()})
	add("symbols_mork.zip", "a symbol table in MORK's layout", export(interned, KindSymbols, &ExportOptions{SymbolLayout: "mork"}),
		vectors.MorkCase{Kind: "symbols", Symbols: interned.Symbols().Len()})
	mult := must(Create("", &Options{Kind: KindMult}))
	noErr(t, mult.Add([]byte("(edge a b)"), 3))
	noErr(t, mult.Add([]byte("ünïcödé"), 1<<63))
	add("counts.mttm", "multiplicities: UTF-8 keys with u64 counts", export(mult, KindMult, nil),
		vectors.MorkCase{Kind: "mult", Version: "1.0", Paths: []string{"(edge a b)", "ünïcödé"}, Values: []string{"3", "9223372036854775808"}})
	// Damaged files.
	v2 := slices.Clone(files["space.mtts"])
	v2[4] = 2
	add("space_v2.mtts", "major version 2: refused, naming the version", v2, vectors.MorkCase{Kind: "space", OpenError: "PF_EUNSUPPORTED"})
	bad := slices.Clone(files["space.mtts"])
	bad[len(bad)-33] ^= 0x01 // the last path's last byte: a variable reference, still valid
	add("space_bad_checksum.mtts", "one bit flipped in the last path: opens, Verify fails", bad,
		vectors.MorkCase{Kind: "space", Version: "1.1", Paths: nil, VerifyError: "PF_ECHECKSUM"})
	add("space_truncated.mtts", "cut inside the paths", files["space.mtts"][:len(files["space.mtts"])-45],
		vectors.MorkCase{Kind: "space", OpenError: "PF_EFORMAT"})
	return files, cases
}

func TestGolden(t *testing.T) {
	files, cases := goldenFiles(t)
	if *update {
		noErr(t, os.MkdirAll(containersDir, 0o755))
		for name, b := range files {
			noErr(t, os.WriteFile(filepath.Join(containersDir, name), b, 0o644))
		}
		js, err := json.MarshalIndent(vectors.MorkContainers{About: "MORK containers written by polyfmt from one sample space " +
			"(regenerate: go test ./core/mork -run Golden -update); every surface opens each and compares", Cases: cases}, "", " ")
		noErr(t, err)
		noErr(t, os.WriteFile(filepath.Join(containersDir, "manifest.json"), append(js, '\n'), 0o644))
	}
	m := must(vectors.LoadMorkContainers())
	if len(m.Cases) != len(cases) {
		t.Fatalf("the manifest has %d cases, the generator %d: run -update", len(m.Cases), len(cases))
	}
	for _, c := range m.Cases {
		data := must(os.ReadFile(filepath.Join(containersDir, c.File)))
		if !bytes.Equal(data, files[c.File]) {
			t.Errorf("%s: polyfmt writes other bytes now (run -update if that is intended)", c.File)
		}
		f, err := OpenBytes(data, nil)
		if c.OpenError != "" {
			if errcode.Of(err).Name() != c.OpenError {
				t.Errorf("%s: open gives %v, want %s", c.File, err, c.OpenError)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", c.File, err)
		}
		if err := f.Verify(); errcode.Of(err).Name() != c.VerifyError && !(err == nil && c.VerifyError == "") {
			t.Errorf("%s: verify gives %v, want %q", c.File, err, c.VerifyError)
		}
		in := f.Summary()
		if in.Kind != c.Kind || in.Version != c.Version || in.Symbols != c.Symbols || in.Interned != c.Interned {
			t.Errorf("%s: %+v", c.File, in)
		}
		if c.Paths != nil {
			var got, vals []string
			noErr(t, f.Walk(nil, func(p []byte, v uint64) error {
				if c.Kind == "mult" {
					got = append(got, string(p))
				} else {
					got = append(got, string(must(f.AppendText(nil, p))))
				}
				vals = append(vals, strconv.FormatUint(v, 10))
				return nil
			}))
			if !slices.Equal(got, c.Paths) || (c.Values != nil && !slices.Equal(vals, c.Values)) {
				t.Errorf("%s: paths %q values %q, want %q %q", c.File, got, vals, c.Paths, c.Values)
			}
		}
		f.Close()
	}
}
