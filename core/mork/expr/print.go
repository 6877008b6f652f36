package expr

import (
	"bytes"
	"encoding/binary"
	"unicode/utf8"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// Resolver maps an interned symbol's id back to its bytes. The printer
// only reads the returned slice, during the call.
type Resolver interface {
	Symbol(id uint64) ([]byte, bool)
}

// AppendText appends path, one encoded expression, to dst as MeTTa text
// and returns the extended buffer.
//
// Items are separated by one space; variables are named by their order of
// introduction ($a … $j, then $x10 … $x63). A symbol is written as it is
// when it would read back as itself (bare, or a quoted string whose quotes
// are its own bytes), else as #"…" with escapes; so for every valid path,
// Parse(AppendText(path)) gives path back.
//
// With r nil the symbols are written as their bytes (an interned path
// prints its ids as 8-byte #"\x…" symbols). With r set, every symbol must
// be an interned id (InternedSize bytes, else [errcode.ErrFormat]) that r
// knows (else [errcode.ErrNotFound]), and its resolved bytes are written.
// A path that is not one valid expression is [errcode.ErrFormat]; dst is
// then returned unchanged.
func AppendText(dst, path []byte, r Resolver) ([]byte, error) {
	if err := Check(path); err != nil {
		return dst, err
	}
	return appendText(dst, path, 0, r)
}

// AppendSpan appends, as AppendText does, the sub-expression of path that
// s spans (a pattern variable's binding from MatchSpans), naming its
// variables as the whole path names them: a variable introduced before
// the span keeps its name. A span that is not one whole item of path is
// [errcode.ErrBadArg].
func AppendSpan(dst, path []byte, s Span, r Resolver) ([]byte, error) {
	if err := Check(path); err != nil {
		return dst, err
	}
	if s.Start < 0 || s.End > len(path) || s.Start >= s.End || s.Vars < 0 || s.Vars > MaxVars {
		return dst, errcode.New(pkg, errcode.ErrBadArg, "span [%d, %d) of a %d-byte path", s.Start, s.End, len(path))
	}
	// Walk the items before the span: its start must be an item's, and
	// the variables introduced before it are the span's Vars.
	vars, i := 0, 0
	for i < s.Start {
		i = skipTag(path, i, &vars)
	}
	if i != s.Start || vars != s.Vars {
		return dst, errcode.New(pkg, errcode.ErrBadArg, "span [%d, %d) does not start at an item with %d variables before it", s.Start, s.End, s.Vars)
	}
	for due := 1; due > 0; due-- {
		if path[i] <= ArityMax {
			due += int(operand(path[i]))
		}
		i = skipTag(path, i, &vars)
	}
	if i != s.End {
		return dst, errcode.New(pkg, errcode.ErrBadArg, "span [%d, %d) is not one item (it ends at %d)", s.Start, s.End, i)
	}
	return appendText(dst, path[s.Start:s.End], s.Vars, r)
}

// skipTag returns the offset after the tag at i of a valid path (and the
// symbol bytes after it), counting a NewVar into vars.
func skipTag(path []byte, i int, vars *int) int {
	t := path[i]
	switch {
	case t == NewVar:
		*vars++
	case t >= SymbolMin:
		return i + 1 + int(operand(t))
	}
	return i + 1
}

// appendText prints a checked path whose first vars0 variables were
// introduced before it.
func appendText(dst, path []byte, vars0 int, r Resolver) ([]byte, error) {
	orig := len(dst)
	var st [32]int
	open := st[:0] // items still due in each open expression
	vars := vars0
	first := true
	for i := 0; i < len(path); {
		t := path[i]
		if !first {
			dst = append(dst, ' ')
		}
		first = false
		switch tagKind(t) {
		case kindArity:
			i++
			dst = append(dst, '(')
			if a := operand(t); a > 0 {
				open = append(open, a)
				first = true
				continue
			}
			dst = append(dst, ')')
		case kindVar:
			dst = append(dst, varNames[operand(t)]...)
			i++
		default:
			if t == NewVar {
				dst = append(dst, varNames[vars]...)
				vars++
				i++
				break
			}
			n := operand(t)
			sym := path[i+1 : i+1+n]
			if r != nil {
				if n != InternedSize {
					return dst[:orig], errcode.At(pkg, errcode.ErrFormat, int64(i), "symbol of %d bytes where an interned id (%d bytes) is due", n, InternedSize)
				}
				id := binary.BigEndian.Uint64(sym)
				s, ok := r.Symbol(id)
				if !ok {
					return dst[:orig], errcode.At(pkg, errcode.ErrNotFound, int64(i), "symbol id 0x%016X is not in the symbol table", id)
				}
				sym = s
			}
			dst = appendSymbol(dst, sym)
			i += 1 + n
		}
		// An item is complete: close the expressions it completes.
		for len(open) > 0 {
			open[len(open)-1]--
			if open[len(open)-1] > 0 {
				break
			}
			open = open[:len(open)-1]
			dst = append(dst, ')')
		}
	}
	return dst, nil
}

// Text returns path as MeTTa text, its symbols written as their bytes
// (AppendText with no Resolver).
func Text(path []byte) (string, error) {
	b, err := AppendText(nil, path, nil)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// appendSymbol writes a symbol: as it is when it reads back as itself,
// else as #"…".
func appendSymbol(dst, s []byte) []byte {
	if bareOK(s) || quotedOK(s) {
		return append(dst, s...)
	}
	const hex = "0123456789ABCDEF"
	dst = append(dst, '#', '"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c == '\t':
			dst = append(dst, '\\', 't')
		case c == '\r':
			dst = append(dst, '\\', 'r')
		case c < 0x20 || c == 0x7F:
			dst = append(dst, '\\', 'x', hex[c>>4], hex[c&15])
		case c < utf8.RuneSelf:
			dst = append(dst, c)
		default:
			if r, n := utf8.DecodeRune(s[i:]); r != utf8.RuneError || n > 1 {
				dst = append(dst, s[i:i+n]...)
				i += n
				continue
			}
			dst = append(dst, '\\', 'x', hex[c>>4], hex[c&15])
		}
		i++
	}
	return append(dst, '"')
}

// plain reports whether s is valid UTF-8 without ASCII control bytes: text
// that can be written as it is.
func plain(s []byte) bool {
	for _, c := range s {
		if c < 0x20 || c == 0x7F {
			return false
		}
	}
	return utf8.Valid(s)
}

// bareOK reports whether s reads back as itself written bare: it does not
// start like a variable, a parenthesis, a comment, a string or a #"…"
// symbol, nor with a byte order mark (skipped at the start of a text), and
// holds no whitespace or parenthesis.
func bareOK(s []byte) bool {
	if len(s) == 0 || bytes.HasPrefix(s, bom) {
		return false
	}
	switch s[0] {
	case '$', ';', '"':
		return false
	case '#':
		if len(s) > 1 && s[1] == '"' {
			return false
		}
	}
	for _, c := range s {
		if delim[c] {
			return false
		}
	}
	return plain(s)
}

// quotedOK reports whether s is a string whose quotes are its own bytes,
// as MORK's parser keeps them: s starts with " and its first " not escaped
// by a backslash is its last byte.
func quotedOK(s []byte) bool {
	if len(s) < 2 || s[0] != '"' {
		return false
	}
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i == len(s)-1 && plain(s)
		}
	}
	return false
}
