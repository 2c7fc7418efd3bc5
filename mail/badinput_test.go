package mail_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
)

// Bad input is refused with a clear error before any request reaches the
// mailbox's host.
func TestBadInputIsRefusedBeforeAnyRequest(t *testing.T) {
	eachLocation(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		svc := e.MB.Mail
		big := bytes.Repeat([]byte{'x'}, mail.MaxInlineAttachmentSize+1)
		cases := []struct {
			name string
			call func() error
			want error
			text string // in the message
		}{
			{"GetMessage empty id", func() error { _, err := svc.GetMessage(ctx, "", nil); return err }, odata.ErrInvalidPath, "empty message id"},
			{"UpdateMessage blank id", func() error {
				_, err := svc.UpdateMessage(ctx, "  ", mail.MessageUpdate{IsRead: odata.Set(true)})
				return err
			}, odata.ErrInvalidPath, "empty message id"},
			{"DeleteMessage empty id", func() error { return svc.DeleteMessage(ctx, "") }, odata.ErrInvalidPath, "DeleteMessage"},
			{"MoveMessage no destination", func() error { _, err := svc.MoveMessage(ctx, "AAMk1", ""); return err }, odata.ErrInvalidPath, "destination folder"},
			{"CopyMessage empty id", func() error { _, err := svc.CopyMessage(ctx, "", mail.Inbox); return err }, odata.ErrInvalidPath, "message id"},
			{"SendDraft empty id", func() error { return svc.SendDraft(ctx, "") }, odata.ErrInvalidPath, "SendDraft"},
			{"SendMail nil", func() error { return svc.SendMail(ctx, nil, nil) }, mail.ErrInvalidMessage, "nil message"},
			{"SendMail no recipients", func() error { return svc.SendMail(ctx, &mail.Message{Subject: "x"}, nil) }, mail.ErrInvalidMessage, "no recipients"},
			{"SendMail invalid address", func() error {
				return svc.SendMail(ctx, &mail.Message{ToRecipients: mail.To("bob@contoso.com", "not an address")}, nil)
			}, item.ErrInvalidAddress, "toRecipients 2"},
			{"SendMail address without domain", func() error {
				return svc.SendMail(ctx, &mail.Message{CcRecipients: []item.Recipient{{EmailAddress: item.EmailAddress{Address: "bob@"}}}, ToRecipients: mail.To("a@b.c")}, nil)
			}, mail.ErrInvalidMessage, "ccRecipients 1"},
			{"SendMail name in address", func() error {
				return svc.SendMail(ctx, &mail.Message{ToRecipients: []item.Recipient{{EmailAddress: item.EmailAddress{Address: "Bob <bob@contoso.com>"}}}}, nil)
			}, item.ErrInvalidAddress, "bare address"},
			{"SendMail too many recipients", func() error {
				addrs := make([]string, mail.MaxRecipients+1)
				for i := range addrs {
					addrs[i] = "x@example.org"
				}
				return svc.SendMail(ctx, &mail.Message{ToRecipients: mail.To(addrs...)}, nil)
			}, mail.ErrInvalidMessage, "recipients"},
			{"SendMail bad from", func() error {
				return svc.SendMail(ctx, &mail.Message{From: item.Recipient{EmailAddress: item.EmailAddress{Address: "nobody"}}, ToRecipients: mail.To("a@b.c")}, nil)
			}, mail.ErrInvalidMessage, "from"},
			{"SendMail oversized inline attachment", func() error {
				return svc.SendMail(ctx, &mail.Message{ToRecipients: mail.To("a@b.c"), Attachments: []mail.Attachment{{Name: "big.bin", ContentBytes: big}}}, nil)
			}, mail.ErrInvalidMessage, "UploadAttachment"},
			// 3 MiB is not under 3 MB: it encodes to more than the 4 MB
			// a request holds.
			{"SendMail 3 MiB inline attachment", func() error {
				return svc.SendMail(ctx, &mail.Message{ToRecipients: mail.To("a@b.c"), Attachments: []mail.Attachment{{Name: "mib.bin", ContentBytes: make([]byte, 3<<20)}}}, nil)
			}, mail.ErrInvalidMessage, "UploadAttachment"},
			// Each under 3 MB, together over the 4 MB of one request.
			{"CreateDraft attachments too large together", func() error {
				two := make([]byte, 2_000_000)
				_, err := svc.CreateDraft(ctx, &mail.Message{Attachments: []mail.Attachment{{Name: "a.bin", ContentBytes: two}, {Name: "b.bin", ContentBytes: two}}})
				return err
			}, mail.ErrInvalidMessage, "2 attachments take 5333336 bytes encoded"},
			{"CreateDraft nameless attachment", func() error {
				_, err := svc.CreateDraft(ctx, &mail.Message{Attachments: []mail.Attachment{{ContentBytes: []byte("x")}}})
				return err
			}, mail.ErrInvalidMessage, "needs a name"},
			{"UpdateMessage invalid recipient", func() error {
				_, err := svc.UpdateMessage(ctx, "AAMk1", mail.MessageUpdate{ToRecipients: odata.Set(mail.To("@@"))})
				return err
			}, item.ErrInvalidAddress, "toRecipients"},
			{"Forward without recipients", func() error { return svc.Forward(ctx, "AAMk1", nil, "fyi", nil) }, mail.ErrInvalidMessage, "no recipients"},
			{"Forward invalid recipient", func() error { return svc.Forward(ctx, "AAMk1", mail.To("x"), "", nil) }, item.ErrInvalidAddress, "toRecipients 1"},
			{"Reply empty id", func() error { return svc.Reply(ctx, "", "hi", nil) }, odata.ErrInvalidPath, "Reply"},
			{"AddAttachment oversized", func() error {
				_, err := svc.AddAttachment(ctx, "AAMk1", &mail.Attachment{Name: "big.bin", ContentBytes: big})
				return err
			}, mail.ErrInvalidMessage, "more than"},
			{"AddAttachment reference", func() error {
				_, err := svc.AddAttachment(ctx, "AAMk1", &mail.Attachment{Kind: mail.ReferenceAttachment, Name: "r"})
				return err
			}, mail.ErrInvalidMessage, "reference"},
			{"AddAttachment nil", func() error { _, err := svc.AddAttachment(ctx, "AAMk1", nil); return err }, mail.ErrInvalidMessage, "nil attachment"},
			{"GetAttachment empty attachment id", func() error { _, err := svc.GetAttachment(ctx, "AAMk1", ""); return err }, odata.ErrInvalidPath, "attachment id"},
			{"UploadAttachment too large", func() error {
				_, err := svc.UploadAttachment(ctx, "AAMk1", "huge.iso", "", strings.NewReader(""), mail.MaxUploadSize+1, nil)
				return err
			}, mail.ErrInvalidMessage, "upload session"},
			{"UploadAttachment bad chunk size", func() error {
				_, err := svc.UploadAttachment(ctx, "AAMk1", "a.bin", "", strings.NewReader(""), 5<<20, &mail.UploadOptions{ChunkSize: 1000})
				return err
			}, mail.ErrInvalidMessage, "multiple of"},
			{"UploadAttachment short reader", func() error {
				_, err := svc.UploadAttachment(ctx, "AAMk1", "a.bin", "", strings.NewReader("abc"), 10, nil)
				return err
			}, mail.ErrInvalidMessage, "reading 10 bytes"},
			{"UploadAttachment long reader", func() error {
				_, err := svc.UploadAttachment(ctx, "AAMk1", "a.bin", "", strings.NewReader("abcdef"), 3, nil)
				return err
			}, mail.ErrInvalidMessage, "more than"},
			{"GetFolder empty", func() error { _, err := svc.GetFolder(ctx, "", nil); return err }, odata.ErrInvalidPath, "empty folder id"},
			{"CreateFolder no name", func() error { _, err := svc.CreateFolder(ctx, mail.Inbox, " "); return err }, odata.ErrInvalidPath, "empty folder name"},
			{"UpdateFolder blank name", func() error {
				_, err := svc.UpdateFolder(ctx, mail.Inbox, mail.FolderUpdate{DisplayName: odata.Set("")})
				return err
			}, odata.ErrInvalidPath, "empty folder name"},
			{"MoveFolder no destination", func() error { _, err := svc.MoveFolder(ctx, "f1", ""); return err }, odata.ErrInvalidPath, "destination"},
			{"SyncMessages no folder", func() error {
				for _, err := range svc.SyncMessages(ctx, "", "") {
					return err
				}
				return nil
			}, odata.ErrInvalidPath, "folder"},
			{"SetAutomaticReplies unscheduled", func() error {
				return svc.SetAutomaticReplies(ctx, mail.AutomaticRepliesSetting{Status: mail.AutomaticRepliesScheduled})
			}, mail.ErrInvalidSetting, "start and an end"},
			{"SetAutomaticReplies reversed", func() error {
				return svc.SetAutomaticReplies(ctx, mail.AutomaticRepliesSetting{Status: mail.AutomaticRepliesScheduled,
					ScheduledStartDateTime: item.DateTimeTimeZone{DateTime: "2026-07-10T00:00:00", TimeZone: "UTC"},
					ScheduledEndDateTime:   item.DateTimeTimeZone{DateTime: "2026-07-01T00:00:00", TimeZone: "UTC"}})
			}, mail.ErrInvalidSetting, "before it starts"},
			{"SetClassificationOverride bad sender", func() error {
				_, err := svc.SetClassificationOverride(ctx, item.EmailAddress{Address: "ana"}, mail.ClassificationFocused)
				return err
			}, item.ErrInvalidAddress, "sender"},
			{"SetClassificationOverride bad class", func() error {
				_, err := svc.SetClassificationOverride(ctx, item.EmailAddress{Address: "ana@example.org"}, "important")
				return err
			}, mail.ErrInvalidSetting, "important"},
			{"DeleteClassificationOverride empty", func() error { return svc.DeleteClassificationOverride(ctx, "") }, odata.ErrInvalidPath, "override id"},
		}
		if e.Loc == cloud {
			cases = append(cases,
				struct {
					name string
					call func() error
					want error
					text string
				}{"CreateRule without actions", func() error {
					_, err := svc.CreateRule(ctx, &mail.MessageRule{DisplayName: "noop"})
					return err
				}, mail.ErrInvalidSetting, "no actions"},
				struct {
					name string
					call func() error
					want error
					text string
				}{"CreateRule negative sequence", func() error {
					_, err := svc.CreateRule(ctx, &mail.MessageRule{DisplayName: "r", Sequence: -1, Actions: mail.MessageRuleActions{MarkAsRead: true}})
					return err
				}, mail.ErrInvalidSetting, "sequence -1"},
				struct {
					name string
					call func() error
					want error
					text string
				}{"UpdateRule sequence 0", func() error {
					_, err := svc.UpdateRule(ctx, "r1", mail.MessageRuleUpdate{Sequence: odata.Set(0)})
					return err
				}, mail.ErrInvalidSetting, "sequence 0"},
				struct {
					name string
					call func() error
					want error
					text string
				}{"UpdateRule nothing", func() error {
					_, err := svc.UpdateRule(ctx, "r1", mail.MessageRuleUpdate{})
					return err
				}, mail.ErrInvalidSetting, "nothing to change"},
				struct {
					name string
					call func() error
					want error
					text string
				}{"Reply comment and body", func() error {
					return svc.Reply(ctx, "AAMk1", "hi", &mail.ReplyOptions{Message: &mail.Message{Body: item.TextBody("also hi")}})
				}, mail.ErrInvalidMessage, "not both"},
			)
		}
		for _, c := range cases {
			before := servicetest.RESTRequests(e.Srv, onPremHost)
			err := c.call()
			if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.text) {
				t.Errorf("%s: error %v; want one matching %v and saying %q", c.name, err, c.want, c.text)
			}
			op, _, _ := strings.Cut(c.name, " ")
			servicetest.ReadsOnce(t, err, "mail: "+op+": ")
			if n := servicetest.RESTRequests(e.Srv, onPremHost) - before; n != 0 {
				t.Errorf("%s: %d requests sent, want none", c.name, n)
			}
		}
	})
}

// What a location's API lacks is refused there before any request, with an
// error that says so (naming the dialect), and nowhere else: REST v2.0 lacks
// what Graph added later (MIME, rules, folder sync, permanent delete,
// upload sessions); EWS lacks Focused Inbox overrides, the mailbox settings
// besides automatic replies, the One-Click Archive folder (no
// DistinguishedFolderId names it), upload sessions and immutable ids.
// (UploadAttachment itself works everywhere: without upload sessions a file
// goes in one request, see TestUploadAttachmentEveryLocation.)
func TestNotSupported(t *testing.T) {
	type call struct {
		name string
		in   []servicetest.Location // where it is refused
		call func(ctx context.Context, svc *mail.Service) error
	}
	both := []servicetest.Location{ews, rest}
	const someID = "AAMkAGI2TG93AAA=" // well formed, as every API's ids are base64
	list := func(seq func(func(*mail.MessageRule, error) bool)) error {
		for _, err := range seq {
			return err
		}
		return nil
	}
	cases := []call{
		{"PurgeMessage", []servicetest.Location{rest}, func(ctx context.Context, svc *mail.Service) error { return svc.PurgeMessage(ctx, someID) }},
		{"GetMIME", []servicetest.Location{rest}, func(ctx context.Context, svc *mail.Service) error { _, err := svc.GetMIME(ctx, someID); return err }},
		{"SendMIME", []servicetest.Location{rest}, func(ctx context.Context, svc *mail.Service) error {
			return svc.SendMIME(ctx, strings.NewReader("Subject: x\r\n\r\n"))
		}},
		{"CreateDraftMIME", []servicetest.Location{rest}, func(ctx context.Context, svc *mail.Service) error {
			_, err := svc.CreateDraftMIME(ctx, strings.NewReader("Subject: x\r\n\r\n"))
			return err
		}},
		{"CreateUploadSession", both, func(ctx context.Context, svc *mail.Service) error {
			_, err := svc.CreateUploadSession(ctx, someID, "big.zip", "", 5<<20, nil)
			return err
		}},
		{"ListRules", []servicetest.Location{rest}, func(ctx context.Context, svc *mail.Service) error { return list(svc.ListRules(ctx)) }},
		{"CreateRule", []servicetest.Location{rest}, func(ctx context.Context, svc *mail.Service) error {
			_, err := svc.CreateRule(ctx, &mail.MessageRule{DisplayName: "r", Actions: mail.MessageRuleActions{MarkAsRead: true}})
			return err
		}},
		{"DeleteRule", []servicetest.Location{rest}, func(ctx context.Context, svc *mail.Service) error { return svc.DeleteRule(ctx, "r1") }},
		{"GetRule", []servicetest.Location{rest}, func(ctx context.Context, svc *mail.Service) error { _, err := svc.GetRule(ctx, "r1"); return err }},
		{"UpdateRule", []servicetest.Location{rest}, func(ctx context.Context, svc *mail.Service) error {
			_, err := svc.UpdateRule(ctx, "r1", mail.MessageRuleUpdate{IsEnabled: odata.Set(true)})
			return err
		}},
		{"SyncFolders", []servicetest.Location{rest}, func(ctx context.Context, svc *mail.Service) error {
			for _, err := range svc.SyncFolders(ctx, "") {
				return err
			}
			return nil
		}},
		{"Reply with a message", []servicetest.Location{rest}, func(ctx context.Context, svc *mail.Service) error {
			return svc.Reply(ctx, someID, "", &mail.ReplyOptions{Message: &mail.Message{CcRecipients: mail.To("c@example.org")}})
		}},
		{"GetFolder Archive", []servicetest.Location{ews}, func(ctx context.Context, svc *mail.Service) error {
			_, err := svc.GetFolder(ctx, mail.Archive, nil)
			return err
		}},
		{"MoveMessage to Archive", []servicetest.Location{ews}, func(ctx context.Context, svc *mail.Service) error {
			_, err := svc.MoveMessage(ctx, someID, mail.Archive)
			return err
		}},
		{"GetMailboxSettings", []servicetest.Location{ews}, func(ctx context.Context, svc *mail.Service) error {
			_, err := svc.GetMailboxSettings(ctx)
			return err
		}},
		{"SetClassificationOverride", []servicetest.Location{ews}, func(ctx context.Context, svc *mail.Service) error {
			_, err := svc.SetClassificationOverride(ctx, item.EmailAddress{Address: "ana@example.org"}, mail.ClassificationFocused)
			return err
		}},
		{"GetMessage with immutable ids", []servicetest.Location{ews}, func(ctx context.Context, svc *mail.Service) error {
			_, err := svc.GetMessage(ctx, someID, &odata.Query{Prefer: odata.Prefer{ImmutableIDs: true}})
			return err
		}},
	}
	eachLocation(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		n := 0
		for _, c := range cases {
			if !slices.Contains(c.in, e.Loc) {
				continue
			}
			n++
			before := e.Reads("")
			err := c.call(ctx, e.MB.Mail)
			if !errors.Is(err, odata.ErrNotSupported) || !strings.Contains(err.Error(), e.MB.OData().Dialect().String()) {
				t.Errorf("%s: %v; want ErrNotSupported naming the dialect %s", c.name, err, e.MB.OData().Dialect())
			}
			if op, _, _ := strings.Cut(c.name, " "); strings.HasPrefix(err.Error(), "mail: ") {
				servicetest.ReadsOnce(t, err, "mail: "+op+": ")
			}
			if n := e.Reads("") - before; n != 0 {
				t.Errorf("%s: %d requests sent, want none", c.name, n)
			}
		}
		if n == 0 && e.Loc != cloud {
			t.Error("no case for this location")
		}
	})
}
