package safetensors

// sumLanes adds x[8k+j] into lanes[j]; len(x) is a multiple of 8. In
// sum_amd64.s: SSE, two 4-lane accumulators, as rustc compiles the
// harness's sum8, so the Go and Rust sums cost the same.
//
//go:noescape
func sumLanes(x []float32, lanes *[8]float32)
