package main

import (
	"path/filepath"
	"testing"

	"github.com/polyfmt/polyfmt/core/vsf"
)

func TestExample(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.vsf")
	if err := run(path); err != nil {
		t.Fatal(err)
	}
	f, err := vsf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Verify(); err != nil {
		t.Fatal(err)
	}
	iso, err := f.Lookup("camera.iso_speed") // "ISO", normalized
	if u, ok := iso.(vsf.Uint); err != nil || !ok || u.W != '5' || u.V.String() != "200" {
		t.Fatalf("camera.iso_speed: %v %v", iso, err)
	}
	h := f.Header()
	cam, img, thumb := h.Label("camera"), h.Label("image"), h.Label("thumbnail.jpg")
	if cam == nil || len(cam.Sigs) != 1 || len(cam.Keys) != 1 || img == nil || img.Wrap == nil || thumb == nil || !thumb.Unboxed() {
		t.Fatalf("labels %+v", h.Labels)
	}
	raw, err := f.Lookup("image.raw")
	if p, ok := raw.(*vsf.BitPacked); err != nil || !ok || p.Bits != 12 || len(p.Data) != width*height*3/2 {
		t.Fatalf("image.raw: %v %v", raw, err)
	}
}
