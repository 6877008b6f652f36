// Package fastatomic is sync/atomic's Int32, Uint64 and Pointer where the
// compiler makes their methods single instructions, and plain fields in
// wasm, where sync/atomic's methods are Go calls of their own: one thread
// runs a wasm program and Go switches goroutines there only at calls
// (wasm has no asynchronous preemption), never inside these methods, so
// each is as indivisible as sync/atomic's. Seven such calls made
// pf_mem8_count cost four times pf_version under wazero (bench/README.md,
// 2026-11-26). For the few counters a trivial export touches; everything
// else uses sync/atomic.
package fastatomic
