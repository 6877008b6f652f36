package storage

import (
	"os"
	"sync"
	"time"
)

// Verified chunks: a process-wide record of byte ranges of mapped files whose
// checksum held, so that a later open of the same, unchanged file need not
// hash them again while their bytes have stayed in memory.
//
// A format that checks a checksum on first read (MMX's VerifyOnRead) asks
// ChunkKey for the range it is about to hash. The key names the file's
// version — device, inode, size, modification and change time, read by
// fstat when the file was mapped — and the range and its expected checksum.
// If the key was marked verified by an earlier check in this process, and
// every page of the range is in memory now (cachestat or mincore), the bytes are the
// ones that were hashed: a change to the file through any path changes its
// modification or change time, and pages that left memory are read from
// the disk again and hashed again. What this does not catch is a range
// whose pages were dropped and read back from a disk that had changed
// underneath, between the two opens, while the file kept its times; an
// explicit Verify never consults the record.
//
// The record holds at most maxVerified ranges; when full it starts over.

// FileVersion identifies one version of a file on disk.
type FileVersion struct {
	Dev, Ino     uint64
	Size         int64
	Mtime, Ctime int64 // nanoseconds
}

// ChunkKey is one verified range of one file version.
type ChunkKey struct {
	V      FileVersion
	Off, N uint64
	Sum    string // the expected checksum, with its algorithm
}

const maxVerified = 1 << 16

var verified struct {
	sync.Mutex
	m map[ChunkKey]struct{}
}

// ChunkKey returns the key of [off, off+n) of a file mapped from a path
// whose version is known, with sum its expected checksum; ok is false for
// every other Backing (writable, in memory, a reader, a platform without
// fstat's fields), which always hashes.
func (b *Backing) ChunkKey(off, n uint64, sum string) (ChunkKey, bool) {
	if b.W != nil || b.Data == nil || !b.OS.versioned {
		return ChunkKey{}, false
	}
	return ChunkKey{V: b.OS.Version, Off: off, N: n, Sum: sum}, true
}

// WasVerified reports whether k (a key of b's) was marked and the bytes of
// data (the mapped range k names) are all in memory: cachestat(2) on b's
// file where the kernel has it (Linux 6.5; a third of mincore's cost, which
// looks at every page of the mapping), else mincore.
func (b *Backing) WasVerified(k ChunkKey, data []byte) bool {
	verified.Lock()
	_, ok := verified.m[k]
	verified.Unlock()
	if !ok {
		return false
	}
	if all, known := cachedWhole(b.OS.File, k.Off, k.N); known {
		return all
	}
	return resident(data)
}

// MarkVerified records k, unless the file changed too recently for its
// times to tell a later change apart (racy): within 20 ms of now, twice the
// coarsest clock tick Linux file systems stamp times with (10 ms at
// HZ=100), or 2 s when its times are whole seconds (a file system that
// keeps no finer ones). A write in the same clock tick as the one the
// times show would leave them as they are.
func MarkVerified(k ChunkKey) {
	if racy(k.V, time.Now().UnixNano()) {
		return
	}
	verified.Lock()
	defer verified.Unlock()
	if verified.m == nil || len(verified.m) >= maxVerified {
		verified.m = make(map[ChunkKey]struct{})
	}
	verified.m[k] = struct{}{}
}

// stamp records fi as the version of the file o maps.
func (o *OSFile) stamp(fi os.FileInfo) {
	o.Version, o.versioned = versionOf(fi)
}

// racy reports whether v's times are too close to now (ns) to be trusted.
func racy(v FileVersion, now int64) bool {
	window := int64(20 * time.Millisecond)
	if v.Mtime%int64(time.Second) == 0 && v.Ctime%int64(time.Second) == 0 {
		window = int64(2 * time.Second)
	}
	return now-max(v.Mtime, v.Ctime) < window
}
