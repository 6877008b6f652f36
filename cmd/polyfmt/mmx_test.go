package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/mmx"
)

const mmxVec = "../../core/testdata/mmx/"

// mmxManifest mirrors core/testdata/mmx/manifest.json.
type mmxManifest struct {
	Cases []struct {
		Name   string `json:"name"`
		File   string `json:"file"`
		Error  string `json:"error"`
		Expect struct {
			Generation    uint64     `json:"generation"`
			TotalChunks   int        `json:"total_chunks"`
			FileID        string     `json:"file_id"`
			Creator       string     `json:"creator"`
			RecoveryClean bool       `json:"recovery_clean"`
			Verify        string     `json:"verify"`
			Chunks        []mmxChunk `json:"chunks"`
		} `json:"expect"`
	} `json:"cases"`
}

type mmxChunk struct {
	Name          string              `json:"name"`
	ChunkType     string              `json:"chunk_type"`
	Compression   string              `json:"compression"`
	LogicalRegion *string             `json:"logical_region"`
	Arrays        map[string]mmxArray `json:"arrays"`
	Value         json.RawMessage     `json:"value"`
	Error         string              `json:"error"`
}

type mmxArray struct {
	DType  string   `json:"dtype"`
	Shape  []uint64 `json:"shape"`
	SHA256 string   `json:"sha256"`
}

func loadMMXManifest(t *testing.T) *mmxManifest {
	t.Helper()
	b, err := os.ReadFile(mmxVec + "manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	var m mmxManifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Cases) == 0 {
		t.Fatal("mmx manifest has no cases")
	}
	return &m
}

// sameJSON reports whether a and b are equal as parsed JSON.
func mmxSameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("%v: %s", err, a)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	return reflect.DeepEqual(x, y)
}

func mmxHexSum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestDetectMMX(t *testing.T) {
	if got := Detect([]byte("MMX\x00\x01\x00\x00\x00")); got != MMX {
		t.Fatalf("Detect(MMX\\0…) = %v", got)
	}
	if got := Detect([]byte("MMY\x00")); got == MMX {
		t.Fatal("MMY\\0 detected as MMX")
	}
	if !isMMXInput([]string{"-json", mmxVec + "all_types.mmx"}) || isMMXInput([]string{"-blocks", "2", vec + "three_blocks_fixed_ts.m8"}) ||
		isMMXInput([]string{"missing.mmx"}) {
		t.Fatal("isMMXInput")
	}
}

// Every manifest case through inspect, verify, ls and cat.
func TestMMXVectors(t *testing.T) {
	m := loadMMXManifest(t)
	for _, c := range m.Cases {
		t.Run(c.Name, func(t *testing.T) {
			path := mmxVec + c.File
			code, out, errs := runCLI("inspect", path)
			if c.Error != "" {
				if code != 1 || !strings.Contains(errs, c.File) {
					t.Fatalf("inspect of a bad file: %d %q %q", code, out, errs)
				}
				for _, cmd := range [][]string{{"verify", path}, {"ls", path}, {"cat", path, "x"}} {
					if code, _, errs := runCLI(cmd...); code != 1 || errs == "" {
						t.Errorf("%s: %d %q, want exit 1", cmd[0], code, errs)
					}
				}
				return
			}
			e := c.Expect
			for _, want := range []string{
				fmt.Sprintf("generation      %d\n", e.Generation),
				fmt.Sprintf("chunks          %d", e.TotalChunks),
				"file_id         " + e.FileID,
				"creator         " + strconv.Quote(e.Creator),
			} {
				if code != 0 || !strings.Contains(out, want) {
					t.Fatalf("inspect: %d, no %q in\n%s%s", code, want, out, errs)
				}
			}
			if strings.Contains(out, "recovery        clean") != e.RecoveryClean {
				t.Errorf("inspect: recovery clean should be %v:\n%s", e.RecoveryClean, out)
			}
			if strings.HasPrefix(c.Name, "morphnet/") != strings.Contains(out, "written by MorphNet") {
				t.Errorf("inspect: writer:\n%s", out)
			}

			code, out, _ = runCLI("inspect", "-json", path)
			var info mmxInspectJSON
			if err := json.Unmarshal([]byte(out), &info); code != 0 || err != nil {
				t.Fatalf("inspect -json: %d %v\n%s", code, err, out)
			}
			sum := 0
			for _, n := range info.ChunksPerType {
				sum += n
			}
			if info.Generation != e.Generation || info.Header.TotalChunks != e.TotalChunks || info.Header.FileID != e.FileID ||
				info.Header.Creator != e.Creator || info.Recovery.Clean != e.RecoveryClean || sum != e.TotalChunks {
				t.Errorf("inspect -json: %+v", info)
			}

			code, out, errs = runCLI("verify", path)
			if e.Verify == "PF_OK" {
				if code != 0 || !strings.Contains(out, fmt.Sprintf("OK, %d chunks verified", e.TotalChunks)) {
					t.Errorf("verify: %d %q %q", code, out, errs)
				}
			} else if !e.RecoveryClean {
				// The library's Verify fails a file that needed recovery; the
				// command checks the committed state and says what follows it.
				if code != exitUnfinished || !strings.Contains(out, fmt.Sprintf("committed state OK, %d chunks verified (generation %d)", e.TotalChunks, e.Generation)) ||
					!strings.Contains(out, "UNFINISHED: ") {
					t.Errorf("verify: %d %q %q, want exit 3 and the committed state", code, out, errs)
				}
			} else {
				want := "FAILED"
				for _, ch := range e.Chunks {
					if ch.Error == e.Verify {
						want = fmt.Sprintf("FAILED at chunk %q", ch.Name)
						break
					}
				}
				if code != 1 || !strings.Contains(errs, want) {
					t.Errorf("verify: %d %q, want exit 1 and %q", code, errs, want)
				}
			}

			var names []string
			for _, ch := range e.Chunks {
				names = append(names, ch.Name+"\n")
			}
			if code, out, _ := runCLI("ls", path); code != 0 || out != strings.Join(names, "") {
				t.Errorf("ls: %d\n%s", code, out)
			}
			code, out, _ = runCLI("ls", "-l", path)
			if code != 0 || !strings.Contains(out, fmt.Sprintf("%d chunk(s)", len(e.Chunks))) {
				t.Errorf("ls -l: %d\n%s", code, out)
			}
			for _, ch := range e.Chunks {
				re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(ch.Name) + ` +` + ch.ChunkType + ` .* ` + ch.Compression + ` `)
				if !re.MatchString(out) {
					t.Errorf("ls -l: no line for %s %s %s:\n%s", ch.Name, ch.ChunkType, ch.Compression, out)
				}
				if a, ok := ch.Arrays["data"]; ok && !strings.HasPrefix(c.Name, "morphnet/") && !strings.Contains(out, a.DType+" ") {
					t.Errorf("ls -l: no dtype %s for %s", a.DType, ch.Name)
				}
				if ch.LogicalRegion != nil && !strings.Contains(out, *ch.LogicalRegion) {
					t.Errorf("ls -l: no region for %s", ch.Name)
				}
			}
			if len(e.Chunks) > 0 {
				first := e.Chunks[0].Name
				prefix := first[:strings.LastIndex(first, "/")+1]
				code, out, _ := runCLI("ls", path, prefix)
				for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
					if code != 0 || !strings.HasPrefix(line, prefix) {
						t.Errorf("ls %q: %d %q", prefix, code, out)
					}
				}
			}

			for _, ch := range e.Chunks {
				checkMMXCat(t, path, ch)
			}
		})
	}
}

// checkCat runs cat on one chunk and checks what it prints against the manifest.
func checkMMXCat(t *testing.T, path string, ch mmxChunk) {
	t.Helper()
	code, out, errs := runCLI("cat", path, ch.Name)
	if ch.Error != "" {
		if code != 1 || !strings.Contains(errs, path) {
			t.Errorf("cat %s: %d %q, want exit 1", ch.Name, code, errs)
		}
		return
	}
	if code != 0 {
		t.Errorf("cat %s: %d %q", ch.Name, code, errs)
		return
	}
	switch ch.ChunkType {
	case "Text":
		var v mmx.Text
		json.Unmarshal(ch.Value, &v)
		want := v.Content
		if !strings.HasSuffix(want, "\n") {
			want += "\n"
		}
		if out != want {
			t.Errorf("cat %s = %q, want %q", ch.Name, out, want)
		}
	case "Meta", "Sequence":
		if !mmxSameJSON(t, []byte(out), ch.Value) || !strings.Contains(out, "\n  ") {
			t.Errorf("cat %s = %s, want %s pretty-printed", ch.Name, out, ch.Value)
		}
	case "Tensor", "Embedding":
		a := ch.Arrays["data"]
		if !strings.HasPrefix(out, ch.ChunkType+" "+strconv.Quote(ch.Name)+": "+a.DType+" "+shapeString(a.Shape)) ||
			!strings.Contains(out, "value(s): ") {
			t.Errorf("cat %s:\n%s", ch.Name, out)
		}
	case "Mesh":
		want := fmt.Sprintf("%d vertices, %d faces", ch.Arrays["vertices"].Shape[0], ch.Arrays["faces"].Shape[0])
		if !strings.Contains(out, want) {
			t.Errorf("cat %s: %q, want %q", ch.Name, out, want)
		}
	}
}

func TestCatValues(t *testing.T) {
	cases := []struct{ name, want string }{
		{"frames/None", "first 10 value(s): 0 0.5 1 1.5 2 2.5 3 3.5 4 4.5 …"},
		{"emb/pca", `labels: "a" "b"`},
		{"meshes/tetra", "normals 4, uvs 4, materials 1 (Zstd)"},
		{"meshes/bare", "normals none, uvs none, materials none"},
	}
	for _, c := range cases {
		if code, out, errs := runCLI("cat", mmxVec+"all_types.mmx", c.name); code != 0 || !strings.Contains(out, c.want) {
			t.Errorf("cat %s: %d %q %q, want %q", c.name, code, out, errs, c.want)
		}
	}
	if code, _, errs := runCLI("cat", mmxVec+"all_types.mmx", "nope"); code != 1 || !strings.Contains(errs, `no chunk "nope"`) {
		t.Errorf("cat of a missing chunk: %d %q", code, errs)
	}
	if code, out, _ := runCLI("cat", "-n", "2", mmxVec+"all_types.mmx", "dtypes/int16"); code != 0 || !strings.Contains(out, "first 2 value(s)") {
		t.Errorf("cat -n 2: %d %q", code, out)
	}
}

func TestFormatValues(t *testing.T) {
	le := binary.LittleEndian
	cases := []struct {
		d    mmx.DType
		data []byte
		want string
	}{
		{mmx.Bool, []byte{0, 1}, "false true"},
		{mmx.Int8, []byte{0xff, 7}, "-1 7"},
		{mmx.Int16, le.AppendUint16(nil, 0x8000), "-32768"},
		{mmx.Uint64, le.AppendUint64(nil, math.MaxUint64), "18446744073709551615"},
		{mmx.Float16, le.AppendUint16(le.AppendUint16(le.AppendUint16(le.AppendUint16(le.AppendUint16(nil, 0x3c00), 0xc000), 0x7c00), 0x0001), 0x7bff), "1 -2 +Inf 5.9604645e-08 65504"},
		{mmx.BFloat16, le.AppendUint16(nil, 0x3fc0), "1.5"},
		{mmx.Float64, le.AppendUint64(nil, math.Float64bits(0.1)), "0.1"},
		{mmx.Complex64, le.AppendUint32(le.AppendUint32(nil, math.Float32bits(1)), math.Float32bits(-2)), "(1-2i)"},
	}
	for _, c := range cases {
		if got := strings.Join(formatValues(c.d, c.data, 10), " "); got != c.want {
			t.Errorf("%s % x = %q, want %q", c.d, c.data, got, c.want)
		}
	}
}

// npy is a parsed .npy file.
type npy struct {
	descr   string
	fortran string
	shape   []uint64
	data    []byte
}

var npyDict = regexp.MustCompile(`^\{'descr': '([<|>][a-z?][0-9]*)', 'fortran_order': (True|False), 'shape': \(([0-9, ]*)\), \} *\n$`)

// parseNPY reads a .npy v1.0 file strictly.
func parseNPY(b []byte) (*npy, error) {
	if len(b) < 10 || string(b[:6]) != "\x93NUMPY" || b[6] != 1 || b[7] != 0 {
		return nil, fmt.Errorf("not a .npy v1.0 file: % x", b[:min(len(b), 10)])
	}
	hlen := int(binary.LittleEndian.Uint16(b[8:]))
	if len(b) < 10+hlen || (10+hlen)%64 != 0 {
		return nil, fmt.Errorf("header length %d: data would start at %d", hlen, 10+hlen)
	}
	m := npyDict.FindSubmatch(b[10 : 10+hlen])
	if m == nil {
		return nil, fmt.Errorf("header %q", b[10:10+hlen])
	}
	n := &npy{descr: string(m[1]), fortran: string(m[2]), data: b[10+hlen:]}
	dims := strings.TrimSpace(string(m[3]))
	if len(dims) > 0 {
		parts := strings.Split(strings.TrimSuffix(dims, ","), ",")
		if len(parts) == 1 && !strings.HasSuffix(dims, ",") {
			return nil, fmt.Errorf("1-tuple without its comma: (%s)", dims)
		}
		for _, p := range parts {
			v, err := strconv.ParseUint(strings.TrimSpace(p), 10, 64)
			if err != nil {
				return nil, fmt.Errorf("shape (%s): %v", dims, err)
			}
			n.shape = append(n.shape, v)
		}
	}
	return n, nil
}

func TestNPYHeader(t *testing.T) {
	for _, shape := range [][]uint64{nil, {0}, {5}, {2, 3}, {480, 640, 3}, make([]uint64, 32)} {
		for i := range shape {
			if len(shape) == 32 {
				shape[i] = math.MaxUint64 / 2
			}
		}
		h, err := appendNPYHeader([]byte("x"), "<f4", shape)
		if err != nil {
			t.Fatal(err)
		}
		n, err := parseNPY(h[1:])
		if err != nil || n.descr != "<f4" || n.fortran != "False" || fmt.Sprint(n.shape) != fmt.Sprint(shape) || len(n.data) != 0 {
			t.Errorf("%v: %q %+v %v", shape, h, n, err)
		}
	}
	h, _ := appendNPYHeader(nil, "<f4", []uint64{7})
	if !bytes.Contains(h, []byte("'shape': (7,), }")) {
		t.Errorf("1-D shape: %q", h)
	}
}

// Every array chunk of the manifest exported as .npy: parsed back here,
// then loaded by NumPy.
func TestExportNPY(t *testing.T) {
	m := loadMMXManifest(t)
	dir := t.TempDir()
	type exported struct {
		file, descr, sha string
		shape            []uint64
	}
	var all []exported
	for _, c := range m.Cases {
		if c.Error != "" {
			continue
		}
		for i, ch := range c.Expect.Chunks {
			a, ok := ch.Arrays["data"]
			if !ok && ch.Error == "" {
				if code, _, errs := runCLI("export", mmxVec+c.File, ch.Name, filepath.Join(dir, "x.npy")); code != 1 || !strings.Contains(errs, "export writes Tensor and Embedding") {
					t.Errorf("export of a %s: %d %q", ch.ChunkType, code, errs)
				}
				continue
			}
			out := filepath.Join(dir, fmt.Sprintf("%s-%d.npy", strings.ReplaceAll(c.Name, "/", "_"), i))
			code, stdout, errs := runCLI("export", mmxVec+c.File, ch.Name, out)
			switch {
			case ch.Error != "":
				if code != 1 {
					t.Errorf("%s %s: export of a bad chunk: %d %q", c.Name, ch.Name, code, errs)
				}
				continue
			case a.DType == "bfloat16":
				if code != 1 || !strings.Contains(errs, "bfloat16, which has no NumPy .npy type") {
					t.Errorf("bfloat16: %d %q", code, errs)
				}
				if _, err := os.Stat(out); !os.IsNotExist(err) {
					t.Error("a refused export left a file")
				}
				continue
			case code != 0:
				t.Errorf("%s %s: export: %d %q", c.Name, ch.Name, code, errs)
				continue
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			n, err := parseNPY(b)
			if err != nil {
				t.Errorf("%s %s: %v", c.Name, ch.Name, err)
				continue
			}
			descr := npyDescrs[mmx.DType(a.DType)]
			if n.descr != descr || n.fortran != "False" || fmt.Sprint(n.shape) != fmt.Sprint(a.Shape) || mmxHexSum(n.data) != a.SHA256 {
				t.Errorf("%s %s: %+v, want %s %v sha256 %s", c.Name, ch.Name, n, descr, a.Shape, a.SHA256)
			}
			if !strings.Contains(stdout, descr) {
				t.Errorf("export output %q", stdout)
			}
			all = append(all, exported{out, descr, a.SHA256, a.Shape})
		}
	}
	if len(all) < 20 {
		t.Fatalf("only %d arrays exported", len(all))
	}
	// Never overwritten without -f.
	if code, _, errs := runCLI("export", mmxVec+"all_types.mmx", "frames/None", all[0].file); code != 1 || !strings.Contains(errs, "exists") {
		t.Errorf("overwrite: %d %q", code, errs)
	}
	if code, _, errs := runCLI("export", "-f", mmxVec+"all_types.mmx", "frames/None", all[0].file); code != 0 {
		t.Errorf("export -f: %d %q", code, errs)
	}
	all = all[1:]

	// NumPy itself must load every file to the same dtype, shape and bytes.
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Fatal("python3 is not installed: it is a test dependency (make deps-test) used to check exported .npy files with NumPy")
	}
	if out, err := exec.Command(py, "-c", "import numpy").CombinedOutput(); err != nil {
		t.Fatalf("python3 cannot import numpy (a test dependency: make deps-test, or pip install numpy): %v\n%s", err, out)
	}
	var script strings.Builder
	script.WriteString("import hashlib, sys, numpy\nfor p in sys.argv[1:]:\n" +
		"    a = numpy.load(p, allow_pickle=False)\n" +
		"    print(p, a.dtype.str, list(a.shape), hashlib.sha256(a.tobytes()).hexdigest())\n")
	argv := []string{"-c", script.String()}
	for _, e := range all {
		argv = append(argv, e.file)
	}
	out, err := exec.Command(py, argv...).CombinedOutput()
	if err != nil {
		t.Fatalf("numpy.load: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != len(all) {
		t.Fatalf("numpy printed %d lines for %d files:\n%s", len(lines), len(all), out)
	}
	for i, e := range all {
		shape := make([]string, len(e.shape))
		for j, d := range e.shape {
			shape[j] = strconv.FormatUint(d, 10)
		}
		want := fmt.Sprintf("%s %s [%s] %s", e.file, e.descr, strings.Join(shape, ", "), e.sha)
		if lines[i] != want {
			t.Errorf("numpy: %q\n  want %q", lines[i], want)
		}
	}
}

func TestCompact(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.mmx")
	src, err := os.ReadFile(mmxVec + "all_types.mmx")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, src, 0o644)
	// A big chunk written then deleted leaves dead bytes that compact gives back.
	f, err := mmx.OpenFile(path, os.O_RDWR, nil)
	if err != nil {
		t.Fatal(err)
	}
	big := mmx.Float32Tensor([]uint64{256, 1024}, make([]float32, 256*1024))
	if err := f.WriteTensor("big", big, nil); err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := f.Delete("big"); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(path)

	// The writer lock is held: compact refuses and leaves the file alone.
	w, err := mmx.OpenFile(path, os.O_RDWR, nil)
	if err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runCLI("compact", path); code != 1 || errs == "" {
		t.Errorf("compact of a locked file: %d %q", code, errs)
	}
	w.Close()

	code, out, errs := runCLI("compact", path)
	if code != 0 || !strings.Contains(out, fmt.Sprintf("compacted, %d → ", before.Size())) || !strings.Contains(out, "bytes freed") ||
		!strings.Contains(out, "25 chunk(s), generation 4 → 5") || !strings.Contains(errs, "compacting") {
		t.Fatalf("compact: %d %q %q", code, out, errs)
	}
	after, _ := os.Stat(path)
	if after.Size() >= before.Size()-1<<20 {
		t.Errorf("compact: %d → %d bytes", before.Size(), after.Size())
	}
	if code, out, _ := runCLI("verify", path); code != 0 || !strings.Contains(out, "OK, 25 chunks verified (generation 5)") {
		t.Errorf("verify after compact: %d %q", code, out)
	}
	if code, out, _ := runCLI("inspect", path); code != 0 || !strings.Contains(out, "(right after the header: compacted)") {
		t.Errorf("inspect after compact: %d %q", code, out)
	}
	if code, _, errs := runCLI("compact", "-q", path); code != 0 || errs != "" {
		t.Errorf("compact -q: %d %q", code, errs)
	}

	morph := filepath.Join(dir, "m.mmx")
	b, _ := os.ReadFile(mmxVec + "morphnet/mixed.mmx")
	os.WriteFile(morph, b, 0o644)
	if code, _, errs := runCLI("compact", morph); code != 1 || !strings.Contains(errs, "polyfmt convert") {
		t.Errorf("compact of a MorphNet file: %d %q", code, errs)
	}
	if a, _ := os.ReadFile(morph); !bytes.Equal(a, b) {
		t.Error("compact changed a MorphNet file")
	}
	if code, _, errs := runCLI("compact", vec+"three_blocks_fixed_ts.m8"); code != 1 || !strings.Contains(errs, "MEM8 input") {
		t.Errorf("compact of an .m8: %d %q", code, errs)
	}
}

// checkChunk compares a chunk read back with the manifest (a MorphNet Meta
// without a timestamp gets one when it is written).
func checkMMXFlat(t *testing.T, f *mmx.File, want mmxChunk) {
	t.Helper()
	fl, err := f.ReadFlat(want.Name)
	if err != nil {
		t.Errorf("%s: %v", want.Name, err)
		return
	}
	if string(fl.Entry.ChunkType) != want.ChunkType || fl.Entry.Compression != want.Compression ||
		fmt.Sprint(fl.Entry.LogicalRegion != nil) != fmt.Sprint(want.LogicalRegion != nil) ||
		want.LogicalRegion != nil && *fl.Entry.LogicalRegion != *want.LogicalRegion {
		t.Errorf("%s: entry %+v, want %+v", want.Name, fl.Entry, want)
	}
	if len(fl.Arrays) != len(want.Arrays) {
		t.Errorf("%s: arrays %v, want %v", want.Name, fl.Arrays, want.Arrays)
	}
	for k, a := range want.Arrays {
		g := fl.Arrays[k]
		if string(g.DType) != a.DType || fmt.Sprint(g.Shape) != fmt.Sprint(a.Shape) || mmxHexSum(fl.Data[g.Offset:g.Offset+g.NBytes]) != a.SHA256 {
			t.Errorf("%s: array %s %+v, want %+v", want.Name, k, g, a)
		}
	}
	value := want.Value
	if want.ChunkType == "Meta" {
		var got, exp map[string]any
		json.Unmarshal(fl.Value, &got)
		json.Unmarshal(want.Value, &exp)
		if exp["timestamp"] == "" {
			exp["timestamp"] = got["timestamp"]
		}
		value, _ = json.Marshal(exp)
	}
	if string(want.Value) != "null" && !mmxSameJSON(t, fl.Value, value) {
		t.Errorf("%s: value %s, want %s", want.Name, fl.Value, value)
	}
}

func TestConvertMMX(t *testing.T) {
	m := loadMMXManifest(t)
	dir := t.TempDir()
	converted := 0
	for _, c := range m.Cases {
		if !strings.HasPrefix(c.Name, "morphnet/") || c.Error != "" {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			out := filepath.Join(dir, strings.ReplaceAll(c.Name, "/", "_")+".mmx")
			code, stdout, errs := runCLI("convert", mmxVec+c.File, out)
			if c.Expect.Verify != "PF_OK" {
				if code != 1 || !strings.Contains(errs, "nothing written") {
					t.Errorf("convert: %d %q, want exit 1", code, errs)
				}
				if _, err := os.Stat(out); !os.IsNotExist(err) {
					t.Error("a failed convert left its output")
				}
				return
			}
			want := fmt.Sprintf("%d chunk(s) (from a MorphNet file)", c.Expect.TotalChunks)
			if code != 0 || !strings.Contains(stdout, want) {
				t.Fatalf("convert: %d %q %q, want %q", code, stdout, errs, want)
			}
			if c.Expect.TotalChunks > 0 && !strings.Contains(errs, fmt.Sprintf("converting: %d/%d chunks", c.Expect.TotalChunks, c.Expect.TotalChunks)) {
				t.Errorf("progress: %q", errs)
			}
			f, err := mmx.Open(out)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := f.Verify(); err != nil {
				t.Fatal(err)
			}
			h := f.Header()
			if isMorphNet(out) || !f.Recovery().Clean() || h.TotalChunks != c.Expect.TotalChunks || h.Creator != c.Expect.Creator {
				t.Errorf("converted header %+v", h)
			}
			for _, ch := range c.Expect.Chunks {
				checkMMXFlat(t, f, ch)
			}
			converted++
			// The converted file is writable, unlike its source.
			w, err := mmx.OpenFile(out, os.O_RDWR, nil)
			if err != nil {
				t.Fatal(err)
			}
			w.Close()
		})
	}
	if converted < 8 {
		t.Fatalf("only %d MorphNet files converted", converted)
	}

	// A polyfmt file converts too, here recompressing every chunk.
	out := filepath.Join(dir, "all_zstd.mmx")
	if code, stdout, errs := runCLI("convert", "-q", "-compression", "Zstd", mmxVec+"all_types.mmx", out); code != 0 || errs != "" ||
		!strings.Contains(stdout, "25 chunk(s) (from a polyfmt file)") {
		t.Fatalf("convert all_types: %d %q %q", code, stdout, errs)
	}
	f, err := mmx.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, ch := range m.Cases[0].Expect.Chunks {
		ch.Compression = "Zstd"
		checkMMXFlat(t, f, ch)
	}
	// The new file's checksum: CRC-32C by default, SHA-256 on request
	// (all_types.mmx itself is SHA-256).
	for _, sc := range []struct {
		args []string
		alg  mmx.ChecksumAlgorithm
	}{{nil, mmx.ChecksumCRC32C}, {[]string{"-checksum", "sha256"}, ""}, {[]string{"-checksum", "blake3"}, mmx.ChecksumBLAKE3},
		{[]string{"-checksum", "crc32c"}, mmx.ChecksumCRC32C}} {
		o := filepath.Join(dir, fmt.Sprintf("sum%v.mmx", strings.Join(sc.args, "")))
		if code, _, errs := runCLI(append(append([]string{"convert", "-q"}, sc.args...), mmxVec+"all_types.mmx", o)...); code != 0 {
			t.Fatalf("convert %v: %d %q", sc.args, code, errs)
		}
		g, err := mmx.Open(o)
		if err != nil {
			t.Fatal(err)
		}
		es, _ := g.List("")
		for _, e := range es {
			if e.ChecksumAlgorithm != sc.alg {
				t.Fatalf("convert %v: %s has checksum_algorithm %q, want %q", sc.args, e.Name, e.ChecksumAlgorithm, sc.alg)
			}
		}
		if err := g.Verify(); err != nil {
			t.Fatal(err)
		}
		g.Close()
	}
	if code, _, errs := runCLI("convert", "-checksum", "md5", mmxVec+"all_types.mmx", filepath.Join(dir, "md5.mmx")); code != 2 || !strings.Contains(errs, "sha256") {
		t.Errorf("-checksum md5: %d %q", code, errs)
	}
	if code, _, errs := runCLI("convert", mmxVec+"all_types.mmx", out); code != 1 || !strings.Contains(errs, "exists") {
		t.Errorf("overwrite: %d %q", code, errs)
	}
}

func TestMMXUsage(t *testing.T) {
	p := mmxVec + "all_types.mmx"
	for _, args := range [][]string{
		{"ls"}, {"ls", p, "a", "b"}, {"ls", "-x", p}, {"cat", p}, {"export", p, "frames/None"}, {"compact"},
		{"compact", p, p}, {"convert", "-compression", "Brotli", p, "out.mmx"}, {"inspect", "-blocks", "2", p},
	} {
		if code, _, errs := runCLI(args...); code != 2 || !strings.Contains(errs, "usage") {
			t.Errorf("%q: %d %q", args, code, errs)
		}
	}
	if code, _, errs := runCLI("ls", vec+"three_blocks_fixed_ts.m8"); code != 1 || !strings.Contains(errs, "MEM8 input; ls reads .mmx files") {
		t.Errorf("ls of an .m8: %d %q", code, errs)
	}
}

// TestMaxRatioFlag: zstd of zeros exceeds the default MaxRatio; verify and
// cat say which option to raise, and -max-ratio raises it.
func TestMaxRatioFlag(t *testing.T) {
	path := filepath.Join(t.TempDir(), "zeros.mmx")
	f, err := mmx.Create(path, &mmx.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	n := uint64(8 << 20)
	if err := f.WriteTensor("z", &mmx.Tensor{DType: mmx.Uint8, Shape: []uint64{n}, Data: make([]byte, n)}, &mmx.WriteOptions{Compression: mmx.Zstd}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"verify", path}, {"cat", path, "z"}} {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != 1 || !strings.Contains(errb.String(), "MaxRatio") {
			t.Fatalf("%v: exit %d, %q", args, code, errb.String())
		}
		out.Reset()
		errb.Reset()
		if code := run(append([]string{args[0], "-max-ratio", "1000000"}, args[1:]...), &out, &errb); code != 0 {
			t.Fatalf("%v -max-ratio: exit %d, %q", args, code, errb.String())
		}
	}
}

// verify after a crash: the committed state is checked and reported with
// what a writer would drop (exit 3); damage in the committed state is
// still exit 1, and a clean file exit 0.
func TestMMXVerifyAfterCrash(t *testing.T) {
	dir := t.TempDir()
	torn := mmxVec + "torn_commit.mmx"
	data, err := os.ReadFile(torn)
	if err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI("verify", torn)
	wantOut := fmt.Sprintf("committed state OK, 25 chunks verified (generation 2); %d bytes committed\n", len(data)-274)
	if code != exitUnfinished || !strings.Contains(out, wantOut) ||
		!strings.Contains(out, "UNFINISHED: 274 bytes after the last valid directory (a commit cut short); a writable open (polyfmt compact) drops 274 bytes") || errs != "" {
		t.Fatalf("torn: %d %q %q", code, out, errs)
	}
	if code, out, _ := runCLI("verify", mmxVec+"all_types.mmx"); code != exitOK || !strings.Contains(out, "OK, 25 chunks verified (generation 2); ") {
		t.Fatalf("clean: %d %q", code, out)
	}

	// Damage inside a committed chunk of the torn file: exit 1.
	f, err := mmx.Open(torn)
	if err != nil {
		t.Fatal(err)
	}
	e, err := f.Entry("docs/readme")
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	bad := append([]byte(nil), data...)
	bad[e.Offset] ^= 0xff
	badPath := filepath.Join(dir, "torn_bad.mmx")
	os.WriteFile(badPath, bad, 0o644)
	if code, out, errs := runCLI("verify", badPath); code != exitFailed || !strings.Contains(errs, `FAILED at chunk "docs/readme"`) || out != "" {
		t.Fatalf("torn and damaged: %d %q %q", code, out, errs)
	}

	// A crash after the directory sync, before the header rewrite: the
	// header describes the commit before; a writer rewrites it, drops nothing.
	path := filepath.Join(dir, "stale.mmx")
	w, err := mmx.Create(path, &mmx.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	w.WriteText("a", &mmx.Text{Content: "one"}, nil)
	w.Commit()
	w.Close()
	old, _ := os.ReadFile(path)
	w, _ = mmx.OpenFile(path, os.O_RDWR, &mmx.Options{NoSync: true})
	w.WriteText("b", &mmx.Text{Content: "two"}, nil)
	w.Close()
	img, _ := os.ReadFile(path)
	copy(img, old[:mmx.HeaderSize])
	os.WriteFile(path, img, 0o644)
	code, out, errs = runCLI("verify", path)
	if code != exitUnfinished || !strings.Contains(out, "committed state OK, 2 chunks verified (generation 3)") ||
		!strings.Contains(out, "header describes another commit") || !strings.Contains(out, "drops 0 bytes") {
		t.Fatalf("stale header: %d %q %q", code, out, errs)
	}
	// After a writable open (here compact) the file is clean: exit 0.
	if code, _, errs := runCLI("compact", "-q", path); code != 0 {
		t.Fatalf("compact: %d %q", code, errs)
	}
	if code, out, _ := runCLI("verify", path); code != exitOK || !strings.Contains(out, "OK, 2 chunks verified") {
		t.Fatalf("after repair: %d %q", code, out)
	}
}
