package main

import (
	"bufio"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"net/textproto"
	"strings"
	"time"

	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/mail"
)

// composeEML writes a message as RFC 5322 content from its properties and
// file attachments, for the API that does not serve a message's MIME
// content (Outlook REST v2.0): the headers a reader needs (From, To, Cc,
// Subject, Date, Message-ID), the body as sent (text or HTML) and each file
// attachment. Item attachments (a message inside a message) are left out.
func composeEML(ctx context.Context, svc *mail.Service, id string, w io.Writer) error {
	m, err := svc.GetMessage(ctx, id, nil)
	if err != nil {
		return err
	}
	var atts []*mail.Attachment
	if m.HasAttachments {
		for a, err := range svc.ListAttachments(ctx, id, nil) {
			if err != nil {
				return err
			}
			if a.Kind == mail.FileAttachment || a.Kind == "" {
				atts = append(atts, a)
			}
		}
	}
	bw := bufio.NewWriter(w)
	h := func(name, value string) {
		if value != "" {
			fmt.Fprintf(bw, "%s: %s\r\n", name, value)
		}
	}
	h("From", addressList([]item.Recipient{m.From}))
	h("To", addressList(m.ToRecipients))
	h("Cc", addressList(m.CcRecipients))
	h("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	date := m.SentDateTime
	if date.IsZero() {
		date = m.ReceivedDateTime
	}
	if !date.IsZero() {
		h("Date", date.Format(time.RFC1123Z))
	}
	h("Message-ID", m.InternetMessageID)
	h("MIME-Version", "1.0")
	bodyType := "text/plain"
	if m.Body.ContentType == item.BodyTypeHTML {
		bodyType = "text/html"
	}
	bodyHeader := textproto.MIMEHeader{
		"Content-Type":              {bodyType + "; charset=utf-8"},
		"Content-Transfer-Encoding": {"quoted-printable"},
	}
	if len(atts) == 0 {
		for _, k := range []string{"Content-Type", "Content-Transfer-Encoding"} {
			h(k, bodyHeader.Get(k))
		}
		bw.WriteString("\r\n")
		if err := writeQP(bw, m.Body.Content); err != nil {
			return err
		}
		return bw.Flush()
	}
	mw := multipart.NewWriter(bw)
	h("Content-Type", "multipart/mixed; boundary="+mw.Boundary())
	bw.WriteString("\r\n")
	part, err := mw.CreatePart(bodyHeader)
	if err != nil {
		return err
	}
	if err := writeQP(part, m.Body.Content); err != nil {
		return err
	}
	for _, a := range atts {
		ct := a.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		disposition := "attachment"
		if a.IsInline {
			disposition = "inline"
		}
		ph := textproto.MIMEHeader{
			"Content-Type":              {mime.FormatMediaType(ct, map[string]string{"name": a.Name})},
			"Content-Disposition":       {mime.FormatMediaType(disposition, map[string]string{"filename": a.Name})},
			"Content-Transfer-Encoding": {"base64"},
		}
		if a.ContentID != "" {
			ph.Set("Content-ID", "<"+a.ContentID+">")
		}
		part, err := mw.CreatePart(ph)
		if err != nil {
			return err
		}
		if err := writeBase64(part, a.ContentBytes); err != nil {
			return err
		}
	}
	if err := mw.Close(); err != nil {
		return err
	}
	return bw.Flush()
}

// addressList formats recipients as an address header's value, display
// names encoded where they need it.
func addressList(rs []item.Recipient) string {
	var out []string
	for _, r := range rs {
		if r.EmailAddress.Address == "" {
			continue
		}
		out = append(out, (&netmail.Address{Name: r.EmailAddress.Name, Address: r.EmailAddress.Address}).String())
	}
	return strings.Join(out, ", ")
}

func writeQP(w io.Writer, s string) error {
	qw := quotedprintable.NewWriter(w)
	if _, err := io.WriteString(qw, s); err != nil {
		return err
	}
	return qw.Close()
}

// writeBase64 writes b in base64 lines of 76 characters, as RFC 2045 asks.
func writeBase64(w io.Writer, b []byte) error {
	enc := base64.StdEncoding.EncodeToString(b)
	for len(enc) > 0 {
		n := min(76, len(enc))
		if _, err := io.WriteString(w, enc[:n]+"\r\n"); err != nil {
			return err
		}
		enc = enc[n:]
	}
	return nil
}
