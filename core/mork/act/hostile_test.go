package act

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// pmFile assembles a PathMap-layout file: arena bytes from offset 16, the
// root offset, and the 8-byte trailer unless noTrailer.
func pmFile(root uint64, arena []byte, noTrailer bool) []byte {
	out := binary.LittleEndian.AppendUint64([]byte(Magic), root)
	out = append(out, arena...)
	if !noTrailer {
		out = append(out, make([]byte, pmTrailer)...)
	}
	return out
}

// seedFile assembles a seed-layout file from nodes, with a consistent
// header unless fix changes it.
func seedFile(root int, values uint64, nodes []seedNode, fix func(h *seedHeader)) []byte {
	var h seedHeader
	h.init()
	h.setRoot(uint64(seedHeaderSize + root*seedNodeSize))
	h.setNodes(uint64(len(nodes)))
	h.setValues(values)
	if fix != nil {
		fix(&h)
	}
	out := h[:]
	for _, n := range nodes {
		out = append(out, n[:]...)
	}
	return out
}

func sn(tag byte, children int32, value, meta uint64) seedNode {
	var n seedNode
	n.put(tag, children, value, meta)
	return n
}

// expDAG is a PathMap file of depth levels where each branch's two
// children share one run: 2^depth paths from a few bytes per level.
func expDAG(depth int) []byte {
	arena := []byte{pmValueFlag, 7} // the leaf at 16
	prev := int64(16)
	for range depth {
		// Two branches, each with one child 'x' at prev: a run of two.
		a := int64(pmArenaStart + len(arena))
		arena = appendPMBranch(arena, false, 0, uint64(a-prev), []byte{'x'})
		b := int64(pmArenaStart + len(arena))
		arena = appendPMBranch(arena, false, 0, uint64(b-prev), []byte{'x'})
		// The next level's run is [a, b]: wrap it in a branch a/b.
		c := int64(pmArenaStart + len(arena))
		arena = appendPMBranch(arena, false, 0, uint64(c-a), []byte{'a', 'b'})
		prev = c
	}
	return pmFile(uint64(prev), arena, false)
}

type hostileCase struct {
	name string
	data []byte
	open error  // expected open error kind, nil if it opens
	get  []byte // a path to Get
	getE error  // expected Get error kind (nil: no error)
	walk error  // expected Walk error kind
	ver  error  // expected Verify error kind
}

func hostileCases() []hostileCase {
	leaf := []byte{pmValueFlag, 1} // branch with value 1, at 16
	return []hostileCase{
		{name: "pm root before arena", data: pmFile(8, leaf, false), open: errcode.ErrFormat},
		{name: "pm root past end", data: pmFile(1<<40, leaf, false), open: errcode.ErrFormat},
		{name: "pm too short", data: []byte(Magic + "\x10\x00"), open: errcode.ErrFormat},
		{name: "pm wrong magic", data: append([]byte("ACTree02"), pmFile(16, leaf, false)[8:]...), open: errcode.ErrFormat},
		{name: "pm child points at itself", data: pmFile(16, []byte{0x01, 0, 'a'}, false),
			get: []byte("a"), getE: errcode.ErrFormat, walk: errcode.ErrFormat, ver: errcode.ErrFormat},
		{name: "pm child before arena", data: pmFile(16, []byte{0x01, 5, 'a'}, false),
			get: []byte("a"), getE: errcode.ErrFormat, walk: errcode.ErrFormat, ver: errcode.ErrFormat},
		{name: "pm huge varint at end", data: pmFile(16, []byte{pmValueFlag, 0xFF, 1}, true),
			get: nil, getE: errcode.ErrFormat, walk: errcode.ErrFormat, ver: errcode.ErrFormat},
		{name: "pm huge child offset", data: pmFile(18, append(bytes.Clone(leaf), 0x01, 0xFF, 1, 2, 3, 4, 5, 6, 7, 8, 'a'), false),
			get: []byte("a"), getE: errcode.ErrFormat, walk: errcode.ErrFormat, ver: errcode.ErrFormat},
		{name: "pm line length 0", data: pmFile(17, []byte{0, pmLineFlag | pmValueFlag, 1, 1}, false),
			get: nil, getE: errcode.ErrFormat, walk: errcode.ErrFormat, ver: errcode.ErrFormat},
		{name: "pm line length 2^64-1", data: pmFile(25, []byte{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, pmLineFlag | pmValueFlag, 1, 9}, false),
			get: []byte("a"), getE: errcode.ErrFormat, walk: errcode.ErrFormat, ver: errcode.ErrFormat},
		{name: "pm line data overlaps its node", data: pmFile(17, []byte{3, pmLineFlag | pmValueFlag, 1, 1}, false),
			get: nil, getE: errcode.ErrFormat, walk: errcode.ErrFormat, ver: errcode.ErrFormat},
		// Found by FuzzNewTree: the line length's varint runs into the node.
		{name: "pm line length varint overruns its node", data: pmFile(25, []byte("0\xff0000000\xc00\b"), true),
			get: nil, getE: errcode.ErrFormat, walk: errcode.ErrFormat, ver: errcode.ErrFormat},
		{name: "pm branch claims 33 children", data: pmFile(16, []byte{0x21, 1}, false),
			get: nil, getE: errcode.ErrFormat, walk: errcode.ErrFormat, ver: errcode.ErrFormat},
		{name: "pm line head reserved bits", data: pmFile(18, []byte{1, 'a', 0x82 | pmValueFlag, 1, 2}, false),
			get: []byte("a"), getE: errcode.ErrFormat, walk: errcode.ErrFormat, ver: errcode.ErrFormat},
		// Two children; the second would start at the branch itself.
		{name: "pm child run reaches its branch", data: pmFile(18, append(bytes.Clone(leaf), 0x02, 2, 'a', 'b'), false),
			get: []byte("b"), getE: errcode.ErrFormat, walk: errcode.ErrFormat, ver: errcode.ErrFormat},
		{name: "pm child bytes unsorted", data: pmFile(20, append(bytes.Clone(leaf), pmValueFlag, 2, 0x02, 4, 'b', 'a'), false),
			get: []byte("a"), walk: errcode.ErrFormat, ver: errcode.ErrFormat},
		// A mask with one bit: readable, but pathmap writes a list below 32.
		{name: "pm sparse mask", data: pmFile(18, append(append(bytes.Clone(leaf), 0x20, 2), maskOf('q')...), false),
			get: []byte("q"), ver: errcode.ErrFormat},
		{name: "pm non-canonical varint", data: pmFile(16, []byte{pmValueFlag, 0xF8, 5}, false),
			get: nil, ver: errcode.ErrFormat},
		{name: "pm no trailer", data: pmFile(16, leaf, true), get: nil, ver: errcode.ErrFormat},
		{name: "pm exponential DAG", data: expDAG(40), get: bytes.Repeat([]byte("ax"), 40),
			walk: errcode.ErrFormat, ver: errcode.ErrFormat},

		{name: "seed bad flags", data: seedFile(0, 0, []seedNode{sn(0, 0, 0, 0)}, func(h *seedHeader) { h[16] = 1 }), open: errcode.ErrUnsupported},
		{name: "seed reserved header", data: seedFile(0, 0, []seedNode{sn(0, 0, 0, 0)}, func(h *seedHeader) { h[50] = 1 }), open: errcode.ErrFormat},
		{name: "seed node count lies", data: seedFile(0, 0, []seedNode{sn(0, 0, 0, 0)}, func(h *seedHeader) { h.setNodes(1 << 40) }), open: errcode.ErrFormat},
		{name: "seed value count lies", data: seedFile(0, 5, []seedNode{sn(0, 0, 0, 0)}, nil), open: errcode.ErrFormat},
		{name: "seed root unaligned", data: seedFile(0, 0, []seedNode{sn(0, 0, 0, 0)}, func(h *seedHeader) { h.setRoot(65) }), open: errcode.ErrFormat},
		{name: "seed root past end", data: seedFile(1, 0, []seedNode{sn(0, 0, 0, 0)}, nil), open: errcode.ErrFormat},
		{name: "seed torn node", data: seedFile(0, 0, []seedNode{sn(0, 0, 0, 0)}, nil)[:80], open: errcode.ErrFormat},
		{name: "seed cycle", data: seedFile(0, 0, []seedNode{sn(0, 0, 0, 1)}, nil),
			get: bytes.Repeat([]byte{0}, 1000), walk: errcode.ErrFormat, ver: errcode.ErrFormat},
		{name: "seed children out of range", data: seedFile(0, 0, []seedNode{sn(0, 24*1000, 0, 1)}, nil),
			get: []byte{1}, getE: errcode.ErrFormat, walk: errcode.ErrFormat, ver: errcode.ErrFormat},
		{name: "seed children before header", data: seedFile(0, 0, []seedNode{sn(0, -48, 0, 1)}, nil),
			get: []byte{1}, getE: errcode.ErrFormat, walk: errcode.ErrFormat, ver: errcode.ErrFormat},
		{name: "seed children unaligned", data: seedFile(0, 0, []seedNode{sn(0, 1, 0, 1), sn(1, 0, 1, 0)}, nil),
			get: []byte{1}, getE: errcode.ErrFormat, walk: errcode.ErrFormat, ver: errcode.ErrFormat},
		{name: "seed 511 children", data: seedFile(0, 0, []seedNode{sn(0, 24, 0, 0x1FF), sn(1, 0, 1, 0)}, nil),
			get: []byte{1}, getE: errcode.ErrFormat, walk: errcode.ErrFormat, ver: errcode.ErrFormat},
		{name: "seed reserved metadata", data: seedFile(0, 0, []seedNode{sn(0, 0, 0, 1<<40)}, nil),
			get: nil, getE: errcode.ErrFormat, walk: errcode.ErrFormat, ver: errcode.ErrFormat},
		{name: "seed tags unsorted", data: seedFile(0, 2, []seedNode{sn(0, 24, 0, 2), sn(2, 0, 1, 0), sn(1, 0, 2, 0)}, nil),
			get: []byte{2}, walk: errcode.ErrFormat, ver: errcode.ErrFormat},
		// Root → [A, B]; A and B both → [L]: L is reached twice.
		{name: "seed shared child", data: seedFile(3, 1, []seedNode{sn(9, 0, 7, 0), sn(1, -24, 0, 1), sn(2, -48, 0, 1), sn(0, -48, 0, 2)}, nil),
			get: []byte{2, 9}, walk: errcode.ErrFormat, ver: errcode.ErrFormat},
		{name: "seed stray children offset", data: seedFile(0, 1, []seedNode{sn(0, 24, 1, 0)}, nil),
			get: nil, ver: errcode.ErrFormat},
	}
}

func maskOf(bs ...byte) []byte {
	m := make([]byte, pmMaskSize)
	for _, b := range bs {
		m[b>>3] |= 1 << (b & 7)
	}
	return m
}

func wantKind(t *testing.T, what string, err, kind error) {
	t.Helper()
	if kind == nil {
		if err != nil {
			t.Errorf("%s: %v", what, err)
		}
		return
	}
	if !errors.Is(err, kind) {
		t.Errorf("%s: error %v, want %v", what, err, kind)
		return
	}
	var e *errcode.Error
	if !errors.As(err, &e) || (kind == errcode.ErrFormat && e.Offset < 0) {
		t.Errorf("%s: %v carries no offset", what, err)
	}
}

func TestHostile(t *testing.T) {
	for _, c := range hostileCases() {
		t.Run(c.name, func(t *testing.T) {
			tr, err := NewTree(c.data, nil)
			wantKind(t, "open", err, c.open)
			if err != nil {
				return
			}
			_, _, err = tr.Get(c.get)
			wantKind(t, "Get", err, c.getE)
			wantKind(t, "Walk", tr.Walk(nil, func([]byte, uint64) error { return nil }), c.walk)
			_, err = tr.Count()
			wantKind(t, "Count", err, c.walk)
			wantKind(t, "Verify", tr.Verify(), c.ver)
		})
	}
}

// TestLimits: each limit, set low, stops a walk with ErrLimit; a negative
// one is ErrBadArg.
func TestLimits(t *testing.T) {
	rs := []rec{{[]byte("a"), 1}, {[]byte("abcdefgh"), 2}, {[]byte("abcdefgx"), 3}, {[]byte("b"), 4}}
	for _, layout := range layouts {
		data := build(t, layout, rs)
		for _, lim := range []Limits{{MaxDepth: 1}, {MaxPathLen: 4}, {MaxVisits: 3}} {
			tr, err := NewTree(data, &lim)
			if err != nil {
				t.Fatal(err)
			}
			err = tr.Walk(nil, func([]byte, uint64) error { return nil })
			if !errors.Is(err, errcode.ErrLimit) {
				t.Errorf("%v %+v: Walk = %v, want ErrLimit", layout, lim, err)
			}
		}
		_, err := NewTree(data, &Limits{MaxPathLen: -1})
		isKind(t, err, errcode.ErrBadArg)
	}
	// A shared subtrie is walked in full when MaxVisits allows it.
	tr, err := NewTree(expDAG(6), &Limits{MaxVisits: 1 << 10})
	if err != nil {
		t.Fatal(err)
	}
	n, err := tr.Count()
	if err != nil || n != 64 {
		t.Errorf("Count of a 6-level shared DAG = %d, %v; want 64", n, err)
	}
	tr, _ = NewTree(expDAG(20), &Limits{MaxVisits: 1 << 10})
	_, err = tr.Count()
	isKind(t, err, errcode.ErrLimit)
}

// TestWalkStops: an error from the callback ends the walk and comes back
// as is.
func TestWalkStops(t *testing.T) {
	stop := errors.New("stop")
	for _, layout := range layouts {
		tr, _ := NewTree(build(t, layout, genPaths(5, 100)), nil)
		n := 0
		err := tr.Walk(nil, func([]byte, uint64) error {
			n++
			if n == 10 {
				return stop
			}
			return nil
		})
		if err != stop || n != 10 {
			t.Errorf("%v: Walk = %v after %d calls", layout, err, n)
		}
	}
}

// checkNoPanic runs every reader on data: errors must be ErrFormat,
// ErrUnsupported or ErrLimit, never a panic.
func checkNoPanic(t *testing.T, data []byte, lim *Limits) (opened, verified bool) {
	t.Helper()
	ok := func(what string, err error) {
		if err != nil && !errors.Is(err, errcode.ErrFormat) && !errors.Is(err, errcode.ErrUnsupported) && !errors.Is(err, errcode.ErrLimit) {
			t.Fatalf("%s: unexpected error %v", what, err)
		}
	}
	tr, err := NewTree(data, lim)
	ok("open", err)
	if err != nil {
		return false, false
	}
	walked := map[string]uint64{}
	werr := tr.Walk(nil, func(p []byte, v uint64) error {
		if len(walked) < 1000 {
			walked[string(p)] = v
		}
		return nil
	})
	ok("Walk", werr)
	for p, v := range walked {
		if werr != nil {
			break // a walk that failed may have yielded from a run Get cannot search
		}
		got, found, err := tr.Get([]byte(p))
		ok("Get", err)
		if err == nil && (!found || got != v) {
			t.Fatalf("Walk yields %x=%d, Get gives %d, %v", p, v, got, found)
		}
	}
	for _, p := range [][]byte{nil, {0}, []byte("a"), bytes.Repeat([]byte{0xC4}, 40)} {
		_, _, err := tr.Get(p)
		ok("Get", err)
		ok("Walk prefix", tr.Walk(p, func([]byte, uint64) error { return nil }))
	}
	_, err = tr.Count()
	ok("Count", err)
	verr := tr.Verify()
	ok("Verify", verr)
	if verr == nil && werr != nil {
		t.Fatalf("Verify passes but Walk fails: %v", werr)
	}
	return true, verr == nil
}

// TestTruncation: every proper prefix of valid files of both layouts fails
// to open or fails Verify, and nothing panics.
func TestTruncation(t *testing.T) {
	for _, layout := range layouts {
		for _, rs := range [][]rec{nil, roundTripCases[8].recs, wide(40), genPaths(2, 30)} {
			data := build(t, layout, rs)
			for n := 0; n < len(data); n++ {
				_, verified := checkNoPanic(t, data[:n], nil)
				if verified {
					t.Fatalf("%v: the %d-byte prefix of a %d-byte file verifies", layout, n, len(data))
				}
			}
		}
	}
}

// TestMutation flips every byte of small files of both layouts.
func TestMutation(t *testing.T) {
	for _, layout := range layouts {
		data := build(t, layout, roundTripCases[8].recs)
		for i := range data {
			for _, x := range []byte{0x01, 0x80, 0xFF} {
				m := bytes.Clone(data)
				m[i] ^= x
				checkNoPanic(t, m, &Limits{MaxVisits: 1 << 12})
			}
		}
	}
}
