// Command mmx writes a small multimodal .mmx file with the Go API — a
// streamed sequence of frames, a mesh, text, an embedding and metadata —
// and reads it back.
//
//	go run ./examples/go/mmx OUT.mmx
package main

import (
	"fmt"
	"log"
	"os"

	"github.com/polyfmt/polyfmt/core/mmx"
)

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: mmx OUT.mmx")
	}
	if err := run(os.Args[1]); err != nil {
		log.Fatal(err)
	}
}

func run(path string) error {
	f, err := mmx.Create(path, &mmx.Options{Creator: "polyfmt example"})
	if err != nil {
		return err
	}
	// Stream frames, committing every few so readers see them appear.
	var frames []string
	for i := 0; i < 6; i++ {
		name := fmt.Sprintf("frames/%05d", i)
		vals := make([]float32, 4*6*3)
		for j := range vals {
			vals[j] = float32(i) + float32(j)/100
		}
		if err := f.WriteTensor(name, mmx.Float32Tensor([]uint64{4, 6, 3}, vals), &mmx.WriteOptions{Compression: mmx.LZ4, LogicalRegion: "video_segment_A"}); err != nil {
			return err
		}
		frames = append(frames, name)
		if i%3 == 2 {
			if err := f.Commit(); err != nil {
				return err
			}
		}
	}
	fps := 30.0
	lang := "en"
	steps := []error{
		f.WriteSequence("sequences/video", &mmx.Sequence{Frames: frames, FPS: &fps, Metadata: map[string]string{"camera": "front"}}, nil),
		f.WriteMesh("meshes/triangle", &mmx.Mesh{Vertices: [][3]float32{{0, 0, 0}, {1, 0, 0}, {0, 1, 0}}, Faces: [][3]uint32{{0, 1, 2}}, Materials: map[string]string{"surface": "matte"}}, &mmx.WriteOptions{Compression: mmx.Zstd}),
		f.WriteText("docs/readme", &mmx.Text{Content: "Written by Go; read from C, Python and Node.", Language: &lang}, nil),
		f.WriteEmbedding("embeddings/frames", &mmx.Embedding{Tensor: *mmx.Float32Tensor([]uint64{2, 4}, []float32{1, 0, 0, 1, 0, 1, 1, 0}), Method: "PCA", Labels: []string{"first", "second"}}, nil),
		f.WriteJSON("meta/run", map[string]any{"experiment": "demo", "seed": 42}, nil),
		f.Close(), // commits
	}
	for _, err := range steps {
		if err != nil {
			return err
		}
	}

	r, err := mmx.Open(path)
	if err != nil {
		return err
	}
	defer r.Close()
	if err := r.Verify(); err != nil {
		return err
	}
	h := r.Header()
	fmt.Printf("go: wrote %s: %d chunks %v, generation %d, verified\n", path, h.TotalChunks, h.ModalitySummary, r.Generation())
	t, view, err := r.ReadTensorRows("frames/00000", 1, 2)
	if err != nil {
		return err
	}
	v, _ := t.Float32s()
	fmt.Printf("go: frames/00000 row 1: %v... (shape %v, zero-copy %v)\n", v[:3], t.Shape, view)
	return nil
}
