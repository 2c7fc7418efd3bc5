package mimemsg

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/exchangekit/outlook/outlooktest/internal/schema"
)

// mimeSeeds are messages the MIME reader must take, and the fuzzer's start.
var mimeSeeds = []string{
	"Subject: hi\r\n\r\nbody",
	"From: A <a@x.example>\r\nTo: b@y.example, \"C, D\" <c@y.example>\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\nDate: Mon, 02 Jan 2006 15:04:05 -0700\r\nMessage-ID: <1@x>\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<p>caf=C3=A9</p>",
	"Subject: m\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nhello\r\n--B\r\nContent-Type: image/png\r\nContent-ID: <img1>\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--B\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\ninner body\r\n--B--\r\n",
	"Subject: latin\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\ncaf\xe9",
	"Subject: =?utf-8?q??=\r\n\r\n", // once read as an empty subject, written as none
	"Content-Type: multipart/alternative; boundary=\"x y\"\r\n\r\n--x y\r\nContent-Type: text/plain\r\n\r\nt\r\n--x y\r\nContent-Type: text/html\r\n\r\n<b>h</b>\r\n--x y--",
}

func TestParseMIME(t *testing.T) {
	for _, tc := range []struct {
		name, raw string
		subject   string
		body      string // content type of the body, "" for none
		atts      int
		code      string // error code, "" for success
	}{
		{"plain", mimeSeeds[0], "hi", "text", 0, ""},
		{"html, encoded words", mimeSeeds[1], "Grüße", "html", 0, ""},
		{"multipart with an inline image and a message", mimeSeeds[2], "m", "text", 2, ""},
		{"latin-1", mimeSeeds[3], "latin", "text", 0, ""},
		{"alternative prefers HTML", mimeSeeds[5], "", "html", 0, ""},
		{"no header end", "Subject", "", "", 0, "ErrorMimeContentConversionFailed"},
		{"bad media type", "Content-Type: text/\r\n\r\nx", "", "", 0, "ErrorMimeContentConversionFailed"},
		{"bad transfer encoding", "Content-Transfer-Encoding: x-uue\r\n\r\nx", "", "", 0, "ErrorMimeContentConversionFailed"},
		{"bad base64 part", "Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!", "", "", 0, "ErrorMimeContentConversionFailed"},
		{"bad address", "From: <\r\n\r\nx", "", "", 0, "ErrorMimeContentConversionFailed"},
		{"too deep", strings.Repeat("Content-Type: message/rfc822\r\n\r\n", 20) + "x", "", "", 0, "ErrorMimeContentConversionFailed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg, atts, err := Parse([]byte(tc.raw))
			if tc.code != "" {
				me, ok := errors.AsType[*Error](err)
				if !ok || me.Code != tc.code {
					t.Fatalf("Parse(%q) = %v, %v; want error %s", tc.raw, msg, err, tc.code)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.raw, err)
			}
			subj, _ := msg["subject"].(string)
			b, _ := msg["body"].(map[string]any)
			ct, _ := b["contentType"].(string)
			if subj != tc.subject || ct != tc.body || len(atts) != tc.atts {
				t.Errorf("Parse = subject %q, body %q, %d attachments; want %q, %q, %d", subj, ct, len(atts), tc.subject, tc.body, tc.atts)
			}
		})
	}
}

// FuzzParseMIME feeds the MIME reader raw messages and whole request
// bodies: it must not panic, must refuse bad input with a 400 code, and what
// it reads must survive being written out again (Build) and re-read.
func FuzzParseMIME(f *testing.F) {
	for _, s := range mimeSeeds {
		f.Add([]byte(s))
		f.Add([]byte(base64.StdEncoding.EncodeToString([]byte(s))))
	}
	f.Add([]byte("not base64 at all"))
	f.Add([]byte("Zm9v\r\nYmFy"))
	f.Fuzz(func(t *testing.T, data []byte) {
		check := func(msg Object, atts []Object, err error) {
			if err != nil {
				me, ok := errors.AsType[*Error](err)
				if !ok || (me.Code != "ErrorMimeContentConversionFailed" && me.Code != "ErrorMimeContentInvalidBase64String") {
					t.Fatalf("error %v is not a MIME error with a 400 code", err)
				}
				return
			}
			raw := Build(msg, atts)
			msg2, atts2, err := Parse(raw)
			if err != nil {
				t.Fatalf("re-reading what was written failed: %v\n%q", err, raw)
			}
			s1, _ := msg["subject"].(string)
			s2, _ := msg2["subject"].(string)
			if s1 != s2 || len(atts) != len(atts2) {
				t.Fatalf("round trip: subject %q -> %q, %d -> %d attachments\n%q", s1, s2, len(atts), len(atts2), raw)
			}
		}
		check(Parse(data))
		check(DecodeBody(data))
	})
}

func TestAttachmentContent(t *testing.T) {
	for _, tc := range []struct {
		name     string
		att      Object
		ct, want string // want: a substring of the content; "" with ct "" for none
	}{
		{"file", Object{"@odata.type": schema.GraphNS + "fileAttachment", "contentType": "text/csv", "contentBytes": "YSxi"}, "text/csv", "a,b"},
		{"file with a bad type", Object{"@odata.type": schema.GraphNS + "fileAttachment", "contentType": "nonsense", "contentBytes": "YQ=="}, "application/octet-stream", "a"},
		{"event", Object{"@odata.type": schema.GraphNS + "itemAttachment", "item": Object{"@odata.type": "#Microsoft.OutlookServices.Event", "subject": "Stand-up; daily",
			"start": Object{"dateTime": "2024-06-11T09:00:00", "timeZone": "W. Europe Standard Time"}}}, "text/calendar", "SUMMARY:Stand-up\\; daily\r\nDTSTART:20240611T070000Z"},
		{"contact", Object{"@odata.type": schema.GraphNS + "itemAttachment", "item": Object{"@odata.type": schema.GraphNS + "contact", "displayName": "Pat",
			"emailAddresses": []any{Object{"address": "pat@example.org"}}}}, "text/vcard", "FN:Pat\r\nEMAIL;TYPE=INTERNET:pat@example.org"},
		{"message", Object{"@odata.type": schema.GraphNS + "itemAttachment", "item": Object{"@odata.type": schema.GraphNS + "message", "subject": "inner"}}, "message/rfc822", "Subject: inner"},
		{"reference", Object{"@odata.type": schema.GraphNS + "referenceAttachment"}, "", ""},
	} {
		ct, data := AttachmentContent(tc.att)
		if ct != tc.ct || (tc.ct == "" && data != nil) || !strings.Contains(string(data), tc.want) {
			t.Errorf("%s: %q, %q; want %q holding %q", tc.name, ct, data, tc.ct, tc.want)
		}
	}
}
