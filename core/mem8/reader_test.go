package mem8

import (
	"encoding/binary"
	"math"
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
