package mem8

import "math"

func nanF64() float64 { return math.NaN() }
