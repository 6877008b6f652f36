//go:build !wasip1

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/format"
	"github.com/polyfmt/polyfmt/core/vsf"
)

// vsfSample is a small VSF file: one structured section, one unboxed.
func vsfSample(t *testing.T) []byte {
	b := vsf.NewBuilder(vsf.FormSeed)
	s, err := b.Section("camera")
	if err == nil {
		err = s.Add("iso_speed", vsf.U('5', 800))
	}
	if err == nil {
		_, err = b.Unboxed("raw", []byte{1, 2, 3, 4})
	}
	img, err2 := b.Bytes()
	if err != nil || err2 != nil {
		t.Fatal(err, err2)
	}
	return img
}

// The format-generic lifecycle inside the module: a file of each format,
// opened from bytes and from a path with its format detected, reports the
// same format through pf_detect, pf_open_bytes, pf_open and pf_format.
func TestLifecycleExportsInModule(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"mem8": "../core/testdata/mem8/polyfmt_chain_tokens.m8",
		"mmx":  "../core/testdata/mmx/morphnet/mixed.mmx",
		"mork": "../core/testdata/mork/containers/space.mtts",
	}
	g := newGuest(t, map[string]string{"/data": dir})
	for _, fm := range format.All() {
		var img []byte
		if fm.Name == "vsf" {
			img = vsfSample(t)
		} else {
			src, ok := files[fm.Name]
			if !ok {
				t.Fatalf("no test file for format %s", fm.Name)
			}
			var err error
			if img, err = os.ReadFile(src); err != nil {
				t.Fatal(err)
			}
		}
		name := "f" + fm.Extensions[0]
		if err := os.WriteFile(filepath.Join(dir, name), img, 0o644); err != nil {
			t.Fatal(err)
		}
		slots := g.alloc(16)
		p, n := g.put(img)
		if rc := g.rc("pf_detect", p, n, uint64(slots)); rc != 0 || int32(g.u32(slots)) != fm.ID {
			t.Fatalf("%s: pf_detect %d, format %d", fm.Name, rc, g.u32(slots))
		}
		if rc := g.rc("pf_open_bytes", 0, p, n, 0, 0, 0, uint64(slots), uint64(slots+4)); rc != 0 || int32(g.u32(slots+4)) != fm.ID {
			t.Fatalf("%s: pf_open_bytes %d %s", fm.Name, rc, g.errmsg(0))
		}
		h := g.u32(slots)
		if rc := g.rc("pf_info", uint64(h), uint64(slots+8), uint64(slots+12)); rc != 0 {
			t.Fatalf("%s: pf_info %d", fm.Name, rc)
		}
		var info struct {
			Format string `json:"format"`
			Name   string `json:"name"`
		}
		if err := json.Unmarshal(g.take(slots+8, slots+12), &info); err != nil || info.Format != fm.Name {
			t.Fatalf("%s: info %+v %v", fm.Name, info, err)
		}
		g.rc("pf_close", uint64(h))

		pp, pn := g.put([]byte("/data/" + name))
		if rc := g.rc("pf_open", 0, pp, pn, 0, 0, 0, uint64(slots), uint64(slots+4)); rc != 0 || int32(g.u32(slots+4)) != fm.ID {
			t.Fatalf("%s: pf_open %d %s", fm.Name, rc, g.errmsg(0))
		}
		h = g.u32(slots)
		if rc := g.rc("pf_format", uint64(h), uint64(slots+4)); rc != 0 || int32(g.u32(slots+4)) != fm.ID {
			t.Fatalf("%s: pf_format %d", fm.Name, rc)
		}
		if rc := g.rc("pf_verify", uint64(h)); rc != 0 {
			t.Fatalf("%s: pf_verify %d %s", fm.Name, rc, g.errmsg(h))
		}
		g.rc("pf_close", uint64(h))
	}
	junk, jn := g.put([]byte("PK\x03\x04 a zip, not ours"))
	slots := g.alloc(8)
	if rc := g.rc("pf_open_bytes", 0, junk, jn, 0, 0, 0, uint64(slots), 0); rc != int32(errcode.Format) {
		t.Fatalf("unknown bytes: %d", rc)
	}
}
