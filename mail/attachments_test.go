package mail_test

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

func TestAttachments(t *testing.T) {
	eachLocation(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		svc := e.MB.Mail
		d, err := svc.CreateDraft(ctx, &mail.Message{Subject: "with files"})
		if err != nil {
			t.Fatal(err)
		}
		content := []byte("%PDF-1.7 pretend")
		a, err := svc.AddAttachment(ctx, d.ID, &mail.Attachment{Name: "report.pdf", ContentType: "application/pdf", ContentBytes: content})
		if err != nil {
			t.Fatalf("AddAttachment: %v", err)
		}
		if a.ID == "" || a.Kind != mail.FileAttachment || a.Name != "report.pdf" || a.Size == 0 {
			t.Errorf("AddAttachment = %+v", a)
		}
		inline, err := svc.AddAttachment(ctx, d.ID, &mail.Attachment{Name: "logo.png", ContentType: "image/png", ContentBytes: []byte{0x89, 'P', 'N', 'G'}, IsInline: true, ContentID: "logo"})
		if err != nil {
			t.Fatalf("AddAttachment inline: %v", err)
		}
		got, err := svc.GetAttachment(ctx, d.ID, a.ID)
		if err != nil {
			t.Fatalf("GetAttachment: %v", err)
		}
		if !bytes.Equal(got.ContentBytes, content) || got.ContentType != "application/pdf" {
			t.Errorf("GetAttachment = %+v", got)
		}
		rc, err := svc.AttachmentContent(ctx, d.ID, a.ID)
		switch {
		case err != nil:
			t.Fatalf("AttachmentContent: %v", err)
		default:
			raw, err := io.ReadAll(rc)
			rc.Close()
			if err != nil || !bytes.Equal(raw, content) {
				t.Errorf("AttachmentContent = %q, %v; want %q", raw, err, content)
			}
		}
		n := 0
		for att, err := range svc.ListAttachments(ctx, d.ID, nil) {
			if err != nil {
				t.Fatal(err)
			}
			if att.ID == inline.ID && (!att.IsInline || att.ContentID != "logo") {
				t.Errorf("inline attachment listed as %+v", att)
			}
			n++
		}
		if n != 2 {
			t.Errorf("ListAttachments gave %d, want 2", n)
		}
		if err := svc.DeleteAttachment(ctx, d.ID, a.ID); err != nil {
			t.Fatalf("DeleteAttachment: %v", err)
		}
		if _, err := svc.GetAttachment(ctx, d.ID, a.ID); !errors.Is(err, odata.ErrNotFound) {
			t.Errorf("GetAttachment after delete: %v, want ErrNotFound", err)
		}
		// Up to the inline limit, UploadAttachment works in both dialects.
		small := bytes.Repeat([]byte("0123456789"), 1000)
		up, err := svc.UploadAttachment(ctx, d.ID, "small.txt", "text/plain", bytes.NewReader(small), int64(len(small)), nil)
		if err != nil {
			t.Fatalf("UploadAttachment(small): %v", err)
		}
		if got, err := svc.GetAttachment(ctx, d.ID, up.ID); err != nil || !bytes.Equal(got.ContentBytes, small) {
			t.Errorf("the small upload reads back wrong: %v", err)
		}
	})
}

// A file larger than Graph takes inline is attached in every location:
// through an upload session on Graph; on premises, where there are none (the
// service learns it from CreateUploadSession's ErrNotSupported, sent
// nowhere), in one request, up to what the server takes.
func TestUploadAttachmentEveryLocation(t *testing.T) {
	eachLocation(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		d, err := e.MB.Mail.CreateDraft(ctx, &mail.Message{Subject: "big"})
		if err != nil {
			t.Fatal(err)
		}
		file := bytes.Repeat([]byte("0123456789abcdef"), 5<<20/16+7)
		e.Srv.ResetRequests()
		a, err := e.MB.Mail.UploadAttachment(ctx, d.ID, "big.bin", "application/octet-stream", bytes.NewReader(file), int64(len(file)), nil)
		if err != nil {
			t.Fatalf("UploadAttachment: %v", err)
		}
		got, err := e.MB.Mail.GetAttachment(ctx, d.ID, a.ID)
		if err != nil || !bytes.Equal(got.ContentBytes, file) || got.Name != "big.bin" {
			t.Fatalf("GetAttachment: %d bytes, %v", len(got.ContentBytes), err)
		}
		sessions := 0
		for _, r := range e.Srv.Requests() {
			if r.Host == "outlook.office.com" {
				sessions++
			}
		}
		if (sessions > 0) != (e.Loc == cloud) {
			t.Errorf("%d requests to the upload host; want some only in the cloud", sessions)
		}
	})
}

// A large file goes through an upload session in chunks, without the
// mailbox's token, and survives failed chunks.
func TestUploadLargeAttachment(t *testing.T) {
	size := int64(9<<20 + 12345)
	file := make([]byte, size)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range file {
		file[i] = byte(rng.Uint32())
	}
	cases := []struct {
		name   string
		faults []outlooktest.Fault
		reader func() io.Reader
	}{
		{"clean", nil, func() io.Reader { return bytes.NewReader(file) }},
		{"5xx on the second chunk", []outlooktest.Fault{{Host: "outlook.office.com", Method: "PUT", After: 1, Times: 2, Status: 503}},
			func() io.Reader { return bytes.NewReader(file) }},
		{"dropped connection, plain reader", []outlooktest.Fault{{Host: "outlook.office.com", Method: "PUT", After: 2, Times: 1, DropAfterBody: true}},
			func() io.Reader { return io.MultiReader(bytes.NewReader(file)) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, cloud)
			ctx := t.Context()
			d, err := e.MB.Mail.CreateDraft(ctx, &mail.Message{Subject: "big"})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range c.faults {
				e.Srv.Inject(f)
			}
			a, err := e.MB.Mail.UploadAttachment(ctx, d.ID, "big.bin", "application/octet-stream", c.reader(), size, &mail.UploadOptions{ChunkSize: 10 * mail.UploadChunkUnit})
			if err != nil {
				t.Fatalf("UploadAttachment: %v", err)
			}
			got, err := e.MB.Mail.GetAttachment(ctx, d.ID, a.ID)
			if err != nil {
				t.Fatalf("GetAttachment(%q): %v", a.ID, err)
			}
			if !bytes.Equal(got.ContentBytes, file) {
				t.Errorf("uploaded %d bytes read back as %d bytes, equal=%v", size, len(got.ContentBytes), bytes.Equal(got.ContentBytes, file))
			}
			for _, r := range e.Srv.Requests() {
				if r.Method == "PUT" && r.TokenSent {
					t.Errorf("a chunk was sent with the mailbox's token to %s", r.Host)
				}
			}
		})
	}
}

// TestAttachmentReadsSurviveTruncatedBodies: an attachment download, a
// listing and a get whose answer is cut short (outlooktest's TruncateBody:
// the full Content-Length, half the body, then the connection closed) are
// read again by the client, within its retry policy, and come out whole.
func TestAttachmentReadsSurviveTruncatedBodies(t *testing.T) {
	eachLocation(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		svc := e.MB.Mail
		d, err := svc.CreateDraft(ctx, &mail.Message{Subject: "with a file"})
		if err != nil {
			t.Fatal(err)
		}
		content := bytes.Repeat([]byte("attachment bytes "), 20_000) // 340 kB
		a, err := svc.AddAttachment(ctx, d.ID, &mail.Attachment{Name: "big.txt", ContentType: "text/plain", ContentBytes: content})
		if err != nil {
			t.Fatal(err)
		}
		prefix := "/users/" + e.Addr + "/messages/" + d.ID + "/attachments"
		// Each read is made once cleanly, to count the requests it takes
		// (one on Graph and REST v2.0; on EWS a listing asks GetItem for the
		// attachments' ids, then GetAttachment), then again with its first
		// answer cut short: it must take exactly one request more.
		reads := map[string]func() error{
			"GetAttachment": func() error {
				got, err := svc.GetAttachment(ctx, d.ID, a.ID)
				if err == nil && !bytes.Equal(got.ContentBytes, content) {
					t.Errorf("GetAttachment read %d bytes, want %d", len(got.ContentBytes), len(content))
				}
				return err
			},
			"ListAttachments": func() error {
				n := 0
				for att, err := range svc.ListAttachments(ctx, d.ID, nil) {
					if err != nil {
						return err
					}
					if !bytes.Equal(att.ContentBytes, content) {
						t.Errorf("listed attachment has %d bytes, want %d", len(att.ContentBytes), len(content))
					}
					n++
				}
				if n != 1 {
					t.Errorf("listed %d attachments, want 1", n)
				}
				return nil
			},
			// On premises there is no raw-content call: AttachmentContent
			// reads the attachment.
			"AttachmentContent": func() error {
				rc, err := svc.AttachmentContent(ctx, d.ID, a.ID)
				if err != nil {
					return err
				}
				raw, err := io.ReadAll(rc)
				rc.Close()
				if err == nil && !bytes.Equal(raw, content) {
					t.Errorf("AttachmentContent read %d bytes, want %d", len(raw), len(content))
				}
				return err
			},
		}
		for _, name := range []string{"GetAttachment", "ListAttachments", "AttachmentContent"} {
			e.Srv.ResetRequests()
			if err := reads[name](); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			clean := e.Reads(prefix)
			e.Srv.ResetRequests()
			f := e.ReadFault(prefix)
			f.Times, f.TruncateBody = 1, true
			e.Srv.Inject(f)
			if err := reads[name](); err != nil {
				t.Fatalf("%s after a truncated answer: %v", name, err)
			}
			if n := e.Reads(prefix); clean == 0 || n != clean+1 {
				t.Errorf("%s: %d reads reached the server, want %d (the one cut short, read again)", name, n, clean+1)
			}
		}
	})
}
