package item

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
)

// EmailAddress is a mailbox address with its display name. Both fields are
// optional on the wire: the server fills Name from the directory when a
// request leaves it empty.
type EmailAddress struct {
	Name    string `json:"name,omitzero"`
	Address string `json:"address,omitzero"`
}

// String formats the address as in a message header, quoting the name when
// RFC 5322 needs it: "Ana Ruiz <ana@example.org>", or the bare address when
// there is no name (in angle brackets, its local part quoted, when it needs
// quoting: <" "@example.org>).
func (a EmailAddress) String() string {
	if a.Name == "" {
		if _, err := mail.ParseAddress(a.Address); err != nil {
			// A local part that must be quoted (`" "@example.org`): net/mail
			// writes it so that it parses back.
			return (&mail.Address{Address: a.Address}).String()
		}
		return a.Address
	}
	return (&mail.Address{Name: a.Name, Address: a.Address}).String()
}

// Recipient is a sender or recipient of a message or an event organizer. The
// service wraps the address in an object so that it can add properties later.
type Recipient struct {
	EmailAddress EmailAddress `json:"emailAddress,omitzero"`
}

// ErrInvalidAddress is wrapped by the errors of [ParseAddress] and
// [Recipients].
var ErrInvalidAddress = errors.New("item: invalid email address")

// ParseAddress parses one address as a user would type it:
// "ana@example.org", "<ana@example.org>", "Ana Ruiz <ana@example.org>" or
// `"Ruiz, Ana" <ana@example.org>` (RFC 5322, through net/mail; encoded words
// in the name are decoded). Empty input, lists of several addresses, group
// syntax and addresses without a domain give an error wrapping
// [ErrInvalidAddress].
func ParseAddress(s string) (EmailAddress, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return EmailAddress{}, fmt.Errorf("%w: empty", ErrInvalidAddress)
	}
	if strings.HasSuffix(t, ";") {
		// net/mail returns the first member of a group ("team: a@x, b@y;");
		// a group is a list, not one address.
		return EmailAddress{}, fmt.Errorf("%w %q: a group of addresses, not one", ErrInvalidAddress, s)
	}
	a, err := mail.ParseAddress(t)
	if err != nil {
		// net/mail's texts start "mail: ", which here would read as this
		// SDK's mail package.
		why := strings.TrimPrefix(strings.ReplaceAll(err.Error(), ": mail: ", ": "), "mail: ")
		return EmailAddress{}, fmt.Errorf("%w %q: %s", ErrInvalidAddress, s, why)
	}
	at := strings.LastIndexByte(a.Address, '@')
	if at <= 0 || at == len(a.Address)-1 {
		// net/mail accepts none of these today; keep the promise if it changes.
		return EmailAddress{}, fmt.Errorf("%w %q: want local-part@domain", ErrInvalidAddress, s)
	}
	return EmailAddress{Name: a.Name, Address: a.Address}, nil
}

// Recipients parses each address with [ParseAddress], for the recipient lists
// of a draft. The error names the first address that fails, by position. No
// addresses give a nil slice and no error.
func Recipients(addrs ...string) ([]Recipient, error) {
	if len(addrs) == 0 {
		return nil, nil
	}
	rs := make([]Recipient, len(addrs))
	for i, s := range addrs {
		a, err := ParseAddress(s)
		if err != nil {
			return nil, fmt.Errorf("recipient %d: %w", i+1, err)
		}
		rs[i] = Recipient{EmailAddress: a}
	}
	return rs, nil
}
