//go:build !wasm

package ffi

// HeapFits reports whether the Go heap can grow by n bytes without the
// runtime dying. Outside wasm it cannot know (the operating system decides,
// and Go's own out-of-memory is fatal everywhere), so it says yes: the host
// allocator, not the Go heap, is what reports PF_ENOMEM there.
func HeapFits(n uint64) bool { return true }
