//go:build !wasip1

package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/vsf"
)

// The builder calls inside the module: a file made field by field, signed,
// committed in memory, then read back from its image.
func TestVSFInModule(t *testing.T) {
	g := newGuest(t, nil)
	slots := g.alloc(32)
	if rc := g.rc("pf_vsf_create", 0, 0, 0, 0, uint64(slots)); rc != 0 {
		t.Fatalf("pf_vsf_create %d %s", rc, g.errmsg(0))
	}
	h := g.u32(slots)
	for _, c := range [][3]string{
		{"camera", "iso_speed", `{"type":"u5","value":"800"}`},
		{"camera", "big", `{"type":"u7","value":"340282366920938463463374607431768211455"}`},
		{"camera", "when", `{"type":"time","seconds":"1789000000"}`},
		{"camera", "model", `{"type":"text","value":"Lumis ü"}`},
	} {
		if rc := g.callStaged("pf_vsf_add", h, c[:]); rc != 0 {
			t.Fatalf("pf_vsf_add %v: %d %s", c, rc, g.errmsg(h))
		}
	}
	samples := make([]byte, 2*12)
	for i := range 12 {
		binary.LittleEndian.PutUint16(samples[2*i:], uint16(i*300))
	}
	dp, dn := g.put(samples)
	for _, d := range []string{`{"type":"u4","shape":[4,3]}`, `{"type":"u4","shape":[4,3],"bits":12}`} {
		name := "pixels"
		if bytes.Contains([]byte(d), []byte("bits")) {
			name = "packed"
		}
		if rc := g.callStaged("pf_vsf_add_tensor", h, []string{"image", name, d}, dp, dn); rc != 0 {
			t.Fatalf("pf_vsf_add_tensor %s: %d %s", d, rc, g.errmsg(h))
		}
	}
	if rc := g.callStaged("pf_vsf_put_unboxed", h, []string{"raw"}, dp, dn); rc != 0 {
		t.Fatalf("pf_vsf_put_unboxed: %d %s", rc, g.errmsg(h))
	}
	sp, sn := g.put(bytes.Repeat([]byte{7}, 32))
	if rc := g.rc("pf_vsf_keygen", sp, sn, uint64(slots), uint64(slots+4)); rc != 0 {
		t.Fatalf("pf_vsf_keygen %d", rc)
	}
	key := g.take(slots, slots+4)
	kp, kn := g.put(key)
	if rc := g.callStaged("pf_vsf_sign", h, []string{"camera"}, kp, kn, 1); rc != 0 {
		t.Fatalf("pf_vsf_sign: %d %s", rc, g.errmsg(h))
	}
	if rc := g.callStaged("pf_vsf_commit", h, nil); rc != 0 {
		t.Fatalf("pf_vsf_commit: %d %s", rc, g.errmsg(h))
	}
	if rc := g.rc("pf_vsf_bytes", uint64(h), uint64(slots), uint64(slots+4)); rc != 0 {
		t.Fatalf("pf_vsf_bytes %d", rc)
	}
	img := g.take(slots, slots+4)
	g.rc("pf_close", uint64(h))

	// The image is a VSF file the Go package reads the same way.
	f, err := vsf.OpenBytes(img, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Verify(); err != nil {
		t.Fatal(err)
	}
	f.Close()

	h2, rc := g.openBytesWith("pf_vsf_open_bytes", img, 0)
	if rc != 0 {
		t.Fatalf("pf_vsf_open_bytes %d", rc)
	}
	if rc := g.callStaged("pf_vsf_section", h2, []string{"camera"}, uint64(slots), uint64(slots+4)); rc != 0 {
		t.Fatalf("pf_vsf_section %d %s", rc, g.errmsg(h2))
	}
	var sec struct {
		Fields []struct {
			Name  string          `json:"name"`
			Value json.RawMessage `json:"value"`
		} `json:"fields"`
	}
	if err := json.Unmarshal(g.take(slots, slots+4), &sec); err != nil || len(sec.Fields) != 4 ||
		string(sec.Fields[1].Value) != `{"type":"u7","value":"340282366920938463463374607431768211455"}` {
		t.Fatalf("section %+v %v", sec, err)
	}
	for _, path := range []string{"image.pixels", "image.packed"} {
		if rc := g.callStaged("pf_vsf_tensor", h2, []string{path}, uint64(slots), uint64(slots+4), uint64(slots+8), uint64(slots+12)); rc != 0 {
			t.Fatalf("pf_vsf_tensor %s: %d %s", path, rc, g.errmsg(h2))
		}
		var d struct {
			DType string   `json:"dtype"`
			Shape []uint64 `json:"shape"`
		}
		if err := json.Unmarshal(g.take(slots, slots+4), &d); err != nil || d.DType != "uint16" || len(d.Shape) != 2 {
			t.Fatalf("%s: desc %+v %v", path, d, err)
		}
		if data := g.take(slots+8, slots+12); !bytes.Equal(data, samples) {
			t.Fatalf("%s: data % X", path, data)
		}
	}
	if rc := g.callStaged("pf_vsf_raw", h2, []string{"raw"}, uint64(slots), uint64(slots+4), uint64(slots+8)); rc != 0 {
		t.Fatalf("pf_vsf_raw %d", rc)
	}
	if g.u32(slots+8) != 1 {
		t.Fatal("an unboxed section of a read-only handle is not lent")
	}
	if b, _ := g.mod.Memory().Read(g.u32(slots), g.u32(slots+4)); !bytes.Equal(b, samples) {
		t.Fatal("raw view differs")
	}
	// A report against another key: the signature fails.
	op, on := g.put(bytes.Repeat([]byte{9}, 32))
	g.rc("pf_vsf_keygen", op, on, uint64(slots), uint64(slots+4))
	other := g.take(slots, slots+4)
	xp, xn := g.put(other[32:])
	if rc := g.rc("pf_vsf_verify_report", uint64(h2), xp, xn, uint64(slots), uint64(slots+4)); rc != 0 {
		t.Fatalf("pf_vsf_verify_report %d", rc)
	}
	if rep := g.take(slots, slots+4); !bytes.Contains(rep, []byte(`"status":"failed"`)) {
		t.Fatalf("report against another key: %s", rep)
	}
	g.rc("pf_close", uint64(h2))
	if rc := g.rc("pf_close", uint64(h2)); rc != int32(errcode.BadHandle) {
		t.Fatalf("second close %d", rc)
	}
}

// unpack12 is a file holding the seed's 12-bit 4096×3072 image.
func unpack12(b testing.TB) []byte {
	samples := make([]uint16, 4096*3072)
	for i := range samples {
		samples[i] = uint16(i*2654435761>>7) & 0xFFF
	}
	bp, err := vsf.PackU16(samples, 12, []uint64{4096, 3072})
	if err != nil {
		b.Fatal(err)
	}
	bl := vsf.NewBuilder(vsf.FormSeed)
	bl.NoFileHash()
	s, _ := bl.Section("lumis")
	if err := s.Add("raw", bp); err != nil {
		b.Fatal(err)
	}
	img, err := bl.Bytes()
	if err != nil {
		b.Fatal(err)
	}
	return img
}

// BenchmarkVSFUnpack12 is pf_vsf_tensor of the 12-bit 4096×3072 image in
// the module: the samples unpacked to uint16 into a buffer for the host.
// core/ffi's BenchmarkVSFUnpack12Native is the same call natively.
func BenchmarkVSFUnpack12(b *testing.B) {
	g := newGuest(b, nil)
	h, rc := g.openBytesWith("pf_vsf_open_bytes", unpack12(b), 0)
	if rc != 0 {
		b.Fatal(rc)
	}
	slots := g.alloc(16)
	pp, pn := g.put([]byte("lumis.raw"))
	f := g.mod.ExportedFunction("pf_vsf_tensor")
	free := g.mod.ExportedFunction("pf_free")
	b.SetBytes(4096 * 3072 * 2)
	b.ResetTimer()
	for range b.N {
		res, err := f.Call(g.ctx, uint64(h), pp, pn, uint64(slots), uint64(slots+4), uint64(slots+8), uint64(slots+12))
		if err != nil || res[0] != 0 {
			b.Fatal(err, res)
		}
		free.Call(g.ctx, uint64(g.u32(slots)))
		free.Call(g.ctx, uint64(g.u32(slots+8)))
	}
}
