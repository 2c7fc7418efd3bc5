package item_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/exchangekit/outlook/item"
)

func TestParseAddress(t *testing.T) {
	tests := []struct {
		in      string
		want    item.EmailAddress
		wantErr string
	}{
		{in: "ana@example.org", want: item.EmailAddress{Address: "ana@example.org"}},
		{in: "  ana@example.org\t", want: item.EmailAddress{Address: "ana@example.org"}},
		{in: "<ana@example.org>", want: item.EmailAddress{Address: "ana@example.org"}},
		{in: "Ana Ruiz <ana@example.org>", want: item.EmailAddress{Name: "Ana Ruiz", Address: "ana@example.org"}},
		{in: `"Ruiz, Ana" <ana@example.org>`, want: item.EmailAddress{Name: "Ruiz, Ana", Address: "ana@example.org"}},
		{in: "=?utf-8?q?J=C3=B6rg?= <jorg@example.de>", want: item.EmailAddress{Name: "Jörg", Address: "jorg@example.de"}},
		{in: "Zoë <zoe@example.org>", want: item.EmailAddress{Name: "Zoë", Address: "zoe@example.org"}},
		{in: "", wantErr: "empty"},
		{in: "   ", wantErr: "empty"},
		{in: "ana", wantErr: `"ana"`},
		{in: "ana@", wantErr: `"ana@"`},
		{in: "@example.org", wantErr: "@example.org"},
		{in: "Ana Ruiz", wantErr: "Ana Ruiz"},
		{in: "a@example.org, b@example.org", wantErr: "a@example.org, b@example.org"},
		{in: "friends: a@example.org;", wantErr: "friends"},
		{in: "Ana <ana@example.org", wantErr: "Ana <ana@example.org"},
		{in: "ana@example.org\r\nBcc: eve@example.org", wantErr: "Bcc"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := item.ParseAddress(tc.in)
			if tc.wantErr != "" {
				if !errors.Is(err, item.ErrInvalidAddress) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ParseAddress(%q) = %+v, %v; want ErrInvalidAddress mentioning %q", tc.in, got, err, tc.wantErr)
				}
				if got != (item.EmailAddress{}) {
					t.Fatalf("ParseAddress(%q) returned %+v with its error", tc.in, got)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("ParseAddress(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestEmailAddressString(t *testing.T) {
	tests := []struct {
		in   item.EmailAddress
		want string
	}{
		{item.EmailAddress{Address: "ana@example.org"}, "ana@example.org"},
		{item.EmailAddress{Name: "Ana Ruiz", Address: "ana@example.org"}, `"Ana Ruiz" <ana@example.org>`},
		{item.EmailAddress{Name: "Ruiz, Ana", Address: "ana@example.org"}, `"Ruiz, Ana" <ana@example.org>`},
	}
	for _, tc := range tests {
		if got := tc.in.String(); got != tc.want {
			t.Errorf("%+v.String() = %q, want %q", tc.in, got, tc.want)
		}
		// What String writes, ParseAddress reads back.
		if back, err := item.ParseAddress(tc.in.String()); err != nil || back != tc.in {
			t.Errorf("ParseAddress(%q) = %+v, %v; want %+v", tc.in.String(), back, err, tc.in)
		}
	}
}

func TestRecipients(t *testing.T) {
	rs, err := item.Recipients("ana@example.org", "Lee Chen <lee@example.org>")
	if err != nil {
		t.Fatal(err)
	}
	want := []item.Recipient{
		{EmailAddress: item.EmailAddress{Address: "ana@example.org"}},
		{EmailAddress: item.EmailAddress{Name: "Lee Chen", Address: "lee@example.org"}},
	}
	if len(rs) != len(want) || rs[0] != want[0] || rs[1] != want[1] {
		t.Fatalf("Recipients = %+v, want %+v", rs, want)
	}
	_, err = item.Recipients("ana@example.org", "not an address")
	if !errors.Is(err, item.ErrInvalidAddress) || !strings.Contains(err.Error(), "recipient 2") {
		t.Fatalf("Recipients with a bad second address: %v", err)
	}
	if rs, err := item.Recipients(); rs != nil || err != nil {
		t.Fatalf("Recipients() = %v, %v; want nil, nil", rs, err)
	}
}

func FuzzParseAddress(f *testing.F) {
	for _, s := range []string{"ana@example.org", "Ana Ruiz <ana@example.org>", `"Ruiz, Ana" <a@b.example>`,
		"=?utf-8?q?J=C3=B6rg?= <j@example.de>", "", "a@b, c@d", "g: a@b;", "<>", "a@[127.0.0.1]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := item.ParseAddress(s)
		if err != nil {
			if !errors.Is(err, item.ErrInvalidAddress) {
				t.Fatalf("ParseAddress(%q): error does not wrap ErrInvalidAddress: %v", s, err)
			}
			return
		}
		at := strings.LastIndexByte(a.Address, '@')
		if at <= 0 || at == len(a.Address)-1 {
			t.Fatalf("ParseAddress(%q) = %+v: address without local part or domain", s, a)
		}
		if strings.ContainsAny(a.Address, "\r\n") {
			t.Fatalf("ParseAddress(%q) = %+v: line break in the address", s, a)
		}
		// The formatted form parses back to the same address.
		b, err := item.ParseAddress(a.String())
		if err != nil || b.Address != a.Address {
			t.Fatalf("ParseAddress(%q) = %+v; its String %q parses to %+v, %v", s, a, a.String(), b, err)
		}
	})
}
