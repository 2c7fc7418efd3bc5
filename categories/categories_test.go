package categories_test

import (
	"context"
	"errors"
	"flag"
	"slices"
	"testing"

	"github.com/exchangekit/outlook/calendar"
	"github.com/exchangekit/outlook/categories"
	"github.com/exchangekit/outlook/contacts"
	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// The whole life of a category in each location: created, listed, read,
// recoloured and deleted, with the fake's list checked after each step,
// and a duplicate name refused.
func TestCategoriesLifecycle(t *testing.T) {
	servicetest.AllLocations.Each(t, func(t *testing.T, e *servicetest.Env) {
		ctx := t.Context()
		svc := e.MB.Categories
		if got := collect(t, svc.List(ctx)); len(got) != 0 {
			t.Fatalf("a new mailbox lists %v", got)
		}
		red, err := svc.Create(ctx, categories.Category{DisplayName: "Customers", Color: categories.ColorRed})
		if err != nil {
			t.Fatal(err)
		}
		if red.ID == "" || red.DisplayName != "Customers" || red.Color != categories.ColorRed {
			t.Fatalf("created %+v", red)
		}
		plain, err := svc.Create(ctx, categories.Category{DisplayName: "Later"})
		if err != nil {
			t.Fatal(err)
		}
		if plain.Color != categories.ColorNone {
			t.Errorf("a category without a colour has %q, want none", plain.Color)
		}
		if _, err := svc.Create(ctx, categories.Category{DisplayName: "customers"}); !errors.Is(err, odata.ErrConflict) {
			t.Errorf("a duplicate name: %v, want ErrConflict", err)
		}
		got := collect(t, svc.List(ctx))
		if len(got) != 2 || got[0].DisplayName != "Customers" || got[1].DisplayName != "Later" {
			t.Fatalf("listed %+v", got)
		}
		one, err := svc.Get(ctx, red.ID)
		if err != nil || *one != *red {
			t.Fatalf("Get = %+v, %v; want %+v", one, err, red)
		}
		teal, _ := categories.Preset(5)
		up, err := svc.SetColor(ctx, red.ID, teal)
		if err != nil {
			t.Fatal(err)
		}
		if up.Color != categories.ColorTeal || up.DisplayName != "Customers" {
			t.Errorf("recoloured %+v", up)
		}
		if srv := e.Box.Categories(); len(srv) != 2 || srv[0].Color != "preset5" || srv[0].ID != red.ID {
			t.Errorf("the server holds %+v", srv)
		}
		if err := svc.Delete(ctx, plain.ID); err != nil {
			t.Fatal(err)
		}
		if err := svc.Delete(ctx, plain.ID); !errors.Is(err, odata.ErrNotFound) {
			t.Errorf("deleting again: %v, want ErrNotFound", err)
		}
		if srv := e.Box.Categories(); len(srv) != 1 || srv[0].DisplayName != "Customers" {
			t.Errorf("after the delete the server holds %+v", srv)
		}
	})
}

// A list another client wrote (Outlook, seeded here) reads the same in
// every location, and items carrying a category are found by a filter on
// it.
func TestSeededListAndFilter(t *testing.T) {
	servicetest.AllLocations.Each(t, func(t *testing.T, e *servicetest.Env) {
		ctx := t.Context()
		e.Box.SetCategories(outlooktest.Category{ID: "0b0e3c55-9d6a-4f1e-8a55-2f3f6b1d2c01", DisplayName: "Red category", Color: "preset0"},
			outlooktest.Category{ID: "0b0e3c55-9d6a-4f1e-8a55-2f3f6b1d2c02", DisplayName: "Project X"})
		got := collect(t, e.MB.Categories.List(ctx))
		want := []categories.Category{
			{ID: "0b0e3c55-9d6a-4f1e-8a55-2f3f6b1d2c01", DisplayName: "Red category", Color: categories.ColorRed},
			{ID: "0b0e3c55-9d6a-4f1e-8a55-2f3f6b1d2c02", DisplayName: "Project X", Color: categories.ColorNone},
		}
		if !slices.Equal(got, want) {
			t.Fatalf("listed %+v\nwant %+v", got, want)
		}
		e.Box.Add("messages", map[string]any{"subject": "tagged", "categories": []any{"Project X"}})
		e.Box.Add("messages", map[string]any{"subject": "plain"})
		var subjects []string
		for m, err := range e.MB.Mail.ListMessages(ctx, mail.Inbox, &odata.Query{Filter: mail.Categories.Has("Project X")}) {
			if err != nil {
				t.Fatal(err)
			}
			subjects = append(subjects, m.Subject)
		}
		if !slices.Equal(subjects, []string{"tagged"}) {
			t.Errorf("filtered on the category: %v", subjects)
		}
		// Events and contacts carry categories as messages do.
		e.Box.Add("events", map[string]any{"subject": "tagged event", "categories": []any{"Project X"},
			"start": map[string]any{"dateTime": "2026-03-02T09:00:00", "timeZone": "UTC"},
			"end":   map[string]any{"dateTime": "2026-03-02T10:00:00", "timeZone": "UTC"}})
		e.Box.Add("events", map[string]any{"subject": "plain event",
			"start": map[string]any{"dateTime": "2026-03-02T11:00:00", "timeZone": "UTC"},
			"end":   map[string]any{"dateTime": "2026-03-02T12:00:00", "timeZone": "UTC"}})
		var events []string
		for ev, err := range e.MB.Calendar.ListEvents(ctx, calendar.DefaultCalendar, &odata.Query{Filter: calendar.Categories.Has("Project X")}) {
			if err != nil {
				t.Fatal(err)
			}
			events = append(events, ev.Subject)
		}
		if !slices.Equal(events, []string{"tagged event"}) {
			t.Errorf("events filtered on the category: %v", events)
		}
		if e.Loc == servicetest.REST {
			return // Outlook REST v2.0 cannot filter contacts on their categories (see contacts.Categories)
		}
		e.Box.Add("contacts", map[string]any{"displayName": "Tagged Person", "categories": []any{"Project X"}})
		e.Box.Add("contacts", map[string]any{"displayName": "Plain Person"})
		var people []string
		for ct, err := range e.MB.Contacts.ListContacts(ctx, contacts.DefaultFolder, &odata.Query{Filter: contacts.Categories.Has("Project X")}) {
			if err != nil {
				t.Fatal(err)
			}
			people = append(people, ct.DisplayName)
		}
		if !slices.Equal(people, []string{"Tagged Person"}) {
			t.Errorf("contacts filtered on the category: %v", people)
		}
	})
}

func collect(t *testing.T, seq func(func(*categories.Category, error) bool)) []categories.Category {
	t.Helper()
	var out []categories.Category
	for c, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, *c)
	}
	return out
}

// Bad input fails before any request.
func TestRefusals(t *testing.T) {
	c, rec := servicetest.RecordingClient(t, odata.Graph)
	svc := categories.NewService(c)
	ctx := context.Background()
	for name, err := range map[string]error{
		"empty name":       second(svc.Create(ctx, categories.Category{})),
		"padded name":      second(svc.Create(ctx, categories.Category{DisplayName: " x"})),
		"comma":            second(svc.Create(ctx, categories.Category{DisplayName: "a,b"})),
		"bad colour":       second(svc.Create(ctx, categories.Category{DisplayName: "x", Color: "red"})),
		"preset25":         second(svc.SetColor(ctx, "id", "preset25")),
		"preset05":         second(svc.SetColor(ctx, "id", "preset05")),
		"empty id (color)": second(svc.SetColor(ctx, "", categories.ColorRed)),
	} {
		if !errors.Is(err, categories.ErrInvalidCategory) && !errors.Is(err, odata.ErrInvalidPath) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := svc.Delete(ctx, " "); !errors.Is(err, odata.ErrInvalidPath) {
		t.Errorf("Delete(\" \"): %v", err)
	}
	if _, err := categories.Preset(25); !errors.Is(err, categories.ErrInvalidCategory) {
		t.Errorf("Preset(25): %v", err)
	}
	if n := len(rec.Bytes()); n != 0 {
		t.Errorf("refused calls sent %d bytes of requests", n)
	}
}

func second[T any](_ T, err error) error { return err }

// Every request, in both REST dialects, against golden files.
func TestRequests(t *testing.T) {
	ops := []servicetest.Op[*categories.Service]{
		{Name: "list", Call: func(ctx context.Context, s *categories.Service) error {
			for _, err := range s.List(ctx) {
				return err
			}
			return nil
		}},
		{Name: "get", Call: func(ctx context.Context, s *categories.Service) error {
			_, err := s.Get(ctx, "0b0e3c55-9d6a-4f1e-8a55-2f3f6b1d2c01")
			return err
		}},
		{Name: "create", Call: func(ctx context.Context, s *categories.Service) error {
			_, err := s.Create(ctx, categories.Category{DisplayName: "Customers", Color: categories.ColorOrange})
			return err
		}},
		{Name: "set-color", Call: func(ctx context.Context, s *categories.Service) error {
			_, err := s.SetColor(ctx, "0b0e3c55-9d6a-4f1e-8a55-2f3f6b1d2c01", categories.ColorNone)
			return err
		}},
		{Name: "delete", Call: func(ctx context.Context, s *categories.Service) error {
			return s.Delete(ctx, "0b0e3c55-9d6a-4f1e-8a55-2f3f6b1d2c01")
		}},
	}
	servicetest.CheckRequests(t, categories.NewService, ops, nil, *update)
}
