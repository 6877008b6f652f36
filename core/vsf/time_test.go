package vsf

import (
	"bytes"
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/polyfmt/polyfmt/core/errcode"
)

func TestEagleEpoch(t *testing.T) {
	if got := TimeOf(EagleEpoch); got != (Time{W: '5'}) {
		t.Fatalf("TimeOf(EagleEpoch) = %+v, want T5 0", got)
	}
	// Hand count: 20:17:40 to midnight is 3 h 42 min 20 s = 13,340 s;
	// 21 July to 1 January is 11 + 31 + 30 + 31 + 30 + 31 = 164 days =
	// 14,169,600 s; together 14,182,940 s. The Unix epoch comes after
	// the Eagle epoch, so its Eagle Time is positive and the Eagle epoch's
	// Unix time negative.
	if got := EagleEpoch.Unix(); got != -14182940 {
		t.Fatalf("EagleEpoch.Unix() = %d, want -14182940", got)
	}
	if got := TimeOf(time.Unix(0, 0)); got.IsFloat || got.Sec != I64(14182940) {
		t.Fatalf("TimeOf(Unix epoch) = %+v, want 14182940", got)
	}
	b, err := AppendValue(nil, TimeOf(EagleEpoch.Add(time.Second)))
	if err != nil || !bytes.Equal(b, unhex(t, "54 35 00 00 00 01")) {
		t.Fatalf("TimeOf(epoch + 1 s) encodes as % X, %v", b, err)
	}
	if s := TimeSeconds(1).String(); s != "1969-07-20T20:17:41Z (eagle 1 s)" {
		t.Fatalf("String = %q", s)
	}
}

func TestTimeRoundTrip(t *testing.T) {
	for _, c := range []struct {
		in    time.Time
		width byte
		float bool
	}{
		{EagleEpoch, '5', false},
		{EagleEpoch.Add(-time.Second), '5', false},
		{time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC), '5', false},
		{time.Date(2037, 8, 7, 0, 0, 0, 0, time.UTC), '5', false},
		{time.Date(2038, 1, 1, 0, 0, 0, 0, time.UTC), '6', false},
		{time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), '6', false},
		{time.Date(1902, 1, 1, 0, 0, 0, 0, time.FixedZone("x", 3600)), '5', false},
		{time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC), '6', false},
		{time.Date(-5000, 1, 1, 0, 0, 0, 0, time.UTC), '6', false},
		{EagleEpoch.Add(1500 * time.Millisecond), '6', true},
		{EagleEpoch.Add(-time.Nanosecond), '6', true},
		{time.Unix(math.MinInt64/2, 0), '6', false},
		{time.Unix(math.MaxInt64-62135596800, 0), '6', false},
		{time.Unix(9e18, 0), '6', false},
	} {
		et := TimeOf(c.in)
		if et.W != c.width || et.IsFloat != c.float {
			t.Errorf("TimeOf(%v) = %+v, want width %c float %v", c.in, et, c.width, c.float)
			continue
		}
		back, err := et.GoTime()
		if err != nil {
			t.Errorf("GoTime(%v): %v", c.in, err)
			continue
		}
		if !back.Equal(c.in) {
			t.Errorf("GoTime(TimeOf(%v)) = %v", c.in, back)
		}
		b, err := AppendValue(nil, et)
		if err != nil {
			t.Fatal(err)
		}
		v, _, err := DecodeValue(b, nil)
		if err != nil || v != Value(et) {
			t.Errorf("decode % X = %+v, %v", b, v, err)
		}
	}
}

// Around the present a float time is good to a fraction of a microsecond.
func TestTimeFloatPrecision(t *testing.T) {
	in := time.Date(2025, 6, 1, 12, 34, 56, 123456789, time.UTC)
	back, err := TimeOf(in).GoTime()
	if err != nil {
		t.Fatal(err)
	}
	if d := back.Sub(in); d > 120*time.Nanosecond || d < -120*time.Nanosecond {
		t.Fatalf("float time off by %v", d)
	}
}

func TestTimeSecondsFloat(t *testing.T) {
	big7 := Time{W: '7', Sec: U128{Hi: 1}}
	for _, c := range []struct {
		t     Time
		sec   string
		float float64
	}{
		{TimeSeconds(-5), "-5", -5},
		{TimeSeconds(1 << 40), "1099511627776", 1 << 40},
		{TimeFloat(1.75), "1", 1.75},
		{TimeFloat(-1.75), "-1", -1.75},
		{TimeFloat(1e30), "1000000000000000019884624838656", 1e30},
		{big7, "18446744073709551616", 1 << 64},
	} {
		if got := c.t.Seconds(); got == nil || got.String() != c.sec {
			t.Errorf("%+v.Seconds() = %v, want %s", c.t, got, c.sec)
		}
		if got := c.t.Float(); got != c.float {
			t.Errorf("%+v.Float() = %v, want %v", c.t, got, c.float)
		}
	}
	if s := TimeFloat(math.NaN()).Seconds(); s != nil {
		t.Errorf("Seconds of NaN = %v", s)
	}
	if TimeSeconds(1<<40).W != '6' || TimeSeconds(-1).W != '5' {
		t.Errorf("TimeSeconds widths")
	}
}

func TestTimeLimits(t *testing.T) {
	for _, tm := range []Time{
		{W: '7', Sec: U128{Hi: 1}},
		{W: '6', Sec: I64(math.MaxInt64)},
		{W: '6', Sec: I64(math.MinInt64)},
		TimeFloat(math.NaN()),
		TimeFloat(math.Inf(-1)),
		TimeFloat(1e19),
		{W: '6', Sec: I64(math.MaxInt64 - 62135596800 + 14182940 + 1)},
	} {
		_, err := tm.GoTime()
		if !errors.Is(err, errcode.ErrLimit) {
			t.Errorf("GoTime(%+v) = %v, want ErrLimit", tm, err)
		}
		if s := tm.String(); !strings.Contains(s, "outside") {
			t.Errorf("String(%+v) = %q", tm, s)
		}
	}
	if s := TimeFloat(-0.5).String(); s != "1969-07-20T20:17:39.5Z (eagle -0.5 s)" {
		t.Errorf("String = %q", s)
	}
}

// Before about year −292,277,022,657 Unix() wraps; TimeOf does not.
func TestTimeOfBeforeUnixRange(t *testing.T) {
	in := time.Unix(math.MinInt64, 0).Add(-1000 * 24 * time.Hour)
	et := TimeOf(in)
	want := new(big.Int).Sub(big.NewInt(math.MinInt64), big.NewInt(1000*24*3600-14182940))
	if et.W != '7' || et.Seconds().Cmp(want) != 0 {
		t.Fatalf("TimeOf(%v) = %+v, want %v", in, et, want)
	}
	if _, err := et.GoTime(); !errors.Is(err, errcode.ErrLimit) {
		t.Fatalf("GoTime: %v, want ErrLimit", err)
	}
}
