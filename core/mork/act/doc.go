// Package act reads and writes ArenaCompactTree files: a byte trie mapping
// paths (arbitrary byte strings, MORK-encoded expressions in practice) to
// u64 values, laid out to be read in place from a memory map.
//
// Two layouts share the magic "ACTree03" and are told apart by bytes 8–15:
//
//   - [LayoutSeed], the 64-byte header and fixed 24-byte nodes of the
//     MeTTaTron seed (shared/seeds/003, "ACT Format Specification"), with
//     the readings below where the seed does not add up;
//   - [LayoutPathMap], the variable-length post-order nodes that the Rust
//     crate pathmap 0.3.5 (src/arena_compact.rs) writes and memory-maps:
//     the files MORK users already have.
//
// Bytes 8–15 equal to 00 00 00 00 03 00 00 00 (the seed's padding and
// version 3) select the seed layout; anything else is PathMap's root
// offset. The one ambiguous PathMap file is one whose root node sits at
// byte 3·2³² (12 GiB): it is read as a seed file and fails to open.
//
// All integers are little-endian. Values are u64 in both layouts.
//
// # Seed layout
//
//	header (64 bytes)
//	  0  [8]byte  magic "ACTree03"
//	  8  [4]byte  zero
//	 12  u32      version = 3
//	 16  u32      flags = 0 (no flag is defined: non-zero is ErrUnsupported)
//	 20  u64      root: offset of the root node
//	 28  u64      total nodes = (file size − 64) / 24
//	 36  u64      value count: nodes holding a value
//	 44  [20]byte reserved, zero
//
//	node (24 bytes, node i at 64 + 24·i)
//	  0  u8       tag: the path byte on the edge into this node (ignored on the root)
//	  1  [3]byte  reserved, zero
//	  4  i32      children: offset of the first child relative to this node's
//	              first byte; 0 when the node has no children
//	  8  u64      value
//	 16  u64      metadata
//	                bits 0–8   child count n (0…256)
//	                bit  9     has value (set on every node polyfmt writes a value on)
//	                bits 10–63 reserved, zero
//
// A node's children are n consecutive nodes, sorted by tag, strictly
// increasing. Each node is one byte deeper than its parent: the path of a
// node is the tags on the way down from the root, the root's excluded, so
// the empty path is the root's value. A node holds a value when its value
// field is non-zero (the seed's rule, so files written to the seed's letter
// read as meant) or when metadata bit 9 is set: that bit is how a value of 0
// is stored. Every node is reached from the root exactly once.
//
// The seed decodes a child count from the tag ("arity tag+1, 240–255 none")
// and its three-node example contradicts that rule (a root tagged 02,
// "arity 3", with two children) and itself (header value count 2). Read that
// way the trie could hold neither arbitrary path bytes nor a count it can
// check, so polyfmt reads the tag as the edge byte and keeps the count
// explicitly in the metadata, which the seed leaves open ("path count,
// depth, etc."). Under this reading the seed's example opens as a root with
// one child (its metadata is 1): the path F0 with value 1; the third node
// (value 2) is unreachable, so Verify rejects the file with ErrFormat
// (core/testdata/mork/act/seed_example.act; TestSeedExample).
//
// polyfmt writes nodes in post-order: each run of children before its
// parent, the root last, so relative offsets are negative and a writer
// streams. Readers accept offsets of either sign. A child offset must
// reach a whole node inside the node area; a tree whose offsets do not fit
// an i32 cannot be written (ErrLimit). The layout spends a 24-byte node on
// every distinct path prefix: a million MORK expressions of 86 bytes on
// average take 1.7 GB, where PathMap's layout takes 82 MB.
//
// # PathMap layout
//
//	file
//	  0  [8]byte  magic "ACTree03"
//	  8  u64      root: offset of the root node
//	 16  …        arena of nodes and line data, post-order
//	     [8]byte  zero (pathmap reads varints 8 bytes at a time; a file
//	              merged in place ends in a 16-byte root trailer instead)
//
//	varint: b0 ≤ 247 is the value; b0 = 247+k (k = 1…8) is followed by the
//	        k low bytes of the value, little-endian (writers use the fewest)
//
//	branch node (head bit 7 clear)
//	  head        bit 6 has value; bits 0–5 child count, 32 meaning "32 or more"
//	  [varint]    value, when head bit 6
//	  [varint]    this node's offset − first child's offset, when count > 0
//	  [count]byte child bytes, ascending, when count < 32
//	  [32]byte    child mask, bit b of byte b/8, when count = 32
//
//	line node (head bit 7 set)
//	  head        bit 6 has value; bit 0 has child; bits 1–5 zero
//	  [varint]    value, when bit 6
//	  [varint]    this node's offset − child's offset, when bit 0
//	  varint      this node's offset − line data's offset
//
//	line data:    varint length ≥ 1, then that many path bytes
//
// A branch consumes one path byte per child; its children are consecutive
// nodes starting at the first child, in byte order. A line consumes its
// line data's bytes; where the position at its end has children, the
// line's child is that position's branch (holding its value, if any),
// otherwise the line holds the value itself. Get follows
// pathmap's get_val_at exactly: after a line, a value on the line wins over
// one on its child. All references point strictly backwards (children,
// child runs and line data start before the node referring to them), which
// every pathmap writer guarantees and which makes cycles impossible; a
// reference that does not is ErrFormat.
//
// polyfmt writes what ArenaCompactTree::from_zipper writes for the same
// paths and values, byte for byte: a node for the root and for every path
// position that holds a value or forks, a line for each run of single-child
// bytes above it (the byte just below a fork or value belongs to that node's
// child bytes), the root itself being a line when it has one child and no
// value, and identical line data written once and referred to after. The
// only difference possible is pathmap's line reuse table missing a reuse
// after a 64-bit gxhash collision between two distinct lines, which polyfmt
// cannot reproduce (it compares the bytes).
//
// # Reading
//
// Open maps the file and NewTree takes caller bytes; both check only the
// header (O(1)). Get reads in place, bounds-checks every offset and
// allocates nothing. Walk, Count and Verify traverse (Count on its first
// call only: it keeps its result); their node visits are bounded
// (Limits.MaxVisits) so a hostile file cannot make them run long.
// Verify also checks what readers tolerate: ordering, canonical counts,
// reserved bits, the seed header's counts and that each seed node is reached
// once.
package act
