package ffi

import (
	"testing"
	"unsafe"

	"github.com/polyfmt/polyfmt/core/vsf"
)

// heapABI hands out Go memory: for benchmarks whose results are large.
func heapABI() *ABI {
	return &ABI{PtrSize: 8,
		Alloc: func(n int) (unsafe.Pointer, []byte) {
			b := make([]byte, n)
			return unsafe.Pointer(&b[0]), b
		},
		Release: func(unsafe.Pointer) {}}
}

// BenchmarkVSFUnpack12Native is pf_vsf_tensor of the 12-bit 4096×3072
// image natively: the wasm package's BenchmarkVSFUnpack12 is the same call
// inside the module.
func BenchmarkVSFUnpack12Native(b *testing.B) {
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
	s.Add("raw", bp)
	img, err := bl.Bytes()
	if err != nil {
		b.Fatal(err)
	}
	f, err := vsf.OpenBytes(img, nil)
	if err != nil {
		b.Fatal(err)
	}
	h := register(&fileHandle{f: f})
	defer Close(heapABI(), h)
	a := heapABI()
	path := []byte("lumis.raw")
	var out, outLen, data, dataLen uint64
	b.SetBytes(4096 * 3072 * 2)
	b.ResetTimer()
	for range b.N {
		if rc := VSFTensor(a, h, unsafe.Pointer(&path[0]), uint64(len(path)), unsafe.Pointer(&out), unsafe.Pointer(&outLen),
			unsafe.Pointer(&data), unsafe.Pointer(&dataLen)); rc != 0 {
			b.Fatal(rc)
		}
	}
}
