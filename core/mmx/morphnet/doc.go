// Package morphnet reads MMX files as MorphNet writes them (the Rust crate
// morphnet-gtl 0.1, src/mmx/). It is an import path: it parses, it does not
// write, and it depends on nothing else in core/mmx. MorphNet's layout
// differs from the MMX seed that polyfmt follows (no directory at the
// start, no JSON directory, no scan for an older directory); this package
// describes only what MorphNet actually puts on disk.
//
// # Layout
//
// All integers little-endian. The structured parts are bincode 1.x with its
// default (legacy) configuration: fixed-width integers, u64 lengths.
//
//	file
//	  0        [4]byte  magic "MMX\0" (4D 4D 58 00)
//	  4        u32      version = 1
//	  8        u32      json_len ≤ 4084
//	  12       [json_len]byte header JSON (compact UTF-8 object), then zeros up to 4096
//	  4096     chunk bytes, back to back in write order: no per-chunk header,
//	           no alignment; an overwritten chunk's old bytes stay as dead space
//	  size-8-D [D]byte  directory (bincode, below)
//	  size-8   u64      D
//
//	directory                    (ChunkDirectory{chunks: HashMap}: the struct adds no bytes)
//	  u64 n
//	  n × { string key; entry }  in hash-map order, not sorted
//
//	entry                        (ChunkEntry, fields in declaration order)
//	  string        name
//	  u32           chunk_type   variant index: Tensor 0, Sequence 1, Text 2, Mesh 3,
//	                             Embedding 4, Meta 5, GeometricTemplate 6
//	  u64           offset       absolute, ≥ 4096
//	  u64           size         stored bytes (after compression)
//	  u32           compression  None 0, Lz4 1, Zlib 2
//	  Option<Vec<u64>> shape     MorphNet writes None
//	  Option<string>   dtype     MorphNet writes None
//	  Option<string>   logical_region  MorphNet writes None
//	  Option<[32]u8>   checksum  SHA-256 of the stored bytes; no length prefix
//
//	bincode primitives
//	  string     u64 byte length, then UTF-8 bytes
//	  Vec<T>     u64 element count, then the elements
//	  map<K,V>   u64 pair count, then key, value, key, value…
//	  Option<T>  u8 0 (None) or u8 1 then T
//	  [N]T       N elements, no count
//	  enum       u32 variant index (then the variant's fields, if any)
//	  f32        IEEE 754 binary32
//
// An empty file is 4112 bytes: the header, the directory 00×8, and D = 8.
//
// # Chunks
//
// Stored bytes are the payload after compression. Lz4 is a u32 holding the
// uncompressed length, then one raw LZ4 block (not the frame format). Zlib
// is an RFC 1950 stream (MorphNet uses level 6). The checksum covers the
// stored bytes and is checked before decompression. Decompression is the
// caller's; the Decode functions take the decompressed payload:
//
//	Tensor     u64 ndim; ndim × u64 dim; u64 n; n × f32      (row-major, n = ∏ dims)
//	Text       string content; string encoding; Option<string> language;
//	           Option<Vec<u32>> tokens
//	Sequence   Vec<string> frames; Option<f32> fps; Option<f32> duration;
//	           map<string,string> metadata
//	Mesh       Vec<[3]f32> vertices; Vec<[3]u32> faces; Option<Vec<[3]f32>> normals;
//	           Option<Vec<[2]f32>> uvs; Option<map<string,string>> materials
//	Embedding  Vec<u64> shape; Vec<f32> data; string method; Option<Vec<string>> labels
//	Meta       map<string, JSON value> data; string timestamp; string version
//
// Meta values are serde_json values written with no type tag, so only an
// empty data map can be read back (see DecodeMetaRecord).
//
// # What Parse checks
//
// Magic; version (another is ErrUnsupported); json_len ≤ 4084 and the JSON
// is one UTF-8 object without repeated keys; 8 ≤ D ≤ size-4104; the
// directory is exactly one bincode map (no trailing bytes) with known
// variants, valid option tags, valid UTF-8 and unique keys; every chunk
// lies within [4096, size-8-D). Chunks may overlap or leave gaps; MorphNet's
// own reader tolerates trailing bytes after a bincode value but never
// writes them, so this package rejects them. Limits bound every count,
// length and the directory size before anything is allocated.
package morphnet
