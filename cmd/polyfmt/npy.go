package main

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// The NumPy .npy writer, for any format's arrays: export writes a C-order
// little-endian array with it (dtype.go maps dtypes to .npy type strings).

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

// writeNPY writes the C-order array descr, shape, data (little-endian, as
// descr says) to path as a .npy file, atomically (replace: over a file
// there), reporting the bytes written to p.
func writeNPY(path string, replace bool, descr string, shape []uint64, data []byte, p *progress) error {
	hdr, err := appendNPYHeader(nil, descr, shape)
	if err != nil {
		return err
	}
	return writeAtomicStream(path, replace, func(w io.Writer) error {
		if _, err := w.Write(hdr); err != nil {
			return err
		}
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
