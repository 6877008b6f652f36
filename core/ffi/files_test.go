package ffi

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/format"
)

// The format-generic lifecycle exports, over every registered format: a
// file made with pf_create is found again by pf_open and pf_open_bytes,
// which detect its format; pf_info, pf_verify, pf_refresh and pf_bytes work
// on it whatever it is; the per-format aliases refuse another format's.
func TestLifecycleExportsEveryFormat(t *testing.T) {
	a := goABI()
	dir := t.TempDir()
	for _, fm := range format.All() {
		t.Run(fm.Name, func(t *testing.T) {
			path := filepath.Join(dir, "f"+fm.Extensions[0])
			pp, pn := str(path)
			var h uint32
			if rc := Create(a, fm.ID, pp, pn, nil, 0, unsafe.Pointer(&h)); rc != 0 {
				t.Fatalf("pf_create: %d %s", rc, cstr(ErrMsg(a, 0)))
			}
			var got int32
			if rc := FormatOf(a, h, unsafe.Pointer(&got)); rc != 0 || got != fm.ID {
				t.Fatalf("pf_format: %d, format %d", rc, got)
			}
			if rc := Close(a, h); rc != 0 {
				t.Fatalf("close: %d", rc)
			}

			got = -1
			if rc := Open(a, 0, pp, pn, 0, nil, 0, unsafe.Pointer(&h), unsafe.Pointer(&got)); rc != 0 || got != fm.ID {
				t.Fatalf("pf_open: %d, format %d %s", rc, got, cstr(ErrMsg(a, 0)))
			}
			var js unsafe.Pointer
			var jn uint64
			if rc := Info(a, h, unsafe.Pointer(&js), unsafe.Pointer(&jn)); rc != 0 {
				t.Fatalf("pf_info: %d", rc)
			}
			var doc struct {
				Format   string `json:"format"`
				Name     string `json:"name"`
				Writable bool   `json:"writable"`
				Recovery struct {
					Clean bool `json:"clean"`
				} `json:"recovery"`
			}
			if err := json.Unmarshal(bufOf(a, js, jn), &doc); err != nil || doc.Format != fm.Name || doc.Name != path || doc.Writable || !doc.Recovery.Clean {
				t.Fatalf("pf_info: %+v %v", doc, err)
			}
			Free(a, js)
			if rc := Verify(a, h); rc != 0 {
				t.Fatalf("pf_verify: %d %s", rc, cstr(ErrMsg(a, h)))
			}
			if rc := Refresh(a, h, nil); rc != 0 {
				t.Fatalf("pf_refresh: %d", rc)
			}
			var img unsafe.Pointer
			var n uint64
			if rc := Bytes(a, h, unsafe.Pointer(&img), unsafe.Pointer(&n)); rc != int32(errcode.BadArg) {
				t.Fatalf("pf_bytes of a file on disk: %d, want PF_EBADARG", rc)
			}
			// Every alias of another format refuses this handle.
			for i := range Spec {
				e := &Spec[i]
				if e.Alias == "" || e.Alias == fm.Name || e.Of != "pf_info" {
					continue
				}
				other := format.ByName(e.Alias)
				if rc := info(a, other.ID, h, unsafe.Pointer(&js), unsafe.Pointer(&jn)); rc != int32(errcode.BadHandle) {
					t.Fatalf("%s on a %s handle: %d", e.Name, fm.Name, rc)
				}
				if msg := cstr(ErrMsg(a, h)); !strings.Contains(msg, "not a "+other.Name+" handle") {
					t.Fatalf("%s: message %q", e.Name, msg)
				}
			}
			Close(a, h)

			// In memory: pf_create with no path, its image through
			// pf_bytes, opened again (format detected) read-only and writable.
			if rc := Create(a, fm.ID, nil, 0, nil, 0, unsafe.Pointer(&h)); rc != 0 {
				t.Fatalf("pf_create in memory: %d", rc)
			}
			if rc := Bytes(a, h, unsafe.Pointer(&img), unsafe.Pointer(&n)); rc != 0 || n == 0 {
				t.Fatalf("pf_bytes: %d, %d bytes", rc, n)
			}
			Close(a, h)
			var detected int32
			if rc := Detect(a, img, n, unsafe.Pointer(&detected)); rc != 0 || detected != fm.ID {
				t.Fatalf("pf_detect: %d, %d", rc, detected)
			}
			for _, w := range []int32{0, 1} {
				got = -1
				if rc := OpenBytes(a, 0, img, n, w, nil, 0, unsafe.Pointer(&h), unsafe.Pointer(&got)); rc != 0 || got != fm.ID {
					t.Fatalf("pf_open_bytes writable=%d: %d, format %d %s", w, rc, got, cstr(ErrMsg(a, 0)))
				}
				Close(a, h)
			}
			Free(a, img)

			// The alias of pf_open_bytes for this format, writable with no
			// bytes, makes a new file (one semantics for every format).
			if rc := openBytes(a, fm.ID, nil, 0, 1, nil, 0, unsafe.Pointer(&h), nil); rc != 0 {
				t.Fatalf("writable open of no bytes as %s: %d %s", fm.Name, rc, cstr(ErrMsg(a, 0)))
			}
			Close(a, h)
		})
	}
}

func TestLifecycleExportErrors(t *testing.T) {
	a := goABI()
	var h uint32
	var fmtOut int32
	junk, jn := str("not a polyfmt file at all")
	for name, rc := range map[string]int32{
		"pf_create with format 0":              Create(a, 0, nil, 0, nil, 0, unsafe.Pointer(&h)),
		"pf_create with an unknown format":     Create(a, 99, nil, 0, nil, 0, unsafe.Pointer(&h)),
		"pf_open_bytes of no bytes, writable":  OpenBytes(a, 0, nil, 0, 1, nil, 0, unsafe.Pointer(&h), nil),
		"pf_open_bytes with writable 2":        OpenBytes(a, 0, junk, jn, 2, nil, 0, unsafe.Pointer(&h), nil),
		"pf_open of an empty path":             Open(a, 0, nil, 0, 0, nil, 0, unsafe.Pointer(&h), nil),
		"pf_create with an unknown option key": Create(a, 1, nil, 0, unsafe.Pointer(unsafe.StringData(`{"nope":1}`)), 10, unsafe.Pointer(&h)),
		"pf_detect with no out-parameter":      Detect(a, junk, jn, nil),
		"pf_format of handle 12345":            FormatOf(a, 12345, unsafe.Pointer(&fmtOut)),
	} {
		want := int32(errcode.BadArg)
		if strings.HasPrefix(name, "pf_format of") {
			want = int32(errcode.BadHandle)
		}
		if rc != want {
			t.Errorf("%s: %d, want %d", name, rc, want)
		}
	}
	if rc := OpenBytes(a, 0, junk, jn, 0, nil, 0, unsafe.Pointer(&h), nil); rc != int32(errcode.Format) {
		t.Fatalf("unknown bytes: %d", rc)
	}
	if msg := cstr(ErrMsg(a, 0)); !strings.Contains(msg, "not a file polyfmt knows (first bytes 6e 6f 74 20") {
		t.Fatalf("message: %q", msg)
	}
	if rc := Detect(a, junk, jn, unsafe.Pointer(&fmtOut)); rc != int32(errcode.Format) {
		t.Fatalf("pf_detect of junk: %d", rc)
	}
	missing, mn := str(filepath.Join(t.TempDir(), "missing.mmx"))
	if rc := Open(a, 0, missing, mn, 0, nil, 0, unsafe.Pointer(&h), nil); rc != int32(errcode.NotFound) {
		t.Fatalf("pf_open of a missing file: %d", rc)
	}
	if rc := OpenBytes(a, 0, nil, 0, 0, nil, 0, unsafe.Pointer(&h), nil); rc != int32(errcode.Format) {
		t.Fatalf("read-only open of no bytes: %d, want PF_EFORMAT", rc)
	}
	// A format asked for is the format opened: a MEM8 file opened as MMX is
	// PF_EFORMAT saying what it is, from a path and from bytes; bytes no
	// format claims get the asked format's own reason.
	m8, m8n := str("../testdata/mem8/polyfmt_chain_tokens.m8")
	mmxID := format.ByName("mmx").ID
	if rc := Open(a, mmxID, m8, m8n, 1, nil, 0, unsafe.Pointer(&h), nil); rc != int32(errcode.Format) {
		t.Fatalf("a MEM8 file opened as MMX: %d", rc)
	}
	if msg := cstr(ErrMsg(a, 0)); !strings.Contains(msg, "is a MEM8 file, not MMX") {
		t.Fatalf("message: %q", msg)
	}
	if rc := OpenBytes(a, mmxID, junk, jn, 0, nil, 0, unsafe.Pointer(&h), nil); rc != int32(errcode.Format) {
		t.Fatalf("junk opened as MMX: %d", rc)
	}
	if msg := cstr(ErrMsg(a, 0)); !strings.HasPrefix(msg, "mmx: ") {
		t.Fatalf("message: %q", msg)
	}
	var got int32
	if rc := OpenBytes(a, mmxID, nil, 0, 1, nil, 0, unsafe.Pointer(&h), unsafe.Pointer(&got)); rc != 0 || got != mmxID {
		t.Fatalf("a new MMX file from no bytes: %d, format %d", rc, got)
	}
	Close(a, h)
	if OpenHandles() != 0 {
		t.Fatalf("%d handles left open", OpenHandles())
	}
}
