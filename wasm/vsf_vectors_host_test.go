//go:build !wasip1

package main

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

const vsfVectors = "../core/testdata/vsf"

type vsfCase struct {
	Name   string `json:"name"`
	File   string `json:"file"`
	Expect struct {
		Open     string                     `json:"open"`
		Verify   string                     `json:"verify"`
		Form     string                     `json:"form"`
		Labels   []map[string]any           `json:"labels"`
		Sections map[string]json.RawMessage `json:"sections"`
		Tensors  []struct {
			Path   string `json:"path"`
			Native string `json:"native_sha256"`
		} `json:"tensors"`
		Unboxed []struct {
			Name   string `json:"name"`
			Size   int    `json:"size"`
			SHA256 string `json:"sha256"`
		} `json:"unboxed"`
		Lookups map[string]json.RawMessage `json:"lookups"`
	} `json:"expect"`
}

func sameJSON(t *testing.T, what string, got []byte, want json.RawMessage) {
	t.Helper()
	if !equalJSON(t, got, want) {
		t.Fatalf("%s:\n got %s\nwant %s", what, got, want)
	}
}

// The VSF shared vectors inside the module: every case of
// core/testdata/vsf/manifest.json, and every value of ewe.json.
func TestVSFVectors(t *testing.T) {
	var m struct {
		Cases []vsfCase `json:"cases"`
	}
	readJSON(t, filepath.Join(vsfVectors, "manifest.json"), &m)
	g := newGuest(t, nil)
	slots := g.alloc(32)
	for _, c := range m.Cases {
		t.Run(c.Name, func(t *testing.T) {
			img, err := os.ReadFile(filepath.Join(vsfVectors, c.File))
			if err != nil {
				t.Fatal(err)
			}
			h, rc := g.openBytesWith("pf_vsf_open_bytes", img, 0)
			if codeName(rc) != c.Expect.Open {
				t.Fatalf("open: %s (%s), want %s", codeName(rc), g.errmsg(0), c.Expect.Open)
			}
			if rc != 0 {
				return
			}
			defer g.rc("pf_close", uint64(h))
			if rc := g.rc("pf_verify", uint64(h)); codeName(rc) != c.Expect.Verify {
				t.Fatalf("verify: %s, want %s", codeName(rc), c.Expect.Verify)
			}
			if rc := g.rc("pf_info", uint64(h), uint64(slots), uint64(slots+4)); rc != 0 {
				t.Fatal(rc)
			}
			var info struct {
				Form   string           `json:"form"`
				Labels []map[string]any `json:"labels"`
			}
			json.Unmarshal(g.take(slots, slots+4), &info)
			if info.Form != c.Expect.Form || len(info.Labels) != len(c.Expect.Labels) {
				t.Fatalf("info: form %s, %d labels", info.Form, len(info.Labels))
			}
			for i, want := range c.Expect.Labels {
				for k, v := range want {
					if !reflect.DeepEqual(info.Labels[i][k], v) {
						t.Fatalf("label %d %s: %v, want %v", i, k, info.Labels[i][k], v)
					}
				}
			}
			for name, want := range c.Expect.Sections {
				if rc := g.callStaged("pf_vsf_section", h, []string{name}, uint64(slots), uint64(slots+4)); rc != 0 {
					t.Fatalf("section %s: %d %s", name, rc, g.errmsg(h))
				}
				sameJSON(t, "section "+name, g.take(slots, slots+4), want)
			}
			for path, want := range c.Expect.Lookups {
				if rc := g.callStaged("pf_vsf_get", h, []string{path}, uint64(slots), uint64(slots+4)); rc != 0 {
					t.Fatalf("get %s: %d %s", path, rc, g.errmsg(h))
				}
				sameJSON(t, "get "+path, g.take(slots, slots+4), want)
			}
			for _, te := range c.Expect.Tensors {
				if rc := g.callStaged("pf_vsf_tensor", h, []string{te.Path}, uint64(slots), uint64(slots+4), uint64(slots+8), uint64(slots+12)); rc != 0 {
					t.Fatalf("tensor %s: %d %s", te.Path, rc, g.errmsg(h))
				}
				g.take(slots, slots+4)
				if got := sha256Hex(g.take(slots+8, slots+12)); got != te.Native {
					t.Fatalf("tensor %s: sha256 %s, want %s", te.Path, got, te.Native)
				}
			}
			for _, u := range c.Expect.Unboxed {
				if rc := g.callStaged("pf_vsf_raw", h, []string{u.Name}, uint64(slots), uint64(slots+4), uint64(slots+8)); rc != 0 {
					t.Fatalf("raw %s: %d", u.Name, rc)
				}
				b, _ := g.mod.Memory().Read(g.u32(slots), g.u32(slots+4))
				if len(b) != u.Size || sha256Hex(b) != u.SHA256 {
					t.Fatalf("raw %s: %d bytes, sha256 %s", u.Name, len(b), sha256Hex(b))
				}
				if g.u32(slots+8) == 0 {
					g.rc("pf_free", uint64(g.u32(slots)))
				}
			}
		})
	}

	var e struct {
		Values []struct {
			Name  string          `json:"name"`
			Value json.RawMessage `json:"value"`
			Hex   string          `json:"hex"`
			Form  string          `json:"form"`
		} `json:"values"`
	}
	readJSON(t, filepath.Join(vsfVectors, "ewe.json"), &e)
	for _, v := range e.Values {
		wire, _ := hex.DecodeString(v.Hex)
		p, n := g.put(wire)
		if rc := g.rc("pf_vsf_decode_value", p, n, uint64(slots), uint64(slots+4)); rc != 0 {
			t.Fatalf("%s: decode %d %s", v.Name, rc, g.errmsg(0))
		}
		sameJSON(t, v.Name+" decoded", g.take(slots, slots+4), v.Value)
		var kind struct {
			Type string `json:"type"`
		}
		if json.Unmarshal(v.Value, &kind); kind.Type == "tensor" || kind.Type == "bitpacked" {
			continue // their JSON carries no data: encoded through pf_vsf_add_tensor
		}
		jp, jn := g.put(v.Value)
		if rc := g.rc("pf_vsf_encode_value", jp, jn, uint64(slots), uint64(slots+4)); rc != 0 {
			t.Fatalf("%s: encode %d %s", v.Name, rc, g.errmsg(0))
		}
		if got := hex.EncodeToString(g.take(slots, slots+4)); got != v.Hex {
			t.Fatalf("%s: encoded %s, want %s", v.Name, got, v.Hex)
		}
	}
	if len(e.Values) < 10 {
		t.Fatalf("ewe.json has %d values", len(e.Values))
	}
}
