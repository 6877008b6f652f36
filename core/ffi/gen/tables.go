package main

import (
	"strings"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/format"
	"github.com/polyfmt/polyfmt/core/version"
)

// The tables every language gets, read from their one Go source.

func versionString() string { return version.String() }

// formatID is the registered ID of the format called name, 0 if none.
func formatID(name string) int32 {
	if f := format.ByName(name); f != nil {
		return f.ID
	}
	return 0
}

// code is one status code: its macro name, number, pf_errstr's text and
// when it is returned.
type code struct {
	name    string
	num     int32
	text    string
	meaning string
}

func codes() []code {
	var out []code
	for _, c := range errcode.All {
		out = append(out, code{c.Name(), int32(c), c.String(), c.Meaning()})
	}
	return out
}

// formatMacro is PF_FORMAT_<TITLE>.
func formatMacro(f *format.Format) string {
	return "PF_FORMAT_" + strings.ToUpper(f.Name)
}
