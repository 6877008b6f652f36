package mork

import (
	"encoding/binary"

	"github.com/polyfmt/polyfmt/core/format"
	"github.com/polyfmt/polyfmt/core/mork/act"
	"github.com/polyfmt/polyfmt/core/mork/paths"
	"github.com/polyfmt/polyfmt/core/mork/symtab"
)

// *File is a format.File: the lifecycle every format shares.
var _ format.File = (*File)(nil)

// FormatID is MORK's pinned number on the ABI (PF_FORMAT_MORK).
const FormatID = 4

func init() {
	format.Register(format.Bind(format.Format{ID: FormatID, Name: "mork", Title: "MORK",
		Extensions: []string{".mtts", ".paths", ".act", ".pathmap", ".mttm"}, Magic: Magics()},
		ParseOptions, Create, OpenFile, NewMem, OpenBytes))
}

// optionsJSON is the JSON form of Options (the ABI's and the bindings').
type optionsJSON struct {
	Kind            string `json:"kind"`          // "space" (default), "pathmap1", "paths", "act", "symbols", "mult"
	Compression     string `json:"compression"`   // PATHMAP1: "none", "zlib", "lz4", "zstd" (default)
	ACTLayout       string `json:"act_layout"`    // "pathmap" (default) or "seed"
	SymbolLayout    string `json:"symbol_layout"` // "seed" (default) or "mork"
	CompressSpace   bool   `json:"compress_space"`
	NoSync          bool   `json:"no_sync"`
	MaxPaths        int64  `json:"max_paths"`
	MaxPathLen      int64  `json:"max_path_len"`
	MaxDecompressed int64  `json:"max_decompressed"`
	MaxRatio        int64  `json:"max_ratio"`
	MaxDepth        int    `json:"max_depth"`
	MaxSymbols      int64  `json:"max_symbols"`
}

// ParseOptions reads Options from their JSON form: {"kind", "compression",
// "act_layout", "symbol_layout", "compress_space", "no_sync", "max_paths",
// "max_path_len", "max_decompressed", "max_ratio", "max_depth",
// "max_symbols"}, every key optional, an unknown key ErrBadArg. kind
// shapes a new file: with create false it is ErrBadArg.
func ParseOptions(b []byte, create bool) (*Options, error) {
	var o optionsJSON
	if err := format.DecodeStrict("mork", "mork options", b, &o); err != nil {
		return nil, err
	}
	out := &Options{NoSync: o.NoSync, CompressSpace: o.CompressSpace}
	if o.Kind != "" {
		if !create {
			return nil, badArg("kind shapes a new file: it applies to create, not to open")
		}
		k, ok := ParseKind(o.Kind)
		if !ok {
			return nil, badArg("kind must be one of space, pathmap1, paths, act, symbols, mult; got %q", o.Kind)
		}
		out.Kind = k
	}
	if _, err := parseEncoding(o.Compression, o.ACTLayout, o.SymbolLayout); err != nil {
		return nil, err
	}
	out.Compression, out.ACTLayout, out.SymbolLayout = o.Compression, o.ACTLayout, o.SymbolLayout
	for _, v := range []int64{o.MaxPaths, o.MaxPathLen, o.MaxDecompressed, o.MaxRatio, int64(o.MaxDepth), o.MaxSymbols} {
		if v < 0 {
			return nil, badArg("limits are positive (0 means the default)")
		}
	}
	if o.MaxPaths != 0 || o.MaxPathLen != 0 || o.MaxDecompressed != 0 || o.MaxRatio != 0 || o.MaxDepth != 0 || o.MaxSymbols != 0 {
		l := &Limits{}
		l.Paths.MaxPaths, l.Paths.MaxPathLen, l.Paths.MaxDecompressed, l.Paths.MaxRatio = o.MaxPaths, o.MaxPathLen, o.MaxDecompressed, o.MaxRatio
		l.ACT.MaxDepth, l.Expr.MaxDepth = o.MaxDepth, o.MaxDepth
		l.Symbols.MaxSymbols = o.MaxSymbols
		out.Limits = l
	}
	return out, nil
}

// ParseCompression reads a PATHMAP1 compression name ("": zstd).
func ParseCompression(s string) (paths.Compression, error) {
	switch s {
	case "", "zstd":
		return paths.Zstd, nil
	case "none":
		return paths.None, nil
	case "zlib":
		return paths.Zlib, nil
	case "lz4":
		return paths.LZ4, nil
	}
	return 0, badArg(`compression must be "none", "zlib", "lz4" or "zstd", got %q`, s)
}

// ParseACTLayout reads an ACT layout name ("": PathMap's).
func ParseACTLayout(s string) (act.Layout, error) {
	switch s {
	case "", "pathmap":
		return act.LayoutPathMap, nil
	case "seed":
		return act.LayoutSeed, nil
	}
	return 0, badArg(`act_layout must be "pathmap" or "seed", got %q`, s)
}

// ParseSymbolLayout reads a symbol table layout name ("": the seed's).
func ParseSymbolLayout(s string) (symtab.Layout, error) {
	switch s {
	case "", "seed":
		return symtab.LayoutSeed, nil
	case "mork":
		return symtab.LayoutMORK, nil
	}
	return 0, badArg(`symbol_layout must be "seed" or "mork", got %q`, s)
}

// Info is the summary Info returns (pf_info, inspect -json).
type Info struct {
	Format   string `json:"format"` // "mork"
	Name     string `json:"name"`
	Writable bool   `json:"writable"`
	Kind     string `json:"kind"`
	// Version is "1.0" or "1.1" for a space, multiplicities or PATHMAP1
	// file, "" for the others (they have no version of their own).
	Version string `json:"version"`
	// Timestamp is a 1.1 space file's, Unix seconds.
	Timestamp    uint64 `json:"timestamp"`
	Checksum     bool   `json:"checksum"`
	Compression  string `json:"compression"`
	ACTLayout    string `json:"act_layout"`
	SymbolLayout string `json:"symbol_layout"`
	Paths        uint64 `json:"paths"`
	// PathsError is why Paths could not be counted (an ACT read in place
	// whose walk fails: Verify says more); "" when it was.
	PathsError string `json:"paths_error,omitempty"`
	Symbols    int    `json:"symbols"`
	Interned   bool   `json:"interned"`
	Pending    bool   `json:"pending"`
	// Recovery is always clean: a commit replaces the file whole.
	Recovery format.RecoveryInfo `json:"recovery"`
}

// Info summarizes the file. It returns an Info.
func (f *File) Info() any { return f.Summary() }

// Summary is Info, typed. Counting an ACT read in place walks it.
func (f *File) Summary() Info {
	n, nerr := f.Len()
	f.mu.RLock()
	defer f.mu.RUnlock()
	in := Info{Format: "mork", Name: f.store.Name, Writable: f.store.Writable(), Kind: f.kind.String(),
		Paths: n, Pending: f.dirty, Recovery: format.RecoveryInfo{Clean: true}, Interned: f.interned()}
	if nerr != nil {
		in.PathsError = nerr.Error()
	}
	if f.syms != nil {
		in.Symbols = f.syms.Len()
	}
	switch f.kind {
	case KindSpace:
		in.Version, in.Timestamp, in.Checksum = f.space.Version.String(), f.space.Timestamp, f.space.Checksum
		in.SymbolLayout = f.enc.sym.String()
		if f.space.Compressed {
			in.Compression = "zstd"
		} else {
			in.Compression = "none"
		}
	case KindPathMap1:
		in.Version, in.Checksum, in.Compression = f.ver.String(), true, f.enc.comp.String()
	case KindPaths:
		in.Compression = "zlib"
	case KindACT:
		in.ACTLayout = f.enc.act.String()
	case KindSymbols:
		in.SymbolLayout = f.enc.sym.String()
	case KindMult:
		in.Version = f.ver.String()
		in.Checksum = len(f.data) >= HeaderSize && binary.LittleEndian.Uint16(f.data[6:8])&FlagChecksum != 0
	}
	return in
}
