package act

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/mork/internal/pathmap"
)

// vectorDir holds the shared ArenaCompactTree vectors.
var vectorDir = filepath.Join("..", "..", "testdata", "mork", "act")

var update = flag.Bool("update", false, "rewrite the vectors in core/testdata/mork/act and their manifest.json (pathmap-made ones through the cargo harness)")

// morkRecs are MORK-encoded expressions (trueagi-io/MORK expr encoding)
// with edge values, sorted.
var morkRecs = sortRecs([]rec{
	{Path: []byte{0x00}, Value: 0},                                   // ()
	{Path: []byte("\x03\xC4edge\xC1a\xC1b"), Value: 1},               // (edge a b)
	{Path: []byte("\x03\xC4edge\xC1b\xC1c"), Value: 1<<64 - 1},       // (edge b c)
	{Path: []byte("\x03\xC3foo\xC0\x02\xC3bar\x80"), Value: 42},      // (foo $x (bar $x))
	{Path: []byte("\x03\xC6parent\xC3Sam\xC3Tom"), Value: 300},       // (parent Sam Tom)
	{Path: []byte("\x03\xC6parent\xC3Tom\xC3Ann"), Value: 1 << 40},   // (parent Tom Ann)
	{Path: []byte("\x05\xC1a\xC0\xC0\x80\x81"), Value: 7},            // (a $x $y $x $y)
	{Path: []byte("\x03\xC6parent\xC3Tom\xC3Bob\x00"), Value: 0},     // (parent Tom Bob) then ()
	{Path: []byte("\x03\xC6parent\xC3Tom\xC3Ann\x00\x00"), Value: 8}, // an extension of another path
})

// wideRecs: the empty path, a fork of 40 (a child mask), a 300-byte path.
func wideRecs() []rec {
	rs := []rec{{Path: nil, Value: 9}}
	rs = append(rs, wide(40)...)
	return append(rs, rec{Path: bytes.Repeat([]byte{0xC4, 'l', 'o', 'n', 'g'}, 60), Value: 2})
}

// vectorSpec is one vector: made by pathmap from recs (the harness, on
// -update), written by polyfmt from recs, or hand-made by data.
type vectorSpec struct {
	file, desc string
	pathmap    bool
	layout     Layout
	recs       []rec
	data       func() []byte
}

func hostileData(name string) func() []byte {
	return func() []byte {
		for _, c := range hostileCases() {
			if c.name == name {
				return c.data
			}
		}
		panic("no hostile case " + name)
	}
}

var vectorSpecs = []vectorSpec{
	{file: "seed_example.act", desc: "the seed's three-node example, byte for byte: opens as the path F0 with value 1; node 2 (value 2) is unreachable, so Verify is PF_EFORMAT at byte 112", data: seedExample},
	{file: "pathmap_empty.act", desc: "written by pathmap 0.3.5: the empty tree (25 bytes)", pathmap: true, layout: LayoutPathMap},
	{file: "pathmap_mork.act", desc: "written by pathmap 0.3.5: nine MORK expressions, values 0, 1, 2^64-1 and others", pathmap: true, layout: LayoutPathMap, recs: morkRecs},
	{file: "pathmap_wide.act", desc: "written by pathmap 0.3.5: the empty path, a 40-way fork (child mask), a 300-byte path", pathmap: true, layout: LayoutPathMap, recs: wideRecs()},
	{file: "seed_mork.act", desc: "written by polyfmt, seed layout: the MORK expressions of pathmap_mork.act", layout: LayoutSeed, recs: morkRecs},
	{file: "seed_wide.act", desc: "written by polyfmt, seed layout: the paths of pathmap_wide.act", layout: LayoutSeed, recs: wideRecs()},
	{file: "seed_empty.act", desc: "written by polyfmt, seed layout: the empty tree (one root node)", layout: LayoutSeed},
	{file: "pm_child_self.act", desc: "hostile: a branch whose child offset is 0 (itself)", data: hostileData("pm child points at itself")},
	{file: "pm_huge_varint.act", desc: "hostile: a value varint announcing 8 bytes at the end of the file", data: hostileData("pm huge varint at end")},
	{file: "pm_line_len_huge.act", desc: "hostile: line data of length 2^64-1", data: hostileData("pm line length 2^64-1")},
	{file: "pm_exp_dag.act", desc: "hostile: 40 levels whose two children share one run (2^40 paths in 426 bytes): Walk is PF_EFORMAT after visiting as many nodes as the file has bytes", data: hostileData("pm exponential DAG")},
	{file: "pm_run_reaches_branch.act", desc: "hostile: a branch's second child would start at the branch itself", data: hostileData("pm child run reaches its branch")},
	{file: "seed_cycle.act", desc: "hostile: a root that is its own child", data: hostileData("seed cycle")},
	{file: "seed_shared_child.act", desc: "hostile: two nodes share one child run", data: hostileData("seed shared child")},
	{file: "seed_children_out_of_range.act", desc: "hostile: a children offset 24000 bytes past the end", data: hostileData("seed children out of range")},
	{file: "seed_bad_flags.act", desc: "seed layout with header flags 1: PF_EUNSUPPORTED", data: hostileData("seed bad flags")},
}

// seedExample is the seed's "Memory Layout Example", reserved bytes zero.
func seedExample() []byte {
	var h seedHeader
	h.init()
	h.setRoot(0x40)
	h.setNodes(3)
	h.setValues(2)
	out := h[:]
	for _, n := range []seedNode{sn(0x02, 24, 0, 1), sn(0xF0, 0, 1, 0), sn(0xF0, 0, 2, 0)} {
		out = append(out, n[:]...)
	}
	return out
}

func (s *vectorSpec) bytes(t *testing.T) []byte {
	if s.data != nil {
		return s.data()
	}
	return build(t, s.layout, s.recs)
}

// manifestCase is what every surface must make of a vector.
type manifestCase struct {
	File        string         `json:"file"`
	Description string         `json:"description"`
	Layout      string         `json:"layout,omitempty"`
	Open        string         `json:"open"`
	Walk        string         `json:"walk,omitempty"`
	Verify      string         `json:"verify,omitempty"`
	VerifyAt    *int64         `json:"verify_offset,omitempty"`
	Count       *uint64        `json:"count,omitempty"`
	Paths       []manifestPath `json:"paths,omitempty"`
}

type manifestPath struct {
	Hex   string `json:"path_hex"`
	Value string `json:"value"` // decimal: JSON numbers lose u64 precision in JS
}

func codeName(err error) string { return errcode.Of(err).Name() }

// describe reads data the way the manifest records it.
func describe(t *testing.T, s *vectorSpec, data []byte) manifestCase {
	m := manifestCase{File: s.file, Description: s.desc}
	tr, err := NewTree(data, nil)
	m.Open = codeName(err)
	if err != nil {
		return m
	}
	m.Layout = tr.Layout().String()
	var paths []manifestPath
	err = tr.Walk(nil, func(p []byte, v uint64) error {
		paths = append(paths, manifestPath{Hex: hex.EncodeToString(p), Value: strconv.FormatUint(v, 10)})
		return nil
	})
	m.Walk = codeName(err)
	if err == nil {
		n := uint64(len(paths))
		m.Count, m.Paths = &n, paths
	}
	err = tr.Verify()
	m.Verify = codeName(err)
	var e *errcode.Error
	if errors.As(err, &e) && e.Offset >= 0 {
		m.VerifyAt = &e.Offset
	}
	return m
}

// TestVectors checks (or with -update rewrites) every vector and
// manifest.json: polyfmt-made and hand-made files are what the code makes;
// pathmap-made files are also exactly what polyfmt's writer makes.
func TestVectors(t *testing.T) {
	manifestPath := filepath.Join(vectorDir, "manifest.json")
	var cases []manifestCase
	for i := range vectorSpecs {
		s := &vectorSpecs[i]
		p := filepath.Join(vectorDir, s.file)
		want := s.bytes(t)
		if *update {
			if s.pathmap {
				dir := t.TempDir()
				in := writeFile(t, dir, "in.rec", encodeRecs(s.recs))
				pathmap.Run(t, "write-act", in, p)
			} else if err := os.WriteFile(p, want, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		got, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("%s: %v (run go test -update)", s.file, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: file differs from what polyfmt writes", s.file)
		}
		cases = append(cases, describe(t, s, got))
	}
	enc, err := json.MarshalIndent(map[string]any{"cases": cases}, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	enc = append(enc, '\n')
	if *update {
		if err := os.WriteFile(manifestPath, enc, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	old, err := os.ReadFile(manifestPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(old, enc) {
		t.Errorf("manifest.json is out of date (run go test -update)")
	}
}

// TestSeedExample states what polyfmt makes of the seed's own example
// (doc.go explains the reading): the root's metadata 1 is its child count,
// tags are edge bytes, so the file holds one path, F0 → 1; the header's
// three nodes and two values do not add up, which Verify reports.
func TestSeedExample(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(vectorDir, "seed_example.act"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, seedExample()) || len(data) != 136 {
		t.Fatal("seed_example.act is not the seed's example")
	}
	tr, err := NewTree(data, nil)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	if tr.Layout() != LayoutSeed {
		t.Fatalf("layout %v", tr.Layout())
	}
	sameRecs(t, "Walk", walkAll(t, tr, nil), []rec{{Path: []byte{0xF0}, Value: 1}})
	for _, c := range []struct {
		path []byte
		v    uint64
		ok   bool
	}{{[]byte{0xF0}, 1, true}, {nil, 0, false}, {[]byte{0xF0, 0xF0}, 0, false}, {[]byte{0x02}, 0, false}} {
		v, ok, err := tr.Get(c.path)
		if err != nil || v != c.v || ok != c.ok {
			t.Errorf("Get(%x) = %d, %v, %v; want %d, %v", c.path, v, ok, err, c.v, c.ok)
		}
	}
	if n, err := tr.Count(); n != 1 || err != nil {
		t.Errorf("Count = %d, %v", n, err)
	}
	err = tr.Verify()
	isKind(t, err, errcode.ErrFormat)
	var e *errcode.Error
	errors.As(err, &e)
	if e.Offset != 0x70 {
		t.Errorf("Verify: %v; want the unreachable node at byte 112", err)
	}
}
