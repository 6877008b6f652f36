package paths

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// rec builds a record section by hand: the count, then each path's record.
func rec(count uint64, paths ...[]byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, count)
	for _, p := range paths {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(p)))
		b = append(b, p...)
	}
	return b
}

// readAll reads a record section into a list.
func readAll(r io.Reader, lim *Limits) ([][]byte, uint64, error) {
	var out [][]byte
	n, err := ReadRecords(r, lim, func(p []byte) error {
		out = append(out, bytes.Clone(p))
		return nil
	})
	return out, n, err
}

func TestAppendRecords(t *testing.T) {
	s := setOf(exprVars, symFoo, exprFooBar, exprUnit, exprFooBar)
	got := AppendRecords([]byte("prefix"), s)
	want := append([]byte("prefix"), rec(4, smallPaths...)...)
	if !bytes.Equal(got, want) {
		t.Fatalf("AppendRecords:\n got %x\nwant %x", got, want)
	}
	var buf bytes.Buffer
	if err := WriteRecords(&buf, s); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want[6:]) {
		t.Fatalf("WriteRecords differs from AppendRecords:\n got %x\nwant %x", buf.Bytes(), want[6:])
	}
	if got := AppendRecords(nil, NewSet()); !bytes.Equal(got, make([]byte, 8)) {
		t.Fatalf("empty set: %x", got)
	}
}

func TestWriteRecordsChunks(t *testing.T) {
	// Paths around and above the 64 KiB staging buffer.
	var ps [][]byte
	for _, n := range []int{0, 1, writeChunk - 12, writeChunk - 4, writeChunk, writeChunk + 1, 3 * writeChunk, 17} {
		p := bytes.Repeat([]byte{byte(n)}, n)
		p = append(p, byte(len(ps))) // distinct
		ps = append(ps, p)
	}
	s := setOf(ps...)
	var buf bytes.Buffer
	if err := WriteRecords(&buf, s); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), AppendRecords(nil, s)) {
		t.Fatal("WriteRecords and AppendRecords differ")
	}
	got, n, err := readAll(&buf, nil)
	if err != nil || n != uint64(len(ps)) {
		t.Fatal(n, err)
	}
	if len(got) != len(ps) {
		t.Fatalf("%d paths back", len(got))
	}
}

type failWriter struct{ after int }

var errWrite = errors.New("disk full")

func (f *failWriter) Write(p []byte) (int, error) {
	if f.after <= 0 {
		return 0, errWrite
	}
	f.after--
	return len(p), nil
}

func TestWritersReturnWriteErrors(t *testing.T) {
	// Random paths: incompressible, so every writer makes several writes.
	s := NewSet()
	r := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		p := make([]byte, 20)
		for i := range p {
			p[i] = byte(r.Uint32())
		}
		s.Add(p, 0)
	}
	writers := map[string]func(w io.Writer) error{
		"WriteRecords": func(w io.Writer) error { return WriteRecords(w, s) },
		"WritePaths":   func(w io.Writer) error { return WritePaths(w, s) },
	}
	for _, c := range []Compression{None, Zlib, LZ4, Zstd} {
		writers["WritePathMap1 "+c.String()] = func(w io.Writer) error { return WritePathMap1(w, s, c) }
	}
	for name, write := range writers {
		counter := &failWriter{after: 1 << 30}
		if err := write(counter); err != nil {
			t.Fatal(name, err)
		}
		writes := 1<<30 - counter.after
		if writes < 2 {
			t.Fatalf("%s made %d writes; the test wants more", name, writes)
		}
		// Failing at every write in turn: the writer's error comes back.
		for after := 0; after < writes; after++ {
			if err := write(&failWriter{after: after}); !errors.Is(err, errWrite) {
				t.Fatalf("%s failing at write %d of %d: %v", name, after, writes, err)
			}
		}
	}
}

func TestReadRecordsTable(t *testing.T) {
	big := bytes.Repeat([]byte("x"), 100)
	for _, tc := range []struct {
		name  string
		in    []byte
		lim   *Limits
		want  [][]byte
		kind  error
		plain bool // hide Len
	}{
		{name: "empty section", in: rec(0), want: nil},
		{name: "small", in: rec(4, smallPaths...), want: smallPaths},
		{name: "unsorted duplicates kept in order", in: rec(3, symFoo, exprUnit, symFoo), want: [][]byte{symFoo, exprUnit, symFoo}},
		{name: "empty paths", in: rec(2, nil, nil), want: [][]byte{{}, {}}},
		{name: "no count", in: nil, kind: errcode.ErrFormat},
		{name: "short count", in: []byte{1, 0, 0}, kind: errcode.ErrFormat},
		{name: "count above MaxPaths", in: rec(3, nil, nil, nil), lim: &Limits{MaxPaths: 2}, kind: errcode.ErrLimit},
		{name: "count of 2^60", in: rec(1 << 60), kind: errcode.ErrLimit},
		{name: "count of 2^60, MaxPaths raised: too few bytes", in: rec(1<<60, nil), lim: &Limits{MaxPaths: 1 << 62}, kind: errcode.ErrFormat},
		{name: "count of 2^60, MaxPaths raised, size unknown", in: rec(1<<60, nil, nil), lim: &Limits{MaxPaths: 1 << 62}, kind: errcode.ErrFormat, plain: true},
		{name: "count of 2^63-1 does not overflow", in: rec(1<<63 - 1), lim: &Limits{MaxPaths: 1<<63 - 1}, kind: errcode.ErrFormat},
		{name: "count beyond records", in: rec(3, symFoo), kind: errcode.ErrFormat},
		{name: "count beyond records, size unknown", in: rec(3, symFoo), kind: errcode.ErrFormat, plain: true},
		{name: "path above MaxPathLen", in: rec(1, big), lim: &Limits{MaxPathLen: 99}, kind: errcode.ErrLimit},
		{name: "path at MaxPathLen", in: rec(1, big), lim: &Limits{MaxPathLen: 100}, want: [][]byte{big}},
		{name: "4 GiB length", in: append(rec(1), 0xff, 0xff, 0xff, 0xff, 1, 2, 3), kind: errcode.ErrLimit},
		// (2 GiB−1, not 4 GiB: where int has 32 bits, 2 GiB and more is ErrLimit.)
		{name: "2 GiB length, MaxPathLen raised", in: append(rec(1), 0xff, 0xff, 0xff, 0x7f, 1, 2, 3), lim: &Limits{MaxPathLen: 1 << 33}, kind: errcode.ErrFormat},
		{name: "2 GiB length, MaxPathLen raised, size unknown", in: append(rec(1), 0xff, 0xff, 0xff, 0x7f, 1, 2, 3), lim: &Limits{MaxPathLen: 1 << 33}, kind: errcode.ErrFormat, plain: true},
		{name: "negative limit", in: rec(0), lim: &Limits{MaxRatio: -1}, kind: errcode.ErrBadArg},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r io.Reader = bytes.NewReader(tc.in)
			if tc.plain {
				r = plain{r}
			}
			got, n, err := readAll(r, tc.lim)
			if tc.kind != nil {
				wantKind(t, err, tc.kind)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if n != uint64(len(tc.want)) || len(got) != len(tc.want) {
				t.Fatalf("%d records (returned %d), want %d", len(got), n, len(tc.want))
			}
			for i := range got {
				if !bytes.Equal(got[i], tc.want[i]) {
					t.Fatalf("record %d: %x, want %x", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestReadRecordsErrorOffsets(t *testing.T) {
	in := rec(2, symFoo, exprFooBar)
	_, _, err := readAll(bytes.NewReader(in[:len(in)-1]), nil)
	var e *errcode.Error
	if !errors.As(err, &e) {
		t.Fatal(err)
	}
	// Record 1's length is checked against the bytes left, before its path is read.
	if want := int64(8 + 4 + len(symFoo) + 4); e.Offset != want {
		t.Fatalf("offset %d, want %d: %v", e.Offset, want, err)
	}
	_, _, err = readAll(plain{bytes.NewReader(in[:len(in)-1])}, nil)
	if !errors.As(err, &e) || e.Offset != int64(len(in)-1) {
		t.Fatalf("truncation of an unsized input: %v", err)
	}
}

func TestReadRecordsStopsAtSection(t *testing.T) {
	// ReadRecords must leave what follows the section unread (MTTS puts a
	// checksum there).
	tail := []byte("CHECKSUM")
	in := append(rec(2, symFoo, exprUnit), tail...)
	for _, r := range []io.Reader{bytes.NewReader(in), plain{bytes.NewReader(in)}} {
		if _, n, err := readAll(r, nil); err != nil || n != 2 {
			t.Fatal(n, err)
		}
		rest, _ := io.ReadAll(r)
		if !bytes.Equal(rest, tail) {
			t.Fatalf("after the section: %q, want %q", rest, tail)
		}
	}
}

func TestReadRecordsCallbackError(t *testing.T) {
	stop := errors.New("stop")
	calls := 0
	n, err := ReadRecords(bytes.NewReader(rec(4, smallPaths...)), nil, func(p []byte) error {
		calls++
		if calls == 2 {
			return stop
		}
		return nil
	})
	if err != stop || n != 1 || calls != 2 {
		t.Fatalf("n=%d calls=%d err=%v; want the callback's error after 1 record", n, calls, err)
	}
}

func TestReadRecordsReusesBuffer(t *testing.T) {
	var first []byte
	i := 0
	_, err := ReadRecords(bytes.NewReader(rec(2, []byte("aaaa"), []byte("bbbb"))), nil, func(p []byte) error {
		if i == 0 {
			first = p
		}
		i++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if string(first) != "bbbb" {
		t.Fatalf("the path buffer was not reused: first slice now %q", first)
	}
}

// TestReadRecordsTruncation cuts a section at every length: every prefix
// is ErrFormat, with and without a known size.
func TestReadRecordsTruncation(t *testing.T) {
	in := rec(5, exprUnit, exprFooBar, nil, exprVars, symFoo)
	for n := 0; n < len(in); n++ {
		for _, r := range []io.Reader{bytes.NewReader(in[:n]), plain{bytes.NewReader(in[:n])}} {
			_, _, err := readAll(r, nil)
			wantKind(t, err, errcode.ErrFormat)
		}
	}
}

// TestReadRecordsHugeLengthAllocation: a 2 GiB length over 1 MiB of data,
// size unknown, allocates about what the data holds, not 2 GiB.
func TestReadRecordsHugeLengthAllocation(t *testing.T) {
	in := append(rec(1), 0xff, 0xff, 0xff, 0x7f)
	in = append(in, make([]byte, 1<<20)...)
	var err error
	a := allocated(func() {
		_, _, err = readAll(plain{bytes.NewReader(in)}, &Limits{MaxPathLen: 1 << 33})
	})
	wantKind(t, err, errcode.ErrFormat)
	if a > 8<<20 {
		t.Fatalf("allocated %d bytes for 1 MiB of input", a)
	}
}
