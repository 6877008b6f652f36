package main

import (
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/ffi"
	"github.com/polyfmt/polyfmt/core/mmx"
	"github.com/polyfmt/polyfmt/core/mmx/morphnet"
)

// The MMX commands: inspect, verify and convert when the input is an .mmx
// (main dispatches on the first bytes), and ls, cat, export and compact,
// which only MMX has.

// isMMXInput reports whether the first file named among args is an MMX
// file. Arguments that are not files (flags, flag values) are passed over.
func isMMXInput(args []string) bool {
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			continue
		}
		fm, err := detectFile(a)
		if err == nil {
			return fm == MMX
		}
		if _, serr := os.Stat(a); serr == nil {
			return false // a file, but not one polyfmt knows: let the MEM8 command say so
		}
	}
	return false
}

// parseRange is parse for commands whose trailing arguments are optional:
// it wants between lo and hi positional arguments.
func parseRange(fs *flag.FlagSet, args []string, lo, hi int, what string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(pos) < lo || len(pos) > hi {
		return nil, fmt.Errorf("%w: %s takes %s, got %d argument(s)", errUsage, fs.Name(), what, len(pos))
	}
	return pos, nil
}

// openMMX opens path read-only for cmd after checking its first bytes.
// maxRatioFlag adds -max-ratio to a command that reads chunk payloads.
func maxRatioFlag(fs *flag.FlagSet) *int64 {
	return fs.Int64("max-ratio", 0, "largest compression ratio a chunk may declare (0: the default, 1024; raise it for files you trust, e.g. zstd of zeros)")
}

func openMMX(path, cmd string, maxRatio ...*int64) (*mmx.File, error) {
	fm, err := detectFile(path)
	if err != nil {
		return nil, err
	}
	if fm != MMX {
		return nil, fmt.Errorf("%s: %s input; %s reads .mmx files", path, fm, cmd)
	}
	var opt *mmx.Options
	if len(maxRatio) > 0 && *maxRatio[0] != 0 {
		opt = &mmx.Options{Limits: &mmx.Limits{MaxRatio: *maxRatio[0]}}
	}
	f, err := mmx.OpenFile(path, os.O_RDONLY, opt)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// isMorphNet reports whether path is an MMX file in MorphNet's layout
// (a bincode directory trailer instead of polyfmt's "MMXTAIL\0").
func isMorphNet(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.Size() < 8 {
		return false
	}
	var tail [8]byte
	if _, err := f.ReadAt(tail[:], fi.Size()-8); err != nil || string(tail[:]) == "MMXTAIL\x00" {
		return false
	}
	return morphnet.Detect(f, fi.Size())
}

func writerName(path string) string {
	if isMorphNet(path) {
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

// mmxInspectJSON is what inspect -json prints for an .mmx.
type mmxInspectJSON struct {
	ffi.MMXInfoJSON
	Writer        string         `json:"writer"`
	ChunksPerType map[string]int `json:"chunks_per_type"`
}

func cmdMMXInspect(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("inspect", stderr)
	asJSON := fs.Bool("json", false, "print the header, recovery report and chunk counts as JSON")
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	path := pos[0]
	f, err := openMMX(path, "inspect")
	if err != nil {
		return err
	}
	defer f.Close()
	entries, err := f.List("")
	if err != nil {
		return err
	}
	order, counts := typeCounts(entries)
	info := ffi.MMXInfo(f)
	writer := writerName(path)
	if *asJSON {
		return jsonOut(stdout, mmxInspectJSON{MMXInfoJSON: info, Writer: writer, ChunksPerType: counts}, false)
	}
	h := info.Header
	w := stdout
	if writer == "MorphNet" {
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
}

// cmdMMXVerify checks the committed state and says what a writer would
// drop: exit 0 when it is intact and nothing follows it, 3 (errUnfinished)
// when it is intact and an unfinished commit follows, 1 when it is damaged.
func cmdMMXVerify(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("verify", stderr)
	maxRatio := maxRatioFlag(fs)
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	path := pos[0]
	f, err := openMMX(path, "verify", maxRatio)
	if err != nil {
		return err
	}
	defer f.Close()
	n, gen, rec := f.Len(), f.Generation(), f.Recovery()
	if err := f.VerifyCommitted(); err != nil {
		var ve *mmx.VerifyError
		if errors.As(err, &ve) && ve.Chunk != "" {
			return fmt.Errorf("%s: FAILED at chunk %q (of %d): %s", path, ve.Chunk, n, ve.Reason)
		}
		return fmt.Errorf("%s: FAILED: %v", path, err)
	}
	committed := int64(-1)
	if fi, err := os.Stat(path); err == nil {
		committed = fi.Size() - rec.DroppedBytes
	}
	if rec.Clean() {
		fmt.Fprintf(stdout, "%s: OK, %d chunks verified (generation %d); %d bytes committed\n", path, n, gen, committed)
		return nil
	}
	fmt.Fprintf(stdout, "%s: committed state OK, %d chunks verified (generation %d); %d bytes committed\n", path, n, gen, committed)
	fmt.Fprintf(stdout, "%s: UNFINISHED: %s; a writable open (polyfmt compact) drops %d bytes\n", path, rec.Reason, rec.DroppedBytes)
	return errUnfinished
}

func cmdLs(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("ls", stderr)
	long := fs.Bool("l", false, "long listing: type, dtype, shape, compression, sizes, region")
	pos, err := parseRange(fs, args, 1, 2, "FILE [PREFIX]")
	if err != nil {
		return err
	}
	path, prefix := pos[0], ""
	if len(pos) == 2 {
		prefix = pos[1]
	}
	f, err := openMMX(path, "ls")
	if err != nil {
		return err
	}
	defer f.Close()
	entries, err := f.List(prefix)
	if err != nil {
		return err
	}
	if !*long {
		for _, e := range entries {
			fmt.Fprintln(stdout, safeName(e.Name))
		}
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
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
	fmt.Fprintf(stdout, "%d chunk(s), %d bytes stored\n", len(entries), stored)
	return nil
}

// shapeString prints a shape as [a,b,c].
func shapeString(shape []uint64) string {
	s := make([]string, len(shape))
	for i, d := range shape {
		s[i] = strconv.FormatUint(d, 10)
	}
	return "[" + strings.Join(s, ",") + "]"
}

func cmdCat(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("cat", stderr)
	maxRatio := maxRatioFlag(fs)
	nValues := fs.Int("n", 10, "Tensor and Embedding: how many of the first values to print")
	pos, err := parse(fs, args, 2)
	if err != nil {
		return err
	}
	path, name := pos[0], pos[1]
	f, err := openMMX(path, "cat", maxRatio)
	if err != nil {
		return err
	}
	defer f.Close()
	e, err := mmxEntry(f, path, name)
	if err != nil {
		return err
	}
	fail := func(err error) error { return fmt.Errorf("%s: %w", path, err) }
	switch e.ChunkType {
	case mmx.TypeText:
		t, err := f.ReadText(name)
		if err != nil {
			return fail(err)
		}
		io.WriteString(stdout, t.Content)
		if !strings.HasSuffix(t.Content, "\n") {
			io.WriteString(stdout, "\n")
		}
		return nil
	case mmx.TypeMeta:
		m, err := f.ReadMeta(name)
		if err != nil {
			return fail(err)
		}
		return prettyJSON(stdout, m)
	case mmx.TypeSequence:
		s, err := f.ReadSequence(name)
		if err != nil {
			return fail(err)
		}
		return prettyJSON(stdout, s)
	case mmx.TypeTensor:
		t, _, err := f.TensorView(name)
		if err != nil {
			return fail(err)
		}
		printTensor(stdout, &e, t, *nValues)
		return nil
	case mmx.TypeEmbedding:
		em, err := f.ReadEmbedding(name)
		if err != nil {
			return fail(err)
		}
		printTensor(stdout, &e, &em.Tensor, *nValues)
		fmt.Fprintf(stdout, "method: %s\n", strconv.Quote(em.Method))
		if em.Labels != nil {
			fmt.Fprintf(stdout, "labels: %s\n", strings.Join(firstQuoted(em.Labels, *nValues), " "))
		}
		return nil
	case mmx.TypeMesh:
		m, err := f.ReadMesh(name)
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "Mesh %s: %d vertices, %d faces, normals %s, uvs %s, materials %s (%s)\n", strconv.Quote(name),
			len(m.Vertices), len(m.Faces), countOrNone(m.Normals != nil, len(m.Normals)), countOrNone(m.UVs != nil, len(m.UVs)),
			countOrNone(m.Materials != nil, len(m.Materials)), e.Compression)
		return nil
	}
	return fmt.Errorf("%s: chunk %q is a %s chunk, which this build cannot read", path, name, e.ChunkType)
}

// mmxEntry looks name up, saying how to list the names when there is no such chunk.
func mmxEntry(f *mmx.File, path, name string) (mmx.Entry, error) {
	e, err := f.Entry(name)
	if errcode.Of(err) == errcode.NotFound {
		return e, fmt.Errorf("%s: no chunk %q (polyfmt ls %s lists them)", path, name, path)
	}
	if err != nil {
		return e, fmt.Errorf("%s: %w", path, err)
	}
	return e, nil
}

func countOrNone(present bool, n int) string {
	if !present {
		return "none"
	}
	return strconv.Itoa(n)
}

func firstQuoted(ss []string, n int) []string {
	out := quoteAll(ss[:min(len(ss), max(n, 0))])
	if len(ss) > len(out) {
		out = append(out, fmt.Sprintf("… (%d in all)", len(ss)))
	}
	return out
}

func prettyJSON(w io.Writer, v any) error { return jsonOut(w, v, false) }

// printTensor prints a one-line summary of an array chunk and its first n values.
func printTensor(w io.Writer, e *mmx.Entry, t *mmx.Tensor, n int) {
	elems := uint64(1)
	for _, d := range t.Shape {
		elems *= d
	}
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

// formatValues formats up to n elements of data, a little-endian array of d.
func formatValues(d mmx.DType, data []byte, n int) []string {
	size := d.ItemSize()
	if size == 0 || n <= 0 {
		return nil
	}
	count := min(n, len(data)/size)
	le := binary.LittleEndian
	f32 := func(v float32) string { return strconv.FormatFloat(float64(v), 'g', -1, 32) }
	out := make([]string, count)
	for i := range out {
		b := data[i*size : (i+1)*size]
		switch d {
		case mmx.Bool:
			out[i] = strconv.FormatBool(b[0] != 0)
		case mmx.Int8:
			out[i] = strconv.Itoa(int(int8(b[0])))
		case mmx.Uint8:
			out[i] = strconv.Itoa(int(b[0]))
		case mmx.Int16:
			out[i] = strconv.Itoa(int(int16(le.Uint16(b))))
		case mmx.Uint16:
			out[i] = strconv.Itoa(int(le.Uint16(b)))
		case mmx.Int32:
			out[i] = strconv.Itoa(int(int32(le.Uint32(b))))
		case mmx.Uint32:
			out[i] = strconv.FormatUint(uint64(le.Uint32(b)), 10)
		case mmx.Int64:
			out[i] = strconv.FormatInt(int64(le.Uint64(b)), 10)
		case mmx.Uint64:
			out[i] = strconv.FormatUint(le.Uint64(b), 10)
		case mmx.Float16:
			out[i] = f32(halfToFloat32(le.Uint16(b)))
		case mmx.BFloat16:
			out[i] = f32(math.Float32frombits(uint32(le.Uint16(b)) << 16))
		case mmx.Float32:
			out[i] = f32(math.Float32frombits(le.Uint32(b)))
		case mmx.Float64:
			out[i] = strconv.FormatFloat(math.Float64frombits(le.Uint64(b)), 'g', -1, 64)
		case mmx.Complex64:
			c := complex(math.Float32frombits(le.Uint32(b)), math.Float32frombits(le.Uint32(b[4:])))
			out[i] = strconv.FormatComplex(complex128(c), 'g', -1, 64)
		case mmx.Complex128:
			c := complex(math.Float64frombits(le.Uint64(b)), math.Float64frombits(le.Uint64(b[8:])))
			out[i] = strconv.FormatComplex(c, 'g', -1, 128)
		}
	}
	return out
}

// halfToFloat32 widens an IEEE 754 binary16 value.
func halfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // Inf, NaN
		return math.Float32frombits(sign | 0xff<<23 | frac<<13)
	case exp == 0 && frac == 0:
		return math.Float32frombits(sign)
	case exp == 0: // subnormal: frac × 2^-24
		v := float32(frac) / (1 << 24)
		if sign != 0 {
			v = -v
		}
		return v
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | frac<<13)
}

// ---- export: .npy ---------------------------------------------------------

// npyDescrs maps each dtype to its NumPy type string (the .npy "descr"):
// byte order '<' (little-endian, as MMX stores arrays) or '|' where it does
// not apply. bfloat16 has none: NumPy cannot load it.
var npyDescrs = map[mmx.DType]string{
	mmx.Bool: "|b1", mmx.Int8: "|i1", mmx.Uint8: "|u1",
	mmx.Int16: "<i2", mmx.Uint16: "<u2", mmx.Float16: "<f2",
	mmx.Int32: "<i4", mmx.Uint32: "<u4", mmx.Float32: "<f4",
	mmx.Int64: "<i8", mmx.Uint64: "<u8", mmx.Float64: "<f8",
	mmx.Complex64: "<c8", mmx.Complex128: "<c16",
}

// .npy format version 1.0: magic, version, u16 little-endian header length,
// then the header (a Python dict literal padded with spaces and ended by
// '\n' so that the data starts at a multiple of 64), then the data.
const (
	npyMagic      = "\x93NUMPY"
	npyAlign      = 64
	npyPrefixSize = len(npyMagic) + 2 + 2
)

// appendNPYHeader appends the .npy v1.0 header for a C-order array of
// descr and shape.
func appendNPYHeader(dst []byte, descr string, shape []uint64) ([]byte, error) {
	dims := make([]string, len(shape))
	for i, d := range shape {
		dims[i] = strconv.FormatUint(d, 10)
	}
	tuple := "(" + strings.Join(dims, ", ") + ")"
	if len(shape) == 1 {
		tuple = "(" + dims[0] + ",)"
	}
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, tuple)
	total := npyPrefixSize + len(dict) + 1 // + '\n'
	pad := (npyAlign - total%npyAlign) % npyAlign
	hlen := len(dict) + pad + 1
	if hlen > math.MaxUint16 {
		return dst, fmt.Errorf("npy header of %d bytes does not fit format 1.0", hlen)
	}
	dst = append(dst, npyMagic...)
	dst = append(dst, 1, 0)
	dst = binary.LittleEndian.AppendUint16(dst, uint16(hlen))
	dst = append(dst, dict...)
	dst = append(dst, strings.Repeat(" ", pad)...)
	return append(dst, '\n'), nil
}

func cmdExport(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("export", stderr)
	maxRatio := maxRatioFlag(fs)
	quiet := fs.Bool("q", false, "no progress output")
	force := fs.Bool("f", false, "replace OUT if it exists")
	pos, err := parse(fs, args, 3)
	if err != nil {
		return err
	}
	path, name, out := pos[0], pos[1], pos[2]
	f, err := openMMX(path, "export", maxRatio)
	if err != nil {
		return err
	}
	defer f.Close()
	e, err := mmxEntry(f, path, name)
	if err != nil {
		return err
	}
	if e.ChunkType != mmx.TypeTensor && e.ChunkType != mmx.TypeEmbedding {
		return fmt.Errorf("%s: chunk %q is a %s; export writes Tensor and Embedding chunks (try polyfmt cat)", path, name, e.ChunkType)
	}
	if e.DType != nil && *e.DType == mmx.BFloat16 {
		return fmt.Errorf("%s: chunk %q is bfloat16, which has no NumPy .npy type; nothing written", path, name)
	}
	if !*force {
		if _, err := os.Stat(out); err == nil {
			return fmt.Errorf("%s exists; remove it first or use -f", out)
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
	hdr, err := appendNPYHeader(nil, descr, t.Shape)
	if err != nil {
		return err
	}
	p := &progress{w: stderr, quiet: *quiet || len(t.Data) < 64<<20, what: "exporting", unit: "MiB", scale: 1 << 20}
	err = writeAtomic(out, func(w io.Writer) error {
		if _, err := w.Write(hdr); err != nil {
			return err
		}
		const piece = 4 << 20
		for off := 0; off < len(t.Data); off += piece {
			end := min(off+piece, len(t.Data))
			if _, err := w.Write(t.Data[off:end]); err != nil {
				return err
			}
			p.update(int64(end), int64(len(t.Data)))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("%s: %w (nothing written)", out, err)
	}
	fmt.Fprintf(stdout, "%s %s → %s: %s %s, %d bytes of data\n", path, strconv.Quote(name), out, descr, shapeString(t.Shape), len(t.Data))
	return nil
}

// writeAtomic writes path through a temporary file beside it, renamed over
// path only when fill and the sync succeed: a failure leaves nothing.
func writeAtomic(path string, fill func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	err = fill(tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// progress reports long work on stderr, at most five times a second.
type progress struct {
	w     io.Writer
	quiet bool
	what  string
	unit  string
	scale int64 // divide counts by this for display (1 for counts)
	last  time.Time
}

func (p *progress) update(done, total int64) {
	if p.quiet || (time.Since(p.last) < 200*time.Millisecond && done != total) {
		return
	}
	p.last = time.Now()
	s := max(p.scale, 1)
	fmt.Fprintf(p.w, "\r%s: %d/%d %s", p.what, done/s, total/s, p.unit)
	if done == total {
		fmt.Fprintln(p.w)
	}
}

// ---- compact ---------------------------------------------------------------

func cmdCompact(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("compact", stderr)
	quiet := fs.Bool("q", false, "no progress output")
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	path := pos[0]
	fm, err := detectFile(path)
	if err != nil {
		return err
	}
	if fm != MMX {
		return fmt.Errorf("%s: %s input; compact rewrites .mmx files", path, fm)
	}
	if isMorphNet(path) {
		return fmt.Errorf("%s: written by MorphNet, which polyfmt opens read-only; polyfmt convert %s OUT.mmx copies it into a new polyfmt file", path, path)
	}
	before, err := os.Stat(path)
	if err != nil {
		return err
	}
	f, err := mmx.OpenFile(path, os.O_RDWR, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if r := f.Recovery(); r.Repaired {
		fmt.Fprintf(stderr, "%s: repaired on open: %s\n", path, r.Reason)
	}
	n, dead, gen := f.Len(), f.DeadBytes(), f.Generation()
	if !*quiet {
		fmt.Fprintf(stderr, "compacting %s: %d chunks, %d dead bytes…\n", path, n, dead)
	}
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
	fmt.Fprintf(stdout, "%s: compacted, %d → %d bytes (%s), %d chunk(s), generation %d → %d\n",
		path, before.Size(), after.Size(), change, n, gen, gen+1)
	return nil
}

// ---- convert ---------------------------------------------------------------

// compressions gives WriteOptions.Compression for each on-disk codec name.
var compressions = map[string]mmx.WriteOptions{
	"None": {Compression: mmx.Raw},
	"Lz4":  {Compression: mmx.LZ4},
	"Zlib": {Compression: mmx.Zlib},
	"Zstd": {Compression: mmx.Zstd},
}

func cmdMMXConvert(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("convert", stderr)
	maxRatio := maxRatioFlag(fs)
	quiet := fs.Bool("q", false, "no progress output")
	comp := fs.String("compression", "keep", `codec for every chunk: "keep" (each chunk's own), "None", "Lz4", "Zlib" or "Zstd"`)
	pos, err := parse(fs, args, 2)
	if err != nil {
		return err
	}
	in, out := pos[0], pos[1]
	if _, ok := compressions[*comp]; !ok && *comp != "keep" {
		return fmt.Errorf("%w: -compression %q: want keep, None, Lz4, Zlib or Zstd", errUsage, *comp)
	}
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("%s exists; remove it first (convert never overwrites)", out)
	}
	src, err := openMMX(in, "convert", maxRatio)
	if err != nil {
		return err
	}
	defer src.Close()
	entries, err := src.List("")
	if err != nil {
		return err
	}
	h := src.Header()
	opt := &mmx.Options{Creator: h.Creator}
	if len(opt.Creator) > 1024 {
		opt.Creator = "polyfmt convert"
	}
	if h.ModelUUID != nil && len(*h.ModelUUID) <= 64 {
		opt.ModelUUID = *h.ModelUUID
	}
	dst, err := mmx.Create(out, opt)
	if err != nil {
		return fmt.Errorf("%s: %w", out, err)
	}
	p := &progress{w: stderr, quiet: *quiet, what: "converting", unit: "chunks", scale: 1}
	err = copyChunks(src, dst, entries, *comp, p)
	if err == nil {
		err = dst.Commit()
	} else {
		dst.Rollback()
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(out)
		return fmt.Errorf("%s: %w (nothing written)", in, err)
	}
	from := "polyfmt"
	if isMorphNet(in) {
		from = "MorphNet"
	}
	fmt.Fprintf(stdout, "%s → %s: %d chunk(s) (from a %s file)\n", in, out, len(entries), from)
	return nil
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
