package ffi

import (
	"encoding/binary"
	"sync"
	"unsafe"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// ABI describes the platform a shim exports to: how wide its pointer and
// size_t slots are, and how it hands memory to the host.
type ABI struct {
	// PtrSize is the width in bytes of pointer and size_t out-slots: 8 for
	// the C library on 64-bit hosts, 4 for wasm32.
	PtrSize int
	// Alloc gets n bytes (n > 0) of host-visible memory: malloc for C, a
	// pinned Go slice for wasm. b aliases the memory; p is nil on failure.
	// It must report failure, never end the process: cgo's C.malloc and
	// Go's make both abort on exhaustion, so neither may be called bare
	// (capi calls malloc through a C function; wasm checks the room left
	// in linear memory first, see HeapFits). A failure becomes PF_ENOMEM.
	Alloc func(n int) (p unsafe.Pointer, b []byte)
	// Release returns memory from Alloc.
	Release func(p unsafe.Pointer)

	mu   sync.Mutex
	live map[unsafe.Pointer]struct{} // buffers handed out and not yet freed
}

// alloc gets n bytes and records them as live, so Free can tell a library
// buffer from anything else.
func (a *ABI) alloc(n int) (unsafe.Pointer, []byte) {
	if n <= 0 {
		n = 1
	}
	p, b := a.Alloc(n)
	if p == nil {
		return nil, nil
	}
	a.mu.Lock()
	if a.live == nil {
		a.live = map[unsafe.Pointer]struct{}{}
	}
	a.live[p] = struct{}{}
	a.mu.Unlock()
	return p, b
}

// buffer gets n bytes of host memory for a result, recorded as live, or
// PF_ENOMEM. An export whose result is large gets its buffer here before it
// does the work that fills it, so a host that cannot hold the result fails
// the call before the Go heap has grown by the same amount.
func (a *ABI) buffer(n int) (unsafe.Pointer, []byte, error) {
	p, b := a.alloc(n)
	if p == nil {
		return nil, nil, errcode.New("ffi", errcode.ErrNoMem, "cannot allocate %d bytes", n)
	}
	return p, b, nil
}

// hostBuffer lets a core function build one result straight into host
// memory: alloc may be called once; p is what it handed out (nil: nothing).
// On an error after alloc, discard frees it.
type hostBuffer struct {
	a *ABI
	p unsafe.Pointer
}

func (h *hostBuffer) alloc(n int) ([]byte, error) {
	if h.p != nil {
		return nil, errcode.New("ffi", errcode.ErrInternal, "a second allocation for one result")
	}
	p, b, err := h.a.buffer(n)
	if err != nil {
		return nil, err
	}
	h.p = p
	return b[:n], nil
}

func (h *hostBuffer) discard() {
	if h.p != nil {
		h.a.release(h.p)
		h.p = nil
	}
}

// replyImage hands the host the image of a file held in memory, built
// straight into host memory by into (a File's BytesInto): one copy, and
// PF_ENOMEM before anything is copied when the host cannot hold it.
func (a *ABI) replyImage(out, outLen unsafe.Pointer, name string, into func(func(int) ([]byte, error)) ([]byte, bool, error)) error {
	hb := &hostBuffer{a: a}
	b, inMemory, err := into(hb.alloc)
	if err == nil && !inMemory {
		err = errcode.New("ffi", errcode.ErrBadArg, "%s is a file on disk, not in memory", name)
	}
	if err != nil {
		hb.discard()
		return err
	}
	a.putSize(out, uint64(uintptr(hb.p)))
	a.putSize(outLen, uint64(len(b)))
	return nil
}

// export copies b into host memory (nil if the host has none).
func (a *ABI) export(b []byte) unsafe.Pointer {
	p, dst := a.alloc(len(b))
	copy(dst, b)
	return p
}

// release frees a live buffer; false if p is not one.
func (a *ABI) release(p unsafe.Pointer) bool {
	a.mu.Lock()
	_, ok := a.live[p]
	delete(a.live, p)
	a.mu.Unlock()
	if ok {
		a.Release(p)
	}
	return ok
}

// LiveBuffers is the number of buffers handed out and not freed (for leak tests).
func (a *ABI) LiveBuffers() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.live)
}

// in is a borrowed input buffer.
func in(p unsafe.Pointer, n uint64) ([]byte, error) {
	if n == 0 {
		return nil, nil
	}
	if p == nil {
		return nil, errcode.New("ffi", errcode.ErrBadArg, "NULL buffer with length %d", n)
	}
	if n > 1<<40 {
		return nil, errcode.New("ffi", errcode.ErrBadArg, "buffer length %d is not plausible", n)
	}
	return unsafe.Slice((*byte)(p), int(n)), nil
}

func (a *ABI) putSize(p unsafe.Pointer, v uint64) {
	s := unsafe.Slice((*byte)(p), a.PtrSize)
	if a.PtrSize == 8 {
		binary.NativeEndian.PutUint64(s, v)
	} else {
		binary.NativeEndian.PutUint32(s, uint32(v))
	}
}

func putU32(p unsafe.Pointer, v uint32) { *(*uint32)(p) = v }
func putU64(p unsafe.Pointer, v uint64) { *(*uint64)(p) = v }
func putI64(p unsafe.Pointer, v int64)  { *(*int64)(p) = v }
func putI32(p unsafe.Pointer, v int32)  { *(*int32)(p) = v }

// flag is b as an OutFlag's value.
func flag(b bool) int32 {
	if b {
		return 1
	}
	return 0
}

// lend hands b to the host as a borrowed view, (out, outLen) its address
// and length and *borrowed 1: memory outside the Go heap (a mapping, or
// bytes the host lent), valid until the handle is closed, not to be freed.
func (a *ABI) lend(out, outLen, borrowed unsafe.Pointer, b []byte) {
	a.putSize(out, uint64(uintptr(unsafe.Pointer(unsafe.SliceData(b)))))
	a.putSize(outLen, uint64(len(b)))
	putI32(borrowed, 1)
}

// needOut checks that every out-parameter is non-NULL.
func needOut(ps ...unsafe.Pointer) error {
	for i, p := range ps {
		if p == nil {
			return errcode.New("ffi", errcode.ErrBadArg, "out-parameter %d is NULL", i+1)
		}
	}
	return nil
}

// putBuf hands b to the host through (out, outLen) and returns the buffer
// (nil for empty b).
func (a *ABI) putBuf(out, outLen unsafe.Pointer, b []byte) (unsafe.Pointer, error) {
	var p unsafe.Pointer
	if len(b) > 0 {
		var dst []byte
		var err error
		if p, dst, err = a.buffer(len(b)); err != nil {
			return nil, err
		}
		copy(dst, b)
	}
	a.putSize(out, uint64(uintptr(p)))
	a.putSize(outLen, uint64(len(b)))
	return p, nil
}
