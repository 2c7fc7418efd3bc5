package mail_test

import (
	"reflect"
	"testing"

	"github.com/go-json-experiment/json"

	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/mail"
)

// seeds are small bodies of each model, in both dialects' shapes.
var seeds = []string{
	`{"id":"AAMk1","subject":"hi","importance":"High","body":{"contentType":"HTML","content":"<p>x</p>"},"toRecipients":[{"emailAddress":{"name":"Ana","address":"ana@example.org"}}],"receivedDateTime":"2026-03-02T09:00:00Z","isRead":true,"acme":{"x":[1,2]}}`,
	`{"@odata.type":"#microsoft.graph.eventMessage","meetingMessageType":"meetingRequest","startDateTime":{"dateTime":"2026-03-02T09:00:00.0000000","timeZone":"UTC"},"conversationIndex":"AQID"}`,
	`{"@odata.type":"#microsoft.graph.fileAttachment","name":"a.txt","contentBytes":"aGk=","size":2}`,
	`{"displayName":"Inbox","childFolderCount":2,"totalItemCount":5,"wellKnownName":"inbox"}`,
	`{"automaticRepliesSetting":{"status":"scheduled","scheduledStartDateTime":{"dateTime":"2026-07-01T00:00:00","timeZone":"UTC"}},"timeZone":"UTC","language":{"locale":"en-US"}}`,
	`{"id":"r1","displayName":"r","isEnabled":true,"conditions":{"senderContains":["a"],"withinSizeRange":{"minimumSize":1,"maximumSize":9}},"actions":{"markAsRead":true}}`,
	`{"classifyAs":"Other","senderEmailAddress":{"address":"a@b.c"}}`,
	`{}`, `[]`, `null`, `{"subject":1}`,
}

// roundTrip decodes b into a fresh T, and if that works, checks that the
// encoding decodes to an equal value.
func roundTrip[T any](t *testing.T, b []byte) {
	var v T
	if json.Unmarshal(b, &v, lenient) != nil {
		return
	}
	var strict any
	if json.Unmarshal(b, &strict) != nil {
		return // repeated names or invalid UTF-8: decoding must not fail the page, but no round trip is promised
	}
	// Encoded as leniently as decoded: a server may repeat a name or send
	// invalid UTF-8 inside a value the model keeps raw (see the report on
	// odata's encode options).
	out, err := json.Marshal(&v, lenient)
	if err != nil {
		t.Fatalf("%T decoded from %s does not encode: %v", v, b, err)
	}
	var w T
	if err := json.Unmarshal(out, &w, lenient); err != nil {
		t.Fatalf("%T: the encoding %s does not decode: %v", v, out, err)
	}
	out2, err := json.Marshal(&w, lenient)
	if err != nil {
		t.Fatal(err)
	}
	var again, first any
	_ = json.Unmarshal(out, &first, lenient)
	_ = json.Unmarshal(out2, &again, lenient)
	if !reflect.DeepEqual(first, again) {
		t.Fatalf("%T is not stable across a round trip:\n%s\n%s", v, out, out2)
	}
}

func FuzzModels(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		roundTrip[mail.Message](t, b)
		roundTrip[mail.Attachment](t, b)
		roundTrip[mail.MailFolder](t, b)
		roundTrip[mail.MailboxSettings](t, b)
		roundTrip[mail.MessageRule](t, b)
		roundTrip[mail.ClassificationOverride](t, b)
	})
}

// The v2.0 dialect's decoding of the same bodies in PascalCase never fails
// in a way that loses the process, and what decodes re-encodes.
func FuzzModelsV2(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 1<<16 {
			return
		}
		m, sent, err := servicetest.V2RoundTrip[mail.Message](t, b)
		if err != nil {
			return
		}
		var back mail.Message
		if err := json.Unmarshal(sent, &back, lenient); err != nil {
			t.Fatalf("the v2.0 body sent for %s does not parse: %v\n%s", b, err, sent)
		}
		_ = m
	})
}
