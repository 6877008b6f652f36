package expr

import "github.com/polyfmt/polyfmt/core/errcode"

// Validate reports the length of the one complete expression at the start
// of b. It checks every tag (no reserved tag), that every symbol's bytes
// are present, that every VarRef names a variable already introduced, that
// at most MaxVars variables are introduced, and that the expression is not
// cut short. Bytes after the expression are not looked at.
//
// Errors are [errcode.ErrFormat] with the offset of the offending tag. The
// pass is iterative and allocates nothing: a count of the items still due
// replaces a stack, so no nesting can exhaust the stack.
func Validate(b []byte) (n int, err error) {
	due := 1 // items still to read: the expression itself, then its children
	vars := 0
	i := 0
	for due > 0 {
		if i >= len(b) {
			return 0, errcode.At(pkg, errcode.ErrFormat, int64(i), "expression cut short: %d more item(s) due", due)
		}
		t := b[i]
		due--
		switch tagKind(t) {
		case kindArity:
			due += operand(t)
			i++
		case kindReserved:
			return 0, errcode.At(pkg, errcode.ErrFormat, int64(i), "reserved tag 0x%02X", t)
		case kindVar:
			if r := operand(t); r >= vars {
				return 0, errcode.At(pkg, errcode.ErrFormat, int64(i), "VarRef(%d) names a variable not yet introduced (%d so far)", r, vars)
			}
			i++
		default:
			if t == NewVar {
				if vars == MaxVars {
					return 0, errcode.At(pkg, errcode.ErrFormat, int64(i), "more than %d variables", MaxVars)
				}
				vars++
				i++
				break
			}
			size := operand(t)
			if len(b)-i-1 < size {
				return 0, errcode.At(pkg, errcode.ErrFormat, int64(i), "symbol of %d bytes cut short: %d remain", size, len(b)-i-1)
			}
			i += 1 + size
		}
	}
	return i, nil
}

// Check reports whether path is exactly one well-formed expression (see
// Validate); bytes after it are [errcode.ErrFormat].
func Check(path []byte) error {
	n, err := Validate(path)
	if err != nil {
		return err
	}
	if n != len(path) {
		return errcode.At(pkg, errcode.ErrFormat, int64(n), "%d byte(s) after the expression", len(path)-n)
	}
	return nil
}
