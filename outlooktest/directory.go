package outlooktest

import (
	"strings"

	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

// The organisation's address book, which every host of the server serves:
// Graph's places, users ($search) and groups, Outlook REST v2.0's
// findroomlists and findrooms, and EWS's GetRoomLists, GetRooms,
// ResolveNames and ExpandDL. Every mailbox of the server is in it (its
// display name is its address's local part); tests add rooms, room lists,
// distribution lists and people without a mailbox here.

// Room is a room of the address book. Graph serves every field; EWS and
// REST v2.0 serve its name and address only, as Exchange does.
type Room struct {
	Address  string // required
	Name     string
	Capacity int // 0: unknown
	Building string
	// FloorNumber is the floor; nil: unknown.
	FloorNumber            *int
	FloorLabel             string
	AudioDeviceName        string
	VideoDeviceName        string
	DisplayDeviceName      string
	IsWheelChairAccessible bool
	Tags                   []string
	// BookingType is "standard" (the default) or "reserved".
	BookingType string
}

// AddRoom adds a room to the address book, or replaces the room of the
// same address. It does not give the room a mailbox: add one with
// AddMailbox for tests of its calendar (free/busy through getSchedule).
func (s *Server) AddRoom(r Room) {
	if r.Address == "" {
		panic("outlooktest: AddRoom: a room needs an address")
	}
	o := store.Object{"@odata.type": "#microsoft.graph.room", "emailAddress": r.Address, "displayName": r.Name,
		"building": nilIfEmpty(r.Building), "floorLabel": nilIfEmpty(r.FloorLabel),
		"audioDeviceName": nilIfEmpty(r.AudioDeviceName), "videoDeviceName": nilIfEmpty(r.VideoDeviceName),
		"displayDeviceName": nilIfEmpty(r.DisplayDeviceName), "isWheelChairAccessible": r.IsWheelChairAccessible,
		"bookingType": "standard", "tags": []any{}}
	if r.Capacity > 0 {
		o["capacity"] = float64(r.Capacity)
	} else {
		o["capacity"] = nil
	}
	if r.FloorNumber != nil {
		o["floorNumber"] = float64(*r.FloorNumber)
	} else {
		o["floorNumber"] = nil
	}
	if r.BookingType != "" {
		o["bookingType"] = r.BookingType
	}
	for _, t := range r.Tags {
		o["tags"] = append(o["tags"].([]any), t)
	}
	s.store.Lock()
	defer s.store.Unlock()
	s.store.AddRoom(o)
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// AddRoomList adds a room list holding the rooms with the addresses given
// (added with AddRoom), or replaces the list of the same address.
func (s *Server) AddRoomList(address, name string, rooms ...string) {
	if !strings.Contains(address, "@") {
		panic("outlooktest: AddRoomList: a room list needs an address")
	}
	s.store.Lock()
	defer s.store.Unlock()
	s.store.AddRoomList(address, name, rooms)
}

// AddDistributionList adds a distribution list whose members are the
// addresses given: mailboxes, people, rooms or other lists of the address
// book, or outside addresses (expanded as one-off addresses). Graph serves
// it as a group, found by its mail.
func (s *Server) AddDistributionList(address, name string, members ...string) {
	if !strings.Contains(address, "@") {
		panic("outlooktest: AddDistributionList: a distribution list needs an address")
	}
	s.store.Lock()
	defer s.store.Unlock()
	s.store.AddDistributionList(address, name, members)
}

// Person is someone in the address book who has no mailbox on the server
// (a user of another server of the organisation, a mail user).
type Person struct {
	Address        string // required
	Name           string
	JobTitle       string
	Department     string
	OfficeLocation string
}

// AddPerson adds a person to the address book, or replaces the person of
// the same address.
func (s *Server) AddPerson(p Person) {
	if !strings.Contains(p.Address, "@") {
		panic("outlooktest: AddPerson: a person needs an address")
	}
	o := store.Object{"displayName": p.Name, "mail": p.Address, "userPrincipalName": p.Address}
	for k, v := range map[string]string{"jobTitle": p.JobTitle, "department": p.Department, "officeLocation": p.OfficeLocation} {
		if v != "" {
			o[k] = v
		}
	}
	s.store.Lock()
	defer s.store.Unlock()
	s.store.AddPerson(o)
}

// Category is one entry of a mailbox's master category list.
type Category struct {
	ID          string // a GUID; given one when empty
	DisplayName string
	Color       string // "none" or "preset0" to "preset24"; "none" when empty
}

// Categories returns the mailbox's master category list.
func (m *Mailbox) Categories() []Category {
	m.st.Lock()
	defer m.st.Unlock()
	cats, _ := m.m.Categories()
	out := make([]Category, len(cats))
	for i, c := range cats {
		id, _ := c["id"].(string)
		name, _ := c["displayName"].(string)
		color, _ := c["color"].(string)
		out[i] = Category{ID: id, DisplayName: name, Color: color}
	}
	return out
}

// SetCategories replaces the mailbox's master category list; over EWS the
// mailbox then has the configuration item that holds it. A mailbox
// starts without one (an empty list), as a mailbox no client has opened.
func (m *Mailbox) SetCategories(cats ...Category) {
	objs := make([]store.Object, len(cats))
	for i, c := range cats {
		objs[i] = store.Object{"id": c.ID, "displayName": c.DisplayName, "color": c.Color}
	}
	m.st.Lock()
	defer m.st.Unlock()
	m.m.SetCategories(objs)
}

// SetUserPhoto sets the photo of the person or mailbox with the address
// given (a JPEG, PNG or GIF image), which Graph and REST v2.0 serve at
// users/{address}/photo/$value and EWS through GetUserPhoto; nil removes
// it.
func (s *Server) SetUserPhoto(address string, image []byte) {
	s.store.Lock()
	defer s.store.Unlock()
	s.store.SetUserPhoto(address, image)
}
