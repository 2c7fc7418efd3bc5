package outlooktest_test

import (
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/url"

	"github.com/exchangekit/outlook/outlooktest"
)

// Seed a mailbox with plain JSON objects in Graph names, then read it the
// way client code would: through Graph, with the real host names, over the
// server's own client.
func ExampleMailbox_Add() {
	srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises())
	defer srv.Close()
	alice := srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)

	// A folder with an id of our choosing, and a message filed in it with an
	// attachment; another message lands in the Inbox by default.
	alice.Add("mailFolders", outlooktest.Object{"id": "receipts", "displayName": "Receipts"})
	alice.Add("messages", outlooktest.Object{
		"subject":        "Your order",
		"parentFolderId": "receipts",
		"from":           outlooktest.Object{"emailAddress": outlooktest.Object{"address": "shop@fabrikam.com"}},
		"attachments":    []outlooktest.Object{{"name": "invoice.txt", "contentBytes": "UGFpZA=="}},
	})
	alice.Add("messages", outlooktest.Object{"subject": "Lunch?", "importance": "high"})

	// The server fills in what Exchange would: ids, change keys, defaults.
	for _, m := range alice.Items("messages") {
		fmt.Println(m["subject"], m["isRead"], m["importance"], m["hasAttachments"])
	}

	// An app-only token for Graph, then a plain GET of the folder.
	hc := srv.Client()
	resp, err := hc.PostForm("https://login.microsoftonline.com/contoso.com/oauth2/v2.0/token", url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {"my-app"},
		"client_secret": {"secret"},
		"scope":         {"https://graph.microsoft.com/.default"},
	})
	if err != nil {
		log.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	err = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if err != nil {
		log.Fatal(err)
	}
	req, _ := http.NewRequest("GET", "https://graph.microsoft.com/v1.0/users/alice@contoso.com/mailFolders/receipts/messages?$select=subject,hasAttachments&$expand=attachments", nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, err = hc.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	var page struct {
		Value []struct {
			Subject     string
			Attachments []struct{ Name string }
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.StatusCode, page.Value[0].Subject, page.Value[0].Attachments[0].Name)
	// Output:
	// Your order false normal true
	// Lunch? false high false
	// 200 Your order invoice.txt
}

// Tests that check what code under test did to a mailbox's settings read
// them back with Settings, in Graph names, without a request.
func ExampleMailbox_Settings() {
	srv := outlooktest.NewServer(outlooktest.WithAppOnlyOnPremises())
	defer srv.Close()
	alice := srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)

	s := alice.Settings() // a new mailbox's defaults
	ar := s["automaticRepliesSetting"].(map[string]any)
	fmt.Println(s["timeZone"], s["language"].(map[string]any)["locale"], ar["status"])
	// Output:
	// UTC en-US disabled
}

// Another client's changes, made at the server while the code under test
// tracks the mailbox: a message marked read, another deleted (it moves to
// Deleted Items with a new id, as Exchange moves it).
func ExampleMailbox_Update() {
	srv := outlooktest.NewServer()
	defer srv.Close()
	alice := srv.AddMailbox("alice@contoso.com", outlooktest.Cloud)
	report := alice.Add("messages", outlooktest.Object{"subject": "Report"})
	spam := alice.Add("messages", outlooktest.Object{"subject": "Win a prize"})

	if err := alice.Update("messages", report, outlooktest.Object{"isRead": true}); err != nil {
		log.Fatal(err)
	}
	// Graph's rules hold: a received message's subject cannot change.
	err := alice.Update("messages", report, outlooktest.Object{"subject": "Edited"})
	fmt.Println(err != nil)

	alice.Delete("messages", spam)
	deleted, _ := alice.Get("mailFolders", "deleteditems")
	for _, m := range alice.Items("messages") {
		fmt.Println(m["subject"], m["isRead"], m["parentFolderId"] == deleted["id"])
	}
	// Output:
	// true
	// Report true false
	// Win a prize false true
}
