package main

import (
	"flag"
	"fmt"
	"io"
	"time"
)

// Long commands (convert, export, compact) report progress on stderr
// through one helper, and take -q to be silent.

// quietFlag declares -q on a long command.
func quietFlag(fs *flag.FlagSet) *bool {
	return fs.Bool("q", false, "no progress output")
}

// progress reports long work on stderr, at most five times a second, as
// "\r<what>: <done>/<total> <unit>", ending the line when done == total.
type progress struct {
	w     io.Writer
	quiet bool
	what  string
	unit  string
	scale int64 // divide counts by this for display (1 for counts)
	last  time.Time
}

// progress returns the reporter of the call's long work: what it does
// ("converting"), counted in unit, each scale of the count one unit (1 for
// counts, 1<<20 for MiB). quiet silences it.
func (c *call) progress(quiet bool, what, unit string, scale int64) *progress {
	return &progress{w: c.stderr, quiet: quiet, what: what, unit: unit, scale: max(scale, 1)}
}

// update reports done of total.
func (p *progress) update(done, total int64) {
	if p.quiet || (time.Since(p.last) < 200*time.Millisecond && done != total) {
		return
	}
	p.last = time.Now()
	fmt.Fprintf(p.w, "\r%s: %d/%d %s", p.what, done/p.scale, total/p.scale, p.unit)
	if done == total {
		fmt.Fprintln(p.w)
	}
}

// start says, on a line of its own, what work begins, for work that
// reports no counts as it goes.
func (p *progress) start(format string, args ...any) {
	if !p.quiet {
		fmt.Fprintf(p.w, format+"\n", args...)
	}
}
