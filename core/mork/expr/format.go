package expr

// Tag bytes. An encoded expression is a sequence of items in pre-order,
// each starting with one tag byte; the two high bits of the tag say its
// kind and the low six bits its operand. These values are the wire format
// of every MORK path: they must never change.
const (
	// ArityMin…ArityMax (0x00–0x3F): Arity(n), an expression of n items
	// (n = tag & 0x3F, 0…63); its n items follow.
	ArityMin = 0x00
	ArityMax = 0x3F
	// ReservedMin…ReservedMax (0x40–0x7F): unassigned; a path holding one
	// is malformed.
	ReservedMin = 0x40
	ReservedMax = 0x7F
	// VarRefMin…VarRefMax (0x80–0xBF): VarRef(i), another occurrence of
	// the i-th variable (i = tag & 0x3F) introduced so far in this
	// top-level expression.
	VarRefMin = 0x80
	VarRefMax = 0xBF
	// NewVar (0xC0): the first occurrence of a variable. Variables are
	// numbered 0, 1, … by the order of their NewVar tags.
	NewVar = 0xC0
	// SymbolMin…SymbolMax (0xC1–0xFF): SymbolSize(n), a symbol whose n
	// bytes (n = tag & 0x3F, 1…63) follow the tag.
	SymbolMin = 0xC1
	SymbolMax = 0xFF
)

// Limits of the encoding.
const (
	// MaxArity is the most items one expression holds.
	MaxArity = 63
	// MaxVars is the most variables one top-level expression introduces.
	MaxVars = 64
	// MaxSymbol is the longest symbol, in bytes.
	MaxSymbol = 63
	// InternedSize is the size of an interned symbol: an 8-byte id, big
	// endian, stored as a symbol of 8 bytes (tag InternedTag).
	InternedSize = 8
	// InternedTag is the tag of every symbol of a path with interned
	// symbols: SymbolSize(8).
	InternedTag = SymbolMin - 1 + InternedSize
)

// kind is a tag's class: its two high bits.
const (
	kindArity    = 0 // 00xxxxxx
	kindReserved = 1 // 01xxxxxx
	kindVar      = 2 // 10xxxxxx: VarRef
	kindSymbol   = 3 // 11xxxxxx: NewVar when the low bits are 0
)

func tagKind(t byte) int { return int(t >> 6) }

// operand is a tag's low six bits: an arity, a variable index or a symbol
// size.
func operand(t byte) int { return int(t & 0x3F) }

func arityTag(n int) byte  { return byte(n) }
func symbolTag(n int) byte { return 0xC0 | byte(n) }
func varRefTag(i int) byte { return VarRefMin | byte(i) }

// varNames are the names printed for variables 0…63, MORK's own
// (Expr::VARNAMES in trueagi-io/MORK expr/src/lib.rs): $a … $j, then
// $x10 … $x63.
var varNames = func() [MaxVars]string {
	var n [MaxVars]string
	for i := range n {
		if i < 10 {
			n[i] = "$" + string(rune('a'+i))
		} else {
			n[i] = "$x" + string(rune('0'+i/10)) + string(rune('0'+i%10))
		}
	}
	return n
}()
