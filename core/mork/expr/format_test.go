package expr

import "testing"

// TestWireConstants pins the tag values and limits: they are the format.
func TestWireConstants(t *testing.T) {
	for _, c := range []struct {
		name      string
		got, want int
	}{
		{"ArityMin", ArityMin, 0x00}, {"ArityMax", ArityMax, 0x3F},
		{"ReservedMin", ReservedMin, 0x40}, {"ReservedMax", ReservedMax, 0x7F},
		{"VarRefMin", VarRefMin, 0x80}, {"VarRefMax", VarRefMax, 0xBF},
		{"NewVar", NewVar, 0xC0}, {"SymbolMin", SymbolMin, 0xC1}, {"SymbolMax", SymbolMax, 0xFF},
		{"MaxArity", MaxArity, 63}, {"MaxVars", MaxVars, 64}, {"MaxSymbol", MaxSymbol, 63},
		{"InternedSize", InternedSize, 8}, {"InternedTag", InternedTag, 0xC8},
	} {
		if c.got != c.want {
			t.Errorf("%s = %#x, want %#x", c.name, c.got, c.want)
		}
	}
	// Every byte has exactly one kind, and the kinds cover the ranges.
	for b := 0; b < 256; b++ {
		k := tagKind(byte(b))
		switch {
		case b <= ArityMax && k != kindArity,
			b >= ReservedMin && b <= ReservedMax && k != kindReserved,
			b >= VarRefMin && b <= VarRefMax && k != kindVar,
			b >= NewVar && k != kindSymbol:
			t.Errorf("tag %#02x: kind %d", b, k)
		}
	}
	if arityTag(63) != 0x3F || symbolTag(1) != 0xC1 || symbolTag(63) != 0xFF || varRefTag(63) != 0xBF {
		t.Error("tag constructors")
	}
}

func TestVariableNames(t *testing.T) {
	want := []string{"$a", "$b", "$c", "$d", "$e", "$f", "$g", "$h", "$i", "$j", "$x10", "$x11"}
	for i, w := range want {
		if varNames[i] != w {
			t.Errorf("variable %d: %s, want %s", i, varNames[i], w)
		}
	}
	if varNames[63] != "$x63" {
		t.Errorf("variable 63: %s", varNames[63])
	}
}
