package storage

import (
	"os"
	"sync/atomic"
	"syscall"
	"unsafe"
)

func versionOf(fi os.FileInfo) (FileVersion, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return FileVersion{}, false
	}
	return FileVersion{
		Dev: st.Dev, Ino: st.Ino, Size: st.Size,
		Mtime: st.Mtim.Nano(), Ctime: st.Ctim.Nano(),
	}, true
}

var pageSize = uintptr(os.Getpagesize())

// resident reports whether every page of data is in memory (mincore); any
// failure says no.
func resident(data []byte) bool {
	if len(data) == 0 {
		return true
	}
	start := uintptr(unsafe.Pointer(&data[0]))
	first := start &^ (pageSize - 1)
	end := start + uintptr(len(data))
	pages := (end - first + pageSize - 1) / pageSize
	var small [256]byte
	vec := small[:]
	if pages > uintptr(len(small)) {
		vec = make([]byte, pages)
	}
	vec = vec[:pages]
	_, _, errno := syscall.Syscall(syscall.SYS_MINCORE, first, end-first, uintptr(unsafe.Pointer(&vec[0])))
	if errno != 0 {
		return false
	}
	for _, v := range vec {
		if v&1 == 0 {
			return false
		}
	}
	return true
}

// cachestat(2): struct cachestat_range and the first two fields of struct
// cachestat (the kernel writes all five).
type cachestatRange struct{ off, len uint64 }

type cachestatResult struct {
	cache, dirty, writeback, evicted, recentlyEvicted uint64
}

const sysCachestat = 451 // the same number on every Linux architecture

// noCachestat is set once the kernel says it has no cachestat.
var noCachestat atomic.Bool

// cachedWhole reports whether every page of [off, off+n) of f is in the
// page cache; known is false when it cannot tell (no file, no cachestat).
func cachedWhole(f *os.File, off, n uint64) (all, known bool) {
	if f == nil || n == 0 || noCachestat.Load() {
		return false, false
	}
	first := off &^ uint64(pageSize-1)
	pages := (off + n - first + uint64(pageSize) - 1) / uint64(pageSize)
	rg := cachestatRange{off: first, len: pages * uint64(pageSize)}
	var cs cachestatResult
	sc, err := f.SyscallConn()
	if err != nil {
		return false, false
	}
	var errno syscall.Errno
	if err := sc.Control(func(fd uintptr) {
		_, _, errno = syscall.Syscall6(sysCachestat, fd, uintptr(unsafe.Pointer(&rg)), uintptr(unsafe.Pointer(&cs)), 0, 0, 0)
	}); err != nil {
		return false, false
	}
	if errno != 0 {
		if errno == syscall.ENOSYS {
			noCachestat.Store(true)
		}
		return false, false
	}
	return cs.cache == pages, true
}
