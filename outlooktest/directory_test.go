package outlooktest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/exchangekit/outlook/outlooktest"
)

// Graph's answers to the address book, as a client other than the SDK
// sees them: $search of users needs ConsistencyLevel: eventual, a room
// list's rooms come with their place properties, and a category's name
// cannot change.
func TestDirectoryOverGraph(t *testing.T) {
	srv := outlooktest.NewServer()
	defer srv.Close()
	srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)
	srv.AddRoom(outlooktest.Room{Address: "rainier@contoso.com", Name: "Conf Room Rainier", Capacity: 12, Tags: []string{"hub"}})
	srv.AddRoomList("building1@contoso.com", "Building 1", "rainier@contoso.com")
	srv.AddPerson(outlooktest.Person{Address: "adele@contoso.com", Name: "Adele Vance"})
	tok := appToken(t, srv, "https://graph.microsoft.com")
	get := func(u string, h http.Header) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, "https://graph.microsoft.com/v1.0/"+u, nil)
		req.Header = h
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&body)
		return resp.StatusCode, body
	}
	search := "users?$search=" + url.QueryEscape(`"displayName:adele" OR "mail:adele"`)
	if st, body := get(search, http.Header{}); st != http.StatusBadRequest {
		t.Errorf("$search without ConsistencyLevel: %d %v, want 400", st, body)
	}
	st, body := get(search, http.Header{"Consistencylevel": {"eventual"}})
	if v, _ := body["value"].([]any); st != 200 || len(v) != 1 || v[0].(map[string]any)["mail"] != "adele@contoso.com" {
		t.Errorf("$search: %d %v", st, body)
	}
	st, body = get("places/building1@contoso.com/microsoft.graph.roomlist/rooms", http.Header{})
	v, _ := body["value"].([]any)
	if st != 200 || len(v) != 1 {
		t.Fatalf("rooms: %d %v", st, body)
	}
	room := v[0].(map[string]any)
	if room["capacity"] != float64(12) || room["displayName"] != "Conf Room Rainier" || room["bookingType"] != "standard" || room["@odata.type"] != "#microsoft.graph.room" {
		t.Errorf("room %v", room)
	}
	if st, _ := get("places/nowhere@contoso.com/microsoft.graph.roomlist/rooms", http.Header{}); st != http.StatusNotFound {
		t.Errorf("an unknown room list: %d, want 404", st)
	}
}

// A category list set by a test reads back through the public API with
// ids given, colours defaulted.
func TestMailboxCategories(t *testing.T) {
	srv := outlooktest.NewServer()
	defer srv.Close()
	m := srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)
	if got := m.Categories(); len(got) != 0 {
		t.Fatalf("a new mailbox has %v", got)
	}
	m.SetCategories(outlooktest.Category{DisplayName: "Travel"}, outlooktest.Category{ID: "abc", DisplayName: "Red", Color: "preset0"})
	got := m.Categories()
	if len(got) != 2 || len(got[0].ID) != 36 || got[0].Color != "none" || got[1] != (outlooktest.Category{ID: "abc", DisplayName: "Red", Color: "preset0"}) {
		t.Errorf("categories %+v", got)
	}
}
