//go:build !unix

package mmx

import "time"

// benchCPU is not measured here (0).
func benchCPU() time.Duration { return 0 }
