package act

import (
	"bytes"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// pmVerifier holds Verify's per-node checks for the PathMap layout, on top
// of what every traversal checks (bounds, backward references, child runs
// before their branch, ascending child bytes, limits).
type pmVerifier struct {
	t       *Tree
	scratch []byte // re-encoded node
	keys    [256]byte
}

// check demands that n be encoded exactly as pathmap encodes it (fewest
// varint bytes, a child mask only for 32 children or more, no stray bits)
// and have a shape pathmap writes.
func (v *pmVerifier) check(n *pmNode) error {
	t := v.t
	if n.line {
		if n.hasValue == (n.first >= 0) {
			if n.hasValue {
				return t.pmErr(n.off, "line node holds both a value and a child (pathmap puts the value on the child)")
			}
			return t.pmErr(n.off, "line node holds neither a value nor a child")
		}
		if n.first >= 0 && t.data[n.first]&pmLineFlag != 0 {
			return t.pmErr(n.off, "line node's child is a line node")
		}
		v.scratch = appendPMLine(v.scratch[:0], n.hasValue, n.value, n.first >= 0, uint64(n.off-n.first), uint64(n.off-n.lineAt))
		var lenBuf [maxVarint]byte
		want := appendVarint(lenBuf[:0], uint64(len(n.lineData)))
		if !bytes.Equal(t.data[n.lineAt:n.lineAt+int64(len(want))], want) {
			return t.pmErr(n.lineAt, "line length is not in its shortest varint form")
		}
	} else {
		keys := n.keys
		if n.mask != nil {
			keys = v.keys[:0]
			for b := 0; b < 256; b++ {
				if n.mask[b>>3]&(1<<(b&7)) != 0 {
					keys = append(keys, byte(b))
				}
			}
		}
		if len(keys) == 0 && !n.hasValue && n.off != t.root {
			return t.pmErr(n.off, "branch node with neither children nor a value")
		}
		v.scratch = appendPMBranch(v.scratch[:0], n.hasValue, n.value, uint64(n.off-n.first), keys)
	}
	if !bytes.Equal(v.scratch, t.data[n.off:n.end]) {
		return t.pmErr(n.off, "node is not in pathmap's canonical encoding (% x, pathmap writes % x)", t.data[n.off:n.end], v.scratch)
	}
	return nil
}

// pmVerify checks the trailer room and every reachable node.
func (t *Tree) pmVerify() error {
	end, err := t.pmSkip(t.root)
	if err != nil {
		return err
	}
	if end+pmTrailer > int64(len(t.data)) {
		return t.pmErr(end, "root node is followed by %d bytes; pathmap needs at least %d (it reads varints 8 bytes at a time)", int64(len(t.data))-end, pmTrailer)
	}
	return t.pmWalk(nil, nil, &pmVerifier{t: t})
}

// seedVerifier tracks what Verify checks across a whole seed-layout walk.
type seedVerifier struct {
	seen   []uint64 // one bit per node
	values uint64
}

// seedVerify walks every reachable node, each exactly once, then compares
// with the header.
func (t *Tree) seedVerify() error {
	nodes := (int64(len(t.data)) - seedHeaderSize) / seedNodeSize
	v := &seedVerifier{seen: make([]uint64, (nodes+63)/64)}
	if err := t.seedWalk(nil, nil, v); err != nil {
		return err
	}
	for i, w := range v.seen {
		if w != ^uint64(0) {
			for b := 0; b < 64; b++ {
				idx := int64(i)*64 + int64(b)
				if idx >= nodes {
					break
				}
				if w&(1<<b) == 0 {
					return t.seedErr(seedHeaderSize+idx*seedNodeSize, "node %d is not reachable from the root", idx)
				}
			}
		}
	}
	h := (*seedHeader)(t.data[:seedHeaderSize])
	if h.valueCount() != v.values {
		return errcode.At(pkg, errcode.ErrFormat, 36, "act: seed layout: header says %d values, the tree holds %d", h.valueCount(), v.values)
	}
	return nil
}

// visit marks the node at off, failing if it was reached before, and checks
// what readers tolerate.
func (v *seedVerifier) visit(t *Tree, off int64, n *seedNode) error {
	i := (off - seedHeaderSize) / seedNodeSize
	if v.seen[i/64]&(1<<(i%64)) != 0 {
		return t.seedErr(off, "node is reached twice")
	}
	v.seen[i/64] |= 1 << (i % 64)
	if n.count() == 0 && n.children() != 0 {
		return t.seedErr(off, "node without children has a children offset %d", n.children())
	}
	if n.hasValue() {
		v.values++
	}
	return nil
}
