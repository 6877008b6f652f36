package storage

import (
	"os"
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
