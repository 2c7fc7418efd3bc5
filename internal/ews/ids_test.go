package ews

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/exchangekit/outlook/odata"
)

func TestRestID(t *testing.T) {
	// An EwsId as Microsoft's ConvertId documentation shows one, and its REST
	// form per Office.js convertToRestId ('/' -> '-', '+' -> '_', padding kept).
	const ews = "AAMkADQxMTViNmEzLWViNWYtNGYxNy1iNmQ2LTZmNDVhN2Q5ZDI0NQAuAAAAAABCOIqaOs9mS5duvcGwkHhzAQAg/oCKFU2uQqU6r5NcDVwAAACcapkwAAA="
	const rest = "AAMkADQxMTViNmEzLWViNWYtNGYxNy1iNmQ2LTZmNDVhN2Q5ZDI0NQAuAAAAAABCOIqaOs9mS5duvcGwkHhzAQAg-oCKFU2uQqU6r5NcDVwAAACcapkwAAA="
	if got := restID(ews); got != rest {
		t.Errorf("restID = %s", got)
	}
	if got := string(appendRestID(nil, []byte(ews))); got != rest {
		t.Errorf("appendRestID = %s", got)
	}
	for _, in := range []string{rest, ews} {
		if got, err := ewsID(in); err != nil || got != ews {
			t.Errorf("ewsID(%s) = %s, %v", in, got, err)
		}
	}
	if got := restID("a+b/c=="); got != "a_b-c==" {
		t.Errorf("restID = %s", got)
	}

	// Every id of the published examples survives the round trip.
	idAttr := regexp.MustCompile(`(?:ItemId|FolderId|AttachmentId|ParentFolderId|ConversationId)\s+Id="([A-Za-z0-9+/=]{20,})"`)
	n := 0
	for _, s := range ewsSamples(t, "", "") {
		for _, m := range idAttr.FindAllStringSubmatch(string(s.data), -1) {
			r := restID(m[1])
			if strings.ContainsAny(r, "/+") {
				t.Errorf("%s: REST id %s", s.File, r)
			}
			back, err := ewsID(r)
			if err != nil {
				// Abbreviated examples hold ids that are not base64 at all.
				if !s.Abbrev {
					t.Errorf("%s: %s: %v", s.File, m[1], err)
				}
				continue
			}
			if back != m[1] {
				t.Errorf("%s: %s comes back as %s", s.File, m[1], back)
			}
			n++
		}
	}
	if n < 20 {
		t.Errorf("only %d ids in the examples", n)
	}
}

func TestEWSIDRefusesWhatIsNoID(t *testing.T) {
	for _, id := range []string{"", "../inbox", "a b", "AAMk%2FA", "AAMk?x", "<x/>", "AAMkA\""} {
		if _, err := ewsID(id); !errors.Is(err, odata.ErrInvalidPath) {
			t.Errorf("ewsID(%q): %v", id, err)
		}
	}
}

func TestChangeKey(t *testing.T) {
	for in, want := range map[string]string{
		`W/"CQAAABYAAAA+x/=="`: "CQAAABYAAAA+x/==",
		`"CQAAAB"`:             "CQAAAB",
		`CQAAAB`:               "CQAAAB",
		`*`:                    "",
		``:                     "",
	} {
		if got, err := changeKeyOf(in); err != nil || got != want {
			t.Errorf("changeKeyOf(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := changeKeyOf(`W/"a" b"`); err == nil {
		t.Error("a malformed etag was taken")
	}
	if etag("CQ+/=") != `W/"CQ+/="` {
		t.Error(etag("CQ+/="))
	}
}

func TestFolderOf(t *testing.T) {
	for _, c := range []struct {
		name, mailbox, want string
	}{
		{"Inbox", "", `<t:DistinguishedFolderId Id="inbox"/>`},
		{"sentitems", "", `<t:DistinguishedFolderId Id="sentitems"/>`},
		{"msgfolderroot", "ana@contoso.com", `<t:DistinguishedFolderId Id="msgfolderroot"><t:Mailbox><t:EmailAddress>ana@contoso.com</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId>`},
		{"AAMkAGI2-x_yAA==", "ana@contoso.com", `<t:FolderId Id="AAMkAGI2/x+yAA=="/>`},
	} {
		f, err := folderOf(c.name, c.mailbox)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var w xmlWriter
		f.write(&w)
		if string(w.b) != c.want {
			t.Errorf("%s: %s, want %s", c.name, w.b, c.want)
		}
	}
	for _, name := range []string{"archive", "Clutter", "scheduled"} {
		if _, err := folderOf(name, ""); !errors.Is(err, odata.ErrNotSupported) || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := folderOf("no such/folder", ""); !errors.Is(err, odata.ErrInvalidPath) {
		t.Error(err)
	}
}
