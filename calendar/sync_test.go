package calendar_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/exchangekit/outlook/calendar"
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
)

// round runs one SyncView round and returns its changes as "+subject" and
// "-id", sorted, and the state of its last checkpoint.
func round(t *testing.T, e *env, state string) ([]string, string) {
	t.Helper()
	var got []string
	last := ""
	for ch, err := range e.MB.Calendar.SyncView(t.Context(), day, day.AddDate(0, 0, 14), state) {
		noErr(t, "SyncView", err)
		switch ch.Kind {
		case odata.Upserted:
			got = append(got, "+"+ch.Item.Subject+" "+string(ch.Item.Type))
		case odata.Removed:
			got = append(got, "-"+ch.ID)
		case odata.Checkpoint:
			last = ch.State
			if ch.Done && ch.State == "" {
				t.Fatal("a done checkpoint without state")
			}
		}
	}
	if last == "" {
		t.Fatal("the round ended without a checkpoint")
	}
	slices.Sort(got)
	return got, last
}

func TestSyncView(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ctx, cal := t.Context(), e.MB.Calendar
		keep, err := cal.CreateEvent(ctx, calendar.DefaultCalendar, &calendar.Event{Subject: "Keep",
			Start: item.FromTime(at(1, 10, 0)), End: item.FromTime(at(1, 11, 0))})
		noErr(t, "CreateEvent", err)
		gone, err := cal.CreateEvent(ctx, calendar.DefaultCalendar, &calendar.Event{Subject: "Gone",
			Start: item.FromTime(at(2, 10, 0)), End: item.FromTime(at(2, 11, 0))})
		noErr(t, "CreateEvent", err)
		moved, err := cal.CreateEvent(ctx, calendar.DefaultCalendar, &calendar.Event{Subject: "Moved",
			Start: item.FromTime(at(3, 10, 0)), End: item.FromTime(at(3, 11, 0))})
		noErr(t, "CreateEvent", err)
		_, err = cal.CreateEvent(ctx, calendar.DefaultCalendar, &calendar.Event{Subject: "Later",
			Start: item.FromTime(at(30, 10, 0)), End: item.FromTime(at(30, 11, 0))})
		noErr(t, "CreateEvent", err)
		_, err = cal.CreateEvent(ctx, calendar.DefaultCalendar, weekly())
		noErr(t, "CreateEvent", err)

		got, state := round(t, e, "")
		for _, want := range []string{"+Keep singleInstance", "+Gone singleInstance", "+Moved singleInstance", "+Stand-up occurrence"} {
			if !slices.Contains(got, want) {
				t.Errorf("first round %q lacks %q", got, want)
			}
		}
		for _, c := range got {
			if strings.HasPrefix(c, "+Later") {
				t.Errorf("first round holds an event outside the window: %q", got)
			}
		}

		noErr(t, "DeleteEvent", cal.DeleteEvent(ctx, gone.ID))
		_, err = cal.UpdateEvent(ctx, moved.ID, calendar.EventUpdate{
			Start: odata.Set(item.FromTime(at(40, 10, 0))), End: odata.Set(item.FromTime(at(40, 11, 0)))})
		noErr(t, "UpdateEvent", err)
		_, err = cal.UpdateEvent(ctx, keep.ID, calendar.EventUpdate{Subject: odata.Set("Kept")})
		noErr(t, "UpdateEvent", err)

		got, state2 := round(t, e, state)
		want := []string{"+Kept singleInstance", "-" + gone.ID, "-" + moved.ID}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("second round = %q\nwant %q", got, want)
		}
		if got, _ := round(t, e, state2); len(got) != 0 {
			t.Errorf("third round without changes = %q", got)
		}

		// A state is bound to its dialect and its window.
		otherLoc := rest
		if e.Loc == rest {
			otherLoc = cloud
		}
		other := newEnv(t, otherLoc)
		for _, err := range other.MB.Calendar.SyncView(ctx, day, day.AddDate(0, 0, 14), state2) {
			if !errors.Is(err, odata.ErrStateMismatch) {
				t.Errorf("state of the other dialect: %v; want ErrStateMismatch", err)
			}
		}
		for _, err := range cal.SyncView(ctx, day, day.AddDate(0, 0, 7), state2) {
			if !errors.Is(err, calendar.ErrInvalidEvent) && !errors.Is(err, odata.ErrGone) {
				t.Errorf("state of another window: %v", err)
			}
			break
		}
	})
}
