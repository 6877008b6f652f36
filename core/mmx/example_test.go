package mmx_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/polyfmt/polyfmt/core/mmx"
)

func Example() {
	dir, _ := os.MkdirTemp("", "mmx-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "scene.mmx")

	f, err := mmx.Create(path, &mmx.Options{Creator: "example"})
	if err != nil {
		panic(err)
	}
	f.WriteTensor("frames/00001", mmx.Float32Tensor([]uint64{2, 3}, []float32{0, 1, 2, 3, 4, 5}),
		&mmx.WriteOptions{Compression: mmx.LZ4, LogicalRegion: "video_segment_A"})
	f.WriteText("notes/readme", &mmx.Text{Content: "two frames"}, nil)
	f.Commit() // both become visible together
	f.WriteText("notes/draft", &mmx.Text{Content: "never mind"}, nil)
	f.Rollback()
	f.Close()

	r, err := mmx.Open(path)
	if err != nil {
		panic(err)
	}
	defer r.Close()
	entries, _ := r.List("")
	for _, e := range entries {
		fmt.Println(e.Name, e.ChunkType, e.Compression)
	}
	t, _ := r.ReadTensor("frames/00001")
	v, _ := t.Float32s()
	fmt.Println(t.Shape, v[5])
	fmt.Println(r.Header().ModalitySummary, r.Verify())
	// Output:
	// frames/00001 Tensor Lz4
	// notes/readme Text None
	// [2 3] 5
	// map[Tensor:1 Text:1] <nil>
}
