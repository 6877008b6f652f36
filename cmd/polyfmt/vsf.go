package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/mmx"
	"github.com/polyfmt/polyfmt/core/vsf"
)

// VSF's verbs: inspect, verify and convert, and extract, sign and keygen,
// which only VSF has. keygen reads no file, so it is run as "polyfmt vsf
// keygen" (or "polyfmt keygen", no other format having it).

func init() {
	registerCLI(&cliFormat{
		name: "vsf",
		verbs: []verb{
			{"inspect", "FILE", "header, every label (offset, size, count, hashes,\n" +
				"signatures, keys), every field with its type and value, the trailer", vsfInspect},
			{"verify", "FILE", "every check (structure, hashes, signatures), one a line;\n" +
				"exit 4-7 says which kind failed (polyfmt vsf verify -h)", vsfVerify},
			{"convert", "IN OUT", "rewrite in the seed's or the public crate's form (-to)", vsfConvert},
			{"extract", "FILE NAME", "to -o OUT: an unboxed section's bytes, or the tensor at a\n" +
				"dotted path as .npy (bit-packed samples unpacked)", vsfExtract},
			{"sign", "FILE", "sign sections (-section, repeatable) and/or the whole\n" +
				"file (-file) with an Ed25519 key; in place, or to -o OUT", vsfSign},
			{"keygen", "", "a new Ed25519 key: -o KEY (private, mode 0600) and\n" +
				"KEY.pub (run as polyfmt vsf keygen -o KEY)", vsfKeygen},
		},
		help: map[string]string{"verify": vsfVerifyHelp, "sign": keyFileHelp, "keygen": keyFileHelp},
	})
}

// The exit statuses of VSF's verify, beyond 0 (every check passed), 1 (the
// file cannot be read: I/O, not a VSF file, a bad -key file) and 2 (usage).
// When checks of several kinds fail, the lowest status is returned (the
// most basic failure: a section that does not decode also fails its hash).
const (
	exitVSFMalformed  = 4 // the header or a section does not decode
	exitVSFHash       = 5 // a section's or the whole file's hash does not match
	exitVSFSignature  = 6 // a signature does not verify (wrong key, changed bytes)
	exitVSFUnverified = 7 // a signature could not be checked, or -key found nothing to check
)

// vsfExitSummary is the usage's line on them.
const vsfExitSummary = "4 a header or section is malformed, 5 a hash\n" +
	"failed, 6 a signature failed, 7 a signature unverified (no key; with -key: no\n" +
	"signature); the lowest applies when several kinds fail."

const vsfVerifyHelp = `
verify prints every check VerifyReport makes, one a line ("ok", "FAILED: why",
"UNVERIFIED: why"), then a summary. Without -key a signature is checked against
the keys the file holds (beside it in its label, or the trailer's); a signature
with no key there is unverified. With -key every signature must verify against
that key, and a file with no signature fails.

exit status:
  0  every check passed
  1  the file cannot be read (I/O, not a VSF file), or the -key file is bad
  2  usage
  4  malformed: the header or a section does not decode
  5  a hash (a section's, or the whole file's) does not match
  6  a signature does not verify (changed bytes, or signed by another key)
  7  a signature is unverified: no key for it in the file and no -key; or -key
     was given and the file has no signature to check against it
When checks of several kinds fail, the lowest of 4-7 is the exit status.
`

const keyFileHelp = `
Key files (polyfmt vsf keygen -o KEY writes both, never over existing files
without -f): KEY is one line "ed25519-private <128 hex digits>" (the 32-byte
seed, then the 32-byte public key; RFC 8032), mode 0600; KEY.pub is one line
"ed25519-public <64 hex digits>". -key also reads the raw forms the C library's
pf_vsf_keygen returns: 64 bytes (private) or 32 (public).
`

// The flags several verbs share have one help text (the usage lists each
// flag of a format once).
const (
	keyFlagHelp = "the Ed25519 key file `KEY_FILE`: verify checks every signature against\n" +
		"it (KEY.pub, or KEY); sign signs with it (KEY)"
	outFlagHelp = "the output file `OUT`: extract's (required); sign's (default: FILE,\n" +
		"rewritten in place); keygen's private key (required; OUT.pub: its public key)"
	forceFlagHelp = "replace OUT (keygen: and OUT.pub) if it exists"
)

// ---- inspect ---------------------------------------------------------------

// vsfInspectJSON is what inspect -json prints: the file's Info and every
// structured section's fields (MarshalSection's form; a section that does
// not decode gives its name and error).
type vsfInspectJSON struct {
	vsf.Info
	Sections []json.RawMessage `json:"sections"`
}

func vsfInspect(fs *flag.FlagSet) func(c *call) error {
	asJSON := fs.Bool("json", false, "print the header, labels and trailer (pf_info's JSON) and every\nstructured section's fields as JSON")
	return onFile(nil, func(c *call, f *vsf.File) error {
		if *asJSON {
			return jsonOut(c.stdout, vsfInspectJSON{Info: f.Summary(), Sections: sectionsJSON(f)})
		}
		printVSF(c.stdout, c.args[0], f)
		return nil
	})
}

func sectionsJSON(f *vsf.File) []json.RawMessage {
	out := []json.RawMessage{}
	for _, l := range f.Labels() {
		if l.Unboxed() {
			continue
		}
		var b []byte
		s, err := f.Section(l.Name)
		if err == nil {
			b, err = vsf.MarshalSection(s)
		}
		if err != nil {
			b, _ = json.Marshal(struct {
				Name  string `json:"name"`
				Error string `json:"error"`
			}{l.Name, err.Error()})
		}
		out = append(out, b)
	}
	return out
}

// printVSF prints the indented tree inspect shows.
func printVSF(w io.Writer, path string, f *vsf.File) {
	h, info := f.Header(), f.Summary()
	fmt.Fprintf(w, "%s: VSF version %d (readable from version %d), %s form\n", path, h.Version, h.Backward, h.Form)
	unit := "bytes"
	if h.LenInBits {
		unit = "bits"
	}
	fmt.Fprintf(w, "  header      %d bytes (its length stated in %s)\n", h.Len, unit)
	fmt.Fprintf(w, "  size        %d bytes\n", info.Size)
	if h.FileHash != nil {
		fmt.Fprintf(w, "  file hash   %s (of the whole file, these bytes zeroed)\n", hashLine(h.FileHash.Alg, h.FileHash.Sum))
	}
	fmt.Fprintf(w, "  labels      %d\n", len(h.Labels))
	for _, l := range h.Labels {
		fmt.Fprintf(w, "  section %s\n", safeName(l.Name))
		kind := fmt.Sprintf("%d field(s)", l.Count)
		if l.Unboxed() {
			kind = "unboxed"
		}
		stored := fmt.Sprintf("%d bytes", l.Size)
		if l.Wrap != nil {
			stored = fmt.Sprintf("%d bytes (%s-compressed from %d)", l.Size, wrapName(l.Wrap.Alg), l.Wrap.RawSize)
		}
		fmt.Fprintf(w, "    offset %d, %s, %s\n", l.Offset, stored, kind)
		for _, x := range l.Hashes {
			fmt.Fprintf(w, "    hash %s\n", hashLine(x.Alg, x.Sum))
		}
		for _, s := range l.Sigs {
			fmt.Fprintf(w, "    signature %s\n", hashLine(s.Alg, s.Sig))
		}
		for _, k := range l.Keys {
			fmt.Fprintf(w, "    key %s\n", hashLine(k.Alg, k.Key))
		}
		if l.Unboxed() {
			continue
		}
		s, err := f.Section(l.Name)
		if err != nil {
			fmt.Fprintf(w, "    fields: cannot decode: %s\n", safeText(err.Error()))
			continue
		}
		printFields(w, s.Fields, "    ")
	}
	if tr := f.Trailer(); len(tr) > 0 {
		fmt.Fprintf(w, "  trailer (the whole file before it)\n")
		printFields(w, tr, "    ")
	} else if h.Form == vsf.FormSeed {
		fmt.Fprintf(w, "  trailer     none\n")
	}
}

// printFields prints each field as "name: type value", a structure's
// fields indented below it.
func printFields(w io.Writer, fs []vsf.Field, indent string) {
	for _, fl := range fs {
		fmt.Fprintf(w, "%s%s: %s\n", indent, safeName(fl.Name), describeValue(fl.Value))
		if st, ok := fl.Value.(*vsf.Struct); ok {
			printFields(w, st.Fields, indent+"  ")
		}
	}
}

// Long text is shown up to maxText runes, digests and keys up to maxHex
// hex digits.
const (
	maxText = 60
	maxHex  = 16
)

// describeValue is a one-line view of v: its type, then its value.
func describeValue(v vsf.Value) string {
	switch x := v.(type) {
	case vsf.Uint:
		return "u" + string(x.W) + " " + x.V.String()
	case vsf.Int:
		return "i" + string(x.W) + " " + x.V.SignedString()
	case vsf.Float:
		return "f" + string(x.W) + " " + floatString(x.V, x.W)
	case vsf.Complex:
		return "j" + string(x.W) + " " + strconv.FormatComplex(complex(x.Re, x.Im), 'g', -1, 128)
	case vsf.Boolean:
		return "bool " + strconv.FormatBool(bool(x))
	case vsf.Spirix:
		return fmt.Sprintf("s%c%c fraction %s, exponent %s (≈ %g)", x.F, x.E, x.Frac.SignedString(), x.Exp.SignedString(), x.Float64())
	case vsf.Circle:
		re, im := x.Float64s()
		return fmt.Sprintf("c%c%c real %s, imaginary %s, exponent %s (≈ %g%+gi)", x.F, x.E, x.Re.SignedString(),
			x.Im.SignedString(), x.Exp.SignedString(), re, im)
	case vsf.Name:
		return "name " + safeName(string(x))
	case vsf.Text:
		return "text " + shortText(string(x))
	case *vsf.Tensor:
		s := fmt.Sprintf("tensor %s %s", x.Elem, shapeString(x.Shape))
		if x.Strides != nil {
			s += " strides " + shapeString(x.Strides)
		}
		s += fmt.Sprintf(", %d bytes", len(x.Data))
		if d := x.Elem.NumpyDescr(); d != "" {
			s += " (" + d + ")"
		}
		return s
	case *vsf.BitPacked:
		return fmt.Sprintf("bitpacked %d-bit %s, %d bytes (unpacks to %s)", x.Bits, shapeString(x.Shape), len(x.Data), x.NativeType().NumpyDescr())
	case vsf.Time:
		return "time " + timeForm(x) + " " + x.String()
	case vsf.Hash:
		return "hash " + hashLine(x.Alg, x.Sum)
	case vsf.Signature:
		return "signature " + hashLine(x.Alg, x.Sig)
	case vsf.Key:
		return "key " + hashLine(x.Alg, x.Key)
	case *vsf.Struct:
		return fmt.Sprintf("struct, %d field(s)", len(x.Fields))
	}
	return v.Kind().String()
}

func floatString(v float64, w byte) string {
	if w == '5' {
		return strconv.FormatFloat(v, 'g', -1, 32)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// timeForm names how a time is spelled: T5…T7 or t6 (the seed's), e (the crate's).
func timeForm(t vsf.Time) string {
	switch {
	case t.Crate:
		return "e"
	case t.IsFloat:
		return "t6"
	}
	return "T" + string(t.W)
}

// shortText is s quoted, cut to maxText runes.
func shortText(s string) string {
	if n := utf8.RuneCountInString(s); n > maxText {
		return strconv.Quote(string([]rune(s)[:maxText])) + fmt.Sprintf("… (%d characters)", n)
	}
	return strconv.Quote(s)
}

// hashLine is an algorithm's name and the first maxHex hex digits of b.
func hashLine(alg byte, b []byte) string {
	h := hex.EncodeToString(b)
	if len(h) > maxHex {
		h = h[:maxHex] + "…"
	}
	return fmt.Sprintf("%s %s (%d bytes)", algName(alg), h, len(b))
}

func algName(alg byte) string {
	if n, ok := vsf.HashAlgs[alg]; ok {
		return n
	}
	if alg == vsf.AlgEd25519 {
		return "ed25519"
	}
	return strconv.QuoteRune(rune(alg))
}

func wrapName(alg byte) string {
	if alg == vsf.WrapZstd {
		return "zstd"
	}
	return strconv.QuoteRune(rune(alg))
}

// ---- verify ----------------------------------------------------------------

func vsfVerify(fs *flag.FlagSet) func(c *call) error {
	keyPath := fs.String("key", "", keyFlagHelp)
	return func(c *call) error {
		path := c.args[0]
		var key *vsf.Key
		if *keyPath != "" {
			_, pub, err := readKeyFile(*keyPath)
			if err != nil {
				return err
			}
			key = &pub
		}
		f, err := openAs[*vsf.File](c, path, false, nil)
		if errors.Is(err, errcode.ErrFormat) {
			fmt.Fprintf(c.stdout, "%s: header: structure FAILED: %s\n", path, safeText(err.Error()))
			return &exitError{exitVSFMalformed, fmt.Sprintf("%s: FAILED: malformed", path)}
		}
		if err != nil {
			return err
		}
		defer f.Close()
		r, err := f.VerifyReport(key)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		return reportVerify(c.stdout, path, r)
	}
}

// reportVerify prints each check of r and returns the exitError of the
// lowest-numbered kind that failed, or nil. (Given a key, a file with no
// signature is a check of its own in r: unverified, with an error.)
func reportVerify(w io.Writer, path string, r vsf.Report) error {
	code := 0
	var failed []string
	fail := func(c int, what string) {
		if code == 0 || c < code {
			code = c
		}
		failed = append(failed, what)
	}
	for _, ch := range r.Checks {
		where := "file"
		if ch.Section != "" {
			where = "section " + safeName(ch.Section)
		}
		what := ch.What
		if ch.Alg != "" {
			what += " " + ch.Alg
		}
		name := where + " " + what // for the summary
		if strings.HasPrefix(what, "file ") {
			name = what
		}
		switch ch.Status {
		case "ok":
			fmt.Fprintf(w, "%s: %s: %s ok\n", path, where, what)
		case "unverified":
			if ch.Err != "" { // with -key: the file holds no signature at all
				fmt.Fprintf(w, "%s: file: signature UNVERIFIED: -key was given, but nothing in the file is signed\n", path)
				fail(exitVSFUnverified, "no signature to check against the key")
				continue
			}
			fmt.Fprintf(w, "%s: %s: %s UNVERIFIED: no key for it in the file (give -key)\n", path, where, what)
			fail(exitVSFUnverified, name+" unverified")
		default:
			fmt.Fprintf(w, "%s: %s: %s FAILED: %s\n", path, where, what, safeText(ch.Err))
			switch ch.What {
			case "structure":
				fail(exitVSFMalformed, where+" malformed")
			case "signature":
				fail(exitVSFSignature, name+" failed")
			default:
				fail(exitVSFHash, name+" failed")
			}
		}
	}
	if code != 0 {
		return &exitError{code, fmt.Sprintf("%s: FAILED: %s", path, strings.Join(failed, "; "))}
	}
	fmt.Fprintf(w, "%s: OK, %d checks passed\n", path, len(r.Checks))
	return nil
}

// ---- keys ------------------------------------------------------------------

const (
	privPrefix = "ed25519-private "
	pubPrefix  = "ed25519-public "
)

// readKeyFile reads a key file (keyFileHelp): a private key gives priv and
// its public half; a public key gives only pub (priv nil).
func readKeyFile(path string) (ed25519.PrivateKey, vsf.Key, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, vsf.Key{}, err
	}
	if fi.Size() > 4096 {
		return nil, vsf.Key{}, fmt.Errorf("%s: %d bytes is not a key file (see polyfmt vsf keygen -h)", path, fi.Size())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, vsf.Key{}, err
	}
	bad := func(why string) error {
		return fmt.Errorf("%s: not a key file: %s (see polyfmt vsf keygen -h)", path, why)
	}
	var raw []byte
	private := false
	text := strings.TrimSpace(string(b))
	switch {
	case strings.HasPrefix(text, privPrefix):
		if raw, err = hex.DecodeString(strings.TrimPrefix(text, privPrefix)); err != nil || len(raw) != ed25519.PrivateKeySize {
			return nil, vsf.Key{}, bad("want 128 hex digits after " + strconv.Quote(privPrefix))
		}
		private = true
	case strings.HasPrefix(text, pubPrefix):
		if raw, err = hex.DecodeString(strings.TrimPrefix(text, pubPrefix)); err != nil || len(raw) != ed25519.PublicKeySize {
			return nil, vsf.Key{}, bad("want 64 hex digits after " + strconv.Quote(pubPrefix))
		}
	case len(b) == ed25519.PrivateKeySize:
		raw, private = b, true
	case len(b) == ed25519.PublicKeySize:
		raw = b
	default:
		return nil, vsf.Key{}, bad(`neither "ed25519-private <hex>", "ed25519-public <hex>", nor 64 or 32 raw bytes`)
	}
	if !private {
		return nil, vsf.Key{Alg: vsf.AlgEd25519, Key: raw}, nil
	}
	priv := ed25519.NewKeyFromSeed(raw[:ed25519.SeedSize])
	if string(priv[ed25519.SeedSize:]) != string(raw[ed25519.SeedSize:]) {
		return nil, vsf.Key{}, bad("its public half is not the seed's")
	}
	pub, err := vsf.PublicKey(priv)
	return priv, pub, err
}

func vsfKeygen(fs *flag.FlagSet) func(c *call) error {
	out := fs.String("o", "", outFlagHelp)
	force := fs.Bool("f", false, forceFlagHelp)
	return func(c *call) error {
		if *out == "" {
			return fmt.Errorf("%w: keygen needs -o KEY (the private key; its public half goes to KEY.pub)", errUsage)
		}
		pubPath := *out + ".pub"
		if !*force {
			for _, p := range []string{*out, pubPath} {
				if err := mustNotExist(p, "or use -f"); err != nil {
					return err
				}
			}
		}
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return err
		}
		err = writeAtomicMode(*out, *force, 0o600, func(tmp string) error {
			return writeSynced(tmp, []byte(privPrefix+hex.EncodeToString(priv)+"\n"))
		})
		if err == nil {
			err = writeAtomic(pubPath, *force, func(tmp string) error {
				return writeSynced(tmp, []byte(pubPrefix+hex.EncodeToString(pub)+"\n"))
			})
		}
		if err != nil {
			return fmt.Errorf("%s: %w", *out, err)
		}
		fmt.Fprintf(c.stdout, "%s: Ed25519 private key (mode 0600); %s: its public key %s\n", *out, pubPath, hex.EncodeToString(pub))
		return nil
	}
}

// writeSynced writes b to the existing file path and syncs it.
func writeSynced(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// ---- sign ------------------------------------------------------------------

// names is a repeatable string flag.
type names []string

func (n *names) String() string     { return strings.Join(*n, ",") }
func (n *names) Set(s string) error { *n = append(*n, s); return nil }

// readVSF checks that path is a VSF file (it opens) and reads it whole,
// within the limit a file read into memory has.
func readVSF(c *call, path string) (*vsf.File, []byte, error) {
	f, err := openAs[*vsf.File](c, path, false, nil)
	if err != nil {
		return nil, nil, err
	}
	if size := f.Summary().Size; size > uint64(vsf.DefaultLimits.MaxDecompressed) {
		f.Close()
		return nil, nil, fmt.Errorf("%s: %d bytes; this command reads files of up to %d bytes", path, size, vsf.DefaultLimits.MaxDecompressed)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, data, nil
}

func vsfSign(fs *flag.FlagSet) func(c *call) error {
	keyPath := fs.String("key", "", keyFlagHelp)
	var sections names
	fs.Var(&sections, "section", "sign the section `NAME` (repeat the flag for more)")
	whole := fs.Bool("file", false, "sign the whole file (the seed form's trailer)")
	withKey := fs.Bool("with-key", false, "store the public key beside each signature: the file then\n"+
		"verifies without -key (which proves integrity, not authorship)")
	out := fs.String("o", "", outFlagHelp)
	force := fs.Bool("f", false, forceFlagHelp)
	return func(c *call) error {
		path := c.args[0]
		if *keyPath == "" {
			return fmt.Errorf("%w: sign needs -key KEY (a private key: polyfmt vsf keygen -o KEY)", errUsage)
		}
		if len(sections) == 0 && !*whole {
			return fmt.Errorf("%w: sign needs -section NAME (repeatable) and/or -file: what to sign", errUsage)
		}
		dest, replace, err := outputOf(path, *out, *force)
		if err != nil {
			return err
		}
		priv, _, err := readKeyFile(*keyPath)
		if err != nil {
			return err
		}
		if priv == nil {
			return fmt.Errorf("%s: a public key; sign needs the private key (KEY, not KEY.pub)", *keyPath)
		}
		f, data, err := readVSF(c, path)
		if err != nil {
			return err
		}
		hadFileSig := false
		for _, fl := range f.Trailer() {
			hadFileSig = hadFileSig || fl.Value.Kind() == vsf.KindSignature
		}
		f.Close()
		img, err := signImage(data, priv, sections, *whole, *withKey)
		if err != nil {
			return fmt.Errorf("%s: %w (nothing written)", path, err)
		}
		err = writeAtomicBytes(dest, replace, img)
		if err != nil {
			return fmt.Errorf("%s: %w (nothing written)", dest, err)
		}
		if hadFileSig && !*whole {
			fmt.Fprintf(c.stderr, "%s: the file's own signature was dropped, the file having changed (sign it again with -file)\n", dest)
		}
		var what []string
		for _, s := range sections {
			what = append(what, "section "+safeName(s))
		}
		if *whole {
			what = append(what, "the whole file")
		}
		keyNote := ""
		if *withKey {
			keyNote = ", public key stored"
		}
		fmt.Fprintf(c.stdout, "%s → %s: signed %s (Ed25519%s)\n", path, dest, strings.Join(what, ", "), keyNote)
		return nil
	}
}

// signImage returns the image of the VSF file data with the sections
// named, and the whole file if whole, signed with priv.
func signImage(data []byte, priv ed25519.PrivateKey, sections []string, whole, withKey bool) ([]byte, error) {
	m, err := vsf.NewMem(data, nil)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	b, err := m.Builder()
	if err != nil {
		return nil, err
	}
	for _, name := range sections {
		s := b.Find(name)
		if s == nil {
			return nil, fmt.Errorf("no section %q (polyfmt inspect lists them)", name)
		}
		if err := s.Sign(priv, withKey); err != nil {
			return nil, fmt.Errorf("section %q: %w", name, err)
		}
	}
	if whole {
		if err := b.SignFile(priv, withKey); err != nil {
			return nil, err
		}
	}
	if err := m.Commit(); err != nil {
		return nil, err
	}
	return m.Bytes()
}

// ---- extract ---------------------------------------------------------------

func vsfExtract(fs *flag.FlagSet) func(c *call) error {
	out := fs.String("o", "", outFlagHelp)
	force := fs.Bool("f", false, forceFlagHelp)
	quiet := quietFlag(fs)
	return func(c *call) error {
		path, name := c.args[0], c.args[1]
		if *out == "" {
			return fmt.Errorf("%w: extract needs -o OUT", errUsage)
		}
		if !*force {
			if err := mustNotExist(*out, "or use -f"); err != nil {
				return err
			}
		}
		f, err := openAs[*vsf.File](c, path, false, nil)
		if err != nil {
			return err
		}
		defer f.Close()
		h := f.Header()
		if l := h.Label(name); l != nil {
			if !l.Unboxed() {
				return fmt.Errorf("%s: section %q is structured; extract writes an unboxed section, or a tensor field at a dotted path (%s.FIELD); polyfmt inspect -json prints its fields", path, name, name)
			}
			b, _, err := f.RawView(name)
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			p := c.progress(*quiet || len(b) < 64<<20, "extracting", "MiB", 1<<20)
			if err := writeRaw(*out, *force, b, p); err != nil {
				return fmt.Errorf("%s: %w (nothing written)", *out, err)
			}
			fmt.Fprintf(c.stdout, "%s %s → %s: unboxed section, %d bytes\n", path, strconv.Quote(name), *out, len(b))
			return nil
		}
		v, err := f.Lookup(name)
		if errcode.Of(err) == errcode.NotFound {
			return fmt.Errorf("%s: no section or field %q (polyfmt inspect lists them)", path, name)
		} else if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		descr, shape, data, what, err := nativeArray(v)
		if err != nil {
			return fmt.Errorf("%s: %q: %w; nothing written", path, name, err)
		}
		p := c.progress(*quiet || len(data) < 64<<20, "extracting", "MiB", 1<<20)
		if err := writeNPY(*out, *force, descr, shape, data, p); err != nil {
			return fmt.Errorf("%s: %w (nothing written)", *out, err)
		}
		fmt.Fprintf(c.stdout, "%s %s → %s: %s, %s %s, %d bytes of data\n", path, strconv.Quote(name), *out, what, descr, shapeString(shape), len(data))
		return nil
	}
}

// nativeArray is a tensor or bit-packed value in the form a .npy holds:
// its .npy type string, shape and C-order little-endian data, and what it
// was ("tensor u4", "12-bit samples").
func nativeArray(v vsf.Value) (descr string, shape []uint64, data []byte, what string, err error) {
	var name string
	switch t := v.(type) {
	case *vsf.Tensor:
		name, shape = t.Elem.NumpyDescr(), t.Shape
		what = "tensor " + t.Elem.String()
		if name == "" {
			return "", nil, nil, "", fmt.Errorf("a tensor of %s, which NumPy has no type for", t.Elem)
		}
		n, ok := t.NativeLen()
		if !ok || n > uint64(vsf.DefaultLimits.MaxDecompressed) {
			return "", nil, nil, "", fmt.Errorf("tensor %s %s is too large to extract", t.Elem, shapeString(t.Shape))
		}
		data = make([]byte, n)
		if err := t.NativeInto(data); err != nil {
			return "", nil, nil, "", err
		}
		if t.Strides != nil {
			what += " strided " + shapeString(t.Strides) + ", written in C order"
			data = gather(data, t.Shape, t.Strides, t.Elem.NativeSize())
		}
	case *vsf.BitPacked:
		nt := t.NativeType()
		name, shape = nt.NumpyDescr(), t.Shape
		what = fmt.Sprintf("%d-bit samples", t.Bits)
		if name == "" {
			return "", nil, nil, "", fmt.Errorf("%d-bit samples, wider than NumPy's integers", t.Bits)
		}
		n, ok := t.NativeLen()
		if !ok || n > uint64(vsf.DefaultLimits.MaxDecompressed) {
			return "", nil, nil, "", fmt.Errorf("%d-bit samples %s are too many to extract", t.Bits, shapeString(t.Shape))
		}
		data = make([]byte, n)
		if err := t.UnpackInto(data); err != nil {
			return "", nil, nil, "", err
		}
	default:
		return "", nil, nil, "", fmt.Errorf("a %v, not a tensor (extract writes tensors, bit-packed samples and unboxed sections)", v.Kind())
	}
	descr, ok := npyDescrs[mmx.DType(name)]
	if !ok {
		return "", nil, nil, "", fmt.Errorf("no .npy type for %s", name)
	}
	return descr, shape, data, what, nil
}

// gather copies the elements of a strided array (strides in elements, each
// of size bytes) into C order.
func gather(src []byte, shape, strides []uint64, size int) []byte {
	n := uint64(1)
	for _, d := range shape {
		n *= d
	}
	out := make([]byte, 0, n*uint64(size))
	if n == 0 {
		return out
	}
	idx := make([]uint64, len(shape))
	for range n {
		var off uint64
		for k, i := range idx {
			off += i * strides[k]
		}
		o := off * uint64(size)
		out = append(out, src[o:o+uint64(size)]...)
		for k := len(idx) - 1; k >= 0; k-- {
			if idx[k]++; idx[k] < shape[k] {
				break
			}
			idx[k] = 0
		}
	}
	return out
}

// writeRaw writes data to path atomically (replace: over a file there),
// reporting the bytes written to p.
func writeRaw(path string, replace bool, data []byte, p *progress) error {
	return writeAtomicStream(path, replace, func(w io.Writer) error {
		const piece = 4 << 20
		for off := 0; off < len(data); off += piece {
			end := min(off+piece, len(data))
			if _, err := w.Write(data[off:end]); err != nil {
				return err
			}
			p.update(int64(end), int64(len(data)))
		}
		return nil
	})
}

// ---- convert ---------------------------------------------------------------

func vsfConvert(fs *flag.FlagSet) func(c *call) error {
	to := fs.String("to", "", "the form `FORM` of OUT: seed (polyfmt's) or crate (the public\ncrate's V2); default: IN's own")
	drop := fs.Bool("drop-signatures", false, "convert a signed file, leaving its signatures and keys out\n"+
		"(they cannot be made again without the private key)")
	quiet := quietFlag(fs)
	return func(c *call) error {
		in, out := c.args[0], c.args[1]
		var target vsf.Form
		switch *to {
		case "", "seed":
		case "crate":
			target = vsf.FormCrate
		default:
			return fmt.Errorf("%w: -to %q: want seed or crate", errUsage, *to)
		}
		if err := mustNotExist(out, "(convert never overwrites)"); err != nil {
			return err
		}
		f, data, err := readVSF(c, in)
		if err != nil {
			return err
		}
		from, n := f.Form(), len(f.Labels())
		f.Close()
		if *to == "" {
			target = from
		}
		c.progress(*quiet, "converting", "", 1).start("converting %s: %s form → %s form…", in, from, target)
		img, err := vsf.Convert(data, target, nil, *drop)
		if errcode.Of(err) == errcode.Unsupported && !*drop && strings.Contains(err.Error(), "signed") {
			err = fmt.Errorf("%w (-drop-signatures converts it without them)", err)
		}
		if err != nil {
			return fmt.Errorf("%s: %w (nothing written)", in, err)
		}
		err = writeAtomicBytes(out, false, img)
		if err != nil {
			return fmt.Errorf("%s: %w (nothing written)", out, err)
		}
		fmt.Fprintf(c.stdout, "%s → %s: %s form → %s form, %d section(s), %d bytes\n", in, out, from, target, n, len(img))
		return nil
	}
}
