//go:build !wasip1

package main

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/mork"
	"github.com/polyfmt/polyfmt/core/vectors"
)

const morkVectors = "../core/testdata/mork"

// morkRecords decodes pf_mork_paths' records: u32 LE length, the path,
// u64 LE value, repeated.
func morkRecords(t *testing.T, b []byte) (paths [][]byte, values []uint64) {
	t.Helper()
	for len(b) > 0 {
		if len(b) < 4 {
			t.Fatalf("a record cut in its length: % x", b)
		}
		n := int(binary.LittleEndian.Uint32(b))
		if len(b) < 4+n+8 {
			t.Fatalf("a record of %d bytes cut short: %d remain", n, len(b))
		}
		paths = append(paths, b[4:4+n])
		values = append(values, binary.LittleEndian.Uint64(b[4+n:]))
		b = b[4+n+8:]
	}
	return paths, values
}

// morkTexts prints every path of h (a multiplicities file's keys as they
// are), with its value in decimal.
func (g *guest) morkTexts(t *testing.T, h uint32, kind string, slots uint32) ([]string, []string, [][]byte) {
	t.Helper()
	recs, rc := g.callBuf("pf_mork_paths", h, []string{""}, []uint64{0}, slots)
	if rc != 0 {
		t.Fatalf("pf_mork_paths: %s %s", codeName(rc), g.errmsg(h))
	}
	paths, values := morkRecords(t, recs)
	var texts, vals []string
	for i, p := range paths {
		vals = append(vals, strconv.FormatUint(values[i], 10))
		if kind == "mult" {
			texts = append(texts, string(p))
			continue
		}
		b, rc := g.callBuf("pf_mork_print", h, []string{string(p)}, nil, slots)
		if rc != 0 {
			t.Fatalf("pf_mork_print % x: %s %s", p, codeName(rc), g.errmsg(h))
		}
		texts = append(texts, string(b))
	}
	return texts, vals, paths
}

// The shared MORK containers inside the module, through the raw exports:
// every case of core/testdata/mork/containers/manifest.json, from bytes
// (pf_mork_open_bytes, and pf_open_bytes detecting PF_FORMAT_MORK) and by
// path (pf_mork_open over a mounted directory).
func TestMORKContainerVectors(t *testing.T) {
	dir := filepath.Join(morkVectors, "containers")
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	m, err := vectors.LoadMorkContainers()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Cases) < 17 {
		t.Fatalf("the manifest has %d cases", len(m.Cases))
	}
	g := newGuest(t, map[string]string{"/vectors": abs})
	slots := g.alloc(32)
	for _, c := range m.Cases {
		t.Run(c.File, func(t *testing.T) {
			g.t = t
			img, err := os.ReadFile(filepath.Join(dir, c.File))
			if err != nil {
				t.Fatal(err)
			}
			wantOpen := c.OpenError
			if wantOpen == "" {
				wantOpen = "PF_OK"
			}
			// Detection: the generic open finds the format itself.
			p, n := g.put(img)
			rc := g.rc("pf_open_bytes", 0, p, n, 0, 0, 0, uint64(slots), uint64(slots+4))
			if codeName(rc) != wantOpen {
				t.Fatalf("pf_open_bytes: %s (%s), want %s", codeName(rc), g.errmsg(0), wantOpen)
			}
			if rc == 0 {
				if f := g.u32(slots + 4); f != mork.FormatID {
					t.Fatalf("pf_open_bytes detected format %d, want %d", f, mork.FormatID)
				}
				g.rc("pf_close", uint64(g.u32(slots)))
			}
			// By path, through the mount.
			pp, pn := g.put([]byte("/vectors/" + c.File))
			rc = g.rc("pf_mork_open", pp, pn, 0, 0, 0, uint64(slots))
			if codeName(rc) != wantOpen {
				t.Fatalf("pf_mork_open: %s (%s), want %s", codeName(rc), g.errmsg(0), wantOpen)
			}
			var byPath uint32
			if rc == 0 {
				byPath = g.u32(slots)
				defer g.rc("pf_close", uint64(byPath))
			}

			h, rc := g.openBytesWith("pf_mork_open_bytes", img, 0)
			if codeName(rc) != wantOpen {
				t.Fatalf("pf_mork_open_bytes: %s (%s), want %s", codeName(rc), g.errmsg(0), wantOpen)
			}
			if rc != 0 {
				if c.OpenError == "PF_EUNSUPPORTED" && !strings.Contains(g.errmsg(0), "version 2.") {
					t.Fatalf("the message does not name the version: %s", g.errmsg(0))
				}
				return
			}
			defer g.rc("pf_close", uint64(h))
			wantVerify := c.VerifyError
			if wantVerify == "" {
				wantVerify = "PF_OK"
			}
			if rc := g.rc("pf_verify", uint64(h)); codeName(rc) != wantVerify {
				t.Fatalf("verify: %s (%s), want %s", codeName(rc), g.errmsg(h), wantVerify)
			}
			info, rc := g.callBuf("pf_mork_info", h, nil, nil, slots)
			if rc != 0 {
				t.Fatalf("pf_mork_info: %s", codeName(rc))
			}
			var in mork.Info
			if err := json.Unmarshal(info, &in); err != nil {
				t.Fatal(err)
			}
			if in.Format != "mork" || in.Kind != c.Kind || in.Version != c.Version || in.Symbols != c.Symbols || in.Interned != c.Interned {
				t.Fatalf("info %s, want kind %s version %q symbols %d interned %v", info, c.Kind, c.Version, c.Symbols, c.Interned)
			}
			syms, rc := g.callBuf("pf_mork_symbols", h, nil, nil, slots)
			if rc != 0 {
				t.Fatalf("pf_mork_symbols: %s", codeName(rc))
			}
			var st struct {
				Symbols []struct{ ID, Text string } `json:"symbols"`
			}
			if err := json.Unmarshal(syms, &st); err != nil || len(st.Symbols) != c.Symbols {
				t.Fatalf("symbols %s (%v), want %d", syms, err, c.Symbols)
			}
			if c.VerifyError != "" {
				return
			}
			for _, hh := range []uint32{h, byPath} {
				texts, vals, paths := g.morkTexts(t, hh, c.Kind, slots)
				if !slices.Equal(texts, c.Paths) || (c.Values != nil && !slices.Equal(vals, c.Values)) {
					t.Fatalf("paths %q values %q, want %q %q", texts, vals, c.Paths, c.Values)
				}
				if rc := g.rc("pf_mork_len", uint64(hh), uint64(slots)); rc != 0 || g.u64(slots) != uint64(len(c.Paths)) {
					t.Fatalf("pf_mork_len: %s, %d", codeName(rc), g.u64(slots))
				}
				for i, p := range paths {
					pp, pn := g.put(p)
					if rc := g.rc("pf_mork_get", uint64(hh), pp, pn, uint64(slots), uint64(slots+8)); rc != 0 || g.u32(slots+8) != 1 ||
						strconv.FormatUint(g.u64(slots), 10) != vals[i] {
						t.Fatalf("pf_mork_get %s: %s found %d value %d", texts[i], codeName(rc), g.u32(slots+8), g.u64(slots))
					}
					if c.Kind == "mult" {
						continue
					}
					// The printed path encodes back to its bytes through the file (interned ids included).
					enc, rc := g.callBuf("pf_mork_encode", hh, []string{texts[i]}, nil, slots)
					if rc != 0 || !bytes.Equal(enc, p) {
						t.Fatalf("pf_mork_encode %s: %s % x, want % x", texts[i], codeName(rc), enc, p)
					}
				}
			}
		})
	}
}

// expr.json inside the module: each text encoded with handle 0 to its hex,
// each hex printed back, each error its code and a message naming its line
// and column.
func TestMORKExprVectors(t *testing.T) {
	e, err := vectors.LoadMorkExpr()
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Cases) < 20 || len(e.Errors) < 10 {
		t.Fatalf("expr.json has %d cases, %d errors", len(e.Cases), len(e.Errors))
	}
	g := newGuest(t, nil)
	slots := g.alloc(32)
	for _, c := range e.Cases {
		got, rc := g.callBuf("pf_mork_encode", 0, []string{c.Text}, nil, slots)
		if rc != 0 || hex.EncodeToString(got) != c.Hex {
			t.Errorf("encode %q: %s %x (%s), want %s", c.Text, codeName(rc), got, g.errmsg(0), c.Hex)
			continue
		}
		printed, rc := g.callBuf("pf_mork_print", 0, []string{string(got)}, nil, slots)
		if rc != 0 || string(printed) != c.Printed {
			t.Errorf("print %s: %s %q (%s), want %q", c.Hex, codeName(rc), printed, g.errmsg(0), c.Printed)
		}
	}
	codes := map[string]errcode.Code{"format": errcode.Format, "limit": errcode.Limit}
	for _, c := range e.Errors {
		_, rc := g.callBuf("pf_mork_encode", 0, []string{c.Text}, nil, slots)
		want, ok := codes[c.Code]
		if !ok {
			t.Fatalf("expr.json: unknown error class %q", c.Code)
		}
		msg := g.errmsg(0)
		if errcode.Code(rc) != want || !strings.Contains(msg, fmt.Sprintf("line %d, column %d:", c.Line, c.Column)) {
			t.Errorf("encode %.40q: %s %q, want %s at line %d, column %d", c.Text, codeName(rc), msg, want.Name(), c.Line, c.Column)
		}
	}
}

// A space built inside the module through the raw exports: imported
// (interned), queried, added to, exported as an ACT and read back, its
// image migrated, and its handle refused once closed.
func TestMORKInModule(t *testing.T) {
	g := newGuest(t, nil)
	slots := g.alloc(32)
	op, on := g.put([]byte(`{"symbol_layout":"mork"}`))
	if rc := g.rc("pf_mork_create", 0, 0, op, on, uint64(slots)); rc != 0 {
		t.Fatalf("pf_mork_create: %s %s", codeName(rc), g.errmsg(0))
	}
	h := g.u32(slots)
	text := []byte("(edge a b)\n(edge b c)\n(edge c a)\n(label a \"A ü\")\n")
	tp, tn := g.put(text)
	ip, in := g.put([]byte(`{"intern":true,"value":"7"}`))
	if rc := g.rc("pf_mork_import", uint64(h), tp, tn, ip, in, uint64(slots)); rc != 0 || g.u64(slots) != 4 {
		t.Fatalf("pf_mork_import: %s %s, %d", codeName(rc), g.errmsg(h), g.u64(slots))
	}
	// A syntax error: the expressions before it are added, the count says so.
	bp, bn := g.put([]byte("(ok)\n  (never"))
	if rc := g.rc("pf_mork_import", uint64(h), bp, bn, 0, 0, uint64(slots)); errcode.Code(rc) != errcode.Format ||
		g.u64(slots) != 1 || !strings.Contains(g.errmsg(h), "line 2, column 3:") {
		t.Fatalf("a syntax error: %s %q, %d imported", codeName(rc), g.errmsg(h), g.u64(slots))
	}
	q, rc := g.callBuf("pf_mork_query", h, []string{"(edge $x $y)"}, []uint64{2}, slots)
	if rc != 0 {
		t.Fatalf("pf_mork_query: %s %s", codeName(rc), g.errmsg(h))
	}
	var res struct {
		Matches []struct {
			Text     string   `json:"text"`
			Path     string   `json:"path"`
			Value    string   `json:"value"`
			Bindings []string `json:"bindings"`
		} `json:"matches"`
		Truncated bool `json:"truncated"`
	}
	if err := json.Unmarshal(q, &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Matches) != 2 || !res.Truncated || res.Matches[0].Text != "(edge a b)" || res.Matches[0].Value != "7" ||
		!slices.Equal(res.Matches[0].Bindings, []string{"a", "b"}) {
		t.Fatalf("query: %s", q)
	}
	// A new symbol is interned before a path naming it is encoded and added.
	ep, en := g.put([]byte("edge"))
	if rc := g.rc("pf_mork_intern", uint64(h), ep, en, uint64(slots)); rc != 0 || g.u64(slots) != 1 {
		t.Fatalf("pf_mork_intern edge: %s, id %d", codeName(rc), g.u64(slots))
	}
	if _, rc := g.callBuf("pf_mork_encode", h, []string{"(edge d a)"}, nil, slots); errcode.Code(rc) != errcode.NotFound {
		t.Fatalf("encode with a symbol the table lacks: %s", codeName(rc))
	}
	sp, sn := g.put([]byte("d"))
	if rc := g.rc("pf_mork_intern", uint64(h), sp, sn, uint64(slots)); rc != 0 {
		t.Fatalf("pf_mork_intern d: %s", codeName(rc))
	}
	path, rc := g.callBuf("pf_mork_encode", h, []string{"(edge d a)"}, nil, slots)
	if rc != 0 {
		t.Fatalf("pf_mork_encode: %s %s", codeName(rc), g.errmsg(h))
	}
	pp, pn := g.put(path)
	if rc := g.rc("pf_mork_add", uint64(h), pp, pn, ^uint64(0)); rc != 0 {
		t.Fatalf("pf_mork_add: %s %s", codeName(rc), g.errmsg(h))
	}
	act, rc := g.callBuf("pf_mork_export", h, []string{"act", `{"act_layout":"seed"}`}, nil, slots)
	if rc != 0 {
		t.Fatalf("pf_mork_export act: %s %s", codeName(rc), g.errmsg(h))
	}
	metta, rc := g.callBuf("pf_mork_export", h, []string{"metta", ""}, nil, slots)
	if rc != 0 {
		t.Fatalf("pf_mork_export metta: %s %s", codeName(rc), g.errmsg(h))
	}
	// In byte order: arity, then each symbol's id (edge 1, a 2, b 3, c 4, label 5, …, d last).
	wantText := "(ok)\n(edge a b)\n(edge b c)\n(edge c a)\n(edge d a)\n(label a \"A ü\")\n"
	if string(metta) != wantText {
		t.Fatalf("metta:\n%s\nwant\n%s", metta, wantText)
	}
	if rc := g.rc("pf_mork_commit", uint64(h)); rc != 0 {
		t.Fatalf("pf_mork_commit: %s %s", codeName(rc), g.errmsg(h))
	}
	img, rc := g.callBuf("pf_mork_bytes", h, nil, nil, slots)
	if rc != 0 {
		t.Fatalf("pf_mork_bytes: %s", codeName(rc))
	}
	g.rc("pf_close", uint64(h))
	if rc := g.rc("pf_mork_len", uint64(h), uint64(slots)); errcode.Code(rc) != errcode.BadHandle {
		t.Fatalf("a closed handle: %s", codeName(rc))
	}

	// The ACT keeps the values, interned ids and all (it has no table).
	ah, rc := g.openBytesWith("pf_mork_open_bytes", act, 0)
	if rc != 0 {
		t.Fatalf("open the ACT: %s %s", codeName(rc), g.errmsg(0))
	}
	recs, _ := g.callBuf("pf_mork_paths", ah, []string{""}, []uint64{0}, slots)
	paths, values := morkRecords(t, recs)
	if len(paths) != 6 || values[0] != 0 || values[1] != 7 || values[4] != ^uint64(0) || values[5] != 7 || !bytes.Equal(paths[4], path) {
		t.Fatalf("the ACT: %d paths, values %v", len(paths), values)
	}
	g.rc("pf_close", uint64(ah))

	// The image is a 1.1 interned space the Go package reads the same way;
	// migrating it changes nothing.
	f, err := mork.OpenBytes(img, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := f.Export(&out, mork.Text, nil); err != nil || out.String() != wantText || !f.Interned() || f.Summary().Version != "1.1" {
		t.Fatalf("read by core/mork: %q %v %+v", out.String(), err, f.Summary())
	}
	f.Close()
	mp, mn := g.put(img)
	if rc := g.rc("pf_mork_migrate", mp, mn, 1, uint64(slots), uint64(slots+4)); rc != 0 || !bytes.Equal(g.take(slots, slots+4), img) {
		t.Fatalf("pf_mork_migrate of a 1.1 file: %s %s", codeName(rc), g.errmsg(0))
	}
	v2, err := os.ReadFile(filepath.Join(morkVectors, "containers", "space_v2.mtts"))
	if err != nil {
		t.Fatal(err)
	}
	vp, vn := g.put(v2)
	if rc := g.rc("pf_mork_migrate", vp, vn, 0, uint64(slots), uint64(slots+4)); errcode.Code(rc) != errcode.Unsupported {
		t.Fatalf("pf_mork_migrate of a 2.x file: %s", codeName(rc))
	}
}
