package ews

import (
	"errors"
	"testing"
	"time"

	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
)

func TestAutomaticReplies(t *testing.T) {
	svc, f := newMail(t, func(c *Config) { c.Mailbox = "ana@contoso.com" })
	ctx := t.Context()
	ar, err := svc.GetAutomaticReplies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if ar.Status != mail.AutomaticRepliesDisabled || ar.ExternalAudience != mail.ExternalAudienceAll || ar.InternalReplyMessage != "Away" ||
		ar.ScheduledStartDateTime.DateTime != "2024-01-01T00:00:00.0000000" || ar.ScheduledStartDateTime.TimeZone != "UTC" {
		t.Errorf("%+v", ar)
	}
	set := mail.AutomaticRepliesSetting{
		Status: mail.AutomaticRepliesScheduled, ExternalAudience: mail.ExternalAudienceContactsOnly,
		InternalReplyMessage: "Back <Monday>", ExternalReplyMessage: "Out",
		ScheduledStartDateTime: item.FromTime(time.Date(2024, 7, 1, 8, 0, 0, 0, time.UTC)),
		ScheduledEndDateTime:   item.FromTime(time.Date(2024, 7, 15, 8, 0, 0, 0, time.UTC)),
	}
	if err := svc.SetAutomaticReplies(ctx, set); err != nil {
		t.Fatal(err)
	}
	got, err := svc.GetAutomaticReplies(ctx)
	if err != nil || got.Status != mail.AutomaticRepliesScheduled || got.ExternalAudience != mail.ExternalAudienceContactsOnly ||
		got.InternalReplyMessage != "Back <Monday>" || got.ScheduledEndDateTime.DateTime != "2024-07-15T08:00:00.0000000" {
		t.Errorf("%+v %v", got, err)
	}
	reqs := f.requests()
	if ops(reqs) != "GetUserOofSettingsRequest,SetUserOofSettingsRequest,GetUserOofSettingsRequest,GetUserOofSettingsRequest" {
		t.Errorf("%s", ops(reqs))
	}
	if a := reqs[1].tree.find("Address"); len(a) != 1 || a[0].text != "ana@contoso.com" {
		t.Error("the OOF operations name the mailbox")
	}
	// Settings EWS does not have fail before any request.
	n := len(f.requests())
	if _, err := svc.GetMailboxSettings(ctx); !errors.Is(err, odata.ErrNotSupported) {
		t.Errorf("%v", err)
	}
	if _, err := svc.UpdateMailboxSettings(ctx, mail.MailboxSettingsUpdate{TimeZone: odata.Set("UTC")}); !errors.Is(err, odata.ErrNotSupported) {
		t.Errorf("%v", err)
	}
	for _, err := range svc.ListClassificationOverrides(ctx) {
		if !errors.Is(err, odata.ErrNotSupported) {
			t.Errorf("%v", err)
		}
	}
	if len(f.requests()) != n {
		t.Error("an unsupported setting reached the server")
	}
}

func TestPublishedOOFResponses(t *testing.T) {
	d := &cannedDoer{t: t, files: []string{"GetUserOofSettings__getuseroofsettings-operation__1.response.xml"}}
	svc := mail.NewService(odataClient(t, Config{URL: "https://mail.contoso.com/EWS/Exchange.asmx", Doer: d, Mailbox: "user1@example.com"}))
	ar, err := svc.GetAutomaticReplies(t.Context())
	if err != nil || ar.Status != mail.AutomaticRepliesDisabled || ar.ExternalReplyMessage != "I am out of office. This is my external reply." ||
		ar.ScheduledEndDateTime.DateTime != "2006-11-04T23:00:00.0000000" {
		t.Errorf("%+v %v", ar, err)
	}
	d = &cannedDoer{t: t, files: []string{"SetUserOofSettings__setuseroofsettings-operation__1.response.xml", "GetUserOofSettings__getuseroofsettings-operation__1.response.xml"}}
	svc = mail.NewService(odataClient(t, Config{URL: "https://mail.contoso.com/EWS/Exchange.asmx", Doer: d, Mailbox: "user1@example.com"}))
	if err := svc.SetAutomaticReplies(t.Context(), mail.AutomaticRepliesSetting{Status: mail.AutomaticRepliesAlwaysEnabled}); err != nil {
		t.Error(err)
	}
	d = &cannedDoer{t: t, files: []string{"GetUserOofSettings__getuseroofsettings-operation__2.response.xml"}}
	svc = mail.NewService(odataClient(t, Config{URL: "https://mail.contoso.com/EWS/Exchange.asmx", Doer: d, Mailbox: "user1@example.com"}))
	if _, err := svc.GetAutomaticReplies(t.Context()); err == nil {
		t.Error("a fault was taken")
	}
}
