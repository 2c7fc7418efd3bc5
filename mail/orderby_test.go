package mail_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
)

// A message listing whose OrderBy does not lead its Filter is refused before
// any request, and exactly when Exchange (here outlooktest, which applies
// Graph's InefficientFilter rule on its own) would refuse it: the same query
// sent raw through the OData client gets 400 InefficientFilter from the fake
// exactly when the service refuses it.
func TestOrderByMustLeadFilter(t *testing.T) {
	since := base.Add(-time.Hour)
	cases := []struct {
		name    string
		q       odata.Query
		refused bool
		fix     string // in the refusal
	}{
		{"order leads", odata.Query{Filter: mail.ReceivedDateTime.Ge(since).And(mail.IsRead.Eq(false)), OrderBy: odata.Desc(mail.ReceivedDateTime)}, false, ""},
		{"order only", odata.Query{OrderBy: odata.Desc(mail.ReceivedDateTime)}, false, ""},
		{"filter only", odata.Query{Filter: mail.IsRead.Eq(false)}, false, ""},
		{"two keys, same order", odata.Query{Filter: mail.Importance.Eq(item.ImportanceHigh).And(mail.ReceivedDateTime.Ge(since), mail.IsRead.Eq(true)),
			OrderBy: odata.Order{{Property: mail.Importance}, {Property: mail.ReceivedDateTime, Desc: true}}}, false, ""},
		{"repeated property counts once", odata.Query{Filter: mail.ReceivedDateTime.Ge(since).And(mail.ReceivedDateTime.Lt(base.Add(time.Hour)), mail.IsRead.Eq(false)),
			OrderBy: odata.Order{{Property: mail.ReceivedDateTime}, {Property: mail.IsRead}}}, false, ""},
		{"order not in filter", odata.Query{Filter: mail.IsRead.Eq(false), OrderBy: odata.Desc(mail.ReceivedDateTime)}, true,
			"begin the Filter with a condition on receivedDateTime, joined to the rest with And (receivedDateTime ge 1900-01-01T00:00:00Z keeps every message)"},
		{"order second in filter", odata.Query{Filter: mail.IsRead.Eq(false).And(mail.ReceivedDateTime.Ge(since)), OrderBy: odata.Desc(mail.ReceivedDateTime)}, true,
			"it names isRead, receivedDateTime"},
		{"keys swapped", odata.Query{Filter: mail.ReceivedDateTime.Ge(since).And(mail.Importance.Eq(item.ImportanceHigh)),
			OrderBy: odata.Order{{Property: mail.Importance}, {Property: mail.ReceivedDateTime}}}, true, "condition on importance, then receivedDateTime"},
		{"second key missing", odata.Query{Filter: mail.ReceivedDateTime.Ge(since),
			OrderBy: odata.Order{{Property: mail.ReceivedDateTime}, {Property: mail.Subject}}}, true, "OrderBy properties (receivedDateTime, subject)"},
		{"contains before the order", odata.Query{Filter: mail.Subject.Contains("m0").And(mail.ReceivedDateTime.Ge(since)), OrderBy: odata.Asc(mail.ReceivedDateTime)}, true, ""},
		{"collection counts as itself", odata.Query{
			Filter:  mail.ToRecipients.Any(func(r item.RecipientFields) odata.Filter { return r.EmailAddress.Address.Eq(onPremAddr) }).And(mail.ReceivedDateTime.Ge(since)),
			OrderBy: odata.Desc(mail.ReceivedDateTime)}, true, "it names toRecipients, receivedDateTime"},
	}
	eachLocation(t, func(t *testing.T, e *env) {
		seedInbox(e.Box, 3)
		ctx := t.Context()
		for _, tc := range cases {
			before := e.Reads("")
			var listErr error
			for _, err := range e.MB.Mail.ListMessages(ctx, mail.Inbox, &tc.q) {
				if err != nil {
					listErr = err
					break
				}
			}
			_, pageErr := e.MB.Mail.ListMessagesPage(ctx, mail.Inbox, &tc.q)
			sent := e.Reads("") - before
			// The same query, unchecked, straight to the fake.
			var fakeErr error
			for _, err := range odata.List[mail.Message](ctx, e.MB.OData(), odata.PathOf("mailFolders/{}/messages", string(mail.Inbox)), &tc.q) {
				if err != nil {
					fakeErr = err
					break
				}
			}
			oe, _ := errors.AsType[*odata.Error](fakeErr)
			switch fakeRefused := oe != nil && oe.StatusCode == 400 && oe.Code == "InefficientFilter"; {
			case e.Loc == ews:
				// EWS has no such rule: FindItem sorts whatever it
				// restricts, and refuses only what a restriction cannot say
				// (any() over recipients). The service refuses the same
				// queries as in the other locations, so a program that runs
				// against one runs against all.
				if fakeErr != nil && !(tc.refused && errors.Is(fakeErr, odata.ErrNotSupported)) {
					t.Errorf("%s: over EWS the query answered %v", tc.name, fakeErr)
				}
			case fakeErr != nil && !fakeRefused:
				t.Fatalf("%s: the fake answered %v", tc.name, fakeErr)
			case fakeRefused != tc.refused:
				t.Errorf("%s: the fake refused it: %v, want %v (the case is wrong)", tc.name, fakeRefused, tc.refused)
			}
			if !tc.refused {
				if listErr != nil || pageErr != nil {
					t.Errorf("%s: ListMessages: %v; ListMessagesPage: %v", tc.name, listErr, pageErr)
				}
				continue
			}
			if sent != 0 {
				t.Errorf("%s: %d requests sent, want none", tc.name, sent)
			}
			for op, err := range map[string]error{"ListMessages": listErr, "ListMessagesPage": pageErr} {
				if !errors.Is(err, odata.ErrInvalidQuery) || !strings.Contains(err.Error(), "InefficientFilter") || !strings.Contains(err.Error(), tc.fix) {
					t.Errorf("%s: %s error %v; want ErrInvalidQuery saying InefficientFilter and %q", tc.name, op, err, tc.fix)
				}
				servicetest.ReadsOnce(t, err, "mail: "+op+": ")
			}
		}
	})
}

// A RawFilter is the server's to judge: the service sends it.
func TestOrderByRawFilterIsSent(t *testing.T) {
	e := newEnv(t, cloud)
	q := &odata.Query{Filter: odata.RawFilter("isRead eq false"), OrderBy: odata.Desc(mail.ReceivedDateTime)}
	_, err := e.MB.Mail.ListMessagesPage(t.Context(), mail.Inbox, q)
	if oe, ok := errors.AsType[*odata.Error](err); !ok || oe.Code != "InefficientFilter" {
		t.Errorf("ListMessagesPage with a raw filter = %v, want the server's InefficientFilter", err)
	}
}
