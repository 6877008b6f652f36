package mem8

import (
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/internal/storage"
	"github.com/polyfmt/polyfmt/core/vectors"
)

const vectorDir = "../testdata/mem8"

func loadManifest(t testing.TB) *vectors.Mem8 {
	t.Helper()
	m, err := vectors.LoadMem8()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Cases) < 10 {
		t.Fatalf("manifest has only %d cases", len(m.Cases))
	}
	return m
}

func TestVectors(t *testing.T) {
	m := loadManifest(t)
	for _, c := range m.Cases {
		data, err := os.ReadFile(filepath.Join(vectorDir, c.File))
		if err != nil {
			t.Fatal(err)
		}
		opens := map[string]func() (*File, error){
			"path":   func() (*File, error) { return Open(filepath.Join(vectorDir, c.File)) },
			"bytes":  func() (*File, error) { return OpenBytes(data, nil) },
			"reader": func() (*File, error) { return NewReader(storage.Bytes(data), int64(len(data)), nil) },
		}
		for how, open := range opens {
			t.Run(c.Name+"/"+how, func(t *testing.T) {
				f, err := open()
				if c.Error != "" {
					if err == nil {
						f.Close()
						t.Fatalf("open succeeded, want %s", c.Error)
					}
					if got := errcode.Of(err).Name(); got != c.Error {
						t.Fatalf("open: %v (%s), want %s", err, got, c.Error)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				e := c.Expect
				h := f.Header()
				if f.Count() != e.Count || h.Flags != Flags(e.Flags) || h.IdentityFreq != e.IdentityFreq || h.TemporalPhase != e.TemporalPhase {
					t.Fatalf("count %d flags %d freq %g phase %g, want %d %d %g %g", f.Count(), h.Flags, h.IdentityFreq, h.TemporalPhase, e.Count, e.Flags, e.IdentityFreq, e.TemporalPhase)
				}
				if f.Recovery().Clean() != e.RecoveryClean {
					t.Errorf("recovery %+v, want clean=%v", f.Recovery(), e.RecoveryClean)
				}
				if got := f.Tokens().Dynamic(); !slices.Equal(got, e.Tokens) && len(got)+len(e.Tokens) > 0 {
					t.Errorf("tokens %q, want %q", got, e.Tokens)
				}
				if len(e.Blocks) != int(e.Count) {
					t.Fatalf("manifest lists %d blocks for count %d", len(e.Blocks), e.Count)
				}
				for i, want := range e.Blocks {
					b, err := f.Block(uint64(i))
					if err != nil {
						t.Fatal(err)
					}
					content := want.Bytes()
					if b.Index != want.Index || b.Timestamp != want.Timestamp || b.Importance != want.ImportanceRaw ||
						b.TokenID != want.TokenID || b.Token != want.Token || string(b.Content) != string(content) ||
						hex.EncodeToString(b.WaveSignature[:]) != want.WaveSignature || hex.EncodeToString(b.PrevHash[:]) != want.PrevHash {
						t.Errorf("block %d = %+v, want %+v", i, b, want)
					}
				}
				var back []uint64
				for b, err := range f.Backward() {
					if err != nil {
						t.Fatal(err)
					}
					back = append(back, b.Index)
				}
				if len(back) != int(e.Count) || (len(back) > 0 && back[0] != e.Count-1) {
					t.Errorf("backward %v", back)
				}
				for _, q := range e.Queries {
					got, err := f.QueryIndices(&Query{Keywords: q.Keywords})
					if err != nil {
						t.Fatal(err)
					}
					if !slices.Equal(got, q.Result) && len(got)+len(q.Result) > 0 {
						t.Errorf("query %q = %v, want %v", q.Keywords, got, q.Result)
					}
				}
				err = f.Verify()
				bad := int64(-1)
				var ve *VerifyError
				if errors.As(err, &ve) {
					bad = ve.Block
				}
				if errcode.Of(err).Name() != e.Verify.Status || bad != e.Verify.BadBlock {
					t.Errorf("verify: %v (%s, block %d), want %s block %d", err, errcode.Of(err).Name(), bad, e.Verify.Status, e.Verify.BadBlock)
				}
			})
		}
	}
}

// The seed's exact values, from shared/reference/mem8.md.
func TestSeedConstants(t *testing.T) {
	for imp, want := range map[float32]uint16{0.8: 52428, 0.5: 32767, 0.9: 58981, 1.0: 65535, 0.1: 6553, -1: 0, 2: 65535} {
		if got := Quantize(imp); got != want {
			t.Errorf("Quantize(%g) = %d, want %d", imp, got, want)
		}
	}
	if got := Quantize(float32(nanF64())); got != 0 {
		t.Errorf("Quantize(NaN) = %d", got)
	}
	for content, want := range map[string]string{
		"First memory":     "0de17538e2044ae13f0a9e8a5f2130b5",
		"Second memory":    "885a62b95e84c54d56dcc872a0e41640",
		"Important memory": "c11f1398d0c82a1bf3af803f3d82473f",
	} {
		sig := WaveSignature([]byte(content), 440)
		if hex.EncodeToString(sig[:]) != want {
			t.Errorf("WaveSignature(%q) = %x, want %s", content, sig, want)
		}
	}
	f, err := NewMem(nil, &Options{Plain: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := hex.EncodeToString(f.Bytes()), "4d454d380100000000000000000000807b40000000000000000000000000"; got != want {
		t.Errorf("empty plain file = %s, want %s", got, want)
	}
	empty, _ := os.ReadFile(filepath.Join(vectorDir, "empty.m8"))
	if string(empty) != string(f.Bytes()) {
		t.Error("plain empty file differs from the seed's empty.m8")
	}
}

// Every quantized importance survives Dequantize then Quantize, so exports
// restore importance exactly.
func TestQuantizeRoundTrip(t *testing.T) {
	for q := 0; q <= 0xFFFF; q++ {
		if got := Quantize(Dequantize(uint16(q))); got != uint16(q) {
			t.Fatalf("Quantize(Dequantize(%d)) = %d", q, got)
		}
	}
}
