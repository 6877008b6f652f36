package act

import "github.com/polyfmt/polyfmt/core/errcode"

func (t *Tree) seedErr(off int64, format string, args ...any) error {
	return errcode.At(pkg, errcode.ErrFormat, off, "act: seed layout: "+format, args...)
}

// seedNodeAt returns the node at off, which the caller has checked is a
// node boundary inside the node area, after checking its reserved bits and
// child count.
func (t *Tree) seedNodeAt(off int64) (*seedNode, error) {
	n := (*seedNode)(t.data[off : off+seedNodeSize])
	if !n.reservedOK() {
		return nil, t.seedErr(off, "node's reserved bytes are not zero")
	}
	m := n.meta()
	if m&seedMetaReserved != 0 {
		return nil, t.seedErr(off, "node's metadata %#x has reserved bits set", m)
	}
	if n.count() > seedMaxChildren {
		return nil, t.seedErr(off, "node claims %d children (at most 256)", n.count())
	}
	return n, nil
}

// seedRun returns the offset of the first of n's children (n at off),
// checking the whole run lies on node boundaries inside the node area.
func (t *Tree) seedRun(off int64, n *seedNode) (int64, error) {
	start := off + int64(n.children())
	if start < seedHeaderSize || (start-seedHeaderSize)%seedNodeSize != 0 ||
		start+int64(n.count())*seedNodeSize > int64(len(t.data)) {
		return 0, t.seedErr(off, "children offset %d does not reach %d whole nodes", n.children(), n.count())
	}
	return start, nil
}

// seedFind descends one node per path byte from the root, searching each
// run of children by tag, and returns the offset of the node path leads
// to; ok is false when the tree has no such node.
func (t *Tree) seedFind(path []byte) (off int64, ok bool, err error) {
	d := t.data
	off = t.root
	for _, b := range path {
		n, err := t.seedNodeAt(off)
		if err != nil {
			return 0, false, err
		}
		c := n.count()
		if c == 0 {
			return 0, false, nil
		}
		start, err := t.seedRun(off, n)
		if err != nil {
			return 0, false, err
		}
		lo, hi := 0, c
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if d[start+int64(m)*seedNodeSize] < b {
				lo = m + 1
			} else {
				hi = m
			}
		}
		if lo == c || d[start+int64(lo)*seedNodeSize] != b {
			return 0, false, nil
		}
		off = start + int64(lo)*seedNodeSize
	}
	return off, true, nil
}

// seedGet returns the value of the node path leads to.
func (t *Tree) seedGet(path []byte) (uint64, bool, error) {
	off, ok, err := t.seedFind(path)
	if !ok {
		return 0, false, err
	}
	n, err := t.seedNodeAt(off)
	if err != nil {
		return 0, false, err
	}
	return n.value(), n.hasValue(), nil
}

// seedFrame is a node whose children a traversal is going through.
type seedFrame struct {
	node    int64 // the parent's offset
	start   int64 // first child
	count   int
	idx     int
	base    int // path length at the parent
	prevTag int
}

// seedWalk calls fn for every valued path under prefix; with v non-nil it
// also runs Verify's checks.
func (t *Tree) seedWalk(prefix []byte, fn func([]byte, uint64) error, v *seedVerifier) error {
	d := t.data
	off, ok, err := t.seedFind(prefix)
	if !ok {
		return err
	}
	nodes := (int64(len(d)) - seedHeaderSize) / seedNodeSize
	maxVisits, visitsKind := nodes, errcode.ErrFormat
	if t.lim.MaxVisits > 0 {
		maxVisits, visitsKind = t.lim.MaxVisits, errcode.ErrLimit
	}
	var visits int64
	path := make([]byte, 0, 64)
	path = append(path, prefix...)
	var stack []seedFrame
	for {
		visits++
		if visits > maxVisits {
			if visitsKind == errcode.ErrLimit {
				return errcode.At(pkg, errcode.ErrLimit, off, "act: walk visits more than Limits.MaxVisits = %d nodes", maxVisits)
			}
			return t.seedErr(off, "walk visits more nodes than the file holds: a node is reached twice")
		}
		n, err := t.seedNodeAt(off)
		if err != nil {
			return err
		}
		if v != nil {
			if err := v.visit(t, off, n); err != nil {
				return err
			}
		}
		if n.hasValue() && fn != nil {
			if err := fn(path, n.value()); err != nil {
				return err
			}
		}
		if c := n.count(); c > 0 {
			start, err := t.seedRun(off, n)
			if err != nil {
				return err
			}
			if len(stack) >= t.lim.MaxDepth {
				return errcode.At(pkg, errcode.ErrLimit, off, "act: tree deeper than Limits.MaxDepth = %d", t.lim.MaxDepth)
			}
			stack = append(stack, seedFrame{node: off, start: start, count: c, base: len(path), prevTag: -1})
		}
		for {
			if len(stack) == 0 {
				return nil
			}
			f := &stack[len(stack)-1]
			if f.idx == f.count {
				stack = stack[:len(stack)-1]
				continue
			}
			off = f.start + int64(f.idx)*seedNodeSize
			f.idx++
			tag := int(d[off])
			if tag <= f.prevTag {
				return t.seedErr(f.node, "children's tags are not in strictly ascending order")
			}
			f.prevTag = tag
			if f.base+1 > t.lim.MaxPathLen {
				return errcode.At(pkg, errcode.ErrLimit, f.node, "act: path longer than Limits.MaxPathLen = %d", t.lim.MaxPathLen)
			}
			path = append(path[:f.base], byte(tag))
			break
		}
	}
}
