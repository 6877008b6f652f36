package main

import (
	"github.com/polyfmt/polyfmt/core/format"
	"github.com/polyfmt/polyfmt/core/mmx"
)

// The names the first MMX tests (mmx_test.go) use, from before the CLI
// dispatched through the registry, kept over what replaced them: Detect is
// the registry's detection, MMX the registered format, and isMMXInput asks
// the dispatcher which file a command line reads.

var MMX = format.ByName("mmx")

func Detect(head []byte) *format.Format { return format.Detect(head) }

func isMMXInput(args []string) bool {
	in, err := findInput(args)
	return err == nil && in.format == MMX
}

// isMorphNet reports whether path is an MMX file written by MorphNet,
// which polyfmt opens read-only.
func isMorphNet(path string) bool {
	f, err := mmx.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	return f.FromMorphNet()
}
