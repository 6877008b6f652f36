package mem8

import "sort"

// Token id ranges. The reserved ids are the seed's and never change.
const (
	NoToken        uint16 = 0     // a block without a token
	FirstDynamicID uint16 = 0x100 // the first id TokenMap hands out
	lastDynamicID  uint16 = 0xFFFD
)

var reservedTokens = map[uint16]string{
	0x80: "node_modules", 0x81: ".git", 0x82: "target", 0x83: "dist", 0x84: "build",
	0x90: ".rs", 0x91: ".py", 0x92: ".js", 0x93: ".ts",
	0xFFFE: "Claude", 0xFFFF: "Hue",
}

// ReservedTokens returns the seed's reserved token ids and strings.
func ReservedTokens() map[uint16]string {
	m := make(map[uint16]string, len(reservedTokens))
	for k, v := range reservedTokens {
		m[k] = v
	}
	return m
}

// TokenMap assigns 16-bit ids to strings: the seed's reserved ids first,
// then dynamic ids from 0x100 in order of first use. A File persists its
// dynamic ids (FlagTokens), so they mean the same after reopen.
//
// A TokenMap is not safe for concurrent use.
type TokenMap struct {
	byStr map[string]uint16
	byID  map[uint16]string
	next  uint16
}

// NewTokenMap returns a map holding only the reserved tokens.
func NewTokenMap() *TokenMap {
	m := &TokenMap{byStr: map[string]uint16{}, byID: map[uint16]string{}, next: FirstDynamicID}
	for id, s := range reservedTokens {
		m.byStr[s] = id
		m.byID[id] = s
	}
	return m
}

// Lookup returns the id of s, if s has one.
func (m *TokenMap) Lookup(s string) (uint16, bool) {
	id, ok := m.byStr[s]
	return id, ok
}

// Decode returns the string of id, if id is assigned.
func (m *TokenMap) Decode(id uint16) (string, bool) {
	s, ok := m.byID[id]
	return s, ok
}

// Get returns the id of s, assigning the next dynamic id if s is new.
// ok is false when the dynamic range is exhausted.
func (m *TokenMap) Get(s string) (id uint16, ok bool) {
	if id, ok := m.byStr[s]; ok {
		return id, true
	}
	id, ok = m.peekNext()
	if !ok {
		return 0, false
	}
	m.define(id, s)
	return id, true
}

// Len is the number of dynamic tokens assigned.
func (m *TokenMap) Len() int { return int(m.next - FirstDynamicID) }

// Dynamic lists the dynamic tokens in id order.
func (m *TokenMap) Dynamic() []string {
	ids := make([]int, 0, m.Len())
	for id := range m.byID {
		if id >= FirstDynamicID && id <= lastDynamicID {
			ids = append(ids, int(id))
		}
	}
	sort.Ints(ids)
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = m.byID[uint16(id)]
	}
	return out
}

func (m *TokenMap) peekNext() (uint16, bool) {
	if m.next == 0 || m.next > lastDynamicID {
		return 0, false
	}
	return m.next, true
}

func (m *TokenMap) define(id uint16, s string) {
	m.byStr[s] = id
	m.byID[id] = s
	m.next = id + 1
}
