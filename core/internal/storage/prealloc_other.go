//go:build !linux

package storage

import "os"

func Preallocate(*os.File, int64) {}
