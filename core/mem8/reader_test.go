package mem8

import (
	"encoding/binary"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// headerWith returns a file with one block whose header field at off is v
// (a float64), with the CRC fixed so open gets past it.
func headerWith(t *testing.T, off int, v float64) []byte {
	t.Helper()
	f, _ := NewMem(nil, &Options{NoSync: true})
	f.Append([]byte("memory"), 0.5)
	b := f.Bytes()
	binary.LittleEndian.PutUint64(b[off:], math.Float64bits(v))
	h := header(b[:HeaderSize])
	h.seal()
	copy(b, h[:])
	return b
}

// Regression: a header whose identity_freq (or temporal_phase) is NaN or
// infinite opened fine and then broke every JSON surface (inspect -json,
// convert, pf_mem8_info: PF_EINTERNAL). It is malformed: PF_EFORMAT at open.
func TestOpenNonFiniteHeader(t *testing.T) {
	for _, c := range []struct {
		name string
		off  int
		v    float64
	}{
		{"identity_freq NaN", 10, math.NaN()},
		{"identity_freq +Inf", 10, math.Inf(1)},
		{"identity_freq -Inf", 10, math.Inf(-1)},
		{"temporal_phase NaN", 18, math.NaN()},
		{"temporal_phase +Inf", 18, math.Inf(1)},
	} {
		b := headerWith(t, c.off, c.v)
		field := strings.Fields(c.name)[0]
		if _, err := OpenBytes(b, nil); errcode.Of(err) != errcode.Format || !strings.Contains(err.Error(), field) {
			t.Errorf("%s: read-only open: %v", c.name, err)
		}
		if _, err := NewMem(b, nil); errcode.Of(err) != errcode.Format {
			t.Errorf("%s: read-write open: %v", c.name, err)
		}
		// The seed's format (no CRC) is refused the same way.
		plain := headerWith(t, c.off, c.v)
		plain[5] = 0
		if _, err := OpenBytes(plain, nil); errcode.Of(err) != errcode.Format {
			t.Errorf("%s: flags 0: %v", c.name, err)
		}
	}
	// Finite values, however odd, are valid and survive export.
	b := headerWith(t, 10, -1e300)
	f, err := OpenBytes(b, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ExportJSON(f); err != nil {
		t.Errorf("export: %v", err)
	}
}

func TestCreateNonFinite(t *testing.T) {
	for _, o := range []*Options{{IdentityFreq: math.NaN()}, {IdentityFreq: math.Inf(1)}, {TemporalPhase: math.NaN()}} {
		if _, err := NewMem(nil, o); errcode.Of(err) != errcode.BadArg {
			t.Errorf("%+v: %v", o, err)
		}
	}
}

// VerifyCommitted passes over a torn append (what a writer drops) but not
// a header that claims blocks the file does not hold; Verify fails both.
func TestVerifyCommitted(t *testing.T) {
	for _, c := range []struct {
		file      string
		committed bool
	}{{"torn_tail.m8", true}, {"header_count_too_big.m8", false}, {"three_blocks_fixed_ts.m8", true}} {
		f, err := Open(filepath.Join("..", "testdata", "mem8", c.file))
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		clean := f.Recovery().Clean()
		if err := f.Verify(); (err == nil) != clean {
			t.Errorf("%s: Verify %v with recovery %+v", c.file, err, f.Recovery())
		}
		if err := f.VerifyCommitted(); (err == nil) != c.committed {
			t.Errorf("%s: VerifyCommitted %v, want ok %v", c.file, err, c.committed)
		}
		f.Close()
	}
}
