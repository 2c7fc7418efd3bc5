package ews

import (
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/exchangekit/outlook/odata"
)

// Ids. EWS writes item, folder and attachment ids in standard base64; the
// REST APIs (Outlook REST v2.0, and Graph's restId format) give the same
// bytes with '/' written '-' and '+' written '_', padding kept. That is
// what Office.js's convertToRestId and convertToEwsId do, so the SDK hands
// out REST ids and an item has the same id whether its mailbox is served
// through EWS or through REST v2.0.

// restID returns the REST form of an EWS id.
func restID(ewsID string) string {
	if !strings.ContainsAny(ewsID, "/+") {
		return ewsID
	}
	b := []byte(ewsID)
	for i, c := range b {
		switch c {
		case '/':
			b[i] = '-'
		case '+':
			b[i] = '_'
		}
	}
	return string(b)
}

// appendRestID appends the REST form of an EWS id.
func appendRestID(dst, ewsID []byte) []byte {
	for _, c := range ewsID {
		switch c {
		case '/':
			c = '-'
		case '+':
			c = '_'
		}
		dst = append(dst, c)
	}
	return dst
}

// ewsID returns the EWS form of an id the caller gave: a REST id, or an EWS
// id given as is. It refuses, before any request, what cannot be an Exchange
// id (not base64 in either alphabet), wrapping odata.ErrInvalidPath.
func ewsID(id string) (string, error) {
	if id == "" {
		return "", fmt.Errorf("%w: empty id", odata.ErrInvalidPath)
	}
	b := []byte(id)
	for i, c := range b {
		switch {
		case c == '-':
			b[i] = '/'
		case c == '_':
			b[i] = '+'
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '/', c == '+', c == '=':
		default:
			return "", fmt.Errorf("%w: %q is not an Exchange id", odata.ErrInvalidPath, truncate(id, 40))
		}
	}
	s := string(b)
	if _, err := base64.StdEncoding.DecodeString(s); err != nil {
		if _, err := base64.RawStdEncoding.DecodeString(s); err != nil {
			return "", fmt.Errorf("%w: %q is not an Exchange id", odata.ErrInvalidPath, truncate(id, 40))
		}
	}
	return s, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// etag returns the @odata.etag of a change key: W/"<changekey>", as Graph
// and Outlook REST v2.0 write it.
func etag(changeKey string) string { return `W/"` + changeKey + `"` }

// changeKeyOf reads the change key out of an If-Match value: W/"ck", "ck",
// or ck. "*" (any version) and "" give "".
func changeKeyOf(ifMatch string) (string, error) {
	s := strings.TrimSpace(ifMatch)
	s = strings.TrimPrefix(s, "W/")
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	if s == "*" {
		return "", nil
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '/' || c == '+' || c == '=') {
			return "", fmt.Errorf("%w: %q is not an Exchange change key", odata.ErrInvalidQuery, truncate(ifMatch, 40))
		}
	}
	return s, nil
}

// wellKnownFolders maps Graph's well-known folder names to EWS
// distinguished folder ids; "" marks Graph names with no EWS equivalent
// (Graph's One-Click "archive" folder is not the archive mailbox, and
// Clutter and Scheduled are Exchange Online features).
var wellKnownFolders = map[string]string{
	"inbox":                     "inbox",
	"drafts":                    "drafts",
	"sentitems":                 "sentitems",
	"deleteditems":              "deleteditems",
	"junkemail":                 "junkemail",
	"outbox":                    "outbox",
	"msgfolderroot":             "msgfolderroot",
	"root":                      "root",
	"conversationhistory":       "conversationhistory",
	"recoverableitemsdeletions": "recoverableitemsdeletions",
	"recoverableitemsroot":      "recoverableitemsroot",
	"recoverableitemspurges":    "recoverableitemspurges",
	"recoverableitemsversions":  "recoverableitemsversions",
	"searchfolders":             "searchfolders",
	"syncissues":                "syncissues",
	"conflicts":                 "conflicts",
	"localfailures":             "localfailures",
	"serverfailures":            "serverfailures",
	"archivemsgfolderroot":      "archivemsgfolderroot",
	"archivedeleteditems":       "archivedeleteditems",
	"archiveinbox":              "archiveinbox",
	"archiveroot":               "archiveroot",
	"calendar":                  "calendar",
	"contacts":                  "contacts",
	"tasks":                     "tasks",
	"notes":                     "notes",
	"journal":                   "journal",
	"quickcontacts":             "quickcontacts",
	"mycontacts":                "mycontacts",
	"recipientcache":            "recipientcache",
	"archive":                   "",
	"clutter":                   "",
	"scheduled":                 "",
}

// folderRef names a folder in a request: a distinguished folder or an id.
type folderRef struct {
	distinguished string // EWS distinguished id, such as "inbox"
	id            string // EWS form
	changeKey     string
	mailbox       string // for a distinguished folder of another mailbox
	count         int    // the items it holds, -1 when unknown (mailFolders)
}

// folderOf reads a folder the caller named, a well-known name or an id.
// mailbox is the SMTP address of the mailbox acted on through delegate
// access ("" for the signed-in user's own, or under impersonation): a
// distinguished folder id names that mailbox's folder only with it.
func folderOf(s, mailbox string) (folderRef, error) {
	if d, ok := wellKnownFolders[strings.ToLower(s)]; ok {
		if d == "" {
			return folderRef{}, errNotSupported(fmt.Sprintf("the well-known folder %q", s))
		}
		return folderRef{distinguished: d, mailbox: mailbox}, nil
	}
	id, err := ewsID(s)
	if err != nil {
		return folderRef{}, err
	}
	return folderRef{id: id}, nil
}

// write writes the folder as a FolderId or DistinguishedFolderId element.
func (f folderRef) write(w *xmlWriter) {
	if f.distinguished == "" {
		w.start("t:FolderId")
		w.attr("Id", f.id)
		if f.changeKey != "" {
			w.attr("ChangeKey", f.changeKey)
		}
		w.slash()
		return
	}
	w.start("t:DistinguishedFolderId")
	w.attr("Id", f.distinguished)
	if f.mailbox == "" {
		w.slash()
		return
	}
	w.gt()
	w.open("t:Mailbox")
	w.elem("t:EmailAddress", f.mailbox)
	w.close("t:Mailbox")
	w.close("t:DistinguishedFolderId")
}

// itemRef names an item, optionally at a version.
type itemRef struct {
	id        string // EWS form
	changeKey string
}

func (r itemRef) write(w *xmlWriter, elem string) {
	w.start(elem)
	w.attr("Id", r.id)
	if r.changeKey != "" {
		w.attr("ChangeKey", r.changeKey)
	}
	w.slash()
}
