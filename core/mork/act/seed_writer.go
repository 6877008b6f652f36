package act

import (
	"math"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// seedPending is a seed-layout node built but not yet written: it is
// written in its parent's run of children when the parent is sealed.
type seedPending struct {
	tag      byte
	count    int
	run      int64 // first child, when count > 0
	hasValue bool
	value    uint64
}

// seedLevel is the open node at one depth of the last path.
type seedLevel struct {
	hasValue bool
	value    uint64
	kids     []seedPending
}

// seedWriter writes one node per path position, post-order: a node's run
// of children when the node is sealed, the node itself in its parent's
// run, the root last.
type seedWriter struct {
	out    *sink
	levels []seedLevel // levels[d] is the node at depth d of the last path
	nodes  uint64
	values uint64
	node   seedNode
}

func (w *seedWriter) init(out *sink) {
	w.out = out
	w.levels = append(w.levels[:0], seedLevel{})
	var h seedHeader
	h.init()
	out.write(h[:])
}

func (w *seedWriter) add(prev []byte, l int, path []byte, value uint64) error {
	if err := w.seal(prev, l); err != nil {
		return err
	}
	for len(w.levels) <= len(path) {
		if len(w.levels) < cap(w.levels) {
			kids := w.levels[:len(w.levels)+1][len(w.levels)].kids[:0]
			w.levels = append(w.levels, seedLevel{kids: kids})
		} else {
			w.levels = append(w.levels, seedLevel{})
		}
	}
	lv := &w.levels[len(path)]
	lv.hasValue, lv.value = true, value
	return nil
}

// seal writes the runs of every node deeper than l and hands each node to
// its parent.
func (w *seedWriter) seal(prev []byte, l int) error {
	for d := len(w.levels) - 1; d > l; d-- {
		p, err := w.close(&w.levels[d], prev[d-1])
		if err != nil {
			return err
		}
		w.levels = w.levels[:d]
		w.levels[d-1].kids = append(w.levels[d-1].kids, p)
	}
	return w.out.err
}

// close writes lv's children and returns lv as a pending node.
func (w *seedWriter) close(lv *seedLevel, tag byte) (seedPending, error) {
	p := seedPending{tag: tag, count: len(lv.kids), run: w.out.pos, hasValue: lv.hasValue, value: lv.value}
	for i := range lv.kids {
		if err := w.write(&lv.kids[i]); err != nil {
			return p, err
		}
	}
	return p, nil
}

func (w *seedWriter) write(p *seedPending) error {
	off := w.out.pos
	var rel int64
	if p.count > 0 {
		rel = p.run - off
	}
	if rel < math.MinInt32 || rel > math.MaxInt32 {
		return errcode.New(pkg, errcode.ErrLimit, "act: seed layout: node at %d would be %d bytes from its children, beyond the i32 offset", off, rel)
	}
	meta := uint64(p.count)
	if p.hasValue {
		meta |= seedMetaHasValue
		w.values++
	}
	w.node.put(p.tag, int32(rel), p.value, meta)
	w.out.write(w.node[:])
	w.nodes++
	return nil
}

func (w *seedWriter) finish(prev []byte) error {
	if err := w.seal(prev, 0); err != nil {
		return err
	}
	root, err := w.close(&w.levels[0], 0)
	if err != nil {
		return err
	}
	rootAt := w.out.pos
	if err := w.write(&root); err != nil {
		return err
	}
	var h seedHeader
	h.init()
	h.setRoot(uint64(rootAt))
	h.setNodes(w.nodes)
	h.setValues(w.values)
	return w.out.patch(0, h[:])
}
