package main

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Text from a file, printed in brief (safe.go escapes what is printed).

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strconv.Quote(s)
	}
	return out
}

// firstQuoted quotes the first n of ss, then says how many there are in all.
func firstQuoted(ss []string, n int) []string {
	out := quoteAll(ss[:min(len(ss), max(n, 0))])
	if len(ss) > len(out) {
		out = append(out, fmt.Sprintf("… (%d in all)", len(ss)))
	}
	return out
}

// preview is a one-line view of content.
func preview(c []byte) string {
	const max = 60
	if !utf8.Valid(c) {
		return fmt.Sprintf("(%d bytes binary) %x", len(c), c[:min(len(c), 16)])
	}
	s := strings.Join(strings.Fields(string(c)), " ")
	if utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max]) + "…"
	}
	return strconv.Quote(s)
}

// countOrNone is n, or "none" for what is not there.
func countOrNone(present bool, n int) string {
	if !present {
		return "none"
	}
	return strconv.Itoa(n)
}
