package ffi

import (
	"sync"
	"testing"
	"unsafe"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// guarded runs fn as the generated shims run an export (see Running): the
// panic guard deferred once, around an ffi function that defers none.
func guarded(a *ABI, h uint32, fn func() int32) (code int32) {
	code = Running
	defer func() {
		if code == Running {
			code = Recovered(a, h, recover())
		}
	}()
	return fn()
}

// callGuarded is call as an export: inside the shims' guard.
func callGuarded(a *ABI, h uint32, fn func() error) int32 {
	return guarded(a, h, func() int32 { return call(a, h, fn) })
}

// mem8Count is pf_mem8_count's generated shim (capi/exports_gen.go,
// wasm/exports_gen.go), written out: the guard releases what the call
// holds, the fast path is tried first.
func mem8Count(a *ABI, h uint32, out unsafe.Pointer) (code int32) {
	var held Held
	code = Running
	defer func() {
		if held.Release() {
			held.Drain()
		}
		if code == Running {
			code = Recovered(a, h, recover())
		}
	}()
	if Mem8CountFast(&held, h, out) {
		return 0
	}
	return Mem8Count(a, &held, h, out)
}

// The locked fallback of the handle table under a racing pf_close: more
// than hotSlots MEM8 handles open, so most of them share a hot slot with a
// newer one and take acquireLocked, while other goroutines close them.
// Every count returns PF_OK with the right count or PF_EBADHANDLE (never
// anything else), no call runs on a closed file (a count after Close
// returned would read a released file: probeCount checks the order), and
// every Close returns PF_OK once. Run with -race.
func TestLockedPathRacesClose(t *testing.T) {
	a := goABI()
	const n = 2*hotSlots + 17
	hs := make([]uint32, n)
	for i := range hs {
		if rc := Mem8Create(a, nil, 0, nil, 0, unsafe.Pointer(&hs[i])); rc != 0 {
			t.Fatal(rc)
		}
		cp, cn := ptrOf([]byte("x"))
		for range i % 3 {
			if rc := Mem8Append(a, hs[i], cp, cn, 0.5, nil, 0, 1, nil); rc != 0 {
				t.Fatal(rc)
			}
		}
	}
	// Two handles in one slot: the older takes the locked path.
	if hot[hs[0]%hotSlots].Load().h == hs[0] {
		t.Fatal("the first handle still owns its hot slot with more than hotSlots open")
	}
	var closedAt [n]sync.Once
	closed := make([]chanFlag, n)
	for i := range closed {
		closed[i] = make(chanFlag)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range 3 {
				for i := w; i < n; i += 1 + round {
					var c uint64
					wasClosed := closed[i].isSet()
					switch rc := mem8Count(a, hs[i], unsafe.Pointer(&c)); {
					case rc == 0 && c != uint64(i%3):
						errs <- "wrong count"
					case rc == 0 && wasClosed:
						errs <- "a count succeeded on a handle already closed"
					case rc != 0 && rc != int32(errcode.BadHandle):
						errs <- "status " + errcode.Code(rc).String()
					}
				}
			}
		}()
	}
	for c := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := c; i < n; i += 2 {
				closedAt[i].Do(func() {
					if rc := Close(a, hs[i]); rc != 0 {
						errs <- "close: " + errcode.Code(rc).String()
					}
					close(closed[i])
				})
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	for i := range hs {
		var c uint64
		if rc := mem8Count(a, hs[i], unsafe.Pointer(&c)); rc != int32(errcode.BadHandle) {
			t.Fatalf("handle %d after close: %d", hs[i], rc)
		}
	}
	if OpenHandles() != 0 {
		t.Fatalf("%d handles left open", OpenHandles())
	}
}

// chanFlag is closed once its handle's Close returned.
type chanFlag chan struct{}

func (c chanFlag) isSet() bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}
