package paths

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"iter"
	"math"
	"slices"
	"sort"
	"strconv"
)

// Set is a set of paths (byte strings; for MORK, encoded expressions), each
// with a u64 value, kept sorted by bytes (bytes.Compare order).
//
// It is built by appending and sorted once: Add appends, and the first
// method that needs order sorts and deduplicates, the last Add of a path
// winning. Adding paths in increasing order keeps the set sorted as it goes,
// so reading a sorted file never sorts. All path bytes live in one arena,
// with one u64 end offset and one u64 value per path: about 16 bytes a path
// besides its bytes, and no allocation per path (while a set grows, its
// slices may hold up to as much again in spare capacity; Sort leaves them
// exact). Sorting needs 64 bytes a path more, and a second arena, for its
// duration.
//
// The zero Set is empty and ready to use.
//
// A Set is not safe for concurrent use: Add, Sort and Remove modify it, and
// every other method sorts it first when it is not sorted. Once Sort has
// returned, and until the next Add or Remove, any number of goroutines may
// call Len, Path, Value, Get, Range, Bytes and All concurrently.
type Set struct {
	arena    []byte   // the paths' bytes, one after another
	end      []uint64 // path i is arena[end[i-1]:end[i]] (end[-1] = 0)
	vals     []uint64
	unsorted bool // some path is not greater than the one before it
}

// NewSet returns an empty set.
func NewSet() *Set { return new(Set) }

// Add adds path with value, copying path. A path already present takes the
// new value when the set is next sorted. Add panics if path is longer than
// MaxRecordLen, or if the set already holds 2^32-1 paths.
func (s *Set) Add(path []byte, value uint64) {
	if uint64(len(path)) > recordLimit {
		panic("paths: Set.Add: path of " + strconv.Itoa(len(path)) + " bytes is longer than a record can hold")
	}
	if n := len(s.vals); n > 0 {
		switch bytes.Compare(path, s.raw(n-1)) {
		case 0:
			// The same path again: its last value wins, as it would after sorting.
			s.vals[n-1] = value
			return
		case -1:
			s.unsorted = true
		}
	}
	if uint64(len(s.vals)) == math.MaxUint32 {
		panic("paths: Set.Add: a Set holds at most 2^32-1 paths")
	}
	s.arena = appendDoubling(s.arena, path...)
	s.end = appendDoubling(s.end, uint64(len(s.arena)))
	s.vals = appendDoubling(s.vals, value)
}

// recordLimit is MaxRecordLen; tests lower it.
var recordLimit uint64 = MaxRecordLen

// appendDoubling is append growing by doubling, not by append's 1.25 for
// large slices: a set built by Add copies its bytes about once, not about
// four times over.
func appendDoubling[T any](s []T, v ...T) []T {
	if need := len(s) + len(v); need > cap(s) {
		ns := make([]T, len(s), max(2*cap(s), need, 64))
		copy(ns, s)
		s = ns
	}
	return append(s, v...)
}

// reserve makes room for n more paths of nbytes bytes in all.
func (s *Set) reserve(n, nbytes int) {
	if cap(s.vals)-len(s.vals) < n {
		s.end = slices.Grow(s.end, n)
		s.vals = slices.Grow(s.vals, n)
	}
	if cap(s.arena)-len(s.arena) < nbytes {
		s.arena = slices.Grow(s.arena, nbytes)
	}
}

// raw returns path i without sorting.
func (s *Set) raw(i int) []byte {
	start := uint64(0)
	if i > 0 {
		start = s.end[i-1]
	}
	return s.arena[start:s.end[i]:s.end[i]]
}

// sortKey stands for path idx while sorting: the 16 bytes after the
// prefix all paths share (zero-padded, big-endian), then where its bytes
// are. Most comparisons are of the two words alone and touch no arena.
type sortKey struct {
	hi, lo uint64
	start  uint64
	n      uint32 // path length
	idx    uint32 // Add order among the unsorted entries
}

// commonPrefix returns the length of the prefix all paths share.
func (s *Set) commonPrefix() int {
	if len(s.vals) == 0 {
		return 0
	}
	first := s.raw(0)
	cp := len(first)
	for i := 1; i < len(s.vals) && cp > 0; i++ {
		p := s.raw(i)
		if len(p) < cp {
			cp = len(p)
		}
		j := 0
		for j < cp && p[j] == first[j] {
			j++
		}
		cp = j
	}
	return cp
}

// Sort sorts the set by path and removes duplicate paths, keeping the value
// of each path's last Add. It is idempotent, and the other methods call it
// when needed. It needs 64 bytes a path and a second arena while it runs:
// an MSD radix sort on the 16 key bytes, then a comparison sort of the
// small buckets and of paths whose key bytes are all equal.
func (s *Set) Sort() {
	if !s.unsorted {
		return
	}
	n := len(s.vals)
	cp := s.commonPrefix()
	win := cp + 16 // bytes [cp, win) are in the key
	keys := make([]sortKey, n)
	var pad [16]byte
	for i := range keys {
		p := s.raw(i)
		var k []byte
		if len(p) >= win {
			k = p[cp:win]
		} else {
			pad = [16]byte{}
			copy(pad[:], p[cp:])
			k = pad[:]
		}
		keys[i] = sortKey{
			hi: binary.BigEndian.Uint64(k), lo: binary.BigEndian.Uint64(k[8:]),
			start: s.end[i] - uint64(len(p)), n: uint32(len(p)), idx: uint32(i),
		}
	}
	// compare orders two keys by path; equal paths compare 0.
	compare := func(a, b *sortKey) int {
		if a.hi != b.hi {
			return cmp.Compare(a.hi, b.hi)
		}
		if a.lo != b.lo {
			return cmp.Compare(a.lo, b.lo)
		}
		if int(a.n) <= win || int(b.n) <= win {
			// The shorter path ends within the key, which holds all its
			// bytes: it is a prefix of the other.
			return cmp.Compare(a.n, b.n)
		}
		return bytes.Compare(s.arena[a.start+uint64(win):a.start+uint64(a.n)], s.arena[b.start+uint64(win):b.start+uint64(b.n)])
	}
	full := func(a, b sortKey) int {
		if c := compare(&a, &b); c != 0 {
			return c
		}
		return cmp.Compare(a.idx, b.idx) // equal paths: in Add order
	}
	radixSort(keys, make([]sortKey, n), 0, full)
	// Keep the last of each run of equal paths, copying into a new arena
	// in sorted order, so iteration and search read it sequentially.
	size := 0
	for j := range keys {
		if j+1 == n || compare(&keys[j], &keys[j+1]) != 0 {
			size += int(keys[j].n)
		}
	}
	arena := make([]byte, 0, size)
	end := make([]uint64, 0, n)
	vals := make([]uint64, 0, n)
	for j := range keys {
		k := &keys[j]
		if j+1 < n && compare(k, &keys[j+1]) == 0 {
			continue
		}
		arena = append(arena, s.arena[k.start:k.start+uint64(k.n)]...)
		end = append(end, uint64(len(arena)))
		vals = append(vals, s.vals[k.idx])
	}
	s.arena, s.end, s.vals, s.unsorted = arena, end, vals, false
}

// Len returns the number of distinct paths.
func (s *Set) Len() int {
	s.Sort()
	return len(s.vals)
}

// Path returns the i-th path in sorted order. The slice is the set's own:
// it must not be modified, and is valid until the next Add or Remove. Path
// panics if i is out of range.
func (s *Set) Path(i int) []byte {
	s.Sort()
	return s.raw(i)
}

// Value returns the value of the i-th path in sorted order. It panics if i
// is out of range.
func (s *Set) Value(i int) uint64 {
	s.Sort()
	return s.vals[i]
}

// search returns the index of the first path not less than p.
func (s *Set) search(p []byte) int {
	return sort.Search(len(s.vals), func(i int) bool { return bytes.Compare(s.raw(i), p) >= 0 })
}

// Get returns the value of path and whether the set holds it.
func (s *Set) Get(path []byte) (uint64, bool) {
	s.Sort()
	i := s.search(path)
	if i < len(s.vals) && bytes.Equal(s.raw(i), path) {
		return s.vals[i], true
	}
	return 0, false
}

// Range returns the indices [lo, hi) of the paths that start with prefix,
// found by binary search; lo == hi when there are none. The empty prefix
// gives the whole set.
func (s *Set) Range(prefix []byte) (lo, hi int) {
	s.Sort()
	lo = s.search(prefix)
	// Paths with the prefix follow lo contiguously; every later path is
	// greater than prefix and does not start with it.
	rest := sort.Search(len(s.vals)-lo, func(i int) bool { return !bytes.HasPrefix(s.raw(lo+i), prefix) })
	return lo, lo + rest
}

// Remove removes path and reports whether the set held it. It moves the
// bytes and offsets after it, so it costs O(Len + Bytes).
func (s *Set) Remove(path []byte) bool {
	s.Sort()
	i := s.search(path)
	if i >= len(s.vals) || !bytes.Equal(s.raw(i), path) {
		return false
	}
	start := uint64(0)
	if i > 0 {
		start = s.end[i-1]
	}
	l := s.end[i] - start
	s.arena = append(s.arena[:start], s.arena[s.end[i]:]...)
	s.end = append(s.end[:i], s.end[i+1:]...)
	for j := i; j < len(s.end); j++ {
		s.end[j] -= l
	}
	s.vals = append(s.vals[:i], s.vals[i+1:]...)
	return true
}

// Bytes returns the total length of the distinct paths.
func (s *Set) Bytes() int64 {
	s.Sort()
	return int64(len(s.arena))
}

// All yields every path and its value in sorted order. The paths are the
// set's own, as with Path; the set must not be modified during the loop.
func (s *Set) All() iter.Seq2[[]byte, uint64] {
	return func(yield func([]byte, uint64) bool) {
		s.Sort()
		for i := range s.vals {
			if !yield(s.raw(i), s.vals[i]) {
				return
			}
		}
	}
}
