//go:build !amd64

package safetensors

func sumLanes(x []float32, lanes *[8]float32) { sumLanesGo(x, lanes) }
