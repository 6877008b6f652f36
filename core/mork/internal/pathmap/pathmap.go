// Package pathmap builds and runs polyfmt's interop harness for the Rust
// crate pathmap 0.3.5, the reference implementation of MORK's .paths and
// ArenaCompactTree files, so tests can check polyfmt against it byte for
// byte and benchmarks can time it on the same files.
//
// The harness is the cargo project in harness/ (Cargo.toml, Cargo.lock,
// src/main.rs). Bin copies it, with core/internal/cargobuild, into a cache
// directory keyed by a hash of those files and of `cargo --version`
// ($POLYFMT_PATHMAP_HARNESS_CACHE, or
// os.UserCacheDir()/polyfmt-pathmap-harness), builds it with
// `cargo build --release` (offline first, then online) and
// RUSTFLAGS="-C target-feature=+aes,+sse2" (pathmap hashes with gxhash),
// and returns the binary. Builds share one cargo target directory.
//
// Subcommands (every input and output a file; path lists are records, see
// AppendRecord):
//
//	write-paths IN OUT       serialize_paths of IN's paths → OUT (.paths)
//	read-paths  IN OUT       for_each_deserialized_path of IN → OUT (values 0)
//	write-act   IN OUT       ArenaCompactTree::from_zipper of a PathMap<u64> of IN → OUT
//	read-act    IN OUT       open_mmap(IN), iter() → OUT
//	get-act     ACT KEYS OUT get_val_at for each key: OUT has, per key, a byte
//	                         (1 found, 0 not) and the u64 LE value (0 if not found)
//	bench       ACT KEYS     JSON: open_mmap_ns (median of 201), lookups, found,
//	                         lookup_total_ns (median of 5 passes), lookup_ns
//	bench-paths IN           JSON: paths, raw_bytes, paths_bytes, serialize_ns,
//	                         serialize_mb_s, deserialize_ns, deserialize_mb_s
//	bench-write IN           JSON: paths, act_bytes, build_map_ns (PathMap<u64> from
//	                         the records), from_zipper_ns (the ACT from that map);
//	                         medians of 3
//
// This package is for tests and benchmarks only.
package pathmap

import (
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/polyfmt/polyfmt/core/internal/cargobuild"
)

// Record is one path and its value.
type Record struct {
	Path  []byte
	Value uint64
}

// AppendRecord appends one record: u32 LE path length, the path, u64 LE value.
func AppendRecord(dst, path []byte, value uint64) []byte {
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(path)))
	dst = append(dst, path...)
	return binary.LittleEndian.AppendUint64(dst, value)
}

// EncodeRecords encodes recs as a record file.
func EncodeRecords(recs []Record) []byte {
	var out []byte
	for _, r := range recs {
		out = AppendRecord(out, r.Path, r.Value)
	}
	return out
}

// ParseRecords decodes a record file.
func ParseRecords(b []byte) ([]Record, error) {
	var out []Record
	for pos := 0; pos < len(b); {
		if len(b)-pos < 4 {
			return nil, fmt.Errorf("record length cut short at byte %d", pos)
		}
		n := int(binary.LittleEndian.Uint32(b[pos:]))
		pos += 4
		if n > len(b)-pos || len(b)-pos-n < 8 {
			return nil, fmt.Errorf("record of %d bytes cut short at byte %d", n, pos)
		}
		out = append(out, Record{Path: append([]byte{}, b[pos:pos+n]...), Value: binary.LittleEndian.Uint64(b[pos+n:])})
		pos += n + 8
	}
	return out, nil
}

// harness is the cargo project in harness/, built once per test process.
var harness = &cargobuild.Harness{
	Name:    "pathmap-harness",
	Dir:     "core/mork/internal/pathmap/harness",
	Sources: []string{"Cargo.toml", "Cargo.lock", "src/main.rs"},
	Project: cargobuild.Project{
		CacheEnv:  "POLYFMT_PATHMAP_HARNESS_CACHE",
		CacheName: "polyfmt-pathmap-harness",
		Bin:       "pathmap-harness",
		Env:       []string{"RUSTFLAGS=-C target-feature=+aes,+sse2"}, // pathmap hashes with gxhash
	},
	Skipped: "the pathmap 0.3.5 interop tests",
	Crates:  "pathmap 0.3.5",
}

// Bin returns the path of the built harness, building it on first use.
// It skips tb only when cargo is missing or crates.io cannot be reached
// (and the crates are not in cargo's cache); any other failure fails tb.
func Bin(tb testing.TB) string { return harness.Bin(tb) }

// Run runs the harness with args and returns its standard output; a
// failure fails tb.
func Run(tb testing.TB, args ...string) []byte { return harness.Run(tb, args...) }
