package directory_test

import (
	"context"
	"errors"
	"flag"
	"iter"
	"slices"
	"testing"

	"github.com/exchangekit/outlook/directory"
	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// seed fills the address book of a tenant: two room lists, three rooms
// (one in both lists), a distribution list and a person without a mailbox
// on the server.
func seed(srv *outlooktest.Server) {
	floor := 2
	srv.AddRoom(outlooktest.Room{Address: "rainier@contoso.com", Name: "Conf Room Rainier", Capacity: 12, Building: "1",
		FloorNumber: &floor, DisplayDeviceName: "surfacehub", IsWheelChairAccessible: true, Tags: []string{"bean bags"}})
	srv.AddRoom(outlooktest.Room{Address: "baker@contoso.com", Name: "Conf Room Baker", Capacity: 4, Building: "1"})
	srv.AddRoom(outlooktest.Room{Address: "hood@contoso.com", Name: "Conf Room Hood", Building: "2"})
	srv.AddRoomList("building1@contoso.com", "Building 1", "rainier@contoso.com", "baker@contoso.com")
	srv.AddRoomList("building2@contoso.com", "Building 2", "hood@contoso.com", "rainier@contoso.com")
	srv.AddPerson(outlooktest.Person{Address: "adele.vance@contoso.com", Name: "Adele Vance", JobTitle: "Retail Manager", Department: "Retail", OfficeLocation: "18/2111"})
	srv.AddPerson(outlooktest.Person{Address: "alex.wilber@contoso.com", Name: "Alex Wilber", JobTitle: "Marketing Assistant"})
	srv.AddDistributionList("sales@contoso.com", "Sales Team", "adele.vance@contoso.com", "bob@contoso.com", "partner@fabrikam.com")
}

func all[T any](t *testing.T, seq iter.Seq2[*T, error]) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, *v)
	}
	return out
}

func addresses[T any](vs []T, addr func(T) string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = addr(v)
	}
	slices.Sort(out)
	return out
}

// Room lists and their rooms in every location; Graph alone carries the
// rooms' properties.
func TestRooms(t *testing.T) {
	servicetest.AllLocations.Each(t, func(t *testing.T, e *servicetest.Env) {
		seed(e.Srv)
		ctx := t.Context()
		d := e.MB.Directory
		lists := all(t, d.RoomLists(ctx))
		if got := addresses(lists, func(l directory.RoomList) string { return l.EmailAddress + "=" + l.DisplayName }); !slices.Equal(got,
			[]string{"building1@contoso.com=Building 1", "building2@contoso.com=Building 2"}) {
			t.Fatalf("room lists %v", got)
		}
		rooms := all(t, d.Rooms(ctx, "building1@contoso.com"))
		if got := addresses(rooms, func(r directory.Room) string { return r.EmailAddress + "=" + r.DisplayName }); !slices.Equal(got,
			[]string{"baker@contoso.com=Conf Room Baker", "rainier@contoso.com=Conf Room Rainier"}) {
			t.Fatalf("rooms of building 1: %v", got)
		}
		every := all(t, d.Rooms(ctx, ""))
		if got := addresses(every, func(r directory.Room) string { return r.EmailAddress }); !slices.Equal(got,
			[]string{"baker@contoso.com", "hood@contoso.com", "rainier@contoso.com"}) {
			t.Fatalf("every room: %v", got)
		}
		var rainier directory.Room
		for _, r := range rooms {
			if r.EmailAddress == "rainier@contoso.com" {
				rainier = r
			}
		}
		if e.Loc == servicetest.Cloud {
			if rainier.Capacity == nil || *rainier.Capacity != 12 || rainier.FloorNumber == nil || *rainier.FloorNumber != 2 ||
				rainier.Building != "1" || !rainier.IsWheelChairAccessible || rainier.DisplayDeviceName != "surfacehub" ||
				!slices.Equal(rainier.Tags, []string{"bean bags"}) || rainier.BookingType != "standard" || rainier.ID == "" {
				t.Errorf("Graph's room: %+v", rainier)
			}
		} else if rainier.Capacity != nil || rainier.Building != "" {
			t.Errorf("%s serves no room properties, yet the room has %+v", e.Loc, rainier)
		}
		if got := rainier.Attendee(); got.Address != "rainier@contoso.com" || got.Name != "Conf Room Rainier" {
			t.Errorf("Attendee() = %+v", got)
		}
		if _, err := collectErr(d.Rooms(ctx, "nowhere@contoso.com")); !errors.Is(err, odata.ErrNotFound) {
			t.Errorf("rooms of an unknown list: %v, want ErrNotFound", err)
		}
	})
}

func collectErr[T any](seq iter.Seq2[*T, error]) (int, error) {
	n := 0
	for _, err := range seq {
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// Name resolution and distribution lists where they are served, and the
// typed refusal over REST v2.0 before any request.
func TestResolveAndExpand(t *testing.T) {
	servicetest.AllLocations.Each(t, func(t *testing.T, e *servicetest.Env) {
		seed(e.Srv)
		ctx := t.Context()
		d := e.MB.Directory
		if e.Loc == servicetest.REST {
			before := servicetest.RESTRequests(e.Srv, servicetest.OnPremHost)
			for _, seq := range []iter.Seq2[*directory.Person, error]{d.Resolve(ctx, "ad"), d.ExpandGroup(ctx, "sales@contoso.com")} {
				if _, err := collectErr(seq); !errors.Is(err, odata.ErrNotSupported) {
					t.Errorf("over REST v2.0: %v, want ErrNotSupported", err)
				}
			}
			if n := servicetest.RESTRequests(e.Srv, servicetest.OnPremHost) - before; n != 0 {
				t.Errorf("the refusals sent %d requests", n)
			}
			return
		}
		people := all(t, d.Resolve(ctx, "ad"))
		if len(people) != 1 {
			t.Fatalf("Resolve(ad) = %+v, want Adele alone", people)
		}
		adele := people[0]
		if adele.EmailAddress != "adele.vance@contoso.com" || adele.DisplayName != "Adele Vance" || adele.Kind != directory.KindUser ||
			adele.JobTitle != "Retail Manager" || adele.Department != "Retail" || adele.OfficeLocation != "18/2111" {
			t.Errorf("Adele: %+v", adele)
		}
		if r := adele.Recipient(); r.EmailAddress.Address != "adele.vance@contoso.com" || r.EmailAddress.Name != "Adele Vance" {
			t.Errorf("Recipient() = %+v", r)
		}
		// A partial name matching several; a word of the name; the
		// mailboxes of the server are people too.
		if got := addresses(all(t, d.Resolve(ctx, "a")), func(p directory.Person) string { return p.EmailAddress }); !slices.Contains(got, "adele.vance@contoso.com") ||
			!slices.Contains(got, "alex.wilber@contoso.com") || !slices.Contains(got, "alice@contoso.com") {
			t.Errorf("Resolve(a) = %v", got)
		}
		if got := all(t, d.Resolve(ctx, "wilber")); len(got) != 1 || got[0].EmailAddress != "alex.wilber@contoso.com" {
			t.Errorf("Resolve(wilber) = %+v", got)
		}
		if got := all(t, d.Resolve(ctx, "sales")); len(got) != 1 || got[0].EmailAddress != "sales@contoso.com" || got[0].Kind != directory.KindDistributionList || got[0].DisplayName != "Sales Team" {
			t.Errorf("Resolve(sales) = %+v, want the distribution list", got)
		}
		if got := all(t, d.Resolve(ctx, "zz-nobody")); len(got) != 0 {
			t.Errorf("Resolve(nobody) = %+v", got)
		}
		members := all(t, d.ExpandGroup(ctx, "sales@contoso.com"))
		if got := addresses(members, func(p directory.Person) string { return p.EmailAddress + "=" + string(p.Kind) }); !slices.Equal(got,
			[]string{"adele.vance@contoso.com=user", "bob@contoso.com=user", "partner@fabrikam.com=" + map[bool]string{true: "contact", false: "other"}[e.Loc == servicetest.Cloud]}) {
			t.Errorf("members of sales: %v", got)
		}
		if _, err := collectErr(d.ExpandGroup(ctx, "nobody@contoso.com")); !errors.Is(err, odata.ErrNotFound) {
			t.Errorf("expanding an unknown list: %v, want ErrNotFound", err)
		}
	})
}

// Bad input fails before any request.
func TestRefusals(t *testing.T) {
	c, rec := servicetest.RecordingClient(t, odata.Graph)
	d := directory.NewService(c)
	ctx := context.Background()
	for name, seq := range map[string]func() error{
		"empty query":   func() error { _, err := collectErr(d.Resolve(ctx, " ")); return err },
		"line break":    func() error { _, err := collectErr(d.Resolve(ctx, "a\nb")); return err },
		"group name":    func() error { _, err := collectErr(d.ExpandGroup(ctx, "Sales <sales@contoso.com>")); return err },
		"no group":      func() error { _, err := collectErr(d.ExpandGroup(ctx, "")); return err },
		"bad room list": func() error { _, err := collectErr(d.Rooms(ctx, "building1/../x")); return err },
	} {
		if err := seq(); !errors.Is(err, directory.ErrInvalidQuery) {
			t.Errorf("%s: %v, want ErrInvalidQuery", name, err)
		}
	}
	if n := len(rec.Bytes()); n != 0 {
		t.Errorf("refused calls sent %d bytes of requests", n)
	}
}

// Every request, in both REST dialects, against golden files.
func TestRequests(t *testing.T) {
	ops := []servicetest.Op[*directory.Service]{
		{Name: "room-lists", Call: func(ctx context.Context, s *directory.Service) error {
			_, err := collectErr(s.RoomLists(ctx))
			return err
		}},
		{Name: "rooms-of-list", Call: func(ctx context.Context, s *directory.Service) error {
			_, err := collectErr(s.Rooms(ctx, "o'neil.rooms@contoso.com"))
			return err
		}},
		{Name: "all-rooms", Call: func(ctx context.Context, s *directory.Service) error {
			_, err := collectErr(s.Rooms(ctx, ""))
			return err
		}},
		{Name: "photo", Call: func(ctx context.Context, s *directory.Service) error {
			_, _, err := s.Photo(ctx, "adele.vance@contoso.com")
			return err
		}},
		{Name: "resolve", GraphOnly: true, Call: func(ctx context.Context, s *directory.Service) error {
			_, err := collectErr(s.Resolve(ctx, `ad "x"`))
			return err
		}},
		{Name: "expand-group", GraphOnly: true, Call: func(ctx context.Context, s *directory.Service) error {
			_, err := collectErr(s.ExpandGroup(ctx, "sales@contoso.com"))
			return err
		}},
	}
	servicetest.CheckRequests(t, directory.NewService, ops, groupAnswer, *update)
}
