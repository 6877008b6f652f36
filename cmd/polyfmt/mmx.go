package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/mmx"
)

// MMX's verbs: inspect, verify and convert, and ls, cat, export and
// compact, which only MMX has. Files MorphNet wrote are read (read-only).

func init() {
	registerCLI(&cliFormat{
		name: "mmx",
		note: ", polyfmt's and MorphNet's (MorphNet's read-only)",
		verbs: []verb{
			{"inspect", "FILE", "show header, generation, dead bytes, chunks per type\nand recovery report", mmxInspect},
			{"verify", "FILE", "check every chunk's checksum and payload of the committed\n" +
				"state; report what a writer would drop", mmxVerify},
			{"convert", "IN OUT", "copy every chunk of an .mmx (MorphNet's too) into a\nnew polyfmt .mmx", mmxConvert},
			{"ls", "FILE [PREFIX]", "chunk names (-l: type, dtype, shape, compression,\nsizes, region)", mmxLs},
			{"cat", "FILE NAME", "Text content, Meta/Sequence JSON, or a summary\n" +
				"(Tensor, Embedding: the first N values; Mesh: counts)", mmxCat},
			{"export", "FILE NAME OUT.npy", "a Tensor or Embedding as a NumPy .npy file", mmxExport},
			{"compact", "FILE", "rewrite with only the live chunks (beside the file,\n" +
				"renamed over it; writers also do it on their own)", mmxCompact},
		},
	})
}

// maxRatioFlag declares -max-ratio on a verb that reads chunk payloads; the
// function it returns gives the open options the flag asks for.
func maxRatioFlag(fs *flag.FlagSet) func() []byte {
	n := fs.Int64("max-ratio", 0, "the largest compression ratio `N` a chunk may have (0: the default,\n"+
		"1024; zstd of zeros needs more: raise it for files you trust)")
	return func() []byte {
		if *n == 0 {
			return nil
		}
		return fmt.Appendf(nil, `{"max_ratio": %d}`, *n)
	}
}

func writerName(f *mmx.File) string {
	if f.FromMorphNet() {
		return "MorphNet"
	}
	return "polyfmt"
}

// typeCounts counts live chunks per type, in the canonical type order
// (types this build does not read, such as MorphNet's GeometricTemplate, last).
func typeCounts(entries []mmx.Entry) ([]string, map[string]int) {
	counts := map[string]int{}
	for _, e := range entries {
		counts[string(e.ChunkType)]++
	}
	var order []string
	for _, t := range mmx.ChunkTypes {
		if counts[string(t)] > 0 {
			order = append(order, string(t))
		}
	}
	for t := range counts {
		known := false
		for _, k := range mmx.ChunkTypes {
			known = known || string(k) == t
		}
		if !known {
			order = append(order, t)
		}
	}
	return order, counts
}

// mmxInspectJSON is what inspect -json prints for an .mmx: the file's Info
// and what inspect adds to it.
type mmxInspectJSON struct {
	mmx.Info
	Writer        string         `json:"writer"`
	ChunksPerType map[string]int `json:"chunks_per_type"`
}

func mmxInspect(fs *flag.FlagSet) func(c *call) error {
	asJSON := fs.Bool("json", false, "print the header, recovery report and chunk counts as JSON")
	return onFile(nil, func(c *call, f *mmx.File) error {
		path := c.args[0]
		entries, err := f.List("")
		if err != nil {
			return err
		}
		order, counts := typeCounts(entries)
		info := f.Summary()
		if *asJSON {
			return jsonOut(c.stdout, mmxInspectJSON{Info: info, Writer: writerName(f), ChunksPerType: counts})
		}
		h, w := info.Header, c.stdout
		if info.FromMorphNet {
			fmt.Fprintf(w, "%s: MMX version %d, written by MorphNet (read-only; polyfmt convert copies it into a new file)\n", path, h.Version)
		} else {
			fmt.Fprintf(w, "%s: MMX version %d\n", path, h.Version)
		}
		fmt.Fprintf(w, "  file_id         %s\n", safeName(h.FileID))
		fmt.Fprintf(w, "  created         %s\n", safeName(h.Created))
		fmt.Fprintf(w, "  creator         %s\n", strconv.Quote(h.Creator))
		if h.ModelUUID != nil {
			fmt.Fprintf(w, "  model_uuid      %s\n", safeName(*h.ModelUUID))
		} else {
			fmt.Fprintf(w, "  model_uuid      none\n")
		}
		size := int64(-1)
		if fi, err := os.Stat(path); err == nil {
			size = fi.Size()
		}
		fmt.Fprintf(w, "  file_size       %d bytes (on disk %d)\n", h.FileSize, size)
		fmt.Fprintf(w, "  generation      %d\n", info.Generation)
		if d := h.Directory; d != nil {
			where := ""
			if d.Offset == mmx.HeaderSize {
				where = " (right after the header: compacted)"
			}
			fmt.Fprintf(w, "  directory       offset %d, %d bytes%s\n", d.Offset, d.Length, where)
		}
		parts := make([]string, len(order))
		for i, t := range order {
			parts[i] = fmt.Sprintf("%s %d", safeName(t), counts[t])
		}
		summary := ""
		if len(parts) > 0 {
			summary = ": " + strings.Join(parts, ", ")
		}
		fmt.Fprintf(w, "  chunks          %d%s\n", len(entries), summary)
		fmt.Fprintf(w, "  dead_bytes      %d (old and overwritten chunks, old directories, alignment)\n", info.DeadBytes)
		if info.Recovery.Clean {
			fmt.Fprintf(w, "  recovery        clean\n")
		} else {
			fmt.Fprintf(w, "  recovery        %s; open for writing (polyfmt compact) to repair\n", info.Recovery.Reason)
		}
		return nil
	})
}

// mmxVerify checks the committed state and says what a writer would drop:
// exit 0 when it is intact and nothing follows it, 3 (errUnfinished) when
// it is intact and an unfinished commit follows, 1 when it is damaged.
func mmxVerify(fs *flag.FlagSet) func(c *call) error {
	maxRatio := maxRatioFlag(fs)
	return onFile(maxRatio, func(c *call, f *mmx.File) error {
		path := c.args[0]
		n, gen := f.Len(), f.Generation()
		if err := f.VerifyCommitted(); err != nil {
			at := ""
			var ve *mmx.VerifyError
			if errors.As(err, &ve) && ve.Chunk != "" {
				at = fmt.Sprintf("chunk %q (of %d): %s", ve.Chunk, n, ve.Reason)
			}
			return verifyFailed(path, at, err)
		}
		return verified(c.stdout, path, fmt.Sprintf("%d chunks verified (generation %d)", n, gen), f.Summary().Recovery,
			"a writable open (polyfmt compact)")
	})
}

func mmxLs(fs *flag.FlagSet) func(c *call) error {
	long := fs.Bool("l", false, "long listing: type, dtype, shape, compression, sizes, region")
	return onFile(nil, func(c *call, f *mmx.File) error {
		prefix := ""
		if len(c.args) == 2 {
			prefix = c.args[1]
		}
		entries, err := f.List(prefix)
		if err != nil {
			return err
		}
		if !*long {
			for _, e := range entries {
				fmt.Fprintln(c.stdout, safeName(e.Name))
			}
			return nil
		}
		tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tTYPE\tDTYPE\tSHAPE\tCOMPRESSION\tSTORED\tBYTES\tREGION")
		var stored uint64
		for _, e := range entries {
			dt, shape, size, region := "-", "-", "?", "-"
			if e.ChunkType == mmx.TypeTensor || e.ChunkType == mmx.TypeEmbedding {
				dt, shape = "?", "?" // MorphNet's directory leaves them to the payload
			}
			if e.DType != nil {
				dt = string(*e.DType)
			}
			if e.Shape != nil {
				shape = shapeString(e.Shape)
			}
			if e.Compression == "None" || e.UncompressedSize > 0 {
				size = strconv.FormatUint(e.UncompressedSize, 10)
			}
			if e.LogicalRegion != nil {
				region = safeName(*e.LogicalRegion)
			}
			stored += e.Size
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", safeName(e.Name), safeName(string(e.ChunkType)), dt, shape,
				safeName(e.Compression), e.Size, size, region)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "%d chunk(s), %d bytes stored\n", len(entries), stored)
		return nil
	})
}

func mmxCat(fs *flag.FlagSet) func(c *call) error {
	maxRatio := maxRatioFlag(fs)
	nValues := fs.Int("n", 10, "Tensor and Embedding: print the first `N` values")
	return func(c *call) error {
		f, e, err := openChunk(c, maxRatio())
		if err != nil {
			return err
		}
		defer f.Close()
		if err := catChunk(c.stdout, f, &e, *nValues); err != nil {
			return fmt.Errorf("%s: %w", c.args[0], err)
		}
		return nil
	}
}

// catChunk prints the chunk e of f: a Text's content, a Meta's or
// Sequence's JSON, an array's summary and first n values, a Mesh's counts.
func catChunk(w io.Writer, f *mmx.File, e *mmx.Entry, n int) error {
	name := e.Name
	switch e.ChunkType {
	case mmx.TypeText:
		t, err := f.ReadText(name)
		if err != nil {
			return err
		}
		io.WriteString(w, t.Content)
		if !strings.HasSuffix(t.Content, "\n") {
			io.WriteString(w, "\n")
		}
		return nil
	case mmx.TypeMeta:
		m, err := f.ReadMeta(name)
		if err != nil {
			return err
		}
		return jsonOut(w, m)
	case mmx.TypeSequence:
		s, err := f.ReadSequence(name)
		if err != nil {
			return err
		}
		return jsonOut(w, s)
	case mmx.TypeTensor:
		t, _, err := f.TensorView(name)
		if err != nil {
			return err
		}
		printTensor(w, e, t, n)
		return nil
	case mmx.TypeEmbedding:
		em, err := f.ReadEmbedding(name)
		if err != nil {
			return err
		}
		printTensor(w, e, &em.Tensor, n)
		fmt.Fprintf(w, "method: %s\n", strconv.Quote(em.Method))
		if em.Labels != nil {
			fmt.Fprintf(w, "labels: %s\n", strings.Join(firstQuoted(em.Labels, n), " "))
		}
		return nil
	case mmx.TypeMesh:
		m, err := f.ReadMesh(name)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "Mesh %s: %d vertices, %d faces, normals %s, uvs %s, materials %s (%s)\n", strconv.Quote(name),
			len(m.Vertices), len(m.Faces), countOrNone(m.Normals != nil, len(m.Normals)), countOrNone(m.UVs != nil, len(m.UVs)),
			countOrNone(m.Materials != nil, len(m.Materials)), e.Compression)
		return nil
	}
	return fmt.Errorf("chunk %q is a %s chunk, which this build cannot read", name, e.ChunkType)
}

// openChunk opens the call's FILE read-only (opts: the open options) and
// looks up its chunk NAME (the first two arguments), saying how to list the
// names when there is no such chunk.
func openChunk(c *call, opts []byte) (*mmx.File, mmx.Entry, error) {
	path, name := c.args[0], c.args[1]
	f, err := openAs[*mmx.File](c, path, false, opts)
	if err != nil {
		return nil, mmx.Entry{}, err
	}
	e, err := f.Entry(name)
	if errcode.Of(err) == errcode.NotFound {
		err = fmt.Errorf("%s: no chunk %q (polyfmt ls %s lists them)", path, name, path)
	} else if err != nil {
		err = fmt.Errorf("%s: %w", path, err)
	}
	if err != nil {
		f.Close()
		return nil, e, err
	}
	return f, e, nil
}

// printTensor prints a one-line summary of an array chunk and its first n values.
func printTensor(w io.Writer, e *mmx.Entry, t *mmx.Tensor, n int) {
	elems := elements(t.Shape)
	region := ""
	if e.LogicalRegion != nil {
		region = ", region " + strconv.Quote(*e.LogicalRegion)
	}
	fmt.Fprintf(w, "%s %s: %s %s, %d elements, %d bytes (stored %d, %s)%s\n", e.ChunkType, strconv.Quote(e.Name),
		t.DType, shapeString(t.Shape), elems, len(t.Data), e.Size, e.Compression, region)
	vals := formatValues(t.DType, t.Data, n)
	more := ""
	if uint64(len(vals)) < elems {
		more = " …"
	}
	fmt.Fprintf(w, "first %d value(s): %s%s\n", len(vals), strings.Join(vals, " "), more)
}

func mmxExport(fs *flag.FlagSet) func(c *call) error {
	maxRatio := maxRatioFlag(fs)
	quiet := quietFlag(fs)
	force := fs.Bool("f", false, "replace OUT if it exists")
	return func(c *call) error {
		path, name, out := c.args[0], c.args[1], c.args[2]
		f, e, err := openChunk(c, maxRatio())
		if err != nil {
			return err
		}
		defer f.Close()
		if e.ChunkType != mmx.TypeTensor && e.ChunkType != mmx.TypeEmbedding {
			return fmt.Errorf("%s: chunk %q is a %s; export writes Tensor and Embedding chunks (try polyfmt cat)", path, name, e.ChunkType)
		}
		if e.DType != nil && *e.DType == mmx.BFloat16 {
			return fmt.Errorf("%s: chunk %q is bfloat16, which has no NumPy .npy type; nothing written", path, name)
		}
		if !*force {
			if err := mustNotExist(out, "or use -f"); err != nil {
				return err
			}
		}
		var t *mmx.Tensor
		if e.ChunkType == mmx.TypeTensor {
			t, _, err = f.TensorView(name) // in place when the chunk is raw
		} else {
			var em *mmx.Embedding
			if em, err = f.ReadEmbedding(name); err == nil {
				t = &em.Tensor
			}
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		descr, ok := npyDescrs[t.DType]
		if !ok {
			return fmt.Errorf("%s: chunk %q is %s, which has no NumPy .npy type; nothing written", path, name, t.DType)
		}
		p := c.progress(*quiet || len(t.Data) < 64<<20, "exporting", "MiB", 1<<20)
		if err := writeNPY(out, *force, descr, t.Shape, t.Data, p); err != nil {
			return fmt.Errorf("%s: %w (nothing written)", out, err)
		}
		fmt.Fprintf(c.stdout, "%s %s → %s: %s %s, %d bytes of data\n", path, strconv.Quote(name), out, descr, shapeString(t.Shape), len(t.Data))
		return nil
	}
}

func mmxCompact(fs *flag.FlagSet) func(c *call) error {
	quiet := quietFlag(fs)
	return func(c *call) error {
		path := c.args[0]
		before, err := os.Stat(path)
		if err != nil {
			return err
		}
		f, err := openAs[*mmx.File](c, path, true, nil)
		if err != nil {
			return err
		}
		if f.FromMorphNet() { // opened once: a MorphNet file is never written
			f.Close()
			return fmt.Errorf("%s: written by MorphNet, which polyfmt opens read-only; polyfmt convert %s OUT.mmx copies it into a new polyfmt file", path, path)
		}
		if r := f.Recovery(); r.Repaired {
			fmt.Fprintf(c.stderr, "%s: repaired on open: %s\n", path, r.Reason)
		}
		n, dead, gen := f.Len(), f.DeadBytes(), f.Generation()
		c.progress(*quiet, "compacting", "", 1).start("compacting %s: %d chunks, %d dead bytes…", path, n, dead)
		err = f.Compact()
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("%s: %w (the file is unchanged)", path, err)
		}
		after, err := os.Stat(path)
		if err != nil {
			return err
		}
		change := fmt.Sprintf("%d bytes freed", before.Size()-after.Size())
		if after.Size() > before.Size() {
			change = fmt.Sprintf("%d bytes more: the directory is also stored right after the header", after.Size()-before.Size())
		}
		fmt.Fprintf(c.stdout, "%s: compacted, %d → %d bytes (%s), %d chunk(s), generation %d → %d\n",
			path, before.Size(), after.Size(), change, n, gen, gen+1)
		return nil
	}
}

// compressions gives WriteOptions.Compression for each on-disk codec name.
var compressions = map[string]mmx.WriteOptions{
	"None": {Compression: mmx.Raw},
	"Lz4":  {Compression: mmx.LZ4},
	"Zlib": {Compression: mmx.Zlib},
	"Zstd": {Compression: mmx.Zstd},
}

func mmxConvert(fs *flag.FlagSet) func(c *call) error {
	maxRatio := maxRatioFlag(fs)
	quiet := quietFlag(fs)
	comp := fs.String("compression", "keep", "the codec `C` of every chunk: keep (each chunk's own), None, Lz4,\nZlib or Zstd")
	sum := fs.String("checksum", string(mmx.DefaultChecksum), "the chunk checksum `ALG` of the new file: crc32c, blake3 or sha256")
	return func(c *call) error {
		in, out := c.args[0], c.args[1]
		if _, ok := compressions[*comp]; !ok && *comp != "keep" {
			return fmt.Errorf("%w: -compression %q: want keep, None, Lz4, Zlib or Zstd", errUsage, *comp)
		}
		switch mmx.ChecksumAlgorithm(*sum) {
		case mmx.ChecksumBLAKE3, mmx.ChecksumSHA256, mmx.ChecksumCRC32C:
		default:
			return fmt.Errorf("%w: -checksum %q: want blake3, sha256 or crc32c", errUsage, *sum)
		}
		if err := mustNotExist(out, "(convert never overwrites)"); err != nil {
			return err
		}
		src, err := openAs[*mmx.File](c, in, false, maxRatio())
		if err != nil {
			return err
		}
		defer src.Close()
		entries, err := src.List("")
		if err != nil {
			return err
		}
		h := src.Header()
		opt := &mmx.Options{Creator: h.Creator, Checksum: mmx.ChecksumAlgorithm(*sum)}
		if len(opt.Creator) > 1024 {
			opt.Creator = "polyfmt convert"
		}
		if h.ModelUUID != nil && len(*h.ModelUUID) <= 64 {
			opt.ModelUUID = *h.ModelUUID
		}
		p := c.progress(*quiet, "converting", "chunks", 1)
		err = writeAtomic(out, false, func(tmp string) error {
			dst, err := mmx.Create(tmp, opt)
			if err != nil {
				return err
			}
			err = copyChunks(src, dst, entries, *comp, p)
			if err == nil {
				err = dst.Commit()
			} else {
				dst.Rollback()
			}
			if cerr := dst.Close(); err == nil {
				err = cerr
			}
			return err
		})
		if err != nil {
			return fmt.Errorf("%s: %w (nothing written)", in, err)
		}
		fmt.Fprintf(c.stdout, "%s → %s: %d chunk(s) (from a %s file)\n", in, out, len(entries), writerName(src))
		return nil
	}
}

// copyChunks writes every entry of src into dst, decoded and re-encoded,
// keeping its compression (or comp), logical region and alignment.
func copyChunks(src, dst *mmx.File, entries []mmx.Entry, comp string, p *progress) error {
	for i, e := range entries {
		fl, err := src.ReadFlat(e.Name)
		if err != nil {
			return fmt.Errorf("chunk %q: %w", e.Name, err)
		}
		codecName := comp
		if comp == "keep" {
			codecName = e.Compression
		}
		o, ok := compressions[codecName]
		if !ok {
			return fmt.Errorf("chunk %q: compression %q", e.Name, codecName)
		}
		if e.LogicalRegion != nil {
			o.LogicalRegion = *e.LogicalRegion
		}
		if e.Alignment >= 8 {
			o.Alignment = e.Alignment
		}
		if err := dst.WriteFlat(e.Name, fl, &o); err != nil {
			return fmt.Errorf("chunk %q: %w", e.Name, err)
		}
		p.update(int64(i+1), int64(len(entries)))
	}
	return nil
}
