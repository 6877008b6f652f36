package act

import "encoding/binary"

// pmPending is a PathMap node built but not yet written: it is written
// with its siblings, in one run, when its parent is sealed.
type pmPending struct {
	line     bool
	hasValue bool
	value    uint64
	keys     []byte // branch: child bytes
	first    int64  // branch: first child, or line: child; -1 if none
	lineAt   int64  // line: its line data
}

// pmStop is an open stop on the spine of the last path: the root, a
// position holding a value, or a fork. Positions between stops have one
// child and no value; they end up in line data.
type pmStop struct {
	depth    int
	hasValue bool
	value    uint64
	keys     []byte      // bytes of the children sealed so far
	kids     []pmPending // those children, in order
}

// pmWriter lays nodes out as ArenaCompactTree::from_zipper does: a
// post-order walk where each stop, once its subtrie is complete, writes its
// children's run, then (when bytes separate it from the stop above) its
// line data and, if it has children, its branch node, and becomes a pending
// node of the stop above.
type pmWriter struct {
	out   *sink
	stops []pmStop
	lines lineTable // line data written so far, by content
	buf   []byte

	rootSkipped bool      // the root has one child and no value:
	root        pmPending // this node, covering the child's first byte, is the root
}

func (w *pmWriter) init(out *sink) {
	w.out = out
	w.stops = append(w.stops[:0], pmStop{})
	w.lines.init()
	var hdr [pmArenaStart]byte
	copy(hdr[:], Magic)
	out.write(hdr[:])
}

func (w *pmWriter) add(prev []byte, l int, path []byte, value uint64) error {
	if err := w.seal(prev, l, false); err != nil {
		return err
	}
	if top := &w.stops[len(w.stops)-1]; top.depth == len(path) {
		top.hasValue, top.value = true, value // the empty path, first
		return nil
	}
	w.push(pmStop{depth: len(path), hasValue: true, value: value})
	return nil
}

func (w *pmWriter) push(s pmStop) {
	if len(w.stops) < cap(w.stops) {
		// Reuse the slot's kids array; its keys went to a pending node.
		kids := w.stops[:len(w.stops)+1][len(w.stops)].kids[:0]
		s.kids = kids
	}
	w.stops = append(w.stops, s)
}

// seal closes every stop deeper than l: the paths to come all leave prev
// at byte l. A stop's parent is the stop above it, or position l, which
// becomes a fork. With final (l = 0, no path to come) a root left with one
// child and no value is skipped: its only child covers its first byte too.
func (w *pmWriter) seal(prev []byte, l int, final bool) error {
	for w.stops[len(w.stops)-1].depth > l {
		s := w.stops[len(w.stops)-1]
		w.stops = w.stops[:len(w.stops)-1]
		if w.stops[len(w.stops)-1].depth < l {
			w.push(pmStop{depth: l})
		}
		parent := &w.stops[len(w.stops)-1]
		jump := s.depth - parent.depth - 1
		skipRoot := final && parent.depth == 0 && len(parent.kids) == 0 && !parent.hasValue
		if skipRoot {
			jump = s.depth
		}
		node := w.build(&s, prev[s.depth-jump:s.depth])
		if skipRoot {
			w.root, w.rootSkipped = node, true
			return w.out.err
		}
		parent = &w.stops[len(w.stops)-1]
		parent.keys = append(parent.keys, prev[parent.depth])
		parent.kids = append(parent.kids, node)
	}
	return w.out.err
}

// build writes s's children run and, with a non-empty line, the line data
// and s's branch, and returns the node that stands for s in its parent's
// run.
func (w *pmWriter) build(s *pmStop, line []byte) pmPending {
	first := int64(-1)
	for i := range s.kids {
		id := w.write(&s.kids[i])
		if i == 0 {
			first = id
		}
	}
	br := pmPending{hasValue: s.hasValue, value: s.value, keys: s.keys, first: first}
	if len(line) == 0 {
		return br
	}
	ln := pmPending{line: true, lineAt: w.addLine(line), first: -1}
	if len(s.kids) > 0 {
		ln.first = w.write(&br)
	} else {
		ln.hasValue, ln.value = s.hasValue, s.value
	}
	return ln
}

// addLine returns where line's data is, writing it if it is new.
func (w *pmWriter) addLine(line []byte) int64 {
	at, h, ok := w.lines.find(line)
	if ok {
		return at
	}
	at = w.out.pos
	w.buf = appendVarint(w.buf[:0], uint64(len(line)))
	w.out.write(w.buf)
	w.out.write(line)
	w.lines.add(line, h, at)
	return at
}

// write encodes n at the current position and returns that position.
func (w *pmWriter) write(n *pmPending) int64 {
	id := w.out.pos
	if n.line {
		w.buf = appendPMLine(w.buf[:0], n.hasValue, n.value, n.first >= 0, uint64(id-n.first), uint64(id-n.lineAt))
	} else {
		w.buf = appendPMBranch(w.buf[:0], n.hasValue, n.value, uint64(id-n.first), n.keys)
	}
	w.out.write(w.buf)
	return id
}

func (w *pmWriter) finish(prev []byte) error {
	if err := w.seal(prev, 0, true); err != nil {
		return err
	}
	if !w.rootSkipped {
		w.root = w.build(&w.stops[0], nil)
	}
	rootID := w.write(&w.root)
	w.out.write(make([]byte, pmTrailer))
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(rootID))
	return w.out.patch(pmRootAt, b[:])
}
