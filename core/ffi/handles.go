package ffi

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"unsafe"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/internal/fastatomic"
	"github.com/polyfmt/polyfmt/core/mem8"
	"github.com/polyfmt/polyfmt/core/version"
)

// The handle table. Handles are never reused within a process, so a stale
// handle is always PF_EBADHANDLE, never someone else's object.
var table = struct {
	sync.Mutex
	objs   map[uint32]*entry
	msgs   map[uint32]msg // last error per handle; key 0 is the slot for calls without an open handle
	next   uint32
	static map[int32]unsafe.Pointer // pf_errstr texts, exported once
}{objs: map[uint32]*entry{}, msgs: map[uint32]msg{}, next: 1, static: map[int32]unsafe.Pointer{}}

// An entry is an open object and the calls in flight on it. Every export
// that uses a handle holds it (acquire … release) for the whole call, so
// Close can wait for those calls before it closes the object: a read never
// has its mapping unmapped under it.
//
// One counter says both how many calls are in flight and whether the
// handle is being closed (the closing bit), so that a call's acquire and
// its release are one read-modify-write each and take no lock unless the
// handle is being closed: Close adds the closing bit, and waits if calls
// are still counted; a release that leaves the count at the closing bit
// alone was the last call out and signals; an acquire that finds the bit
// backs out as if the handle had already left the table.
type entry struct {
	obj     io.Closer
	h       uint32           // the handle, which the hot slots are checked against
	inUse   fastatomic.Int32 // calls between acquire and release, plus closingBit
	m8      *mem8.File       // obj's file if it is a MEM8 file: pf_mem8_count's fast path (asserting obj's two concrete types instead cost 12 ns more per call in polyfmt.wasm, 53 → 65 ns)
	drained chan struct{}    // made by Close when calls are in flight, closed by the last release; guarded by table
}

// closingBit is added to an entry's inUse by Close.
const closingBit = 1 << 30

// graveyard delays freeing a replaced pf_errmsg text: another thread may
// have just been handed it. A text stays valid until graveSize more texts
// have been replaced or closed, anywhere in the process.
const graveSize = 64

var graveyard struct {
	ptrs [graveSize]msg
	next int
}

// bury frees the text that was graveSize burials ago and keeps m's. The
// caller holds table's lock.
func bury(m msg) {
	g := &graveyard
	if old := g.ptrs[g.next]; old.ptr != nil {
		old.abi.release(old.ptr)
	}
	g.ptrs[g.next] = m
	g.next = (g.next + 1) % graveSize
}

// Roots for LeakSanitizer: it scans the library's globals but not the Go
// heap, so the C strings the table keeps (errstr texts, slot 0's message)
// are also recorded here, where a leak checker sees them reachable.
var (
	errstrRoots [128]unsafe.Pointer
	slot0Root   unsafe.Pointer
)

type msg struct {
	text string
	ptr  unsafe.Pointer // NUL-terminated copy handed out by pf_errmsg, owned by the table
	abi  *ABI
}

func register(obj io.Closer) uint32 {
	table.Lock()
	defer table.Unlock()
	for {
		h := table.next
		table.next++
		if h == 0 {
			continue
		}
		if _, used := table.objs[h]; !used {
			e := &entry{obj: obj, h: h}
			if fh, ok := obj.(*fileHandle); ok {
				e.m8, _ = fh.f.(*mem8.File)
			}
			table.objs[h] = e
			hot[h%hotSlots].Store(e) // the newest handle in its slot: calls on it take the lock-free path
			return h
		}
	}
}

// hot holds open entries by handle, slot h%hotSlots, for acquire's
// lock-free path: a slot holds the newest handle registered into it, until
// that handle is closed. A handle whose slot holds another one (more than
// hotSlots open at once) takes the locked path through the table. Measured
// from C, the lock and the map lookup were 25 of the 32 ns pf_mem8_count
// spent in Go (bench/README.md, 2026-11-26).
const hotSlots = 256

var hot [hotSlots]fastatomic.Pointer[entry]

// acquire finds handle h and holds it for a call (nil: h is not open):
// Close waits for the matching release before it closes the object. Its
// lock-free path is small enough to inline into an export.
func acquire(h uint32) *entry {
	e := hot[h%hotSlots].Load()
	if e == nil || e.h != h {
		return acquireLocked(h)
	}
	if e.inUse.Add(1)&closingBit != 0 {
		return backOut(e)
	}
	return e
}

// backOut is acquire's path when h is being closed: e, which acquire has
// just counted in, backs out, as if it had already left the table.
//
//go:noinline
func backOut(e *entry) *entry {
	e.release()
	return nil
}

// notOpen is the error for a call on a handle that is not open.
func notOpen(h uint32) error {
	return errcode.New("ffi", errcode.ErrClosed, "handle %d is not open", h)
}

// acquireLocked is acquire through the table, under its lock: for a
// handle whose hot slot holds another one (or none). The entry it finds
// has no closingBit: Close adds it under the same lock, after the handle
// left the table.
func acquireLocked(h uint32) *entry {
	table.Lock()
	defer table.Unlock()
	e, ok := table.objs[h]
	if !ok || h == 0 {
		return nil
	}
	e.inUse.Add(1)
	return e
}

// release ends a call that acquire began; the last call out of a handle
// being closed lets Close go on.
//
//go:noinline
func (e *entry) release() {
	if e.inUse.Add(-1) == closingBit {
		drain(e)
	}
}

// drain lets Close go on after the last call out of e.
func drain(e *entry) {
	table.Lock()
	defer table.Unlock()
	if e.drained != nil {
		close(e.drained)
		e.drained = nil
	}
}

// onHandle runs fn, as an export, on the object of type T behind handle h,
// after checking that the required out-parameters are not NULL. The handle
// is held while fn runs, and released even if fn panics (the export's shim
// recovers the panic, see Running).
func onHandle[T io.Closer](a *ABI, h uint32, kind string, outs []unsafe.Pointer, fn func(T) error) int32 {
	obj, e, err := hold[T](h, kind, outs...)
	if e != nil {
		defer e.release()
	}
	if err == nil {
		err = fn(obj)
	}
	return status(a, h, err)
}

// Held is the handle an export holds, in the export's shim: an ffi
// function that takes a *Held records there the entry it acquired instead
// of deferring its release, and the shim's one deferred guard releases it,
// also when the call panics. One deferred call per export is all the
// bookkeeping a handle call pays (see Running).
type Held struct{ e *entry }

// Release ends the call on the handle held, if any, and reports whether
// it was the last call out of a handle being closed: the shim then calls
// Drain, so that Release inlines into the shim's guard and makes no Go
// call on the usual path.
func (c *Held) Release() bool {
	e := c.e
	return e != nil && e.inUse.Add(-1) == closingBit
}

// Drain lets Close go on after the last call out of the handle held.
func (c *Held) Drain() { drain(c.e) }

// hold checks that the required out-parameters are not NULL, then finds
// handle h, of type T, and holds it for the call. The caller releases the
// entry (see running).
func hold[T any](h uint32, kind string, outs ...unsafe.Pointer) (T, *entry, error) {
	var zero T
	if err := needOut(outs...); err != nil {
		return zero, nil, err
	}
	e := acquire(h)
	if e == nil {
		return zero, nil, notOpen(h)
	}
	obj, ok := e.obj.(T)
	if !ok {
		return zero, e, errcode.New("ffi", errcode.ErrClosed, "handle %d is not a %s handle", h, kind)
	}
	return obj, e, nil
}

// Running is an export's status while it runs: every return replaces it,
// so the deferred function that still sees it knows the export is
// panicking. The panic guard lives in each export's shim, generated
// (core/ffi/gen) into capi/exports_gen.go and wasm/exports_gen.go, and is
// the only deferred call on an export's path:
//
//	func pf_x(handle uint32, …) (code int32) {
//		var held ffi.Held // exports whose ffi function takes one
//		code = ffi.Running
//		defer func() {
//			held.Release()
//			if code == ffi.Running {
//				code = ffi.Recovered(abi, handle, recover())
//			}
//		}()
//		return ffi.X(abi, &held, handle, …)
//	}
//
// The ffi functions themselves defer nothing on their hot paths and are
// small enough to inline into the shim: in polyfmt.wasm every Go call is a
// measurable part of a trivial export (bench/README.md), and recover, a
// call of its own, is only reached when the export panics. A status
// export's ffi function must only be called through such a guard.
const Running = -1 << 31

const running int32 = Running

// Recovered is recovered for the shims' guard.
func Recovered(a *ABI, h uint32, r any) int32 { return recovered(a, h, r) }

// recovered records the panic value r as h's error, PF_EINTERNAL, which it
// returns.
//
// A recovered panic's message is one line naming the panic value; the stack
// goes to stderr only when POLYFMT_DEBUG=1, never into pf_errmsg, where it
// would reach the user of an application.
func recovered(a *ABI, h uint32, r any) int32 {
	if os.Getenv("POLYFMT_DEBUG") == "1" {
		fmt.Fprintf(os.Stderr, "polyfmt: recovered panic: %v\n%s", r, debug.Stack())
	}
	setErr(a, h, errcode.New("ffi", errcode.ErrInternal, "internal error in polyfmt: %s (please report)", panicText(r)))
	return int32(errcode.Internal)
}

// status is an export's return code for err, which is recorded on h.
func status(a *ABI, h uint32, err error) int32 {
	if err == nil {
		return 0
	}
	setErr(a, h, err)
	return int32(errcode.Of(err))
}

// reply hands b to the host through (out, outLen) unless err is set.
func (a *ABI) reply(out, outLen unsafe.Pointer, b []byte, err error) error {
	if err != nil {
		return err
	}
	_, err = a.putBuf(out, outLen, b)
	return err
}

// setErr records err as the last error of h (slot 0 when h is not open).
func setErr(a *ABI, h uint32, err error) {
	table.Lock()
	defer table.Unlock()
	if _, open := table.objs[h]; !open {
		h = 0
	}
	if old, ok := table.msgs[h]; ok && old.ptr != nil {
		bury(old)
	}
	table.msgs[h] = msg{text: err.Error(), abi: a}
	if h == 0 {
		slot0Root = nil
	}
}

// call runs fn for an export on handle h: an error is recorded on h and
// mapped to its pinned code (a panic is the shim's guard's, see Running).
func call(a *ABI, h uint32, fn func() error) int32 {
	return status(a, h, fn())
}

// panicText is a panic value as one line of at most 200 bytes.
func panicText(r any) string {
	s := fmt.Sprint(r)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i] + " …"
	}
	if len(s) > 200 {
		s = strings.ToValidUTF8(s[:200], "") + " …"
	}
	return s
}

// Version writes the library version as major<<16 | minor<<8 | patch.
//
// The hot path of an export in its shortest form: it inlines into its
// shim, which then makes no Go call but its deferred guard.
func Version(a *ABI, out unsafe.Pointer) int32 {
	if out == nil {
		return nullOut(a, 0)
	}
	// Constants, not version.Number(): in polyfmt.wasm that call measured
	// 8 ns (15%) more per pf_version under Node (bench/abi_compare.sh).
	putU32(out, VersionMajor<<16|VersionMinor<<8|VersionPatch)
	return 0
}

// nullOut records and returns PF_EBADARG for a NULL out-parameter (the
// first) of an export on h: out of line, so that the exports that check
// one stay small enough to inline.
//
//go:noinline
func nullOut(a *ABI, h uint32) int32 {
	return status(a, h, needOut(nil))
}

// The library version (core/version).
const (
	VersionMajor = version.Major
	VersionMinor = version.Minor
	VersionPatch = version.Patch
)

// ErrStr returns a static NUL-terminated description of code, never freed.
func ErrStr(a *ABI, code int32) (p unsafe.Pointer) {
	defer func() {
		if recover() != nil {
			p = nil
		}
	}()
	table.Lock()
	defer table.Unlock()
	if p, ok := table.static[code]; ok {
		return p
	}
	p = a.export(append([]byte(errcode.Code(code).String()), 0))
	table.static[code] = p
	if code >= 0 && int(code) < len(errstrRoots) {
		errstrRoots[code] = p
	}
	return p
}

// ErrMsg returns h's last error as a NUL-terminated string, valid until the
// next failure recorded on h or until h is closed. It never returns NULL: with
// no error it is "".
func ErrMsg(a *ABI, h uint32) (p unsafe.Pointer) {
	defer func() {
		if recover() != nil {
			p = nil
		}
	}()
	table.Lock()
	defer table.Unlock()
	if _, open := table.objs[h]; !open {
		h = 0
	}
	m := table.msgs[h]
	if m.ptr == nil {
		m.ptr = a.export(append([]byte(m.text), 0))
		m.abi = a
		table.msgs[h] = m
		if h == 0 {
			slot0Root = m.ptr
		}
	}
	return m.ptr
}

// Close closes handle h. Closing 0 is a no-op; an unknown or closed handle is
// PF_EBADHANDLE.
//
// The handle leaves the table at once, so calls that start after it get
// PF_EBADHANDLE; Close then waits until the calls already in flight on h
// have returned, and closes the object. When Close returns, the object is
// closed: its mapping is gone (views lent from it are invalid) and its
// writer lock is released, so the path can be opened for writing again.
func Close(a *ABI, h uint32) int32 {
	if h == 0 {
		return 0
	}
	return closeHandle(a, h)
}

// closeHandle is Close of an open (or unknown) handle h ≠ 0; out of line,
// so that Close inlines into its shim.
//
//go:noinline
func closeHandle(a *ABI, h uint32) int32 {
	return call(a, h, func() error {
		table.Lock()
		e, ok := table.objs[h]
		delete(table.objs, h)
		if ok {
			hot[h%hotSlots].CompareAndSwap(e, nil)
		}
		if m, hasMsg := table.msgs[h]; hasMsg && m.ptr != nil {
			bury(m)
		}
		delete(table.msgs, h)
		var drained chan struct{}
		if ok && e.inUse.Add(closingBit) != closingBit {
			e.drained = make(chan struct{})
			drained = e.drained
		}
		table.Unlock()
		if !ok {
			return errcode.New("ffi", errcode.ErrClosed, "handle %d is not open (closed twice?)", h)
		}
		if drained != nil {
			<-drained
		}
		return e.obj.Close()
	})
}

// Free releases a buffer the library returned. NULL is a no-op; anything
// else not from the library is PF_EBADARG.
func Free(a *ABI, p unsafe.Pointer) int32 {
	return call(a, 0, func() error {
		if p == nil {
			return nil
		}
		if !a.release(p) {
			return errcode.New("ffi", errcode.ErrBadArg, "pf_free: %p was not returned by polyfmt (or was freed already)", p)
		}
		return nil
	})
}

// OpenHandles is the number of open handles (for leak tests).
func OpenHandles() int {
	table.Lock()
	defer table.Unlock()
	return len(table.objs)
}

// Alloc is pf_alloc (wasm only): n bytes of linear memory for staging
// inputs, freed with pf_free. It returns 0 on failure, also when the
// instance's memory cannot hold n more bytes (see HeapFits): the caller gets
// a refusal, not a trapped instance.
func Alloc(a *ABI, n uint64) (p unsafe.Pointer) {
	defer func() {
		if recover() != nil {
			p = nil
		}
	}()
	if n >= 1<<32 {
		return nil
	}
	p, _ = a.alloc(int(n))
	return p
}

// newHandle runs an export that opens or creates an object: it checks the
// out-parameter, runs open, and hands back the new object's handle.
func newHandle(a *ABI, outH unsafe.Pointer, open func() (*fileHandle, error)) int32 {
	return call(a, 0, func() error {
		if err := needOut(outH); err != nil {
			return err
		}
		obj, err := open()
		if err != nil {
			return err
		}
		putU32(outH, register(obj))
		return nil
	})
}

// writableArg checks a writable flag, which is 0 or 1.
func writableArg(writable int32) (bool, error) {
	switch writable {
	case 0:
		return false, nil
	case 1:
		return true, nil
	}
	return false, errcode.New("ffi", errcode.ErrBadArg, "writable must be 0 or 1, got %d", writable)
}

// openArgs checks the path and mode arguments of the pf_*open functions.
func openArgs(path unsafe.Pointer, pathLen uint64, writable int32) (string, bool, error) {
	p, err := in(path, pathLen)
	if err != nil {
		return "", false, err
	}
	if len(p) == 0 {
		return "", false, errcode.New("ffi", errcode.ErrBadArg, "empty path")
	}
	w, err := writableArg(writable)
	return string(p), w, err
}
