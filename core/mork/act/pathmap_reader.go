package act

import (
	"bytes"
	"encoding/binary"
	"math/bits"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// pmNode is one decoded PathMap-layout node. Slices point into the file.
type pmNode struct {
	off, end int64
	line     bool
	hasValue bool
	value    uint64
	count    int    // branch: children (from the head; 32 = mask); line: 0 or 1
	first    int64  // branch: first child; line: child; -1 if none
	keys     []byte // branch with count < 32: child bytes
	mask     []byte // branch with count = 32: 32-byte child mask
	lineAt   int64  // line: offset of its line data
	lineData []byte // line: its path bytes
}

func (t *Tree) pmErr(off int64, format string, args ...any) error {
	return errcode.At(pkg, errcode.ErrFormat, off, "act: pathmap layout: "+format, args...)
}

// pmVarint reads the varint at *p, advancing it.
func (t *Tree) pmVarint(p *int64, what string, node int64) (uint64, error) {
	d := t.data
	at := *p
	if at >= int64(len(d)) {
		return 0, t.pmErr(node, "node's %s runs past the end of the file", what)
	}
	b0 := d[at]
	if b0 <= varintBias {
		*p = at + 1
		return uint64(b0), nil
	}
	k := int64(b0 - varintBias)
	if at+1+k > int64(len(d)) {
		return 0, t.pmErr(node, "node's %s runs past the end of the file", what)
	}
	var v uint64
	for i := k - 1; i >= 0; i-- {
		v = v<<8 | uint64(d[at+1+i])
	}
	*p = at + 1 + k
	return v, nil
}

// pmBack resolves a backward offset rel from node: it must land in the
// arena strictly before node.
func (t *Tree) pmBack(node int64, rel uint64, what string) (int64, error) {
	if rel == 0 || rel > uint64(node-pmArenaStart) {
		return 0, t.pmErr(node, "%s offset %d does not point back into the arena", what, rel)
	}
	return node - int64(rel), nil
}

// pmParse decodes the node at off.
func (t *Tree) pmParse(off int64) (pmNode, error) {
	d := t.data
	n := pmNode{off: off, first: -1}
	if off < pmArenaStart || off >= int64(len(d)) {
		return n, t.pmErr(off, "node offset outside the arena")
	}
	head := d[off]
	p := off + 1
	n.hasValue = head&pmValueFlag != 0
	if n.hasValue {
		v, err := t.pmVarint(&p, "value", off)
		if err != nil {
			return n, err
		}
		n.value = v
	}
	if head&pmLineFlag == 0 {
		n.count = int(head & pmCountMask)
		if n.count > pmMaskCount {
			return n, t.pmErr(off, "branch head %#02x claims %d children (at most 32)", head, n.count)
		}
		if n.count > 0 {
			rel, err := t.pmVarint(&p, "first child", off)
			if err != nil {
				return n, err
			}
			if n.first, err = t.pmBack(off, rel, "first child"); err != nil {
				return n, err
			}
			w := int64(n.count)
			if n.count == pmMaskCount {
				w = pmMaskSize
			}
			if p+w > int64(len(d)) {
				return n, t.pmErr(off, "branch's child bytes run past the end of the file")
			}
			if n.count == pmMaskCount {
				n.mask = d[p : p+w]
			} else {
				n.keys = d[p : p+w]
			}
			p += w
		}
		n.end = p
		return n, nil
	}
	n.line = true
	if head&pmLineReserved != 0 {
		return n, t.pmErr(off, "line head %#02x has reserved bits set", head)
	}
	if head&pmLineChild != 0 {
		rel, err := t.pmVarint(&p, "child", off)
		if err != nil {
			return n, err
		}
		if n.first, err = t.pmBack(off, rel, "child"); err != nil {
			return n, err
		}
		n.count = 1
	}
	rel, err := t.pmVarint(&p, "line", off)
	if err != nil {
		return n, err
	}
	lineAt, err := t.pmBack(off, rel, "line data")
	if err != nil {
		return n, err
	}
	n.lineAt = lineAt
	q := lineAt
	ln, err := t.pmVarint(&q, "line length", off)
	if err != nil {
		return n, err
	}
	if ln == 0 || q > off || ln > uint64(off-q) {
		return n, t.pmErr(lineAt, "line data of %d bytes does not fit before the node at %d", ln, off)
	}
	n.lineData = d[q : q+int64(ln)]
	n.end = p
	return n, nil
}

// pmSkip returns the offset just past the node at off, reading no more than
// its size needs.
func (t *Tree) pmSkip(off int64) (int64, error) {
	d := t.data
	if off < pmArenaStart || off >= int64(len(d)) {
		return 0, t.pmErr(off, "node offset outside the arena")
	}
	head := d[off]
	p := off + 1
	vint := func() bool {
		if p >= int64(len(d)) {
			return false
		}
		p += int64(varintLen(d[p]))
		return true
	}
	if head&pmValueFlag != 0 && !vint() {
		return 0, t.pmErr(off, "node's value runs past the end of the file")
	}
	if head&pmLineFlag == 0 {
		c := int64(head & pmCountMask)
		if c > pmMaskCount {
			return 0, t.pmErr(off, "branch head %#02x claims %d children (at most 32)", head, c)
		}
		if c > 0 {
			if !vint() {
				return 0, t.pmErr(off, "node's first child runs past the end of the file")
			}
			if c == pmMaskCount {
				c = pmMaskSize
			}
			p += c
		}
	} else {
		if head&pmLineChild != 0 && !vint() {
			return 0, t.pmErr(off, "node's child runs past the end of the file")
		}
		if !vint() {
			return 0, t.pmErr(off, "node's line runs past the end of the file")
		}
	}
	if p > int64(len(d)) {
		return 0, t.pmErr(off, "node runs past the end of the file")
	}
	return p, nil
}

// index returns the position among n's children of the child for byte b.
func (n *pmNode) index(b byte) (int, bool) {
	if n.mask != nil {
		w := b >> 3
		if n.mask[w]&(1<<(b&7)) == 0 {
			return 0, false
		}
		i := bits.OnesCount8(n.mask[w] & (1<<(b&7) - 1))
		for _, m := range n.mask[:w] {
			i += bits.OnesCount8(m)
		}
		return i, true
	}
	for i, k := range n.keys {
		if k == b {
			return i, true
		}
		if k > b {
			break
		}
	}
	return 0, false
}

// children returns how many children n has.
func (n *pmNode) children() int {
	if n.mask != nil {
		c := 0
		for i := 0; i < pmMaskSize; i += 8 {
			c += bits.OnesCount64(binary.LittleEndian.Uint64(n.mask[i:]))
		}
		return c
	}
	return len(n.keys)
}

// pmNth returns the offset of branch n's idx-th child. Every child of the
// run must start before n itself.
func (t *Tree) pmNth(n *pmNode, idx int) (int64, error) {
	s := n.first
	for i := 0; i < idx; i++ {
		e, err := t.pmSkip(s)
		if err != nil {
			return 0, err
		}
		s = e
	}
	if s >= n.off {
		return 0, t.pmErr(n.off, "branch's child run reaches past the branch itself")
	}
	return s, nil
}

// pmGet follows pathmap's get_val_at.
func (t *Tree) pmGet(path []byte) (uint64, bool, error) {
	off := t.root
	for {
		n, err := t.pmParse(off)
		if err != nil {
			return 0, false, err
		}
		if n.line {
			l := n.lineData
			if len(path) < len(l) || !bytes.Equal(path[:len(l)], l) {
				return 0, false, nil
			}
			path = path[len(l):]
			if len(path) == 0 && n.hasValue {
				return n.value, true, nil
			}
			if n.first < 0 {
				return 0, false, nil
			}
			off = n.first
			continue
		}
		if len(path) == 0 {
			return n.value, n.hasValue, nil
		}
		idx, ok := n.index(path[0])
		if !ok || n.first < 0 {
			return 0, false, nil
		}
		if off, err = t.pmNth(&n, idx); err != nil {
			return 0, false, err
		}
		path = path[1:]
	}
}

// pmFrame is a branch whose children a traversal is going through.
type pmFrame struct {
	branch  int64  // the branch's offset: its children start before it
	keys    []byte // child bytes, or nil with mask
	mask    []byte
	idx     int   // children visited
	count   int   // children in all
	bit     int   // mask: the next bit to look at
	next    int64 // offset of the next child
	base    int   // path length at the branch
	prevKey int
}

// pmWalk calls fn for every valued path under prefix. With v non-nil it
// also runs Verify's checks on every node.
func (t *Tree) pmWalk(prefix []byte, fn func([]byte, uint64) error, v *pmVerifier) error {
	off := t.root
	rest := prefix
	for {
		n, err := t.pmParse(off)
		if err != nil {
			return err
		}
		if n.line {
			l := n.lineData
			if len(rest) <= len(l) {
				if !bytes.HasPrefix(l, rest) {
					return nil
				}
				break
			}
			if !bytes.HasPrefix(rest, l) || n.first < 0 {
				return nil
			}
			rest = rest[len(l):]
			off = n.first
			continue
		}
		if len(rest) == 0 {
			break
		}
		idx, ok := n.index(rest[0])
		if !ok || n.first < 0 {
			return nil
		}
		if off, err = t.pmNth(&n, idx); err != nil {
			return err
		}
		rest = rest[1:]
	}
	path := make([]byte, 0, 64)
	path = append(path, prefix[:len(prefix)-len(rest)]...)
	return t.pmTraverse(off, path, fn, v)
}

// pmTraverse visits the subtrie at off, whose path so far is path.
func (t *Tree) pmTraverse(off int64, path []byte, fn func([]byte, uint64) error, v *pmVerifier) error {
	maxVisits, visitsKind := int64(len(t.data))-pmArenaStart, errcode.ErrFormat
	if t.lim.MaxVisits > 0 {
		maxVisits, visitsKind = t.lim.MaxVisits, errcode.ErrLimit
	}
	var visits int64
	var stack []pmFrame
	n, err := t.pmParse(off)
	if err != nil {
		return err
	}
	skipValue := false
	for {
		// Go down from n through lines until a branch (or a leaf).
		for {
			visits++
			if visits > maxVisits {
				if visitsKind == errcode.ErrLimit {
					return errcode.At(pkg, errcode.ErrLimit, n.off, "act: walk visits more than Limits.MaxVisits = %d nodes", maxVisits)
				}
				return t.pmErr(n.off, "walk visits more nodes than the file can hold: a node is reached twice (a shared subtrie needs Limits.MaxVisits)")
			}
			if v != nil {
				if err := v.check(&n); err != nil {
					return err
				}
			}
			if n.line {
				if len(path)+len(n.lineData) > t.lim.MaxPathLen {
					return errcode.At(pkg, errcode.ErrLimit, n.off, "act: path longer than Limits.MaxPathLen = %d", t.lim.MaxPathLen)
				}
				path = append(path, n.lineData...)
			}
			if n.hasValue && !skipValue && fn != nil {
				if err := fn(path, n.value); err != nil {
					return err
				}
			}
			if !n.line {
				break
			}
			if n.first < 0 {
				break
			}
			skipValue = n.hasValue
			if n, err = t.pmParse(n.first); err != nil {
				return err
			}
		}
		if !n.line && n.count > 0 {
			if len(stack) >= t.lim.MaxDepth {
				return errcode.At(pkg, errcode.ErrLimit, n.off, "act: tree deeper than Limits.MaxDepth = %d branches", t.lim.MaxDepth)
			}
			stack = append(stack, pmFrame{branch: n.off, keys: n.keys, mask: n.mask, count: n.children(), next: n.first, base: len(path), prevKey: -1})
		}
		// Go to the next child of the innermost unfinished branch.
		for {
			if len(stack) == 0 {
				return nil
			}
			f := &stack[len(stack)-1]
			if f.idx == f.count {
				stack = stack[:len(stack)-1]
				continue
			}
			var key int
			if f.mask != nil {
				for f.mask[f.bit>>3]&(1<<(f.bit&7)) == 0 {
					f.bit++
				}
				key = f.bit
				f.bit++
			} else {
				key = int(f.keys[f.idx])
				if key <= f.prevKey {
					return t.pmErr(f.branch, "branch's child bytes are not in ascending order")
				}
			}
			f.prevKey = key
			if f.next >= f.branch {
				return t.pmErr(f.branch, "branch's child run reaches past the branch itself")
			}
			if n, err = t.pmParse(f.next); err != nil {
				return err
			}
			f.next = n.end
			f.idx++
			if f.base+1 > t.lim.MaxPathLen {
				return errcode.At(pkg, errcode.ErrLimit, f.branch, "act: path longer than Limits.MaxPathLen = %d", t.lim.MaxPathLen)
			}
			path = append(path[:f.base], byte(key))
			skipValue = false
			break
		}
	}
}
