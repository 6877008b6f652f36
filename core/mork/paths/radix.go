package paths

import "slices"

// radixCutoff is the bucket size below which radixSort hands over to a
// comparison sort.
const radixCutoff = 256

// keyByte returns byte d (0..15) of a key's 16 bytes, most significant first.
func keyByte(k *sortKey, d int) byte {
	if d < 8 {
		return byte(k.hi >> (56 - 8*d))
	}
	return byte(k.lo >> (120 - 8*d))
}

// radixSort sorts keys by their 16 key bytes from byte d on, most
// significant byte first, then by full (the whole path, then Add order)
// within runs of equal key bytes and in small buckets. Each pass is a
// stable counting scatter through tmp (as long as keys), so keys that are
// equal in all 16 bytes stay in Add order until full orders them.
func radixSort(keys, tmp []sortKey, d int, full func(a, b sortKey) int) {
	for {
		if len(keys) <= radixCutoff || d == 16 {
			slices.SortFunc(keys, full)
			return
		}
		var count [256]int
		for i := range keys {
			count[keyByte(&keys[i], d)]++
		}
		if count[keyByte(&keys[0], d)] == len(keys) {
			d++ // one bucket: nothing to move at this byte
			continue
		}
		var start [256]int
		pos := 0
		for b, c := range count {
			start[b] = pos
			pos += c
		}
		next := start
		for i := range keys {
			b := keyByte(&keys[i], d)
			tmp[next[b]] = keys[i]
			next[b]++
		}
		copy(keys, tmp[:len(keys)])
		for b, c := range count {
			if c > 1 {
				lo := start[b]
				radixSort(keys[lo:lo+c], tmp[lo:lo+c], d+1, full)
			}
		}
		return
	}
}
