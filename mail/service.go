package mail

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
)

// Service performs the mail operations of one mailbox: messages, folders,
// attachments, sending, change tracking and mail settings. Get one from
// outlook.Mailbox (mb.Mail) or build one on an odata.Client. It is safe for
// concurrent use.
//
// Every request goes through the odata client, which speaks the mailbox's
// dialect: the same calls work for Exchange Online (Graph v1.0) and
// on-premises (EWS or Outlook REST v2.0) mailboxes. An operation the mailbox's
// service lacks fails with an error matching odata.ErrNotSupported before
// any request; bad input (an empty id, an invalid address) fails with an
// error matching odata.ErrInvalidPath or ErrInvalidMessage, also before any
// request.
type Service struct{ c *odata.Client }

// NewService returns the mail service of the mailbox c is bound to.
func NewService(c *odata.Client) *Service { return &Service{c: c} }

// ErrInvalidMessage is wrapped by the errors of messages and attachments the
// SDK refuses to send: an invalid recipient address, no recipients, an
// attachment too large to send inline. Invalid addresses also match
// item.ErrInvalidAddress.
//
// Match it with errors.Is: the errors wrapping it start "mail: " and name
// the operation, so its own text carries no package prefix.
var ErrInvalidMessage = errors.New("invalid message")

// MaxRecipients is the most recipients (To, Cc and Bcc together) Exchange
// Online accepts on one message.
const MaxRecipients = 500

// To returns recipients for the addresses, each as ParseAddress reads it
// ("ana@example.org" or "Ana Ruiz <ana@example.org>"), for the recipient
// lists of a message literal:
//
//	&mail.Message{Subject: "hi", ToRecipients: mail.To("bob@contoso.com")}
//
// An address that does not parse is kept as given, and the operation that
// sends the message refuses it before any request; use item.Recipients to
// get the error at once instead.
func To(addrs ...string) []item.Recipient {
	if len(addrs) == 0 {
		return nil
	}
	rs := make([]item.Recipient, len(addrs))
	for i, s := range addrs {
		a, err := item.ParseAddress(s)
		if err != nil {
			a = item.EmailAddress{Address: s}
		}
		rs[i] = item.Recipient{EmailAddress: a}
	}
	return rs
}

// checkID refuses an empty id before any request.
func checkID(op, what, id string) error {
	if strings.TrimSpace(id) == "" {
		return fmt.Errorf("mail: %s: empty %s id: %w", op, what, odata.ErrInvalidPath)
	}
	return nil
}

// checkFolder is checkID for a folder.
func checkFolder(op string, f FolderID) error { return checkID(op, "folder", string(f)) }

// notOnV2 refuses an operation the Outlook REST v2.0 dialect lacks.
func (s *Service) notOnV2(op, why string) error {
	if s.c.Dialect().IsOutlookV2() {
		return fmt.Errorf("mail: %s: %w by %s (on-premises Exchange): %s", op, odata.ErrNotSupported, s.c.Dialect(), why)
	}
	return nil
}

// Clouds where Microsoft documents a Graph operation as available, besides
// the global service (each operation's page, "national cloud deployments").
var (
	// permanentDeleteClouds: message-permanentdelete lists the global
	// service only.
	permanentDeleteClouds = []string{}
	// ruleClouds: the messageRule pages (list, get, create, update,
	// delete) list US Government L4 and L5, not China (21Vianet).
	ruleClouds = []string{"usgov-l4", "usgov-l5"}
)

// notInCloud refuses, before any request, a Graph operation Microsoft
// documents as unavailable in the national cloud the client is in; served
// lists the national clouds that have it. On-premises servers belong to no
// cloud and are not asked.
func (s *Service) notInCloud(op, what string, served []string) error {
	if s.c.Dialect() != odata.Graph {
		return nil
	}
	cl := s.c.Cloud()
	if cl == odata.GlobalCloud || slices.Contains(served, cl) {
		return nil
	}
	return fmt.Errorf("mail: %s: %w in the %s cloud: Microsoft documents %s as unavailable there", op, odata.ErrNotSupported, cl, what)
}

// checkRecipients validates every address of a recipient list.
func checkRecipients(list string, rs []item.Recipient) error {
	for i, r := range rs {
		if err := checkAddress(r.EmailAddress.Address); err != nil {
			return fmt.Errorf("%w: %s %d: %w", ErrInvalidMessage, list, i+1, err)
		}
	}
	return nil
}

// checkAddress accepts a bare address ("ana@example.org") only.
func checkAddress(addr string) error {
	a, err := item.ParseAddress(addr)
	if err != nil {
		return err
	}
	if a.Name != "" || a.Address != strings.TrimSpace(addr) {
		return fmt.Errorf("%w %q: want a bare address, with the name in EmailAddress.Name", item.ErrInvalidAddress, addr)
	}
	return nil
}

// checkMessage validates a message before it is created or sent; sending
// also requires at least one recipient.
func checkMessage(op string, m *Message, sending bool) error {
	if m == nil {
		return fmt.Errorf("mail: %s: %w: nil message", op, ErrInvalidMessage)
	}
	n := 0
	for _, l := range []struct {
		name string
		rs   []item.Recipient
	}{{"toRecipients", m.ToRecipients}, {"ccRecipients", m.CcRecipients}, {"bccRecipients", m.BccRecipients}, {"replyTo", m.ReplyTo}} {
		if err := checkRecipients(l.name, l.rs); err != nil {
			return fmt.Errorf("mail: %s: %w", op, err)
		}
		if l.name != "replyTo" {
			n += len(l.rs)
		}
	}
	for _, r := range []struct {
		name string
		r    item.Recipient
	}{{"from", m.From}, {"sender", m.Sender}} {
		if r.r.EmailAddress.Address == "" {
			continue
		}
		if err := checkAddress(r.r.EmailAddress.Address); err != nil {
			return fmt.Errorf("mail: %s: %w: %s: %w", op, ErrInvalidMessage, r.name, err)
		}
	}
	if sending && n == 0 {
		return fmt.Errorf("mail: %s: %w: no recipients", op, ErrInvalidMessage)
	}
	if n > MaxRecipients {
		return fmt.Errorf("mail: %s: %w: %d recipients, more than %d", op, ErrInvalidMessage, n, MaxRecipients)
	}
	if err := checkInlineAttachments(m.Attachments); err != nil {
		return fmt.Errorf("mail: %s: %w", op, err)
	}
	return nil
}

// outgoing returns m as a request body: without the service annotations
// ("@odata.context", "@odata.id") a fetched message carries in Extra, and
// with its file attachments typed.
func outgoing(m *Message) *Message {
	dirty := false
	for k := range m.Extra {
		if strings.HasPrefix(k, "@") {
			dirty = true
			break
		}
	}
	untyped := false
	for i := range m.Attachments {
		if m.Attachments[i].Kind == "" {
			untyped = true
		}
	}
	if !dirty && !untyped && m.ETag == "" {
		return m
	}
	c := *m
	c.ETag = ""
	if dirty {
		c.Extra = make(map[string]json.RawMessage, len(m.Extra))
		for k, v := range m.Extra {
			if !strings.HasPrefix(k, "@") {
				c.Extra[k] = v
			}
		}
	}
	if untyped {
		c.Attachments = make([]Attachment, len(m.Attachments))
		for i, a := range m.Attachments {
			if a.Kind == "" {
				a.Kind = FileAttachment
			}
			c.Attachments[i] = a
		}
	}
	return &c
}

// acceptAny is the Accept header of media streams ($value): MIME content and
// file bytes are not JSON.
var acceptAny = http.Header{"Accept": {"*/*"}}
