package ews

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"

	"github.com/exchangekit/outlook/odata"
)

// The address book: Graph's places (room lists, rooms), users ($search)
// and group members are EWS's GetRoomLists, GetRooms, ResolveNames and
// ExpandDL. EWS gives a room's or a person's name, address and mailbox
// type (and, from ResolveNames with full contact data, a person's job
// title, department and office); Graph's room properties (capacity,
// building, devices) have no EWS form and stay unset.

// rootRoutes serve the paths under the service root rather than under the
// mailbox (odata.RootPath): the directory is the organisation's.
var rootRoutes = map[string]handler{
	"GET places/microsoft.graph.roomlist":          listRoomLists,
	"GET places/{}/microsoft.graph.roomlist/rooms": listRooms,
	"GET places/microsoft.graph.room":              listAllRooms,
	"GET users":                                    resolveNames,
	"GET groups/{}/members":                        expandDL,
	"GET users/{}/photo/$value":                    userPhoto,
}

// mailboxKinds are the Kind values of the directory models, by EWS
// MailboxType.
var mailboxKinds = map[string]string{
	"Mailbox": "user", "PublicDL": "distributionList", "PrivateDL": "distributionList",
	"Contact": "contact", "GroupMailbox": "group",
}

// dirEntry is one EmailAddressType (a room list, a room, a resolved or
// expanded mailbox), with the contact data ResolveNames adds.
type dirEntry struct {
	name, address, routing, kind string
	jobTitle, department, office string
}

// readDirEntry reads an EmailAddressType element's children.
func readDirEntry(x *xmlReader, buf *[]byte, e *dirEntry) error {
	return x.children(func() error {
		var dst *string
		switch string(x.local) {
		case "Name":
			dst = &e.name
		case "EmailAddress":
			dst = &e.address
		case "RoutingType":
			dst = &e.routing
		case "MailboxType":
			dst = &e.kind
		default:
			return x.skip()
		}
		t, err := x.textInto((*buf)[:0])
		*buf = t
		*dst = string(bytes.TrimSpace(t))
		return err
	})
}

// smtp reports whether the entry has an address a message can be sent to.
func (e *dirEntry) smtp() bool {
	return e.address != "" && (e.routing == "" || strings.EqualFold(e.routing, "SMTP"))
}

// appendRoom writes an entry as a Graph room or roomList.
func appendRoom(out []byte, e *dirEntry) []byte {
	out = append(out, '{')
	out = member(out, "displayName")
	out = appendString(out, e.name)
	out = member(out, "emailAddress")
	out = appendString(out, e.address)
	return append(out, '}')
}

// appendPerson writes an entry as the directory's person.
func appendPerson(out []byte, e *dirEntry) []byte {
	out = append(out, '{')
	out = member(out, "displayName")
	out = appendString(out, e.name)
	out = member(out, "mail")
	if e.smtp() {
		out = appendString(out, e.address)
	} else {
		out = appendString(out, "")
	}
	kind := mailboxKinds[e.kind]
	if kind == "" {
		kind = "other"
	}
	out = member(out, "kind")
	out = appendString(out, kind)
	for _, f := range []struct{ name, v string }{{"jobTitle", e.jobTitle}, {"department", e.department}, {"officeLocation", e.office}} {
		if f.v != "" {
			out = member(out, f.name)
			out = appendString(out, f.v)
		}
	}
	return append(out, '}')
}

// page writes entries as a Graph page.
func page(entries []dirEntry, one func([]byte, *dirEntry) []byte) *http.Response {
	out := []byte(`{"value":[`)
	for i := range entries {
		if i > 0 {
			out = append(out, ',')
		}
		out = one(out, &entries[i])
	}
	return jsonResponse(http.StatusOK, append(out, "]}"...))
}

// getRoomLists runs GetRoomLists.
func (c *call) getRoomLists() ([]dirEntry, error) {
	var st status
	var lists []dirEntry
	err := c.send(request{op: "GetRoomLists", idempotent: true, body: func(w *xmlWriter) {
		w.start("m:GetRoomLists")
		w.slash()
	}}, func(x *xmlReader, buf *[]byte) error {
		return readClassedList(x, buf, &st, "RoomLists", "Address", func() error {
			var e dirEntry
			err := readDirEntry(x, buf, &e)
			lists = append(lists, e)
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	if !st.ok() {
		return nil, errorOf("GetRoomLists", &st, false, nil)
	}
	return lists, nil
}

// getRooms runs GetRooms for the room list with the address list.
func (c *call) getRooms(list string) ([]dirEntry, error) {
	var st status
	var rooms []dirEntry
	err := c.send(request{op: "GetRooms", idempotent: true, body: func(w *xmlWriter) {
		w.open("m:GetRooms")
		w.open("m:RoomList")
		w.elem("t:EmailAddress", list)
		w.close("m:RoomList")
		w.close("m:GetRooms")
	}}, func(x *xmlReader, buf *[]byte) error {
		return readClassed(x, buf, &st, func() error {
			if !x.is("Rooms") {
				return x.skip()
			}
			return x.children(func() error {
				if !x.is("Room") {
					return x.skip()
				}
				return x.children(func() error {
					if !x.is("Id") {
						return x.skip()
					}
					var e dirEntry
					err := readDirEntry(x, buf, &e)
					rooms = append(rooms, e)
					return err
				})
			})
		})
	})
	if err != nil {
		return nil, err
	}
	if !st.ok() {
		return nil, notFoundIf(errorOf("GetRooms", &st, false, nil))
	}
	return rooms, nil
}

// listRoomLists serves GET places/microsoft.graph.roomlist.
func listRoomLists(c *call) (*http.Response, error) {
	lists, err := c.getRoomLists()
	if err != nil {
		return nil, err
	}
	return page(lists, appendRoom), nil
}

// listRooms serves GET places/{list}/microsoft.graph.roomlist/rooms: the
// place is named by the room list's address.
func listRooms(c *call) (*http.Response, error) {
	if !strings.Contains(c.ids[0], "@") {
		return nil, fmt.Errorf("%w: over EWS a room list is named by its address, not %q", odata.ErrInvalidPath, truncate(c.ids[0], 60))
	}
	rooms, err := c.getRooms(c.ids[0])
	if err != nil {
		return nil, err
	}
	return page(rooms, appendRoom), nil
}

// listAllRooms serves GET places/microsoft.graph.room: EWS lists rooms by
// room list only, so every room is the rooms of every list, each once.
func listAllRooms(c *call) (*http.Response, error) {
	lists, err := c.getRoomLists()
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var all []dirEntry
	for _, l := range lists {
		rooms, err := c.getRooms(l.address)
		if err != nil {
			return nil, err
		}
		for _, r := range rooms {
			if k := strings.ToLower(r.address); !seen[k] {
				seen[k] = true
				all = append(all, r)
			}
		}
	}
	return page(all, appendRoom), nil
}

// searchTerm reads the name a Graph $search of users looks for, as
// directory.Service.Resolve writes it: "displayName:<q>" OR "mail:<q>",
// quotes and backslashes in q escaped. ok is false for any other search.
func searchTerm(search string) (q string, ok bool) {
	s, found := strings.CutPrefix(strings.TrimSpace(search), `"displayName:`)
	if !found {
		return "", false
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 >= len(s) {
				return "", false
			}
			i++
			b.WriteByte(s[i])
		case '"':
			q = b.String()
			rest := strings.TrimSpace(s[i+1:])
			if rest != "" && !strings.HasPrefix(rest, "OR ") {
				return "", false
			}
			return q, strings.TrimSpace(q) != ""
		default:
			b.WriteByte(s[i])
		}
	}
	return "", false
}

// resolveNames serves GET users?$search=... through ResolveNames, on the
// Active Directory and the mailbox's contacts, with the directory's
// contact data (job title, department, office).
func resolveNames(c *call) (*http.Response, error) {
	q, ok := searchTerm(c.r.Params.Get("$search"))
	if !ok {
		return nil, errNotSupported("listing users other than by a name search (ResolveNames)")
	}
	var st status
	var found []dirEntry
	err := c.send(request{op: "ResolveNames", idempotent: true, body: func(w *xmlWriter) {
		w.start("m:ResolveNames")
		w.attr("ReturnFullContactData", "true")
		w.attr("SearchScope", "ActiveDirectoryContacts")
		w.gt()
		w.elem("m:UnresolvedEntry", q)
		w.close("m:ResolveNames")
	}}, func(x *xmlReader, buf *[]byte) error {
		return readMessages(x, buf, func(_ int, _ *status) error {
			if !x.is("ResolutionSet") {
				return x.skip()
			}
			return x.children(func() error {
				if !x.is("Resolution") {
					return x.skip()
				}
				var e dirEntry
				err := x.children(func() error {
					switch string(x.local) {
					case "Mailbox":
						return readDirEntry(x, buf, &e)
					case "Contact":
						return readResolvedContact(x, buf, &e)
					}
					return x.skip()
				})
				found = append(found, e)
				return err
			})
		}, func(_ int, s *status) error { st = *s; return nil })
	})
	if err != nil {
		return nil, err
	}
	if !st.ok() && st.code != "ErrorNameResolutionNoResults" {
		return nil, errorOf("ResolveNames", &st, false, nil)
	}
	return page(found, appendPerson), nil
}

// readResolvedContact reads the directory data of a resolution's Contact.
func readResolvedContact(x *xmlReader, buf *[]byte, e *dirEntry) error {
	return x.children(func() error {
		var dst *string
		switch string(x.local) {
		case "JobTitle":
			dst = &e.jobTitle
		case "Department":
			dst = &e.department
		case "OfficeLocation":
			dst = &e.office
		case "DisplayName":
			if e.name != "" {
				return x.skip()
			}
			dst = &e.name
		default:
			return x.skip()
		}
		t, err := x.textInto((*buf)[:0])
		*buf = t
		*dst = string(bytes.TrimSpace(t))
		return err
	})
}

// expandDL serves GET groups/{address}/members through ExpandDL.
func expandDL(c *call) (*http.Response, error) {
	if !strings.Contains(c.ids[0], "@") {
		return nil, fmt.Errorf("%w: over EWS a distribution list is named by its address, not %q", odata.ErrInvalidPath, truncate(c.ids[0], 60))
	}
	var st status
	var members []dirEntry
	err := c.send(request{op: "ExpandDL", idempotent: true, body: func(w *xmlWriter) {
		w.open("m:ExpandDL")
		w.open("m:Mailbox")
		w.elem("t:EmailAddress", c.ids[0])
		w.close("m:Mailbox")
		w.close("m:ExpandDL")
	}}, func(x *xmlReader, buf *[]byte) error {
		return readMessages(x, buf, func(_ int, _ *status) error {
			if !x.is("DLExpansion") {
				return x.skip()
			}
			return x.children(func() error {
				if !x.is("Mailbox") {
					return x.skip()
				}
				var e dirEntry
				err := readDirEntry(x, buf, &e)
				members = append(members, e)
				return err
			})
		}, func(_ int, s *status) error { st = *s; return nil })
	})
	if err != nil {
		return nil, err
	}
	if !st.ok() {
		return nil, notFoundIf(errorOf("ExpandDL", &st, false, nil))
	}
	return page(members, appendPerson), nil
}

// maxUserPhoto bounds a user photo's base64 text.
const maxUserPhoto = 8 << 20

// userPhoto serves GET users/{address}/photo/$value through GetUserPhoto
// at its largest size (HR648x648: Exchange scales down what it stores).
func userPhoto(c *call) (*http.Response, error) {
	var st status
	var img []byte
	err := c.send(request{op: "GetUserPhoto", idempotent: true, body: func(w *xmlWriter) {
		w.open("m:GetUserPhoto")
		w.elem("m:Email", c.ids[0])
		w.elem("m:SizeRequested", "HR648x648")
		w.close("m:GetUserPhoto")
	}}, func(x *xmlReader, buf *[]byte) error {
		return readClassed(x, buf, &st, func() error {
			if !x.is("PictureData") {
				return x.skip()
			}
			t, err := x.textInto((*buf)[:0])
			*buf = t
			if err != nil {
				return err
			}
			if len(t) > maxUserPhoto {
				return errorf("the photo is over %d bytes", maxUserPhoto)
			}
			img, err = base64.StdEncoding.AppendDecode(nil, bytes.TrimSpace(t))
			if err != nil {
				return errorf("the photo's PictureData: %v", err)
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	if !st.ok() {
		e := errorOf("GetUserPhoto", &st, false, nil)
		if strings.Contains(st.code, "NotFound") || strings.Contains(st.code, "NonExistent") {
			e.StatusCode = http.StatusNotFound
		}
		return nil, e
	}
	if len(img) == 0 {
		return nil, &odata.Error{StatusCode: http.StatusNotFound, Code: "ErrorItemNotFound", Message: "The user has no photo.", Method: "EWS", Path: "GetUserPhoto"}
	}
	resp := jsonResponse(http.StatusOK, img)
	resp.Header.Set("Content-Type", http.DetectContentType(img))
	return resp, nil
}

// notFoundIf makes an address EWS could not resolve (a room list or
// distribution list nobody has) the 404 Graph answers for it.
func notFoundIf(e *odata.Error) *odata.Error {
	if e.Code == "ErrorNameResolutionNoResults" {
		e.StatusCode = http.StatusNotFound
	}
	return e
}
