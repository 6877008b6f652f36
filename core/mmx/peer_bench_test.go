//go:build linux

package mmx

// BenchmarkPeerSafetensors: MMX from Go beside the Rust crate safetensors
// 0.8.0 (the library under Python's safetensors), in one run, on the same
// 16 float32 tensors of 8 MiB. Figures and their reading are in
// bench/README.md ("MMX from Go beside the safetensors crate").

import (
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/polyfmt/polyfmt/core/mmx/internal/safetensors"
	"github.com/polyfmt/polyfmt/internal/benchratio"
)

const (
	peerTensors  = 16
	peerBytes    = 128 << 20
	peerPrefault = peerBytes + 256<<20 // as bench/mmx_python.py: the data + 256 MiB
	peerRounds   = 3
)

// peerTouchFree touches one byte per page of n bytes of fresh anonymous
// memory and unmaps it (as bench/mmx_python.py does before each timed step,
// and the harness in its own process): on this VM, memory the guest freed
// goes back to the host and costs ~10 µs per page to touch again, so
// without this a step's speed depends on what ran before it.
func peerTouchFree(b *testing.B, n int) {
	m, err := unix.Mmap(-1, 0, n, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
	benchMust(b, err)
	for i := 0; i < n; i += 4096 {
		m[i] = 1
	}
	benchMust(b, unix.Munmap(m))
}

// peerDropCache evicts path's clean pages from the page cache (only this
// file's; nothing system-wide).
func peerDropCache(b *testing.B, path string) {
	f, err := os.Open(path)
	benchMust(b, err)
	defer f.Close()
	benchMust(b, unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED))
}

// BenchmarkPeerSafetensors runs peerRounds rounds per op; in each round every
// step is timed for MMX and for the harness, one after the other (which goes
// first alternates by round), so both see the same machine load; a figure
// is the best round. The steps, on 16 float32 tensors of 8 MiB (128 MiB):
//
//   - write, page cache: Create with NoSync, WriteTensor each, Commit, Close
//     vs serialize_to_file (the file is deleted at once, dropping its dirty
//     pages before the next step);
//   - write, durable: the default Options (the commit fsyncs) vs
//     serialize_to_file, then fsync of the file and of its directory;
//   - cold read of those files after posix_fadvise(DONTNEED), then warm read:
//     Open at defaults (VerifyOnRead: SHA-256 of each chunk on its first
//     read), TensorView and Sum of every tensor, Close vs open, mmap,
//     SafeTensors::deserialize and the same sum of every tensor; and once
//     more warm with VerifyNever (for information: the read without the
//     check, beside another warm read of the peer's);
//   - the sum alone over the tensors in memory (safetensors.Sum: 8 float32
//     lanes in SSE assembly, the instructions rustc makes of the harness's
//     sum8): the part of each read that is not the format's.
//
// Before every timed write and read each side touches and frees 384 MiB
// (peerTouchFree; the harness likewise in its process, untimed). Every read
// is checked against the sum of the data in memory, to the bit.
func BenchmarkPeerSafetensors(b *testing.B) {
	dir := b.TempDir()
	data, err := safetensors.Tensors(peerTensors, peerBytes)
	benchMust(b, err)
	tensors := make([]*Tensor, len(data))
	var want float64
	for i, x := range data {
		tensors[i] = &Tensor{DType: Float32, Shape: safetensors.Shape(len(x)), Data: safetensors.Bytes(x)}
		want += safetensors.Sum(x)
	}
	safetensors.Bin(b) // build (or skip) before any timing

	type side struct{ pcWrite, durWrite, cold, warm, warmNever, sum time.Duration }
	best := func(s *side, d side) {
		for _, p := range []struct {
			dst *time.Duration
			d   time.Duration
		}{
			{&s.pcWrite, d.pcWrite}, {&s.durWrite, d.durWrite}, {&s.cold, d.cold}, {&s.warm, d.warm}, {&s.warmNever, d.warmNever}, {&s.sum, d.sum},
		} {
			if *p.dst == 0 || p.d < *p.dst {
				*p.dst = p.d
			}
		}
	}
	var ours, peer side

	writeMMX := func(path string, opt *Options) time.Duration {
		peerTouchFree(b, peerPrefault)
		t0 := time.Now()
		f, err := Create(path, opt)
		benchMust(b, err)
		for i, t := range tensors {
			benchMust(b, f.WriteTensor(safetensors.Name(i), t, nil))
		}
		benchMust(b, f.Commit())
		benchMust(b, f.Close())
		return time.Since(t0)
	}
	readMMX := func(path string, opt *Options) time.Duration {
		peerTouchFree(b, peerPrefault)
		t0 := time.Now()
		got, err := peerReadMMX(path, peerTensors, opt)
		d := time.Since(t0)
		benchMust(b, err)
		if math.Float64bits(got) != math.Float64bits(want) {
			b.Fatalf("MMX read sums to %v, the data to %v", got, want)
		}
		return d
	}
	readPeer := func(path string) time.Duration {
		r := safetensors.Read(b, path, peerPrefault)
		if bits, _ := r.Bits(); bits != math.Float64bits(want) {
			b.Fatalf("safetensors read sums to %v, the data to %v", r.Sum, want)
		}
		return r.Duration()
	}
	sumGo := func() time.Duration {
		t0 := time.Now()
		var s float64
		for _, x := range data {
			s += safetensors.Sum(x)
		}
		d := time.Since(t0)
		if s != want {
			b.Fatalf("sum %v, want %v", s, want)
		}
		return d
	}

	round := 0
	for b.Loop() {
		for range peerRounds {
			var o, p side
			mmxFirst := round%2 == 0
			round++
			both := func(ourStep, peerStep func()) {
				if mmxFirst {
					ourStep()
					peerStep()
				} else {
					peerStep()
					ourStep()
				}
			}
			pcM, pcS := filepath.Join(dir, "pc.mmx"), filepath.Join(dir, "pc.safetensors")
			durM, durS := filepath.Join(dir, "dur.mmx"), filepath.Join(dir, "dur.safetensors")
			both(func() {
				o.pcWrite = writeMMX(pcM, &Options{NoSync: true})
				benchMust(b, os.Remove(pcM))
			}, func() {
				p.pcWrite = safetensors.Write(b, pcS, peerTensors, peerBytes, false, peerPrefault).Duration()
				benchMust(b, os.Remove(pcS))
			})
			both(func() { o.durWrite = writeMMX(durM, nil) },
				func() { p.durWrite = safetensors.Write(b, durS, peerTensors, peerBytes, true, peerPrefault).Duration() })
			both(func() { peerDropCache(b, durM); o.cold = readMMX(durM, nil) },
				func() { peerDropCache(b, durS); p.cold = readPeer(durS) })
			both(func() { o.warm = readMMX(durM, nil) }, func() { p.warm = readPeer(durS) })
			both(func() { o.warmNever = readMMX(durM, &Options{Verify: VerifyNever}) }, func() { p.warmNever = readPeer(durS) })
			both(func() { o.sum = sumGo() }, func() { p.sum = safetensors.SumOnly(b, peerTensors, peerBytes).Duration() })
			benchMust(b, os.Remove(durM))
			benchMust(b, os.Remove(durS))
			best(&ours, o)
			best(&peer, p)
		}
	}

	mbs := func(d time.Duration) float64 { return peerBytes / d.Seconds() / 1e6 }
	const what = "16 × 8 MiB float32"
	const crate = "safetensors 0.8.0 (Rust crate)"
	for _, m := range []struct {
		metric, measure, peerName string
		ours, peer                time.Duration
		goal                      string
	}{
		{"write-pc", "Go: MMX write, page cache (NoSync), " + what, crate + " serialize_to_file", ours.pcWrite, peer.pcWrite, ">= 1.0"},
		{"write-durable", "Go: MMX write, durable (default: commit fsyncs), " + what, crate + " serialize_to_file + fsync of file and directory", ours.durWrite, peer.durWrite, ">= 1.0"},
		{"read-cold", "Go: MMX cold read at defaults (VerifyOnRead), " + what + ", every element summed", crate + " mmap + deserialize, same sum", ours.cold, peer.cold, ">= 1.0"},
		{"read-warm", "Go: MMX warm read at defaults (VerifyOnRead), " + what + ", every element summed", crate + " mmap + deserialize, same sum", ours.warm, peer.warm, ">= 1.0"},
		{"read-warm-never", "Go: MMX warm read, VerifyNever (no checksum; not the default), " + what + ", every element summed", crate + " mmap + deserialize, same sum", ours.warmNever, peer.warmNever, ""},
		{"sum", "Go: float32 sum alone (8 lanes), " + what + " in memory", "the same sum in Rust (the harness)", ours.sum, peer.sum, ""},
	} {
		b.ReportMetric(mbs(m.ours), m.metric+"-MB/s")
		b.ReportMetric(mbs(m.peer), m.metric+"-st-MB/s")
		b.ReportMetric(mbs(m.ours)/mbs(m.peer), m.metric+"-x")
		benchMust(b, benchratio.Report(benchratio.Line{
			Measure: m.measure, Ours: mbs(m.ours), Peer: mbs(m.peer), PeerName: m.peerName,
			Unit: "MB/s", Goal: m.goal, Source: "core/mmx/peer_bench_test.go",
		}))
	}
	b.Logf("best of %d rounds; MB/s = 10^6 bytes of tensor data per second", round)
}
