// Command vsf writes a small VSF file with the Go API — camera metadata
// normalized through the metadata registry, a 12-bit bit-packed image, an
// Eagle Time, an unboxed blob and a signed section — then opens it, prints
// it and verifies it.
//
//	go run ./examples/go/vsf OUT.vsf
package main

import (
	"crypto/ed25519"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/polyfmt/polyfmt/core/vsf"
)

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: vsf OUT.vsf")
	}
	if err := run(os.Args[1]); err != nil {
		log.Fatal(err)
	}
}

// Image size of the example's raw frame, 12 bits a sample.
const width, height = 32, 24

// signer is the example's Ed25519 key, from a fixed seed so that the file
// is the same every run. A real program keeps its key secret.
var signer = ed25519.NewKeyFromSeed([]byte("polyfmt example signing key 32B!"))

func run(path string) error {
	f, err := vsf.Create(path, nil) // the seed's form, a BLAKE3 hash of the whole file
	if err != nil {
		return err
	}
	b, err := f.Builder()
	if err != nil {
		f.Close()
		return err
	}
	if err := build(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil { // commits: written whole, then renamed into place
		return err
	}
	return read(path)
}

// build adds the example's sections to b.
func build(b *vsf.Builder) error {
	// Camera metadata as another program names it: NormalizeFields renames
	// the registry's aliases to canonical keys (ISO → iso_speed) and widens
	// values to the registry's types (u3 → u5, f5 → f6).
	fields, err := vsf.NormalizeFields([]vsf.Field{
		{Name: "Make", Value: vsf.Text("Polyfmt Optics")},
		{Name: "ISO", Value: vsf.U('3', 200)},
		{Name: "FocalLength", Value: vsf.F32Value(35)},
		{Name: "shutter_ns", Value: vsf.U('6', 4_000_000)},
		{Name: "DateTimeOriginal", Value: vsf.TimeOf(time.Date(2024, 5, 1, 12, 30, 0, 0, time.UTC))},
	})
	if err != nil {
		return err
	}
	cam, err := b.Section("camera")
	if err != nil {
		return err
	}
	for _, fl := range fields {
		if err := cam.Add(fl.Name, fl.Value); err != nil {
			return err
		}
	}
	if err := cam.Hash(vsf.AlgBLAKE3, 0); err != nil {
		return err
	}
	if err := cam.Sign(signer, true); err != nil { // the public key is stored too
		return err
	}

	// The raw frame: 12-bit samples (a horizontal ramp) packed, 1.5 bytes each.
	samples := make([]uint16, width*height)
	for i := range samples {
		samples[i] = uint16(i % width * 4095 / (width - 1))
	}
	raw, err := vsf.PackU16(samples, 12, []uint64{height, width})
	if err != nil {
		return err
	}
	img, err := b.Section("image")
	if err != nil {
		return err
	}
	if err := img.Add("raw", raw); err != nil {
		return err
	}
	if err := img.Add("bits_per_sample", vsf.U('3', 12)); err != nil {
		return err
	}
	if err := img.Compress(true); err != nil { // stored zstd-compressed
		return err
	}

	// An unboxed section: bytes as they are, read back without a copy.
	_, err = b.Unboxed("thumbnail.jpg", []byte("\xff\xd8\xff\xe0 not really a JPEG \xff\xd9"))
	return err
}

// read opens path read-only, prints what it holds and verifies it.
func read(path string) error {
	f, err := vsf.Open(path) // memory-mapped
	if err != nil {
		return err
	}
	defer f.Close()
	h := f.Header()
	fmt.Printf("go: wrote %s: VSF version %d, %s form, %d sections\n", path, h.Version, h.Form, len(h.Labels))
	cam, err := f.Section("camera")
	if err != nil {
		return err
	}
	for _, fl := range cam.Fields {
		fmt.Printf("go:   camera.%s = %v\n", fl.Name, show(fl.Value))
	}
	v, err := f.Lookup("image.raw")
	if err != nil {
		return err
	}
	raw := v.(*vsf.BitPacked)
	out := make([]byte, width*height*2)
	if err := raw.UnpackInto(out); err != nil { // little-endian uint16s
		return err
	}
	last := uint16(out[len(out)-2]) | uint16(out[len(out)-1])<<8
	fmt.Printf("go:   image.raw: %d-bit %v, %d bytes packed, last sample %d\n", raw.Bits, raw.Shape, len(raw.Data), last)
	thumb, view, err := f.RawView("thumbnail.jpg")
	if err != nil {
		return err
	}
	fmt.Printf("go:   thumbnail.jpg: %d bytes unboxed, zero-copy %v\n", len(thumb), view)
	pub, err := vsf.PublicKey(signer)
	if err != nil {
		return err
	}
	if err := f.VerifyWith(&pub); err != nil {
		return err
	}
	r, err := f.VerifyReport(&pub)
	if err != nil {
		return err
	}
	fmt.Printf("go: verified: %d checks (structure, hashes, the camera's signature against its key)\n", len(r.Checks))
	return nil
}

// show prints a value: times as dates, the rest as the Go value.
func show(v vsf.Value) any {
	switch x := v.(type) {
	case vsf.Time:
		return x.String()
	case vsf.Uint:
		return x.V.String()
	case vsf.Float:
		return x.V
	case vsf.Text:
		return string(x)
	}
	return v
}
