package outlooktest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/hosts"
	"github.com/exchangekit/outlook/outlooktest/internal/ids"
	"github.com/exchangekit/outlook/outlooktest/internal/issuer"
)

// sharedGraph is a tenant where alex's calendar holds one event with an
// attachment, and a Graph GET or POST as megan (a delegated token).
func sharedGraph(t *testing.T) (srv *Server, owner *Mailbox, call func(method, path, body string) (int, map[string]any)) {
	t.Helper()
	srv = NewServer()
	t.Cleanup(srv.Close)
	owner = srv.AddMailbox("alex@contoso.com", Cloud)
	srv.AddMailbox("megan@contoso.com", Cloud)
	ev := owner.Add("events", Object{"subject": "Quarterly review", "body": Object{"contentType": "text", "content": "Numbers"},
		"start": Object{"dateTime": "2025-03-04T09:00:00", "timeZone": "UTC"}, "end": Object{"dateTime": "2025-03-04T10:00:00", "timeZone": "UTC"}})
	owner.AddAttachment(ev, Object{"name": "q1.txt", "contentBytes": "UTE="})
	tok := token(srv, issuer.Principal{Audience: hosts.GraphResource, User: "megan@contoso.com"})
	call = func(method, path, body string) (int, map[string]any) {
		t.Helper()
		if !strings.HasPrefix(path, "subscriptions") {
			path = "users/alex@contoso.com/" + path
		}
		req, err := http.NewRequestWithContext(context.Background(), method, "https://graph.microsoft.com/v1.0/"+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var v map[string]any
		json.Unmarshal(b, &v)
		return resp.StatusCode, v
	}
	return srv, owner, call
}

// TestSharedCalendarQueries checks what a share recipient's queries can
// learn: a filter sees what the role shows (no more), $expand does not
// bring a hidden event's attachments, and a subscription is refused (the
// .Shared permissions do not take change notifications).
func TestSharedCalendarQueries(t *testing.T) {
	srv, owner, call := sharedGraph(t)
	owner.ShareCalendar("", "megan@contoso.com", "freeBusyRead")
	if st, v := call("GET", "calendar/events?$filter="+url.QueryEscape("subject eq 'Quarterly review'"), ""); st != 200 || len(v["value"].([]any)) != 0 {
		t.Errorf("filter on a hidden subject: %d %v, want an empty page", st, v)
	}
	window := "startDateTime=2025-03-01T00:00:00Z&endDateTime=2025-03-08T00:00:00Z&$filter=" + url.QueryEscape("subject eq 'Quarterly review'")
	if st, v := call("GET", "calendar/calendarView?"+window, ""); st != 200 || len(v["value"].([]any)) != 0 {
		t.Errorf("filter on a hidden subject in a view: %d %v, want an empty page", st, v)
	}
	if st, v := call("GET", "calendar/events?$expand=attachments", ""); st != 200 || len(v["value"].([]any)) != 1 || v["value"].([]any)[0].(map[string]any)["attachments"] != nil {
		t.Errorf("$expand=attachments as freeBusyRead: %d %v, want the event without attachments", st, v)
	}
	owner.ShareCalendar("", "megan@contoso.com", "read")
	if st, v := call("GET", "calendar/events?$filter="+url.QueryEscape("subject eq 'Quarterly review'"), ""); st != 200 || len(v["value"].([]any)) != 1 {
		t.Errorf("filter on a shown subject: %d %v, want the event", st, v)
	}
	if st, v := call("GET", "calendar", ""); st != 200 || v["canEdit"] != false || v["canShare"] != false || v["canViewPrivateItems"] != false {
		t.Errorf("the calendar as read: %d %v, want canEdit, canShare and canViewPrivateItems false", st, v)
	}
	owner.ShareCalendar("", "megan@contoso.com", "delegateWithPrivateEventAccess")
	if st, v := call("GET", "calendar", ""); st != 200 || v["canEdit"] != true || v["canViewPrivateItems"] != true {
		t.Errorf("the calendar as a private delegate: %d %v, want canEdit and canViewPrivateItems", st, v)
	}
	srv.AddHost("hooks.contoso.com", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.URL.Query().Get("validationToken"))
	}))
	sub := `{"changeType":"created","notificationUrl":"https://hooks.contoso.com/n","resource":"users/alex@contoso.com/events","expirationDateTime":"` +
		time.Now().Add(time.Hour).UTC().Format(time.RFC3339) + `"}`
	if st, v := call("POST", "subscriptions", sub); st != http.StatusForbidden {
		t.Errorf("a delegate's subscription to the shared calendar: %d %v, want 403", st, v)
	}
}

// TestSharedCalendarOrganization checks the built-in "My Organization"
// entry: at its default, free/busy, it does not open the calendar (that
// is getSchedule's); raised to read, it opens it to every colleague.
func TestSharedCalendarOrganization(t *testing.T) {
	_, owner, call := sharedGraph(t)
	if st, _ := call("GET", "calendar/events", ""); st != http.StatusForbidden {
		t.Errorf("a colleague's calendar at the default sharing: %d, want 403", st)
	}
	for _, p := range owner.Items("calendarPermissions") {
		if p["isRemovable"] == false {
			if err := owner.Update("calendarPermissions", p["id"].(string), Object{"role": "read"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	st, v := call("GET", "calendar/events", "")
	if st != 200 || len(v["value"].([]any)) != 1 || v["value"].([]any)[0].(map[string]any)["subject"] != "Quarterly review" {
		t.Errorf("a colleague's calendar shared with the organization: %d %v", st, v)
	}
	owner.ShareCalendar("", "megan@contoso.com", "freeBusyRead")
	if _, v := call("GET", "calendar/events", ""); v["value"].([]any)[0].(map[string]any)["subject"] != nil {
		t.Errorf("megan's own permission comes before the organization's: %v", v)
	}
}

// TestSharedCalendarInstances checks a series' instances: the calendar's
// permission opens them, projected as the role shows them.
func TestSharedCalendarInstances(t *testing.T) {
	_, owner, call := sharedGraph(t)
	series := owner.Add("events", Object{"subject": "Standup",
		"start": Object{"dateTime": "2025-03-04T08:00:00", "timeZone": "UTC"}, "end": Object{"dateTime": "2025-03-04T08:15:00", "timeZone": "UTC"},
		"recurrence": Object{"pattern": Object{"type": "daily", "interval": 1},
			"range": Object{"type": "numbered", "startDate": "2025-03-04", "numberOfOccurrences": 3}}})
	path := "events/" + series + "/instances?startDateTime=2025-03-01T00:00:00Z&endDateTime=2025-03-08T00:00:00Z"
	if st, _ := call("GET", path, ""); st != http.StatusForbidden {
		t.Errorf("instances without a share: %d, want 403", st)
	}
	owner.ShareCalendar("", "megan@contoso.com", "freeBusyRead")
	st, v := call("GET", path, "")
	occ, _ := v["value"].([]any)
	if st != 200 || len(occ) != 3 {
		t.Fatalf("instances as freeBusyRead: %d %v", st, v)
	}
	for _, o := range occ {
		if o := o.(map[string]any); o["subject"] != nil || o["type"] != "occurrence" {
			t.Errorf("an instance as freeBusyRead: %v", o)
		}
	}
}

// TestSharedCalendarEWSItem checks GetItem of a shared event over EWS
// with every property: the role's projection, without the attachments a
// role that does not show the event whole may not see.
func TestSharedCalendarEWSItem(t *testing.T) {
	srv := ewsTenant(t)
	carol := srv.Mailbox("carol@contoso.com")
	ev := carol.Add("events", Object{"subject": "Quarterly review",
		"start": Object{"dateTime": "2025-03-04T09:00:00", "timeZone": "UTC"}, "end": Object{"dateTime": "2025-03-04T10:00:00", "timeZone": "UTC"}})
	carol.AddAttachment(ev, Object{"name": "q1.txt", "contentBytes": "UTE="})
	bob := "Bearer " + token(srv, issuer.Principal{Audience: "https://mail.contoso.com", User: ewsBob})
	getItem := soapBody("", `<m:GetItem><m:ItemShape><t:BaseShape>AllProperties</t:BaseShape></m:ItemShape><m:ItemIds><t:ItemId Id="`+
		ids.EWSFromREST(ev)+`"/></m:ItemIds></m:GetItem>`)
	for _, tc := range []struct {
		role          string
		class         string
		subject, atts bool
	}{
		{"none", "Error", false, false},
		{"freeBusyRead", "Success", false, false},
		{"limitedRead", "Success", true, false},
		{"read", "Success", true, true},
	} {
		carol.ShareCalendar("", ewsBob, tc.role)
		a := postEWS(t, srv.Client(), ewsURL, bob, getItem)
		if got := attr(a.body, "GetItemResponseMessage", "ResponseClass"); got != tc.class {
			t.Errorf("%s: ResponseClass %q, want %q: %s", tc.role, got, tc.class, a.body)
		}
		if got := strings.Contains(a.body, "Quarterly review"); got != tc.subject {
			t.Errorf("%s: subject shown %t, want %t", tc.role, got, tc.subject)
		}
		if got := strings.Contains(a.body, "q1.txt"); got != tc.atts {
			t.Errorf("%s: attachments shown %t, want %t", tc.role, got, tc.atts)
		}
	}
}
