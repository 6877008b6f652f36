package vsf

import (
	"math"
	"math/big"
	"math/bits"
	"strconv"
	"time"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// Eagle Time counts seconds since the Apollo 11 lunar landing,
// 1969-07-20 20:17:40 UTC, ignoring leap seconds as Unix time does. The
// seed writes whole seconds as T5, T6 or T7 (signed) and fractional ones
// as t6, a float64.
//
//	Eagle seconds = Unix seconds + 14,182,940
//
// (from 20:17:40 to midnight is 13,340 s; 21 July to 1 January is 164
// days, 14,169,600 s.)

// EagleEpoch is Eagle Time 0.
var EagleEpoch = time.Date(1969, 7, 20, 20, 17, 40, 0, time.UTC)

// eagleFromUnix is the Eagle Time of the Unix epoch, in seconds.
const eagleFromUnix = 14182940

// TimeSeconds is an integer Eagle Time of sec seconds: T5 when it fits in
// 32 bits (until 2037-08-07), T6 otherwise.
func TimeSeconds(sec int64) Time {
	v := I64(sec)
	return Time{W: max('5', IntWidth(v)), Sec: v}
}

// TimeFloat is a float Eagle Time (t6) of sec seconds.
func TimeFloat(sec float64) Time { return Time{IsFloat: true, W: '6', F: sec} }

// TimeOf is t as an Eagle Time. A t of whole seconds is an integer: T5 or
// T6, the smallest that holds it (T7 only beyond the int64 range, which Go
// times do not reach in practice). A t with a fraction of a second is a
// float t6. A float64 carries 53 bits: around the present (about 1.7e9
// seconds, between 2^30 and 2^31) one unit in the last place is 2^-22 s,
// about 0.24 µs, and the time is kept to within half of that; it is
// finer than 1 ns only within 2^23 s (about 97 days) of the epoch.
func TimeOf(t time.Time) Time {
	u := t.Unix()
	sec := I64(u)
	if u > 0 && t.Before(EagleEpoch) {
		// Unix() wrapped below −2^63: the true value is u − 2^64.
		sec.Hi = ^uint64(0)
	}
	var c uint64
	sec.Lo, c = bits.Add64(sec.Lo, eagleFromUnix, 0)
	sec.Hi += c
	if ns := t.Nanosecond(); ns != 0 {
		return TimeFloat(sec.signedFloat64() + float64(ns)/1e9)
	}
	return Time{W: max('5', IntWidth(sec)), Sec: sec}
}

// GoTime is t as a time.Time in UTC. A time outside what time.Time holds
// (about ±292 billion years), or a float time that is NaN or infinite, is
// ErrLimit. A float time is rounded to the nearest nanosecond.
func (t Time) GoTime() (time.Time, error) {
	var sec int64 // Eagle seconds
	var ns int64
	if t.IsFloat {
		f := t.F
		if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) >= 1<<63 {
			return time.Time{}, t.limit()
		}
		whole := math.Trunc(f)
		sec = int64(whole)
		ns = int64(math.Round((f - whole) * 1e9))
	} else {
		if t.Sec.Hi != uint64(int64(t.Sec.Lo)>>63) {
			return time.Time{}, t.limit()
		}
		sec = int64(t.Sec.Lo)
	}
	if sec < math.MinInt64+eagleFromUnix {
		return time.Time{}, t.limit()
	}
	unix := sec - eagleFromUnix
	// time.Time counts seconds from 0001-01-01 in an int64.
	const unixToInternal = 62135596800
	if unix > math.MaxInt64-unixToInternal {
		return time.Time{}, t.limit()
	}
	want := unix // the Unix seconds of the result: ns in (−1e9, 1e9] moves it by one
	if ns < 0 {
		want--
	} else if ns >= 1e9 {
		want++
	}
	tt := time.Unix(unix, ns).UTC()
	if tt.Unix() != want {
		return time.Time{}, t.limit()
	}
	return tt, nil
}

func (t Time) limit() error {
	return errcode.New("vsf", errcode.ErrLimit, "eagle time %s s is outside the range of time.Time", t.secString())
}

// Seconds is t in whole seconds: exact for an integer time, a float time
// truncated toward zero. A NaN or infinite float time has no whole
// seconds: Seconds returns nil.
func (t Time) Seconds() *big.Int {
	if !t.IsFloat {
		return t.Sec.SignedBig()
	}
	if math.IsNaN(t.F) || math.IsInf(t.F, 0) {
		return nil
	}
	i, _ := new(big.Float).SetFloat64(t.F).Int(nil)
	return i
}

// Float is t in seconds as a float64 (an integer time beyond 2^53 seconds
// rounded to the nearest).
func (t Time) Float() float64 {
	if t.IsFloat {
		return t.F
	}
	if t.Sec.Hi == uint64(int64(t.Sec.Lo)>>63) {
		return float64(int64(t.Sec.Lo))
	}
	return t.Sec.signedFloat64()
}

func (t Time) secString() string {
	if t.IsFloat {
		return strconv.FormatFloat(t.F, 'g', -1, 64)
	}
	return t.Sec.SignedString()
}

// String is the time in RFC 3339 (UTC, nanoseconds where there are any)
// and its Eagle seconds: "1969-07-20T20:17:41Z (eagle 1 s)". A time
// outside time.Time's range shows only the Eagle seconds.
func (t Time) String() string {
	tt, err := t.GoTime()
	if err != nil {
		return "eagle " + t.secString() + " s (outside time.Time's range)"
	}
	return tt.Format(time.RFC3339Nano) + " (eagle " + t.secString() + " s)"
}
