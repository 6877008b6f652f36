package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Strings that come from a file (chunk names, regions, tokens, labels,
// header fields) are printed through safeName, so that bidi overrides, a
// BOM, zero-width and other format or control characters, and invalid
// UTF-8 cannot disguise or reorder what the terminal shows.

// safeName returns s bare when every rune of it is printable (Go's
// strconv.IsPrint: no format, control or non-ASCII space characters) and
// bare printing is unambiguous (not empty, no space, quote or backslash);
// otherwise Go-quoted, with \u escapes for such runes and \x for bytes that
// are not UTF-8. A bare name never starts with '"' and a quoted one always
// does, so the two cannot be confused.
func safeName(s string) string {
	if s == "" || strings.ContainsAny(s, " \"\\") || !printable(s) {
		return strconv.Quote(s)
	}
	return s
}

func printable(s string) bool {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, n := utf8.DecodeRuneInString(s[i:]); n == 1 {
				return false
			}
		}
		if !strconv.IsPrint(r) {
			return false
		}
	}
	return true
}

// safeText escapes, in place, the runes of a message that safeName would
// not print bare (format and control characters other than newline and
// tab, invalid UTF-8), leaving the rest as it is. Error messages go through
// it: they may carry a name from a file that a library formatted with %s.
func safeText(s string) string {
	if printable(strings.NewReplacer("\n", "", "\t", "").Replace(s)) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n' || r == '\t' || strconv.IsPrint(r):
			b.WriteString(s[i : i+n])
		default:
			q := strconv.QuoteRune(r) // '\u202e'
			b.WriteString(q[1 : len(q)-1])
		}
		i += n
	}
	return b.String()
}

// jsonOut writes v as indented JSON whose strings carry no raw format or
// control character: encoding/json escapes control characters but not,
// say, U+202E, so those are written as \uXXXX escapes (the same string to
// a JSON reader). Every command that prints JSON uses it; <, > and & are
// written bare.
func jsonOut(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	b := buf.Bytes()
	if printable(strings.NewReplacer("\n", "").Replace(string(b))) {
		_, err := w.Write(b)
		return err
	}
	var out bytes.Buffer
	for _, r := range string(b) { // encoding/json wrote valid UTF-8
		switch {
		case r == '\n' || strconv.IsPrint(r):
			out.WriteRune(r)
		case r > 0xffff:
			r1, r2 := utf16.EncodeRune(r)
			fmt.Fprintf(&out, `\u%04x\u%04x`, r1, r2)
		default:
			fmt.Fprintf(&out, `\u%04x`, r)
		}
	}
	_, err := w.Write(out.Bytes())
	return err
}
