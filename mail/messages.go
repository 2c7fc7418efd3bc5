package mail

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"iter"
	"net/http"
	"slices"
	"strings"

	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
)

// messagesPath is the message collection of a folder, or of the whole
// mailbox for "".
func messagesPath(folder FolderID) odata.Path {
	if folder == "" {
		return odata.PathOf("messages")
	}
	return odata.PathOf("mailFolders/{}/messages", string(folder))
}

// ListMessages yields the messages of a folder (a FolderID constant or a
// folder id), or of the whole mailbox when folder is "" (Deleted Items
// included), page by page as the loop asks for them; q may be nil. Folder
// listings are shallow: messages of child folders are not included. The
// sequence ends after the first error, which it yields.
//
// With both a Filter and an OrderBy, the OrderBy properties must be the
// first properties the Filter names, in the same order (see
// odata.Query.OrderBy); a query that breaks the rule, which Exchange
// answers with 400 InefficientFilter, fails before any request with an
// error matching odata.ErrInvalidQuery that says what to put first.
func (s *Service) ListMessages(ctx context.Context, folder FolderID, q *odata.Query) iter.Seq2[*Message, error] {
	if err := checkOrder("ListMessages", q); err != nil {
		return func(yield func(*Message, error) bool) { yield(nil, err) }
	}
	return odata.List[Message](ctx, s.c, messagesPath(folder), q)
}

// ListMessagesPage fetches the first page of a folder's messages, for
// callers that store the page's NextLink to resume a long listing later
// with NextMessagesPage. The query is checked as ListMessages checks it.
func (s *Service) ListMessagesPage(ctx context.Context, folder FolderID, q *odata.Query) (*odata.Page[Message], error) {
	if err := checkOrder("ListMessagesPage", q); err != nil {
		return nil, err
	}
	return odata.ListPage[Message](ctx, s.c, messagesPath(folder), q)
}

// checkOrder refuses a message query that Exchange answers with 400
// InefficientFilter: with a Filter, the i-th OrderBy property must be the
// i-th property the filter names (counting each once, from its first
// mention; a collection tested with Any counts as itself). A RawFilter is
// left to the server, which alone can read it.
func checkOrder(op string, q *odata.Query) error {
	if q == nil || q.Filter.IsZero() || len(q.OrderBy) == 0 {
		return nil
	}
	props, ok := filterProperties(q.Filter)
	if !ok {
		return nil
	}
	order := make([]string, 0, len(q.OrderBy))
	for _, k := range q.OrderBy {
		if k.Property == nil {
			return nil // odata refuses the query itself
		}
		order = append(order, k.Property.Path())
	}
	for i, p := range order {
		if i < len(props) && strings.EqualFold(props[i], p) {
			continue
		}
		fix := "begin the Filter with a condition on " + strings.Join(order, ", then ") + ", joined to the rest with And"
		if strings.HasSuffix(order[0], "DateTime") {
			fix += " (" + order[0] + " ge 1900-01-01T00:00:00Z keeps every message)"
		}
		return fmt.Errorf("mail: %s: %w: Exchange answers InefficientFilter unless the OrderBy properties (%s) are the first "+
			"the Filter names, in the same order (it names %s): %s", op, odata.ErrInvalidQuery, strings.Join(order, ", "), listOrNone(props), fix)
	}
	return nil
}

// filterProperties lists the property paths a filter names, each once, in
// the order of their first mention, as Exchange compares them with
// $orderby; false for a RawFilter, whose text was never parsed.
func filterProperties(f odata.Filter) ([]string, bool) {
	var props []string
	raw := false
	odata.WalkFilter(f, func(n odata.FilterNode) bool {
		switch n.Op() {
		case odata.OpRaw:
			raw = true
			return false
		case odata.OpAnd, odata.OpOr, odata.OpNot:
			return true
		}
		if p := n.Path(); p != "" && !n.Relative() && !slices.ContainsFunc(props, func(q string) bool { return strings.EqualFold(p, q) }) {
			props = append(props, p)
		}
		return false // an Any's members are not the entity's properties
	})
	return props, !raw
}

func listOrNone(props []string) string {
	if len(props) == 0 {
		return "none"
	}
	return strings.Join(props, ", ")
}

// NextMessagesPage fetches the page at a NextLink of an earlier page.
func (s *Service) NextMessagesPage(ctx context.Context, link string) (*odata.Page[Message], error) {
	return odata.NextPage[Message](ctx, s.c, link)
}

// GetMessage fetches one message; q may select properties or expand
// attachments, and may be nil. A message that does not exist gives an
// error matching odata.ErrNotFound.
func (s *Service) GetMessage(ctx context.Context, id string, q *odata.Query) (*Message, error) {
	if err := checkID("GetMessage", "message", id); err != nil {
		return nil, err
	}
	return odata.Get[Message](ctx, s.c, odata.PathOf("messages/{}", id), q)
}

// CreateDraft saves m as a draft in the Drafts folder and returns it as
// stored, with its id. Recipients need not be complete yet, but those
// given must be valid addresses. Small file attachments may come along
// (see MaxInlineAttachmentSize).
func (s *Service) CreateDraft(ctx context.Context, m *Message) (*Message, error) {
	return s.createMessage(ctx, "CreateDraft", "", m)
}

// CreateMessageIn saves m as a draft in folder ("" for Drafts).
func (s *Service) CreateMessageIn(ctx context.Context, folder FolderID, m *Message) (*Message, error) {
	return s.createMessage(ctx, "CreateMessageIn", folder, m)
}

func (s *Service) createMessage(ctx context.Context, op string, folder FolderID, m *Message) (*Message, error) {
	if err := checkMessage(op, m, false); err != nil {
		return nil, err
	}
	return created(odata.Create[Message](ctx, s.c, messagesPath(folder), outgoing(m)))
}

// CreateDraftMIME saves an RFC 822 message (headers and body, as read from
// r) as a draft, streaming it base64-encoded (Graph only).
func (s *Service) CreateDraftMIME(ctx context.Context, mime io.Reader) (*Message, error) {
	if err := s.notOnV2("CreateDraftMIME", "MIME content is accepted by Microsoft Graph only"); err != nil {
		return nil, err
	}
	if mime == nil {
		return nil, fmt.Errorf("mail: CreateDraftMIME: %w: nil MIME content", ErrInvalidMessage)
	}
	body := base64Reader(mime)
	defer body.Close() // ends the encoder if the request never read it
	r := &odata.Request{Method: http.MethodPost, Path: odata.PathOf("messages"), RawBody: body, ContentType: "text/plain"}
	return created(odata.Call[Message](ctx, s.c, r))
}

// UpdateMessage changes the properties u sets and returns the message as
// updated. With u.ETag set the update is conditional (odata.ErrPreconditionFailed
// if the message changed meanwhile).
func (s *Service) UpdateMessage(ctx context.Context, id string, u MessageUpdate) (*Message, error) {
	if err := checkID("UpdateMessage", "message", id); err != nil {
		return nil, err
	}
	for _, l := range []struct {
		name string
		o    odata.Optional[[]item.Recipient]
	}{{"toRecipients", u.ToRecipients}, {"ccRecipients", u.CcRecipients}, {"bccRecipients", u.BccRecipients}, {"replyTo", u.ReplyTo}} {
		if rs, ok := l.o.Get(); ok {
			if err := checkRecipients(l.name, rs); err != nil {
				return nil, fmt.Errorf("mail: UpdateMessage: %w", err)
			}
		}
	}
	for _, l := range []struct {
		name string
		o    odata.Optional[item.Recipient]
	}{{"from", u.From}, {"sender", u.Sender}} {
		if r, ok := l.o.Get(); ok {
			if err := checkAddress(r.EmailAddress.Address); err != nil {
				return nil, fmt.Errorf("mail: UpdateMessage: %w: %s: %w", ErrInvalidMessage, l.name, err)
			}
		}
	}
	return odata.Update[Message](ctx, s.c, odata.PathOf("messages/{}", id), u, u.ETag)
}

// DeleteMessage moves a message to Deleted Items (or removes it from there).
func (s *Service) DeleteMessage(ctx context.Context, id string) error {
	if err := checkID("DeleteMessage", "message", id); err != nil {
		return err
	}
	return odata.Delete(ctx, s.c, odata.PathOf("messages/{}", id), "")
}

// PurgeMessage deletes a message permanently, to the Purges folder of the
// recoverable items, where the user cannot restore it: Graph's
// permanentDelete, EWS's hard delete. REST v2.0 and Microsoft's national
// clouds lack it; there it is refused with odata.ErrNotSupported before
// any request.
func (s *Service) PurgeMessage(ctx context.Context, id string) error {
	if err := checkID("PurgeMessage", "message", id); err != nil {
		return err
	}
	if err := s.notOnV2("PurgeMessage", "permanentDelete is a Microsoft Graph action"); err != nil {
		return err
	}
	if err := s.notInCloud("PurgeMessage", "permanentDelete", permanentDeleteClouds); err != nil {
		return err
	}
	return odata.Action(ctx, s.c, odata.PathOf("messages/{}/permanentDelete", id), nil)
}

type destination struct {
	DestinationID string `json:"destinationId"`
}

// MoveMessage moves a message to a folder and returns it there: with a new
// id, unless immutable ids were asked for (odata.Prefer.ImmutableIDs).
func (s *Service) MoveMessage(ctx context.Context, id string, to FolderID) (*Message, error) {
	return s.relocate(ctx, "MoveMessage", "move", id, to)
}

// CopyMessage copies a message to a folder and returns the copy.
func (s *Service) CopyMessage(ctx context.Context, id string, to FolderID) (*Message, error) {
	return s.relocate(ctx, "CopyMessage", "copy", id, to)
}

func (s *Service) relocate(ctx context.Context, op, action, id string, to FolderID) (*Message, error) {
	if err := checkID(op, "message", id); err != nil {
		return nil, err
	}
	if err := checkID(op, "destination folder", string(to)); err != nil {
		return nil, err
	}
	return created(odata.Invoke[Message](ctx, s.c, odata.PathOf("messages/{}/"+action, id), destination{string(to)}))
}

// SendDraft sends a draft; a copy is saved to Sent Items. The draft must
// have at least one recipient: the service refuses it otherwise.
func (s *Service) SendDraft(ctx context.Context, id string) error {
	if err := checkID("SendDraft", "message", id); err != nil {
		return err
	}
	return odata.Action(ctx, s.c, odata.PathOf("messages/{}/send", id), nil)
}

// SendOptions are the options of SendMail; nil means the defaults.
type SendOptions struct {
	// SkipSentItems sends without saving a copy to Sent Items.
	SkipSentItems bool
}

type sendMailBody struct {
	Message         *Message `json:"message"`
	SaveToSentItems *bool    `json:"saveToSentItems,omitzero"`
}

// SendMail sends a new message in one call, without leaving a draft. It
// needs at least one recipient, and every address must be valid; both are
// checked before any request. Sending is never retried unless the service
// provably did not take the message.
func (s *Service) SendMail(ctx context.Context, m *Message, opts *SendOptions) error {
	if err := checkMessage("SendMail", m, true); err != nil {
		return err
	}
	b := sendMailBody{Message: outgoing(m)}
	if opts != nil && opts.SkipSentItems {
		b.SaveToSentItems = new(false)
	}
	return odata.Action(ctx, s.c, odata.PathOf("sendMail"), b)
}

// SendMIME sends an RFC 822 message read from mime, streaming it
// base64-encoded as the service wants it (Graph only). The recipients are
// those of its headers.
func (s *Service) SendMIME(ctx context.Context, mime io.Reader) error {
	if err := s.notOnV2("SendMIME", "MIME content is accepted by Microsoft Graph only"); err != nil {
		return err
	}
	if mime == nil {
		return fmt.Errorf("mail: SendMIME: %w: nil MIME content", ErrInvalidMessage)
	}
	body := base64Reader(mime)
	defer body.Close() // ends the encoder if the request never read it
	resp, err := s.c.Do(ctx, &odata.Request{Method: http.MethodPost, Path: odata.PathOf("sendMail"), RawBody: body, ContentType: "text/plain"})
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

// base64Reader streams r base64-encoded, without holding it in memory.
// Closing it stops the encoding.
func base64Reader(r io.Reader) io.ReadCloser {
	pr, pw := io.Pipe()
	go func() {
		enc := base64.NewEncoder(base64.StdEncoding, pw)
		_, err := io.Copy(enc, r)
		if err == nil {
			err = enc.Close()
		}
		pw.CloseWithError(err)
	}()
	return pr
}

// GetMIME returns the message as RFC 822 content (headers, body and
// attachments), streamed: read it to the end or close it (Graph only).
func (s *Service) GetMIME(ctx context.Context, id string) (io.ReadCloser, error) {
	if err := checkID("GetMIME", "message", id); err != nil {
		return nil, err
	}
	if err := s.notOnV2("GetMIME", "the MIME content of messages ($value) is served by Microsoft Graph only"); err != nil {
		return nil, err
	}
	resp, err := s.c.Do(ctx, &odata.Request{Method: http.MethodGet, Path: odata.PathOf("messages/{}/$value", id), Header: acceptAny})
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}

// ReplyOptions are the options of the reply and forward operations; nil
// means the defaults.
type ReplyOptions struct {
	// Message sets more properties of the outgoing message in the same
	// call: more recipients, attachments, or a Body instead of the comment
	// (Graph only; give a comment or a body, not both).
	Message *Message
}

type replyBody struct {
	Comment      string           `json:"comment,omitzero"`
	ToRecipients []item.Recipient `json:"toRecipients,omitzero"`
	Message      *Message         `json:"message,omitzero"`
}

// reply checks and builds the body of a reply or forward.
func (s *Service) reply(op, id, comment string, to []item.Recipient, opts *ReplyOptions, forward, sending bool) (replyBody, error) {
	b := replyBody{Comment: comment, ToRecipients: to}
	if err := checkID(op, "message", id); err != nil {
		return b, err
	}
	if err := checkRecipients("toRecipients", to); err != nil {
		return b, fmt.Errorf("mail: %s: %w", op, err)
	}
	if opts != nil && opts.Message != nil {
		if err := s.notOnV2(op, "Outlook REST v2.0 takes a comment and recipients, not a message"); err != nil {
			return b, err
		}
		if err := checkMessage(op, opts.Message, false); err != nil {
			return b, err
		}
		if comment != "" && opts.Message.Body.Content != "" {
			return b, fmt.Errorf("mail: %s: %w: give a comment or a message body, not both", op, ErrInvalidMessage)
		}
		b.Message = outgoing(opts.Message)
	}
	if forward && sending && len(to) == 0 && (b.Message == nil || len(b.Message.ToRecipients) == 0) {
		return b, fmt.Errorf("mail: %s: %w: no recipients to forward to", op, ErrInvalidMessage)
	}
	return b, nil
}

// Reply replies to the sender of a message (or to its ReplyTo addresses),
// with comment above the quoted original.
func (s *Service) Reply(ctx context.Context, id, comment string, opts *ReplyOptions) error {
	b, err := s.reply("Reply", id, comment, nil, opts, false, true)
	if err != nil {
		return err
	}
	return odata.Action(ctx, s.c, odata.PathOf("messages/{}/reply", id), b)
}

// ReplyAll replies to the sender and every recipient of a message.
func (s *Service) ReplyAll(ctx context.Context, id, comment string, opts *ReplyOptions) error {
	b, err := s.reply("ReplyAll", id, comment, nil, opts, false, true)
	if err != nil {
		return err
	}
	return odata.Action(ctx, s.c, odata.PathOf("messages/{}/replyAll", id), b)
}

// Forward forwards a message to the recipients, with comment above it.
func (s *Service) Forward(ctx context.Context, id string, to []item.Recipient, comment string, opts *ReplyOptions) error {
	b, err := s.reply("Forward", id, comment, to, opts, true, true)
	if err != nil {
		return err
	}
	return odata.Action(ctx, s.c, odata.PathOf("messages/{}/forward", id), b)
}

// CreateReply saves a reply to a message as a draft and returns it, to be
// edited and sent with SendDraft.
func (s *Service) CreateReply(ctx context.Context, id, comment string, opts *ReplyOptions) (*Message, error) {
	b, err := s.reply("CreateReply", id, comment, nil, opts, false, false)
	if err != nil {
		return nil, err
	}
	return created(odata.Invoke[Message](ctx, s.c, odata.PathOf("messages/{}/createReply", id), b))
}

// CreateReplyAll saves a reply-all draft, as CreateReply does.
func (s *Service) CreateReplyAll(ctx context.Context, id, comment string, opts *ReplyOptions) (*Message, error) {
	b, err := s.reply("CreateReplyAll", id, comment, nil, opts, false, false)
	if err != nil {
		return nil, err
	}
	return created(odata.Invoke[Message](ctx, s.c, odata.PathOf("messages/{}/createReplyAll", id), b))
}

// CreateForward saves a forward draft; its recipients may be added later.
func (s *Service) CreateForward(ctx context.Context, id string, to []item.Recipient, comment string, opts *ReplyOptions) (*Message, error) {
	b, err := s.reply("CreateForward", id, comment, to, opts, true, false)
	if err != nil {
		return nil, err
	}
	return created(odata.Invoke[Message](ctx, s.c, odata.PathOf("messages/{}/createForward", id), b))
}
