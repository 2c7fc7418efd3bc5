package directory

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
)

// Service reads the address book as one mailbox sees it. Get one from
// outlook.Mailbox (mb.Directory) or build one on an odata.Client. It is
// safe for concurrent use.
//
// An operation the mailbox's location lacks fails with an error matching
// odata.ErrNotSupported, and bad input (an empty query, an address that is
// not one) with an error matching ErrInvalidQuery, both before any
// request.
type Service struct{ c *odata.Client }

// NewService returns the directory service of the mailbox c is bound to.
func NewService(c *odata.Client) *Service { return &Service{c: c} }

// ErrInvalidQuery is wrapped by the errors of lookups the SDK refuses to
// send.
//
// Match it with errors.Is: the errors wrapping it start "directory: " and
// name the operation, so its own text carries no package prefix.
var ErrInvalidQuery = errors.New("invalid directory query")

// fail yields err once.
func fail[T any](err error) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) { yield(nil, err) }
}

// notOnV2 refuses an operation the Outlook REST v2.0 dialect lacks.
func (s *Service) notOnV2(op, why string) error {
	if s.c.Dialect().IsOutlookV2() {
		return fmt.Errorf("directory: %s: %w by %s (on-premises Exchange): %s", op, odata.ErrNotSupported, s.c.Dialect(), why)
	}
	return nil
}

// checkAddress accepts a bare SMTP address.
func checkAddress(op, what, addr string) error {
	a, err := item.ParseAddress(addr)
	if err != nil {
		return fmt.Errorf("directory: %s: %w: %s: %w", op, ErrInvalidQuery, what, err)
	}
	if a.Name != "" || a.Address != strings.TrimSpace(addr) {
		return fmt.Errorf("directory: %s: %w: %s %q: want a bare address", op, ErrInvalidQuery, what, addr)
	}
	return nil
}

// RoomLists yields the organisation's room lists.
func (s *Service) RoomLists(ctx context.Context) iter.Seq2[*RoomList, error] {
	if s.c.Dialect().IsOutlookV2() {
		return odata.List[RoomList](ctx, s.c, odata.PathOf("findroomlists"), nil)
	}
	return odata.List[RoomList](ctx, s.c, odata.RootPath("places/microsoft.graph.roomlist"), nil)
}

// Rooms yields the rooms of the room list with the address roomList, or
// every room of the organisation when roomList is "". EWS lists rooms by
// room list only: there, every room is the rooms of every list.
func (s *Service) Rooms(ctx context.Context, roomList string) iter.Seq2[*Room, error] {
	if roomList != "" {
		if err := checkAddress("Rooms", "room list", roomList); err != nil {
			return fail[Room](err)
		}
	}
	switch {
	case s.c.Dialect().IsOutlookV2() && roomList == "":
		return odata.List[Room](ctx, s.c, odata.PathOf("findrooms"), nil)
	case s.c.Dialect().IsOutlookV2():
		// A function parameter, quoted as an OData string literal and
		// escaped as a path segment: no address can add a segment or end
		// the literal.
		lit := url.PathEscape(strings.ReplaceAll(roomList, "'", "''"))
		return odata.List[Room](ctx, s.c, odata.PathOf("findrooms(RoomList='"+lit+"')"), nil)
	case roomList == "":
		return odata.List[Room](ctx, s.c, odata.RootPath("places/microsoft.graph.room"), nil)
	}
	return odata.List[Room](ctx, s.c, odata.RootPath("places/{}/microsoft.graph.roomlist/rooms", roomList), nil)
}

// consistencyEventual is the header Graph's $search of directory objects
// requires.
var consistencyEventual = http.Header{"Consistencylevel": {"eventual"}}

// personSelect are the user properties Resolve asks for.
var personSelect = []odata.Property{
	odata.NewStringField("displayName"), odata.NewStringField("mail"), odata.NewStringField("userPrincipalName"),
	odata.NewStringField("jobTitle"), odata.NewStringField("department"), odata.NewStringField("officeLocation"),
}

// Resolve yields the people and distribution lists whose name or address
// starts with (Graph: contains the words of) query, best first as the
// server ranks them. Over Graph it searches the directory's users; over
// EWS it is ResolveNames on the Active Directory and the mailbox's
// contacts (EWS answers at most 100).
func (s *Service) Resolve(ctx context.Context, query string) iter.Seq2[*Person, error] {
	if err := s.notOnV2("Resolve", "the REST API has no name resolution on premises; EWS does (leave WithOnPremisesAPI out)"); err != nil {
		return fail[Person](err)
	}
	q := strings.TrimSpace(query)
	if q == "" || strings.ContainsAny(q, "\x00\r\n") {
		return fail[Person](fmt.Errorf("directory: Resolve: %w: query %q", ErrInvalidQuery, query))
	}
	return s.resolve(ctx, q)
}

func (s *Service) resolve(ctx context.Context, q string) iter.Seq2[*Person, error] {
	users := &odata.Request{Method: http.MethodGet, Path: odata.RootPath("users"),
		Query:  &odata.Query{Select: personSelect},
		Params: url.Values{"$search": {searchClauses(q)}}, Header: consistencyEventual}
	return func(yield func(*Person, error) bool) {
		for p, err := range odata.Items[Person](ctx, s.c, users) {
			if p != nil && p.Kind == "" {
				p.Kind = KindUser
			}
			if !yield(p, err) || err != nil {
				return
			}
		}
		if s.c.Dialect() != odata.Graph {
			// EWS's ResolveNames answered people and lists at once.
			return
		}
		// Graph keeps distribution lists (and Microsoft 365 groups) apart
		// from users: the mail-enabled groups whose name or address
		// matches come after the people.
		groups := &odata.Request{Method: http.MethodGet, Path: odata.RootPath("groups"),
			Query:  &odata.Query{Select: groupSelect},
			Params: url.Values{"$search": {searchClauses(q)}}, Header: consistencyEventual}
		for g, err := range odata.Items[group](ctx, s.c, groups) {
			if err != nil {
				yield(nil, err)
				return
			}
			if g.Mail == "" || !g.MailEnabled {
				continue // a security group nobody can write to
			}
			kind := KindDistributionList
			if slices.Contains(g.GroupTypes, "Unified") {
				kind = KindGroup
			}
			if !yield(&Person{ID: g.ID, DisplayName: g.DisplayName, EmailAddress: g.Mail, Kind: kind}, nil) {
				return
			}
		}
	}
}

// groupSelect are the group properties Resolve asks for.
var groupSelect = []odata.Property{
	odata.NewStringField("displayName"), odata.NewStringField("mail"), odata.NewStringField("mailEnabled"), odata.NewStringField("groupTypes"),
}

// group is a Graph group a name resolved to.
type group struct {
	ID          string   `json:"id"`
	DisplayName string   `json:"displayName"`
	Mail        string   `json:"mail"`
	MailEnabled bool     `json:"mailEnabled"`
	GroupTypes  []string `json:"groupTypes"`
}

// searchClauses is the $search of users whose display name or address
// matches q: two quoted KQL clauses, quotes and backslashes in q escaped.
func searchClauses(q string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	e := r.Replace(q)
	return `"displayName:` + e + `" OR "mail:` + e + `"`
}

// ExpandGroup yields the members of the distribution list with the address
// group: over Graph the members of the group whose mail it is, over EWS
// ExpandDL. Nested lists are yielded as members of KindDistributionList
// (or KindGroup), not expanded.
func (s *Service) ExpandGroup(ctx context.Context, group string) iter.Seq2[*Person, error] {
	if err := s.notOnV2("ExpandGroup", "the REST API does not expand distribution lists on premises; EWS does (leave WithOnPremisesAPI out)"); err != nil {
		return fail[Person](err)
	}
	if err := checkAddress("ExpandGroup", "group", group); err != nil {
		return fail[Person](err)
	}
	return func(yield func(*Person, error) bool) {
		id := group
		if s.c.Dialect() == odata.Graph {
			// Graph names a group by its id: find the group with that mail.
			var found bool
			for g, err := range odata.List[groupRef](ctx, s.c, odata.RootPath("groups"), &odata.Query{
				Filter: odata.NewStringField("mail").Eq(group), Select: []odata.Property{odata.NewStringField("id")}}) {
				if err != nil {
					yield(nil, err)
					return
				}
				id, found = g.ID, true
				break
			}
			if !found {
				yield(nil, &odata.Error{StatusCode: http.StatusNotFound, Code: "Request_ResourceNotFound",
					Message: "no group has the address " + group, Method: http.MethodGet, Path: "groups"})
				return
			}
		}
		q := &odata.Query{Select: personSelect}
		for m, err := range odata.List[member](ctx, s.c, odata.RootPath("groups/{}/members", id), q) {
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(m.person(), nil) {
				return
			}
		}
	}
}

// groupRef is a group found by its address.
type groupRef struct {
	ID string `json:"id"`
}

// member is a group member as Graph answers: a user, a group or a contact,
// told apart by its @odata.type.
type member struct {
	Type              string `json:"@odata.type"`
	ID                string `json:"id"`
	DisplayName       string `json:"displayName"`
	Mail              string `json:"mail"`
	UserPrincipalName string `json:"userPrincipalName"`
	Kind              Kind   `json:"kind"`
	JobTitle          string `json:"jobTitle"`
	Department        string `json:"department"`
	OfficeLocation    string `json:"officeLocation"`
}

// WireSchema returns the person's mapping.
func (member) WireSchema() *odata.Schema { return personSchema }

func (m *member) person() *Person {
	p := &Person{ID: m.ID, DisplayName: m.DisplayName, EmailAddress: m.Mail, UserPrincipalName: m.UserPrincipalName,
		Kind: m.Kind, JobTitle: m.JobTitle, Department: m.Department, OfficeLocation: m.OfficeLocation}
	if p.Kind == "" {
		switch strings.TrimPrefix(strings.ToLower(m.Type), "#microsoft.graph.") {
		case "user", "":
			p.Kind = KindUser
		case "group":
			p.Kind = KindGroup
		case "orgcontact":
			p.Kind = KindContact
		default:
			p.Kind = KindOther
		}
	}
	return p
}

// MaxPhotoSize bounds the photo Photo reads: Exchange's largest size,
// 648x648, is well under it.
const MaxPhotoSize = 4 << 20

// Photo returns the photo of the person with the address given, as the
// server stores it (JPEG, most often), and its media type. A person
// without a photo gives an error matching odata.ErrNotFound. Graph and
// REST v2.0 read users/{address}/photo/$value; EWS reads GetUserPhoto at
// its largest size, 648x648.
func (s *Service) Photo(ctx context.Context, address string) (image []byte, contentType string, err error) {
	if err := checkAddress("Photo", "person", address); err != nil {
		return nil, "", err
	}
	resp, err := s.c.Do(ctx, &odata.Request{Method: http.MethodGet, Path: odata.RootPath("users/{}/photo/$value", address),
		Header: http.Header{"Accept": {"image/*"}}})
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	image, err = io.ReadAll(io.LimitReader(resp.Body, MaxPhotoSize+1))
	if err != nil {
		return nil, "", fmt.Errorf("directory: Photo: reading the photo of %s: %w", address, err)
	}
	if len(image) > MaxPhotoSize {
		return nil, "", fmt.Errorf("directory: Photo: the photo of %s is over %d bytes: %w", address, MaxPhotoSize, odata.ErrResponseTooLarge)
	}
	ct := resp.Header.Get("Content-Type")
	if ct == "" || strings.HasPrefix(ct, "application/octet-stream") {
		ct = http.DetectContentType(image)
	}
	return image, ct, nil
}
