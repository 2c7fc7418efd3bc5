package mail_test

import (
	"errors"
	"iter"
	"testing"

	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
)

func TestMailboxSettings(t *testing.T) {
	eachLocation(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		svc := e.MB.Mail
		// EWS has automatic replies (GetUserOofSettings) and none of the
		// other mailbox settings (time zone, language, working hours): there
		// the whole set is refused before any request, the automatic
		// replies work as elsewhere.
		before := e.Reads("")
		s, err := svc.GetMailboxSettings(ctx)
		switch {
		case e.Loc == ews:
			if !errors.Is(err, odata.ErrNotSupported) || e.Reads("") != before {
				t.Errorf("GetMailboxSettings over EWS: %v after %d requests; want ErrNotSupported before any", err, e.Reads("")-before)
			}
		case err != nil:
			t.Fatalf("GetMailboxSettings: %v", err)
		case s.TimeZone == "" || s.AutomaticRepliesSetting.Status != mail.AutomaticRepliesDisabled:
			t.Errorf("GetMailboxSettings = %+v", s)
		}
		ar := mail.AutomaticRepliesSetting{
			Status:                 mail.AutomaticRepliesScheduled,
			ExternalAudience:       mail.ExternalAudienceContactsOnly,
			InternalReplyMessage:   "<p>Away until July.</p>",
			ScheduledStartDateTime: item.DateTimeTimeZone{DateTime: "2026-07-01T00:00:00.0000000", TimeZone: "UTC"},
			ScheduledEndDateTime:   item.DateTimeTimeZone{DateTime: "2026-07-15T00:00:00.0000000", TimeZone: "UTC"},
		}
		if err := svc.SetAutomaticReplies(ctx, ar); err != nil {
			t.Fatalf("SetAutomaticReplies: %v", err)
		}
		got, err := svc.GetAutomaticReplies(ctx)
		if err != nil {
			t.Fatalf("GetAutomaticReplies: %v", err)
		}
		if got.Status != mail.AutomaticRepliesScheduled || got.ExternalAudience != mail.ExternalAudienceContactsOnly || got.InternalReplyMessage != ar.InternalReplyMessage {
			t.Errorf("automatic replies = %+v, want %+v", got, ar)
		}
		st, err := got.ScheduledStartDateTime.Time()
		if err != nil || st.Month() != 7 || st.Day() != 1 {
			t.Errorf("schedule start %+v: %v, %v", got.ScheduledStartDateTime, st, err)
		}
		before = e.Reads("")
		u, err := svc.UpdateMailboxSettings(ctx, mail.MailboxSettingsUpdate{TimeZone: odata.Set("W. Europe Standard Time")})
		switch {
		case e.Loc == ews:
			if !errors.Is(err, odata.ErrNotSupported) || e.Reads("") != before {
				t.Errorf("UpdateMailboxSettings over EWS: %v after %d requests; want ErrNotSupported before any", err, e.Reads("")-before)
			}
		case err != nil:
			t.Fatalf("UpdateMailboxSettings: %v", err)
		case u.TimeZone != "W. Europe Standard Time":
			t.Errorf("UpdateMailboxSettings = %+v", u)
		}
	})
}

func TestClassificationOverrides(t *testing.T) {
	eachLocation(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		svc := e.MB.Mail
		if e.Loc == ews {
			// Focused Inbox overrides have no EWS operation: each call is
			// refused before any request.
			sender := item.EmailAddress{Address: "ana@example.org"}
			before := e.Reads("")
			for name, err := range map[string]error{
				"Set":    second(svc.SetClassificationOverride(ctx, sender, mail.ClassificationFocused)),
				"Update": second(svc.UpdateClassificationOverride(ctx, "o1", mail.ClassificationOther)),
				"Delete": svc.DeleteClassificationOverride(ctx, "o1"),
				"List":   firstErr(svc.ListClassificationOverrides(ctx)),
			} {
				if !errors.Is(err, odata.ErrNotSupported) {
					t.Errorf("%sClassificationOverride over EWS: %v, want ErrNotSupported", name, err)
				}
			}
			if n := e.Reads("") - before; n != 0 {
				t.Errorf("%d requests sent, want none", n)
			}
			return
		}
		o, err := svc.SetClassificationOverride(ctx, item.EmailAddress{Name: "Ana", Address: "ana@example.org"}, mail.ClassificationFocused)
		if err != nil {
			t.Fatalf("SetClassificationOverride: %v", err)
		}
		if o.ID == "" || o.ClassifyAs != mail.ClassificationFocused || o.SenderEmailAddress.Address != "ana@example.org" {
			t.Errorf("SetClassificationOverride = %+v", o)
		}
		u, err := svc.UpdateClassificationOverride(ctx, o.ID, mail.ClassificationOther)
		if err != nil {
			t.Fatalf("UpdateClassificationOverride: %v", err)
		}
		if u.ClassifyAs != mail.ClassificationOther {
			t.Errorf("UpdateClassificationOverride = %+v", u)
		}
		n := 0
		for ov, err := range svc.ListClassificationOverrides(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			if ov.ID == o.ID && ov.ClassifyAs != mail.ClassificationOther {
				t.Errorf("listed %+v", ov)
			}
			n++
		}
		if n != 1 {
			t.Errorf("%d overrides listed, want 1", n)
		}
		if err := svc.DeleteClassificationOverride(ctx, o.ID); err != nil {
			t.Fatalf("DeleteClassificationOverride: %v", err)
		}
		for range svc.ListClassificationOverrides(ctx) {
			t.Error("an override is left after delete")
		}
	})
}

// Inbox rules in the locations that have them (Graph and EWS): created
// with a default sequence after the existing rules, read, updated and
// deleted. REST v2.0 refuses them (TestUnsupportedIsRefused).
func TestRules(t *testing.T) {
	servicetest.Locations{cloud, ews}.Each(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		svc := e.MB.Mail
		first, err := svc.CreateRule(ctx, &mail.MessageRule{
			DisplayName: "From partner",
			IsEnabled:   true,
			Conditions:  mail.MessageRulePredicates{SenderContains: []string{"adele"}},
			Actions:     mail.MessageRuleActions{ForwardTo: mail.To("Alex Wilber <alexw@contoso.com>"), StopProcessingRules: true},
		})
		if err != nil {
			t.Fatalf("CreateRule: %v", err)
		}
		if first.ID == "" || first.DisplayName != "From partner" || !first.IsEnabled || len(first.Actions.ForwardTo) != 1 || first.Sequence != 1 {
			t.Errorf("CreateRule = %+v, want sequence 1 in an empty Inbox", first)
		}
		second, err := svc.CreateRule(ctx, &mail.MessageRule{DisplayName: "Receipts", IsEnabled: true,
			Conditions: mail.MessageRulePredicates{SubjectContains: []string{"receipt"}},
			Actions:    mail.MessageRuleActions{MarkAsRead: true}})
		if err != nil {
			t.Fatalf("CreateRule: %v", err)
		}
		if second.Sequence != 2 {
			t.Errorf("second rule's sequence %d, want 2 (after the existing one)", second.Sequence)
		}
		n := 0
		for got, err := range svc.ListRules(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			if got.ID == first.ID && got.Conditions.SenderContains[0] != "adele" {
				t.Errorf("listed %+v", got)
			}
			n++
		}
		if n != 2 {
			t.Errorf("%d rules, want 2", n)
		}
		got, err := svc.GetRule(ctx, second.ID)
		if err != nil || got.DisplayName != "Receipts" || !got.Actions.MarkAsRead {
			t.Fatalf("GetRule = %+v, %v", got, err)
		}
		up, err := svc.UpdateRule(ctx, second.ID, mail.MessageRuleUpdate{IsEnabled: odata.Set(false), Sequence: odata.Set(5),
			Actions: odata.Set(mail.MessageRuleActions{MarkAsRead: true, Delete: true})})
		if err != nil {
			t.Fatalf("UpdateRule: %v", err)
		}
		if up.IsEnabled || up.Sequence != 5 || !up.Actions.Delete || up.DisplayName != "Receipts" || len(up.Conditions.SubjectContains) != 1 {
			t.Errorf("UpdateRule = %+v: want disabled, sequence 5, the new actions and the rest kept", up)
		}
		if got, err := svc.GetRule(ctx, second.ID); err != nil || got.IsEnabled || got.Sequence != 5 {
			t.Errorf("after update GetRule = %+v, %v", got, err)
		}
		if err := svc.DeleteRule(ctx, first.ID); err != nil {
			t.Fatalf("DeleteRule: %v", err)
		}
		if _, err := svc.GetRule(ctx, first.ID); !errors.Is(err, odata.ErrNotFound) {
			t.Errorf("GetRule of a deleted rule: %v, want odata.ErrNotFound", err)
		}
	})
}

// second returns the error of a call's two results.
func second[T any](_ T, err error) error { return err }

// firstErr returns the first error a listing yields, or nil.
func firstErr[T any](seq iter.Seq2[T, error]) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}
