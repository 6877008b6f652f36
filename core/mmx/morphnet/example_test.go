package morphnet_test

import (
	"fmt"
	"os"

	"github.com/polyfmt/polyfmt/core/mmx/morphnet"
)

// Parse a file MorphNet wrote, check a chunk's checksum and decode it (this
// chunk is stored without compression; Lz4 and Zlib chunks are inflated by
// the caller first).
func ExampleParse() {
	f, err := os.Open("../../testdata/mmx/morphnet/tensor_none.mmx")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	if !morphnet.Detect(f, st.Size()) {
		panic("not a MorphNet MMX file")
	}
	mf, err := morphnet.Parse(f, st.Size(), nil)
	if err != nil {
		panic(err)
	}
	for _, e := range mf.Entries {
		off, n := e.StoredRange()
		if n > morphnet.DefaultLimits.MaxPayloadBytes {
			panic("chunk too large")
		}
		stored := make([]byte, n)
		if _, err := f.ReadAt(stored, off); err != nil {
			panic(err)
		}
		if err := e.VerifyChecksum(stored); err != nil {
			panic(err)
		}
		shape, data, err := morphnet.DecodeTensor(stored, nil)
		fmt.Println(e.Key, e.Type, e.Compression, shape, data, err)
	}
	fmt.Println("creator:", mf.Header["creator"])
	// Output:
	// /t Tensor None [2 3] [0 1 2 3 4 5] <nil>
	// creator: polyfmt-testdata
}
