package contacts_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/exchangekit/outlook/contacts"
	"github.com/exchangekit/outlook/internal/servicetest"
)

// Table cases for ParseInstant and Instant's JSON form.
func TestInstant(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{`"1974-07-22"`, time.Date(1974, 7, 22, 0, 0, 0, 0, time.UTC), false},
		{`"1974-07-22T00:00:00Z"`, time.Date(1974, 7, 22, 0, 0, 0, 0, time.UTC), false},
		{`"2016-10-19T10:37:00+02:00"`, time.Date(2016, 10, 19, 8, 37, 0, 0, time.UTC), false},
		{`"2016-10-19T10:37:00.1234567Z"`, time.Date(2016, 10, 19, 10, 37, 0, 123456700, time.UTC), false},
		{`null`, time.Time{}, false},
		{`""`, time.Time{}, false},
		{`"datetime-value"`, time.Time{}, true},
		{`"1974-13-01"`, time.Time{}, true},
		{`1974`, time.Time{}, true},
		{`"1974-07-22T00:00:00"`, time.Time{}, true}, // no offset: ambiguous
	} {
		var i contacts.Instant
		err := json.Unmarshal([]byte(tc.in), &i)
		if (err != nil) != tc.wantErr {
			t.Errorf("%s: error %v, want error %v", tc.in, err, tc.wantErr)
			continue
		}
		if err == nil && !i.Equal(tc.want) {
			t.Errorf("%s: %v, want %v", tc.in, i.Time, tc.want)
		}
	}
	b, err := json.Marshal(struct {
		A contacts.Instant `json:"a,omitzero"`
		B contacts.Instant `json:"b"`
	}{A: contacts.Instant{Time: time.Date(2000, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600))}})
	if err != nil || string(b) != `{"a":"2000-01-02T02:04:05Z","b":null}` {
		t.Errorf("encoded %s, %v", b, err)
	}
}

// FuzzInstant: any input either fails cleanly or reads into an instant
// that writes and reads back to itself.
func FuzzInstant(f *testing.F) {
	for _, s := range []string{`"1974-07-22"`, `"2016-10-19T10:37:00Z"`, `null`, `""`, `"x"`, `"2016-10-19T10:37:00.1234567+14:00"`, `"9999-12-31"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var i contacts.Instant
		if json.Unmarshal([]byte(s), &i) != nil {
			return
		}
		b, err := json.Marshal(i)
		if err != nil {
			if i.Year() < 0 || i.Year() > 9999 {
				return // outside RFC 3339: not writable, rightly
			}
			t.Fatalf("%q read as %v but does not write: %v", s, i.Time, err)
		}
		var back contacts.Instant
		if err := json.Unmarshal(b, &back); err != nil || !back.Equal(i.Time) {
			t.Fatalf("%q -> %s -> %v, %v", s, b, back.Time, err)
		}
	})
}

var contactSeeds = []string{
	`{"displayName":"Garth Fort","birthday":"1974-07-22","emailAddresses":[{"name":"G","address":"g@x.org"}],"mobilePhone":"1"}`,
	`{"homeAddress":{"street":"1 Main","city":"Seattle"},"businessPhones":["1","2"],"children":[],"x-custom":{"a":[1,2]}}`,
	`{"@odata.etag":"W/\"1\"","id":"AAMk=","categories":["Red"],"createdDateTime":"2014-10-19T23:08:24Z"}`,
	`{"primaryEmailAddress":{"address":"a@b.c"},"singleValueExtendedProperties":[{"id":"String 0x1","value":"v"}]}`,
	`{"Id":"AAMk=","GivenName":"Rob","MobilePhone1":"+1 425","EmailAddresses":[{"Name":"R","Address":"r@x.org"}],"Birthday":null}`,
	`{}`, `null`, `[]`,
}

// FuzzContact: any JSON either fails to decode or decodes into a contact
// that encodes and decodes back to the same value.
func FuzzContact(f *testing.F) {
	for _, s := range contactSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var c contacts.Contact
		if json.Unmarshal([]byte(s), &c, lenient) != nil {
			return
		}
		b, err := json.Marshal(&c, lenient) // as package odata encodes bodies
		if err != nil {
			if c.Birthday.Year() < 0 || c.Birthday.Year() > 9999 || c.CreatedDateTime.Year() < 0 || c.CreatedDateTime.Year() > 9999 ||
				c.LastModifiedDateTime.Year() < 0 || c.LastModifiedDateTime.Year() > 9999 {
				return
			}
			t.Fatalf("%q decoded but does not encode: %v", s, err)
		}
		var back contacts.Contact
		if err := json.Unmarshal(b, &back, lenient); err != nil {
			t.Fatalf("re-decoding %s: %v", b, err)
		}
		b2, err := json.Marshal(&back, lenient)
		if err != nil {
			t.Fatal(err)
		}
		var v1, v2 any // Extra is a map: compare values, not member order
		if json.Unmarshal(b, &v1, lenient) != nil || json.Unmarshal(b2, &v2, lenient) != nil || !reflect.DeepEqual(v1, v2) {
			t.Fatalf("not stable:\n%s\n%s", b, b2)
		}
		if !reflect.DeepEqual(back.EmailAddresses, c.EmailAddresses) && len(c.EmailAddresses) > 0 {
			t.Fatalf("email addresses changed: %v -> %v", c.EmailAddresses, back.EmailAddresses)
		}
	})
}

// FuzzContactV2: the v2.0 dialect's decoding of any body never fails in a
// way that loses the process, and what decodes goes back as a body that
// parses, with MobilePhone1 never sent under its Graph name.
func FuzzContactV2(f *testing.F) {
	for _, s := range contactSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 1<<16 {
			return
		}
		c, sent, err := servicetest.V2RoundTrip[contacts.Contact](t, b)
		if err != nil || c == nil { // nil: an empty body, which odata.Get reads as no entity
			return
		}
		var back map[string]any
		if err := json.Unmarshal(sent, &back, lenient); err != nil {
			t.Fatalf("the v2.0 body sent for %s does not parse: %v\n%s", b, err, sent)
		}
		if c.MobilePhone != "" && back["MobilePhone1"] != c.MobilePhone {
			t.Fatalf("mobile phone %q sent as %v in %s", c.MobilePhone, back["MobilePhone1"], sent)
		}
	})
}
