package vsf

import (
	"math/big"
	"math/rand/v2"
	"testing"
)

// u128Cases are edge values and random ones of every bit length, as U128s.
func u128Cases() []U128 {
	cs := []U128{{}, {Lo: 1}, {Lo: ^uint64(0)}, {Hi: 1}, {Hi: 1, Lo: 1},
		{Hi: ^uint64(0), Lo: ^uint64(0)}, {Hi: 1 << 63}, {Hi: 1 << 63, Lo: 1},
		{Hi: 1<<63 - 1, Lo: ^uint64(0)}, {Hi: ^uint64(0)}, {Hi: 1 << 52, Lo: 1 << 63},
		{Hi: 1<<53 - 1, Lo: 1 << 63}, {Hi: 1 << 53, Lo: 1 << 63}, {Hi: 1 << 53, Lo: 1<<63 + 1}}
	r := rand.New(rand.NewPCG(1, 2))
	for n := 1; n <= 128; n++ {
		for range 20 {
			v := U128{Hi: r.Uint64(), Lo: r.Uint64()}
			if n <= 64 {
				v = U128{Lo: v.Lo >> (64 - n)}
			} else {
				v.Hi >>= 128 - n
			}
			cs = append(cs, v)
		}
	}
	return cs
}

// The hand-written decimal and float conversions agree with math/big.
func TestU128ConversionsMatchBig(t *testing.T) {
	for _, v := range u128Cases() {
		if got, want := v.String(), v.Big().String(); got != want {
			t.Fatalf("%#v String = %s, want %s", v, got, want)
		}
		if got, want := v.SignedString(), v.SignedBig().String(); got != want {
			t.Fatalf("%#v SignedString = %s, want %s", v, got, want)
		}
		want, _ := new(big.Float).SetInt(v.Big()).Float64()
		if got := v.float64(); got != want {
			t.Fatalf("%#v float64 = %v, want %v", v, got, want)
		}
		want, _ = new(big.Float).SetInt(v.SignedBig()).Float64()
		if got := v.signedFloat64(); got != want {
			t.Fatalf("%#v signedFloat64 = %v, want %v", v, got, want)
		}
		for _, s := range []string{v.String(), v.SignedString(), "+" + v.String(), "-" + v.String(), "00" + v.String()} {
			b, ok := new(big.Int).SetString(s, 10)
			wantV, wantOK := U128{}, false
			if ok {
				wantV, wantOK = U128FromBig(b)
			}
			if got, ok := ParseU128(s); ok != wantOK || got != wantV {
				t.Fatalf("ParseU128(%q) = %#v %v, want %#v %v", s, got, ok, wantV, wantOK)
			}
		}
	}
	for _, s := range []string{"", "+", "-", "1_0", "0x10", " 1", "1 ", "1e3", "--1", "+-1",
		"340282366920938463463374607431768211455", "340282366920938463463374607431768211456",
		"-170141183460469231731687303715884105728", "-170141183460469231731687303715884105729",
		"999999999999999999999999999999999999999999"} {
		b, ok := new(big.Int).SetString(s, 10)
		wantV, wantOK := U128{}, false
		if ok {
			wantV, wantOK = U128FromBig(b)
		}
		if got, ok := ParseU128(s); ok != wantOK || got != wantV {
			t.Errorf("ParseU128(%q) = %#v %v, want %#v %v", s, got, ok, wantV, wantOK)
		}
	}
}
