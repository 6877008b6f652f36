package ffi

import (
	"runtime/metrics"
	"sync"
)

// The ceiling of a wasm32 instance's linear memory, and what HeapFits keeps
// back below it: the module's static data and the runtime's metadata (not
// in the runtime's count), and the Go-heap work that follows a large
// allocation (a staged image is parsed, a result marshalled) and would trap
// just the same if it found no room.
const (
	linearMemoryMax = 4 << 30
	heapMargin      = 256 << 20
	smallAlloc      = 16 << 20
)

var room struct {
	sync.Mutex
	samples []metrics.Sample
}

// HeapFits reports whether the Go heap can grow by n bytes without the
// runtime dying. In a wasm instance the heap lives in linear memory, which
// cannot grow past 4 GiB; when it cannot grow, the runtime does not fail the
// allocation but traps, and the instance is dead for every later call. So a
// large allocation is granted only if linear memory can still grow by all of
// it (memory the runtime has mapped is counted whole: wasm memory never
// shrinks, and the runtime does not say whether its free pages are
// contiguous). A small one is also granted from free pages the heap already
// holds, so an instance near the ceiling keeps answering calls.
func HeapFits(n uint64) bool {
	room.Lock()
	defer room.Unlock()
	if room.samples == nil {
		room.samples = []metrics.Sample{
			{Name: "/memory/classes/total:bytes"},
			{Name: "/memory/classes/heap/free:bytes"},
			{Name: "/memory/classes/heap/released:bytes"},
		}
	}
	metrics.Read(room.samples)
	mapped := room.samples[0].Value.Uint64()
	idle := room.samples[1].Value.Uint64() + room.samples[2].Value.Uint64()
	if mapped+heapMargin <= linearMemoryMax && n <= linearMemoryMax-heapMargin-mapped {
		return true
	}
	return n <= smallAlloc && n <= idle/4
}
