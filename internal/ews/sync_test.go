package ews

import (
	"errors"
	"strings"
	"testing"

	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
)

// syncRound runs one round of change tracking and returns its changes and
// the state of the next round.
func syncRound(t *testing.T, svc *mail.Service, q *odata.Query, state string) (up []*mail.Message, gone []string, checkpoints int, next string, err error) {
	t.Helper()
	for ch, err := range svc.SyncMessagesQuery(t.Context(), mail.Inbox, q, state) {
		if err != nil {
			return nil, nil, 0, "", err
		}
		switch ch.Kind {
		case odata.Upserted:
			up = append(up, ch.Item)
		case odata.Removed:
			gone = append(gone, ch.ID)
		case odata.Checkpoint:
			checkpoints++
			if ch.Done {
				next = ch.State
			}
		}
	}
	return up, gone, checkpoints, next, nil
}

func TestSyncMessages(t *testing.T) {
	svc, f := newMail(t, nil)
	q := &odata.Query{Prefer: odata.Prefer{MaxPageSize: 3}}
	up, gone, cps, state, err := syncRound(t, svc, q, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(up) != 7 || len(gone) != 0 || cps != 3 || !strings.HasPrefix(state, "odata-sync/ews "+f.url()+"/ews/syncMessages/") {
		t.Fatalf("%d upserted, %d removed, %d checkpoints, state %q", len(up), len(gone), cps, state)
	}
	if up[0].Body.Content == "" || len(up[0].ToRecipients) == 0 {
		t.Error("a full sync returns the default properties (through GetItem)")
	}
	reqs := f.requests()
	if ops(reqs) != "SyncFolderItems,GetItem,SyncFolderItems,GetItem,SyncFolderItems,GetItem" || reqs[0].tree.find("MaxChangesReturned")[0].text != "3" || reqs[0].tree.find("SyncState") != nil {
		t.Errorf("requests %s", ops(reqs))
	}

	// Changes since: one message read, one deleted.
	if _, err := svc.UpdateMessage(t.Context(), restID(f.msgs[3].id), mail.MessageUpdate{IsRead: odata.Set(true)}); err != nil {
		t.Fatal(err)
	}
	if err := svc.DeleteMessage(t.Context(), restID(f.msgs[0].id)); err != nil {
		t.Fatal(err)
	}
	up, gone, _, state2, err := syncRound(t, svc, nil, state)
	if err != nil {
		t.Fatal(err)
	}
	if len(up) != 1 || up[0].ID != restID(f.msgs[3].id) || !up[0].IsRead || len(gone) != 1 || gone[0] != restID(f.msgs[0].id) || state2 == state {
		t.Errorf("upserted %d, removed %v", len(up), gone)
	}

	// States this backend did not make are refused before any request.
	n := len(f.requests())
	for _, s := range []string{
		"odata-sync/graph-v1.0 https://graph.microsoft.com/v1.0/me/mailFolders/inbox/messages/delta?$deltatoken=x",
		strings.Replace(state, "/ews/syncMessages/", "/ews/syncMessages/AA", 1),
		"odata-sync/ews https://other.contoso.com/EWS/Exchange.asmx/ews/syncMessages/x",
	} {
		if _, _, _, _, err := syncRound(t, svc, nil, s); err == nil {
			t.Errorf("state %q was taken", s)
		}
	}
	if _, _, _, _, err := syncRound(t, svc, nil, "odata-sync/graph-v1.0 https://graph.microsoft.com/v1.0/x"); !errors.Is(err, odata.ErrStateMismatch) {
		t.Errorf("another dialect's state: %v", err)
	}
	if len(f.requests()) != n {
		t.Error("a refused state reached the server")
	}
	// A state the server no longer knows: start over.
	bad := &listState{Kind: "syncMessages", Folder: "inbox", View: view{Top: 10}, Shape: &shape{BodyType: "HTML"}, Sync: "Z2FyYmFnZQ=="}
	if _, _, _, _, err := syncRound(t, svc, nil, "odata-sync/ews "+makeLink(f.url(), bad)); !errors.Is(err, odata.ErrGone) {
		t.Errorf("an invalid sync state: %v", err)
	}
}

func TestSyncFolders(t *testing.T) {
	svc, f := newMail(t, nil)
	var names []string
	state := ""
	for ch, err := range svc.SyncFolders(t.Context(), "") {
		if err != nil {
			t.Fatal(err)
		}
		if ch.Kind == odata.Upserted {
			names = append(names, ch.Item.DisplayName)
		}
		if ch.Kind == odata.Checkpoint && ch.Done {
			state = ch.State
		}
	}
	if len(names) != 7 || strings.Contains(strings.Join(names, ","), "Calendar") || state == "" {
		t.Errorf("folders %v state %q", names, state)
	}
	var gone []string
	for ch, err := range svc.SyncFolders(t.Context(), state) {
		if err != nil {
			t.Fatal(err)
		}
		if ch.Kind == odata.Removed {
			gone = append(gone, ch.ID)
		}
	}
	if len(gone) != 1 || gone[0] != restID(f.folders[7].id) {
		t.Errorf("removed %v", gone)
	}
}

func TestPublishedSyncResponses(t *testing.T) {
	svc, _ := cannedMail(t, "SyncFolderItems__syncfolderitems-operation__1.response.xml")
	var got []string
	for ch, err := range svc.SyncMessagesQuery(t.Context(), mail.SentItems, &odata.Query{Select: odata.Fields(mail.Subject)}, "") {
		if err != nil {
			t.Fatal(err)
		}
		if ch.Kind == odata.Upserted {
			got = append(got, string(ch.Item.Kind)+":"+ch.Item.Subject+":"+ch.ID)
		}
	}
	if strings.Join(got, ",") != "eventMessageRequest:Budget Q3:AQApAHRwA==" {
		t.Errorf("%v", got)
	}
	svc, _ = cannedMail(t, "SyncFolderItems__how-to-synchronize-items-by-using-ews-in-exchange__2.response.xml")
	got = nil
	for ch, err := range svc.SyncMessagesQuery(t.Context(), mail.Inbox, &odata.Query{Select: odata.Fields(mail.Subject, mail.Sender, mail.ReceivedDateTime)}, "") {
		if err != nil {
			t.Fatal(err)
		}
		if ch.Kind == odata.Upserted {
			got = append(got, ch.Item.Subject+"|"+ch.Item.Sender.EmailAddress.Address)
		}
	}
	if len(got) == 0 || got[0] != "RE: Company Soccer Team|Alfred.Welker@contoso.com" {
		t.Errorf("%v", got)
	}
	for _, file := range []string{
		"SyncFolderHierarchy__syncfolderhierarchy-operation__1.response.xml",
		"SyncFolderHierarchy__how-to-synchronize-folders-by-using-ews-in-exchange__1.response.xml",
	} {
		svc, _ := cannedMail(t, file)
		var names []string
		for ch, err := range svc.SyncFolders(t.Context(), "") {
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			if ch.Kind == odata.Upserted {
				names = append(names, ch.Item.DisplayName)
			}
		}
		if len(names) == 0 {
			t.Errorf("%s: no folders", file)
		}
	}
}
