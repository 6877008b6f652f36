package act

import "github.com/polyfmt/polyfmt/core/errcode"

// Limits bounds what a reader does for untrusted input. A nil *Limits means
// DefaultLimits; zero fields take the default; a negative field is
// [errcode.ErrBadArg].
type Limits struct {
	// MaxDepth bounds the nodes open at once while traversing: in the seed
	// layout the nodes on one root-to-leaf chain, in PathMap's the branch
	// nodes. Default 1<<20.
	MaxDepth int
	// MaxPathLen bounds the length in bytes of a path Walk builds.
	// Default 1<<20.
	MaxPathLen int
	// MaxVisits bounds the nodes one Walk, Count or Verify visits. Zero
	// means "as many nodes as the file can hold" (size − 64 over 24 in the
	// seed layout, size − 16 in PathMap's, every node taking at least one
	// byte): a tree never needs more, so going past that means a node is
	// reached twice, and is ErrFormat. PathMap's from_zipper_cached writes
	// shared subtries that a walk visits more than once: give a positive
	// bound to allow that many visits (going past it is then ErrLimit).
	MaxVisits int64
}

// DefaultLimits are used where no limits are given.
var DefaultLimits = Limits{MaxDepth: 1 << 20, MaxPathLen: 1 << 20}

// resolve returns the effective limits.
func (l *Limits) resolve() (Limits, error) {
	d := DefaultLimits
	if l == nil {
		return d, nil
	}
	if l.MaxDepth < 0 || l.MaxPathLen < 0 || l.MaxVisits < 0 {
		return d, errcode.New(pkg, errcode.ErrBadArg, "act: Limits %+v: limits are positive (0 means the default)", *l)
	}
	r := *l
	if r.MaxDepth == 0 {
		r.MaxDepth = d.MaxDepth
	}
	if r.MaxPathLen == 0 {
		r.MaxPathLen = d.MaxPathLen
	}
	return r, nil
}
