package main

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/polyfmt/polyfmt/core/ffi"
	"github.com/polyfmt/polyfmt/core/format"
	"github.com/polyfmt/polyfmt/core/version"
)

// cComment writes text as a C block comment, " * " on every line.
func cComment(b *bytes.Buffer, text string) {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if len(lines) == 1 {
		fmt.Fprintf(b, "/* %s */\n", lines[0])
		return
	}
	for i, l := range lines {
		switch {
		case i == 0:
			fmt.Fprintf(b, "/* %s\n", l)
		case i == len(lines)-1:
			fmt.Fprintf(b, " * %s */\n", l)
		default:
			fmt.Fprintf(b, "%s\n", strings.TrimRight(" * "+l, " "))
		}
	}
}

func cHeader(prelude []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n", strings.Replace(header("/*"), "spec.go;", "spec.go and core/ffi/gen/prelude.h;", 1)+" */")
	b.Write(prelude)
	b.WriteString(`#ifndef POLYFMT_H
#define POLYFMT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

`)
	fmt.Fprintf(&b, "/* The version of this header; pf_version reports the library's. */\n")
	fmt.Fprintf(&b, "#define PF_VERSION_MAJOR  %d\n#define PF_VERSION_MINOR  %d\n#define PF_VERSION_PATCH  %d\n#define PF_VERSION_STRING \"%s\"\n\n",
		version.Major, version.Minor, version.Patch, version.String())

	b.WriteString("/* Status codes. Pinned forever; new codes go into the gaps. */\n")
	for _, c := range codes() {
		fmt.Fprintf(&b, "#define %-16s %-3d /* %s */\n", c.name, c.num, c.meaning)
	}
	b.WriteString("\n/* Formats (pf_detect, pf_open, pf_create). Pinned forever. */\n")
	fmt.Fprintf(&b, "#define %-16s %-3d /* leading bytes that always tell a file's format */\n", "PF_DETECT_LEN", format.HeadLen)
	for _, f := range format.All() {
		fmt.Fprintf(&b, "#define %-16s %-3d /* %s (%s) */\n", formatMacro(f), f.ID, f.Title, strings.Join(f.Extensions, ", "))
	}
	for _, s := range ffi.Sections {
		fmt.Fprintf(&b, "\n/* ---- %s %s */\n", s.Title, strings.Repeat("-", max(4, 68-len(s.Title))))
		if s.Doc != "" {
			b.WriteString("\n")
			cComment(&b, s.Doc)
		}
		for i := range ffi.Spec {
			e := &ffi.Spec[i]
			if e.Section != s.Name || e.WasmOnly {
				continue
			}
			b.WriteString("\n")
			cComment(&b, e.Doc)
			fmt.Fprintf(&b, "%s;\n", e.Prototype())
		}
	}
	b.WriteString(`
#ifdef __cplusplus
}
#endif

#endif /* POLYFMT_H */
`)
	return b.Bytes()
}
