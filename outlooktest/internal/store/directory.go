package store

// The organisation's address book (rooms, room lists, distribution lists,
// people without a mailbox here) and each mailbox's master category list.
// Every method requires the lock.

import (
	"crypto/rand"
	"fmt"
	"slices"
	"strings"

	"github.com/exchangekit/outlook/outlooktest/internal/schema"
)

// directory is the address book of a store.
type directory struct {
	rooms      []Object            // Graph room objects, in the order added
	roomLists  []*RoomList         // in the order added
	dls        map[string]*DL      // by lower-cased address
	people     []Object            // Graph user objects of people without a mailbox here
	categories map[string]*catList // by mailbox address
	photos     map[string][]byte   // people's photos, by lower-cased address
}

// RoomList is a room list and the addresses of its rooms.
type RoomList struct {
	Address, Name string
	Rooms         []string
}

// DL is a distribution list and the addresses of its members.
type DL struct {
	Address, Name string
	Members       []string
}

// Entry is one address book entry a name resolves to.
type Entry struct {
	// Kind is "user" (a mailbox or a person), "room", "distributionList"
	// or "roomList".
	Kind string
	Obj  Object // Graph form: displayName, mail, and what else is known
}

// catList is one mailbox's master category list; exists is false until
// the list is first written (EWS's configuration item is then created).
type catList struct {
	exists bool
	cats   []Object
}

// AddRoom adds a room, given in Graph form (emailAddress, displayName,
// capacity...), replacing a room of the same address.
func (st *Store) AddRoom(room Object) {
	addr := strings.ToLower(str(room["emailAddress"]))
	room["emailAddress"] = addr
	if _, ok := room["id"]; !ok {
		room["id"] = placeID(addr)
	}
	st.dir.rooms = slices.DeleteFunc(st.dir.rooms, func(r Object) bool { return str(r["emailAddress"]) == addr })
	st.dir.rooms = append(st.dir.rooms, room)
}

// AddRoomList adds a room list holding the rooms with the addresses given,
// replacing a list of the same address.
func (st *Store) AddRoomList(addr, name string, rooms []string) {
	addr = strings.ToLower(addr)
	st.dir.roomLists = slices.DeleteFunc(st.dir.roomLists, func(l *RoomList) bool { return l.Address == addr })
	rs := make([]string, len(rooms))
	for i, r := range rooms {
		rs[i] = strings.ToLower(r)
	}
	st.dir.roomLists = append(st.dir.roomLists, &RoomList{Address: addr, Name: name, Rooms: rs})
}

// RoomLists returns the room lists as Graph roomList objects.
func (st *Store) RoomLists() []Object {
	out := make([]Object, 0, len(st.dir.roomLists))
	for _, l := range st.dir.roomLists {
		out = append(out, Object{"id": placeID(l.Address), "displayName": l.Name, "emailAddress": l.Address})
	}
	return out
}

// Rooms returns the rooms of the room list named by address or place id,
// and false when there is no such list; list "" returns every room.
func (st *Store) Rooms(list string) ([]Object, bool) {
	if list == "" {
		return st.copyRooms(func(Object) bool { return true }), true
	}
	for _, l := range st.dir.roomLists {
		if strings.EqualFold(l.Address, list) || placeID(l.Address) == strings.ToLower(list) {
			return st.copyRooms(func(r Object) bool { return slices.Contains(l.Rooms, str(r["emailAddress"])) }), true
		}
	}
	return nil, false
}

func (st *Store) copyRooms(keep func(Object) bool) []Object {
	var out []Object
	for _, r := range st.dir.rooms {
		if keep(r) {
			out = append(out, schema.DeepCopy(r).(map[string]any))
		}
	}
	return out
}

// AddDistributionList adds a distribution list with the members' addresses.
func (st *Store) AddDistributionList(addr, name string, members []string) {
	if st.dir.dls == nil {
		st.dir.dls = map[string]*DL{}
	}
	ms := make([]string, len(members))
	for i, m := range members {
		ms[i] = strings.ToLower(m)
	}
	st.dir.dls[strings.ToLower(addr)] = &DL{Address: strings.ToLower(addr), Name: name, Members: ms}
}

// AddPerson adds a person of the directory (Graph user form: displayName,
// mail, jobTitle, department, officeLocation) who has no mailbox on the
// server, replacing one of the same address.
func (st *Store) AddPerson(p Object) {
	addr := strings.ToLower(str(p["mail"]))
	p["mail"] = addr
	if _, ok := p["id"]; !ok {
		p["id"] = placeID(addr)
	}
	st.dir.people = slices.DeleteFunc(st.dir.people, func(o Object) bool { return str(o["mail"]) == addr })
	st.dir.people = append(st.dir.people, p)
}

// entries returns every entry of the address book: mailboxes, people,
// rooms, room lists and distribution lists.
func (st *Store) entries() []Entry {
	var out []Entry
	seen := map[string]bool{}
	add := func(kind string, o Object) {
		a := str(o["mail"])
		if seen[a] {
			return
		}
		seen[a] = true
		out = append(out, Entry{Kind: kind, Obj: o})
	}
	for _, p := range st.dir.people {
		add("user", schema.DeepCopy(p).(map[string]any))
	}
	for _, r := range st.dir.rooms {
		add("room", Object{"id": r["id"], "displayName": r["displayName"], "mail": r["emailAddress"]})
	}
	for _, l := range st.dir.roomLists {
		add("roomList", Object{"id": placeID(l.Address), "displayName": l.Name, "mail": l.Address})
	}
	for _, d := range st.dir.dls {
		add("distributionList", Object{"id": placeID(d.Address), "displayName": d.Name, "mail": d.Address})
	}
	for _, m := range st.boxes {
		local, _, _ := strings.Cut(m.addr, "@")
		add("user", Object{"id": m.id, "displayName": local, "mail": m.addr, "userPrincipalName": m.addr})
	}
	slices.SortFunc(out, func(a, b Entry) int {
		return strings.Compare(strings.ToLower(str(a.Obj["displayName"])), strings.ToLower(str(b.Obj["displayName"])))
	})
	return out
}

// Resolve returns the entries whose display name, or one of its words, or
// address starts with q (case-insensitively), as Exchange's ambiguous
// name resolution matches; an entry whose address is q exactly comes
// alone.
func (st *Store) Resolve(q string) []Entry {
	q = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(q), "SMTP:")))
	if q == "" {
		return nil
	}
	var out []Entry
	for _, e := range st.entries() {
		mail := strings.ToLower(str(e.Obj["mail"]))
		if mail == q {
			return []Entry{e}
		}
		name := strings.ToLower(str(e.Obj["displayName"]))
		match := strings.HasPrefix(mail, q) || strings.HasPrefix(name, q)
		for _, w := range strings.Fields(name) {
			match = match || strings.HasPrefix(w, q)
		}
		if match {
			out = append(out, e)
		}
	}
	return out
}

// Expand returns the members of the distribution list with the address
// (or id) given, and false when there is none. Members the directory does
// not know come as one-off entries of kind "other".
func (st *Store) Expand(list string) ([]Entry, bool) {
	var d *DL
	for _, x := range st.dir.dls {
		if strings.EqualFold(x.Address, list) || placeID(x.Address) == strings.ToLower(list) {
			d = x
		}
	}
	if d == nil {
		return nil, false
	}
	all := st.entries()
	out := make([]Entry, 0, len(d.Members))
	for _, a := range d.Members {
		e := Entry{Kind: "other", Obj: Object{"displayName": a, "mail": a}}
		for _, x := range all {
			if strings.EqualFold(str(x.Obj["mail"]), a) {
				e = x
			}
		}
		out = append(out, e)
	}
	return out, true
}

// placeID is the stable id the fake gives a directory object: a GUID
// derived from its address, so a test can name it again.
func placeID(addr string) string {
	h := fnv64(addr)
	h2 := fnv64(addr + "#")
	return fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", uint32(h>>32), uint16(h>>16), uint16(h)&0xfff, uint16(h2>>48)&0xfff, h2&0xffffffffffff)
}

func fnv64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

func str(v any) string { s, _ := v.(string); return s }

// Categories returns the mailbox's master category list (Graph
// outlookCategory objects: id, displayName, color), and whether it was
// ever written.
func (m *Mailbox) Categories() ([]Object, bool) {
	l := m.st.dir.categories[m.addr]
	if l == nil {
		return nil, false
	}
	out := make([]Object, len(l.cats))
	for i, c := range l.cats {
		out[i] = schema.DeepCopy(c).(map[string]any)
	}
	return out, l.exists
}

// SetCategories replaces the mailbox's master category list, making it
// exist. Categories without an id get one.
func (m *Mailbox) SetCategories(cats []Object) {
	if m.st.dir.categories == nil {
		m.st.dir.categories = map[string]*catList{}
	}
	l := &catList{exists: true}
	for _, c := range cats {
		c = schema.DeepCopy(c).(map[string]any)
		if str(c["id"]) == "" {
			c["id"] = NewGUID()
		}
		if str(c["color"]) == "" {
			c["color"] = "none"
		}
		l.cats = append(l.cats, c)
	}
	m.st.dir.categories[m.addr] = l
}

// NewGUID returns a random GUID, lower-case, without braces.
func NewGUID() string {
	var g [16]byte
	_, _ = rand.Read(g[:])
	g[6] = g[6]&0x0f | 0x40
	g[8] = g[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", g[0:4], g[4:6], g[6:8], g[8:10], g[10:16])
}

// SetUserPhoto sets the photo of the person (or mailbox) with the address
// given; nil removes it.
func (st *Store) SetUserPhoto(addr string, img []byte) {
	if st.dir.photos == nil {
		st.dir.photos = map[string][]byte{}
	}
	if img == nil {
		delete(st.dir.photos, strings.ToLower(addr))
		return
	}
	st.dir.photos[strings.ToLower(addr)] = slices.Clone(img)
}

// UserPhoto returns the photo of the person with the address given, and
// false when there is none. The bytes are the store's: read only.
func (st *Store) UserPhoto(addr string) ([]byte, bool) {
	img, ok := st.dir.photos[strings.ToLower(addr)]
	return img, ok
}
