package roster

import "hash/maphash"

// dupes remembers the rows of a file by a 64-bit hash of their key, to find
// rows that say the same thing twice. It is the one part of an import whose
// memory grows with the file: 12 bytes a slot, at most two slots a row
// (1M rows: 24 MiB at worst), against the ~100 bytes a row a map of the keys
// themselves would hold. Two different keys share a hash with probability
// about n²/2⁶⁵ (3·10⁻⁸ for a million rows); such a row would be reported as
// a duplicate of an unrelated row, which the report makes visible.
type dupes struct {
	seed   maphash.Seed
	hashes []uint64 // 0 = empty slot
	rows   []uint32
	n      int
}

func newDupes() *dupes {
	return &dupes{seed: maphash.MakeSeed(), hashes: make([]uint64, 1024), rows: make([]uint32, 1024)}
}

// add records the key for the row and returns the row that recorded it
// first, or 0 if none did.
func (d *dupes) add(key string, row int) int {
	h := maphash.String(d.seed, key)
	if h == 0 {
		h = 1
	}
	if (d.n+1)*2 > len(d.hashes) {
		d.grow()
	}
	mask := uint64(len(d.hashes) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch d.hashes[i] {
		case 0:
			d.hashes[i], d.rows[i] = h, uint32(row)
			d.n++
			return 0
		case h:
			return int(d.rows[i])
		}
	}
}

func (d *dupes) grow() {
	old, oldRows := d.hashes, d.rows
	d.hashes, d.rows = make([]uint64, 2*len(old)), make([]uint32, 2*len(old))
	mask := uint64(len(d.hashes) - 1)
	for j, h := range old {
		if h == 0 {
			continue
		}
		i := h & mask
		for d.hashes[i] != 0 {
			i = (i + 1) & mask
		}
		d.hashes[i], d.rows[i] = h, oldRows[j]
	}
}
