package mail_test

import (
	"testing"

	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
)

func TestMailboxSettings(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		svc := e.MB.Mail
		s, err := svc.GetMailboxSettings(ctx)
		if err != nil {
			t.Fatalf("GetMailboxSettings: %v", err)
		}
		t.Logf("settings: %+v", s)
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
		u, err := svc.UpdateMailboxSettings(ctx, mail.MailboxSettingsUpdate{TimeZone: odata.Set("W. Europe Standard Time")})
		if err != nil {
			t.Fatalf("UpdateMailboxSettings: %v", err)
		}
		if u.TimeZone != "W. Europe Standard Time" {
			t.Errorf("UpdateMailboxSettings = %+v", u)
		}
	})
}

func TestClassificationOverrides(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		svc := e.MB.Mail
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

func TestRules(t *testing.T) {
	e := newEnv(t, cloudAddr)
	ctx := t.Context()
	svc := e.MB.Mail
	r, err := svc.CreateRule(ctx, &mail.MessageRule{
		DisplayName: "From partner",
		Sequence:    2,
		IsEnabled:   true,
		Conditions:  mail.MessageRulePredicates{SenderContains: []string{"adele"}},
		Actions:     mail.MessageRuleActions{ForwardTo: mail.To("Alex Wilber <alexw@contoso.com>"), StopProcessingRules: true},
	})
	if err != nil {
		t.Fatalf("CreateRule: %v", err)
	}
	if r.ID == "" || r.DisplayName != "From partner" || !r.IsEnabled || len(r.Actions.ForwardTo) != 1 {
		t.Errorf("CreateRule = %+v", r)
	}
	n := 0
	for got, err := range svc.ListRules(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if got.ID == r.ID && got.Conditions.SenderContains[0] != "adele" {
			t.Errorf("listed %+v", got)
		}
		n++
	}
	if n != 1 {
		t.Errorf("%d rules, want 1", n)
	}
	if err := svc.DeleteRule(ctx, r.ID); err != nil {
		t.Fatalf("DeleteRule: %v", err)
	}
}
