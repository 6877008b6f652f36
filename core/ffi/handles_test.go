package ffi

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"unsafe"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/mem8"
)

// mmapABI is a host ABI like C's: every buffer is its own anonymous
// mapping outside the Go heap, unmapped by Release. It is safe for
// concurrent use, and an allocation of more than limit bytes fails.
func mmapABI(limit int) *ABI {
	var mu sync.Mutex
	maps := map[unsafe.Pointer][]byte{}
	return &ABI{
		PtrSize: 8,
		Alloc: func(n int) (unsafe.Pointer, []byte) {
			if n > limit {
				return nil, nil
			}
			b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
			if err != nil {
				return nil, nil
			}
			p := unsafe.Pointer(&b[0])
			mu.Lock()
			maps[p] = b
			mu.Unlock()
			return p, b
		},
		Release: func(p unsafe.Pointer) {
			mu.Lock()
			b := maps[p]
			delete(maps, p)
			mu.Unlock()
			syscall.Munmap(b)
		},
	}
}

// probe is a handle object whose use blocks until it is let go, and whose
// Close records whether a use was still in flight.
type probe struct {
	inside   atomic.Int32
	entered  chan struct{}
	letGo    chan struct{}
	closed   atomic.Bool
	raceSeen atomic.Bool
}

func (p *probe) Close() error {
	if p.inside.Load() != 0 {
		p.raceSeen.Store(true)
	}
	p.closed.Store(true)
	return nil
}

func (p *probe) use() error {
	p.inside.Add(1)
	defer p.inside.Add(-1)
	close(p.entered)
	<-p.letGo
	if p.closed.Load() {
		return fmt.Errorf("object closed under a call")
	}
	return nil
}

// Close removes the handle at once (new calls get PF_EBADHANDLE) but
// closes the object only after the call in flight on it has returned.
func TestCloseWaitsForCallsInFlight(t *testing.T) {
	a := goABI()
	p := &probe{entered: make(chan struct{}), letGo: make(chan struct{})}
	h := register(p)
	inFlight := make(chan int32)
	go func() { inFlight <- onHandle(a, h, "probe", nil, func(p *probe) error { return p.use() }) }()
	<-p.entered
	closed := make(chan int32)
	go func() { closed <- Close(a, h) }()
	for { // until Close has taken the handle out of the table
		if rc := onHandle(a, h, "probe", nil, func(*probe) error { return nil }); rc == int32(errcode.BadHandle) {
			break
		}
	}
	if rc := Close(a, h); rc != int32(errcode.BadHandle) {
		t.Fatalf("second close while the first waits: %d", rc)
	}
	select {
	case rc := <-closed:
		t.Fatalf("Close returned %d while a call was still in flight", rc)
	default:
	}
	close(p.letGo)
	if rc := <-inFlight; rc != 0 {
		t.Fatalf("the call in flight: %d %s", rc, cstr(ErrMsg(a, 0)))
	}
	if rc := <-closed; rc != 0 {
		t.Fatalf("close: %d", rc)
	}
	if !p.closed.Load() || p.raceSeen.Load() {
		t.Fatalf("closed %v, closed under a call %v", p.closed.Load(), p.raceSeen.Load())
	}
}

// A panic inside a call still releases the handle: Close does not hang.
func TestPanicReleasesHandle(t *testing.T) {
	a := goABI()
	p := &probe{}
	h := register(p)
	if rc := guarded(a, h, func() int32 { return onHandle(a, h, "probe", nil, func(*probe) error { panic("in a call") }) }); rc != int32(errcode.Internal) {
		t.Fatalf("rc %d", rc)
	}
	if rc := Close(a, h); rc != 0 || !p.closed.Load() {
		t.Fatalf("close after a panic: %d", rc)
	}
}

// TestCloseRacesReads is the C report's crash in Go: readers inside
// pf_mmx_read (raw chunks checksummed from the mapping, zstd chunks
// decompressed from it) while another goroutine closes the handle. Every
// call returns PF_OK or PF_EBADHANDLE, and copied data is right.
func TestCloseRacesReads(t *testing.T) {
	a := mmapABI(1 << 30)
	const elems = 1 << 20 // 4 MiB per chunk
	ramp := make([]byte, 4*elems)
	for i := range elems {
		binary.LittleEndian.PutUint32(ramp[4*i:], uint32(i))
	}
	path := filepath.Join(t.TempDir(), "race.mmx")
	pp, pn := str(path)
	var w uint32
	if rc := MMXCreate(a, pp, pn, nil, 0, unsafe.Pointer(&w)); rc != 0 {
		t.Fatalf("create: %d", rc)
	}
	for _, c := range []struct{ name, comp string }{{"raw", "None"}, {"zst", "Zstd"}} {
		np, nn := str(c.name)
		dp, dn := str(fmt.Sprintf(`{"chunk_type":"Tensor","dtype":"uint32","shape":[%d],"compression":%q}`, elems, c.comp))
		bp, bn := ptrOf(ramp)
		if rc := MMXWrite(a, w, np, nn, dp, dn, bp, bn); rc != 0 {
			t.Fatalf("write %s: %d %s", c.name, rc, cstr(ErrMsg(a, w)))
		}
	}
	if rc := Close(a, w); rc != 0 {
		t.Fatalf("close writer: %d", rc)
	}
	iterations := 12
	if testing.Short() {
		iterations = 3
	}
	var ok, gone atomic.Int64
	for it := range iterations {
		name := []string{"raw", "zst"}[it%2]
		opts := []string{`{"verify":"on_read"}`, `{"verify":"never"}`}[it/2%2]
		op, on := str(opts)
		var h uint32
		if rc := MMXOpen(a, pp, pn, 0, op, on, unsafe.Pointer(&h)); rc != 0 {
			t.Fatalf("open: %d", rc)
		}
		var started, wg sync.WaitGroup
		for range 3 {
			started.Add(1)
			wg.Add(1)
			go func() {
				defer wg.Done()
				np, nn := str(name)
				for i := 0; ; i++ {
					if i == 0 {
						started.Done()
					}
					var js, data unsafe.Pointer
					var jn, dn uint64
					var borrowed int32 = -1
					rc := MMXRead(a, h, np, nn, unsafe.Pointer(&js), unsafe.Pointer(&jn), unsafe.Pointer(&data), unsafe.Pointer(&dn), unsafe.Pointer(&borrowed))
					if rc == int32(errcode.BadHandle) {
						gone.Add(1)
						return
					}
					if rc != 0 {
						t.Errorf("read %s: %d %s", name, rc, cstr(ErrMsg(a, 0)))
						return
					}
					ok.Add(1)
					Free(a, js)
					if borrowed == 0 {
						got := unsafe.Slice((*byte)(data), dn)
						if dn != uint64(len(ramp)) || binary.LittleEndian.Uint32(got[4*(elems-1):]) != elems-1 {
							t.Errorf("copied read of %s: %d bytes", name, dn)
						}
						Free(a, data)
					}
				}
			}()
		}
		started.Wait()
		if rc := Close(a, h); rc != 0 {
			t.Fatalf("close during reads: %d %s", rc, cstr(ErrMsg(a, 0)))
		}
		wg.Wait()
	}
	if gone.Load() != int64(3*iterations) {
		t.Fatalf("%d readers saw the handle go, want %d", gone.Load(), 3*iterations)
	}
	t.Logf("%d reads returned PF_OK, %d PF_EBADHANDLE", ok.Load(), gone.Load())
	if n := a.LiveBuffers(); n > 4 {
		t.Fatalf("%d buffers live", n)
	}
}

// A recovered panic says what happened in one line, without a stack.
func TestPanicMessageHasNoStack(t *testing.T) {
	a := goABI()
	if rc := callGuarded(a, 0, func() error { panic(fmt.Errorf("boom\nsecond line")) }); rc != int32(errcode.Internal) {
		t.Fatalf("rc %d", rc)
	}
	msg := cstr(ErrMsg(a, 0))
	if want := "ffi: internal error in polyfmt: boom … (please report)"; msg != want {
		t.Fatalf("message %q, want %q", msg, want)
	}
	var s []int
	callGuarded(a, 0, func() error { _ = s[3]; return nil })
	msg = cstr(ErrMsg(a, 0))
	if !strings.Contains(msg, "index out of range") || strings.Contains(msg, "goroutine") || strings.Contains(msg, ".go:") {
		t.Fatalf("message %q", msg)
	}
	callGuarded(a, 0, func() error { panic(strings.Repeat("x", 1000)) })
	if msg = cstr(ErrMsg(a, 0)); len(msg) > 300 {
		t.Fatalf("message of %d bytes", len(msg))
	}
}

// With POLYFMT_DEBUG=1 the stack goes to stderr, still not into the message.
func TestPanicStackOnStderrWithDebug(t *testing.T) {
	t.Setenv("POLYFMT_DEBUG", "1")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := os.Stderr
	os.Stderr = w
	a := goABI()
	callGuarded(a, 0, func() error { panic("traced") })
	os.Stderr = stderr
	w.Close()
	out, _ := io.ReadAll(r)
	if !strings.Contains(string(out), "recovered panic: traced") || !strings.Contains(string(out), "goroutine") {
		t.Fatalf("stderr %q", out)
	}
	if msg := cstr(ErrMsg(a, 0)); strings.Contains(msg, "goroutine") {
		t.Fatalf("message %q", msg)
	}
}

// A host allocator that fails makes a result PF_ENOMEM, and the table
// keeps working.
func TestAllocFailureIsNoMem(t *testing.T) {
	a := mmapABI(1 << 10)
	var h uint32
	img := make([]byte, 4096)
	ip, in := ptrOf(img)
	if rc := MMXOpenBytes(a, ip, in, 0, unsafe.Pointer(&h)); rc != int32(errcode.NoMem) {
		t.Fatalf("open_bytes of 4 KiB with a 1 KiB allocator: %d", rc)
	}
	if msg := cstr(ErrMsg(a, 0)); !strings.Contains(msg, "cannot allocate 4096 bytes") {
		t.Fatalf("message %q", msg)
	}
	if rc := Mem8OpenBytes(a, ip, in, 0, unsafe.Pointer(&h)); rc != int32(errcode.NoMem) {
		t.Fatalf("mem8 open_bytes of 4 KiB with a 1 KiB allocator: %d", rc)
	}
	if rc := MMXCreate(a, nil, 0, nil, 0, unsafe.Pointer(&h)); rc != 0 {
		t.Fatalf("create after PF_ENOMEM: %d", rc)
	}
	np, nn := str("big")
	dp, dn := str(`{"chunk_type":"Tensor","dtype":"uint8","shape":[2048]}`)
	bp, bn := ptrOf(make([]byte, 2048))
	if rc := MMXWrite(a, h, np, nn, dp, dn, bp, bn); rc != 0 {
		t.Fatalf("write: %d", rc)
	}
	var js, data unsafe.Pointer
	var jn, dl uint64
	var borrowed int32
	if rc := MMXRead(a, h, np, nn, unsafe.Pointer(&js), unsafe.Pointer(&jn), unsafe.Pointer(&data), unsafe.Pointer(&dl), unsafe.Pointer(&borrowed)); rc != int32(errcode.NoMem) {
		t.Fatalf("read of 2 KiB with a 1 KiB allocator: %d", rc)
	}
	if js != nil || a.LiveBuffers() > 2 {
		t.Fatalf("a failed read left its JSON: %p, %d live", js, a.LiveBuffers())
	}
	if rc := Close(a, h); rc != 0 {
		t.Fatalf("close: %d", rc)
	}
}

// A read-only MEM8 image is copied into host memory, freed at close.
func TestMem8OpenBytesCopyIsHostMemory(t *testing.T) {
	a := mmapABI(1 << 20)
	var h uint32
	if rc := Mem8Create(a, nil, 0, nil, 0, unsafe.Pointer(&h)); rc != 0 {
		t.Fatal(rc)
	}
	cp, cn := str("kept in host memory")
	if rc := Mem8Append(a, h, cp, cn, 0.5, nil, 0, 1, nil); rc != 0 {
		t.Fatal(rc)
	}
	var img unsafe.Pointer
	var imgLen uint64
	if rc := Mem8Bytes(a, h, unsafe.Pointer(&img), unsafe.Pointer(&imgLen)); rc != 0 {
		t.Fatal(rc)
	}
	image := bufOf(a, img, imgLen)
	Free(a, img)
	Close(a, h)
	live := a.LiveBuffers()
	ip, in := ptrOf(image)
	if rc := Mem8OpenBytes(a, ip, in, 0, unsafe.Pointer(&h)); rc != 0 {
		t.Fatalf("open_bytes: %d %s", rc, cstr(ErrMsg(a, 0)))
	}
	if a.LiveBuffers() != live+1 {
		t.Fatalf("%d live buffers with the image open, want %d", a.LiveBuffers(), live+1)
	}
	clear(image) // the handle reads its own copy
	var js, content unsafe.Pointer
	var jn, n uint64
	if rc := Mem8Block(a, h, 0, unsafe.Pointer(&js), unsafe.Pointer(&jn), unsafe.Pointer(&content), unsafe.Pointer(&n)); rc != 0 {
		t.Fatalf("block: %d", rc)
	}
	if got := string(bufOf(a, content, n)); got != "kept in host memory" {
		t.Fatalf("content %q", got)
	}
	Free(a, js)
	Free(a, content)
	if rc := Close(a, h); rc != 0 || a.LiveBuffers() != live {
		t.Fatalf("close: %d, %d live buffers, want %d", rc, a.LiveBuffers(), live)
	}
}

// pf_mmx_bytes and pf_mem8_bytes build the image in host memory once:
// with an allocator too small for it they are PF_ENOMEM with nothing left
// allocated, and the image handed out equals the file's.
func TestBytesImageIsHostMemory(t *testing.T) {
	a := mmapABI(1 << 12) // smaller than an MMX image (its header alone is 4 KiB)
	var h uint32
	if rc := MMXCreate(a, nil, 0, nil, 0, unsafe.Pointer(&h)); rc != 0 {
		t.Fatal(rc)
	}
	live := a.LiveBuffers()
	var img unsafe.Pointer
	var n uint64
	if rc := MMXBytes(a, h, unsafe.Pointer(&img), unsafe.Pointer(&n)); rc != int32(errcode.NoMem) || img != nil {
		t.Fatalf("mmx bytes with a 4 KiB allocator: %d %p", rc, img)
	}
	if a.LiveBuffers() != live {
		t.Fatalf("a failed bytes left %d buffers", a.LiveBuffers()-live)
	}
	Close(a, h)

	b := mmapABI(1 << 20)
	if rc := Mem8Create(b, nil, 0, nil, 0, unsafe.Pointer(&h)); rc != 0 {
		t.Fatal(rc)
	}
	cp, cn := str("one block")
	if rc := Mem8Append(b, h, cp, cn, 0.5, nil, 0, 1, nil); rc != 0 {
		t.Fatal(rc)
	}
	if rc := Mem8Bytes(b, h, unsafe.Pointer(&img), unsafe.Pointer(&n)); rc != 0 {
		t.Fatalf("mem8 bytes: %d", rc)
	}
	obj := acquire(h)
	want := obj.obj.(*fileHandle).f.(*mem8.File).Bytes()
	obj.release()
	if got := bufOf(b, img, n); string(got) != string(want) {
		t.Fatalf("image of %d bytes differs from the file's %d", len(got), len(want))
	}
	Free(b, img)
	Close(b, h)

	// An 8 MiB image crosses without a copy on the Go heap.
	c := mmapABI(64 << 20)
	if rc := MMXCreate(c, nil, 0, nil, 0, unsafe.Pointer(&h)); rc != 0 {
		t.Fatal(rc)
	}
	np, nn := str("big")
	dp, dn := str(`{"chunk_type":"Tensor","dtype":"uint8","shape":[8388608]}`)
	bp, bn := ptrOf(make([]byte, 8<<20))
	if rc := MMXWrite(c, h, np, nn, dp, dn, bp, bn); rc != 0 || MMXCommit(c, h) != 0 {
		t.Fatalf("write: %d", rc)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if rc := MMXBytes(c, h, unsafe.Pointer(&img), unsafe.Pointer(&n)); rc != 0 || n < 8<<20 {
		t.Fatalf("mmx bytes: %d, %d bytes", rc, n)
	}
	runtime.ReadMemStats(&after)
	if heap := after.TotalAlloc - before.TotalAlloc; heap > 1<<20 {
		t.Fatalf("pf_mmx_bytes of %d bytes allocated %d bytes on the Go heap", n, heap)
	}
	Free(c, img)
	Close(c, h)
}
