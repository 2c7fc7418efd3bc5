// Package mimemsg writes a message's MIME (RFC 5322) form, as GET
// /messages/{id}/$value answers it, and reads it back, as POST /messages and
// POST /sendMail take it (base64 in a text/plain body). Messages and
// attachments are Graph-form objects. Written on net/mail, mime and
// mime/multipart only.
package mimemsg

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/exchangekit/outlook/outlooktest/internal/datetime"
	"github.com/exchangekit/outlook/outlooktest/internal/schema"
)

// Object is a Graph-form message, attachment or value inside them.
type Object = schema.Object

// Limits of the MIME reader: enough for any real message, small enough that
// a hostile one cannot make the server spin.
const (
	mimeMaxDepth = 8   // nested multiparts and message/rfc822 parts
	mimeMaxParts = 500 // leaf parts in one message
)

// Error is a MIME body the server cannot read: the REST hosts answer 400
// with Code.
type Error struct{ Code, Message string }

// Error returns the message Exchange gives.
func (e *Error) Error() string { return e.Message }

func mimeError(format string, args ...any) *Error {
	return &Error{Code: "ErrorMimeContentConversionFailed", Message: fmt.Sprintf(format, args...)}
}

// DecodeBody reads what a client POSTs as text/plain: the base64 of a
// whole MIME message. It returns the message (Graph form, as a create body)
// and its attachments (Graph form, as attachment create bodies).
func DecodeBody(data []byte) (Object, []Object, error) {
	clean := bytes.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n':
			return -1
		}
		return r
	}, data)
	if len(clean) == 0 {
		return nil, nil, &Error{Code: "ErrorMimeContentInvalidBase64String", Message: "Invalid base64 string for MIME content: the body is empty."}
	}
	raw := make([]byte, base64.StdEncoding.DecodedLen(len(clean)))
	n, err := base64.StdEncoding.Decode(raw, clean)
	if err != nil {
		return nil, nil, &Error{Code: "ErrorMimeContentInvalidBase64String", Message: "Invalid base64 string for MIME content."}
	}
	return Parse(raw[:n])
}

// Parse reads an RFC 5322 message: the message (Graph form, as a create
// body) and its attachments (Graph form, as attachment create bodies).
func Parse(raw []byte) (Object, []Object, error) {
	pr := &mimeReader{}
	return pr.message(raw, 0)
}

type mimeReader struct {
	parts int
}

var wordDecoder = &mime.WordDecoder{CharsetReader: func(charset string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(charset) {
	case "iso-8859-1", "latin1", "windows-1252":
		b, err := io.ReadAll(in)
		if err != nil {
			return nil, err
		}
		return strings.NewReader(latin1(b)), nil
	}
	return nil, fmt.Errorf("charset %q is not supported", charset)
}}

func latin1(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		sb.WriteRune(rune(c))
	}
	return sb.String()
}

// headerText decodes a header's encoded words, keeping the raw text when
// they are malformed or in a charset the server does not read.
func headerText(s string) string {
	if d, err := wordDecoder.DecodeHeader(s); err == nil {
		s = d
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

func (pr *mimeReader) message(raw []byte, depth int) (Object, []Object, error) {
	if depth > mimeMaxDepth {
		return nil, nil, mimeError("MIME content is nested more than %d levels deep.", mimeMaxDepth)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, nil, mimeError("MIME content could not be read: %v", err)
	}
	h := msg.Header
	obj := Object{}
	if s := h.Get("Subject"); s != "" {
		obj["subject"] = headerText(s)
	}
	addrField := func(name, prop string, single bool) error {
		if h.Get(name) == "" {
			return nil
		}
		list, err := mail.ParseAddressList(h.Get(name))
		if err != nil {
			return mimeError("MIME header %s is not an address list: %v", name, err)
		}
		var rs []any
		for _, a := range list {
			rs = append(rs, Object{"emailAddress": Object{"name": strings.ToValidUTF8(a.Name, "\uFFFD"), "address": strings.ToValidUTF8(a.Address, "\uFFFD")}})
		}
		switch {
		case single && len(rs) > 0:
			obj[prop] = rs[0]
		case !single:
			obj[prop] = rs
		}
		return nil
	}
	for _, f := range []struct {
		name, prop string
		single     bool
	}{{"From", "from", true}, {"Sender", "sender", true}, {"To", "toRecipients", false}, {"Cc", "ccRecipients", false}, {"Bcc", "bccRecipients", false}, {"Reply-To", "replyTo", false}} {
		if err := addrField(f.name, f.prop, f.single); err != nil {
			return nil, nil, err
		}
	}
	if d, err := h.Date(); err == nil {
		obj["sentDateTime"] = datetime.Format(d)
	}
	if id := strings.TrimSpace(h.Get("Message-Id")); id != "" {
		obj["internetMessageId"] = strings.ToValidUTF8(id, "\uFFFD")
	}
	var custom []any
	for k, vs := range h {
		if strings.HasPrefix(strings.ToLower(k), "x-") {
			for _, v := range vs {
				custom = append(custom, Object{"name": k, "value": headerText(v)})
			}
		}
	}
	if len(custom) > 0 {
		obj["internetMessageHeaders"] = custom
	}
	body, err := io.ReadAll(msg.Body)
	if err != nil {
		return nil, nil, mimeError("MIME content could not be read: %v", err)
	}
	var atts []Object
	var text, html *string
	if err := pr.entity(textproto.MIMEHeader(h), body, depth, &atts, &text, &html); err != nil {
		return nil, nil, err
	}
	switch {
	case html != nil:
		obj["body"] = Object{"contentType": "html", "content": *html}
	case text != nil:
		obj["body"] = Object{"contentType": "text", "content": *text}
	}
	return obj, atts, nil
}

// entity reads one MIME entity (the message's own body or a part): a body
// text, a multipart to walk, or an attachment.
func (pr *mimeReader) entity(h textproto.MIMEHeader, body []byte, depth int, atts *[]Object, text, html **string) error {
	if depth > mimeMaxDepth {
		return mimeError("MIME content is nested more than %d levels deep.", mimeMaxDepth)
	}
	ct := h.Get("Content-Type")
	if ct == "" {
		ct = "text/plain; charset=us-ascii"
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return mimeError("MIME Content-Type %q is not valid: %v", ct, err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		b := params["boundary"]
		if b == "" {
			return mimeError("MIME multipart has no boundary.")
		}
		mr := multipart.NewReader(bytes.NewReader(body), b)
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return mimeError("MIME multipart could not be read: %v", err)
			}
			pb, err := io.ReadAll(p)
			if err != nil {
				return mimeError("MIME part could not be read: %v", err)
			}
			if err := pr.entity(p.Header, pb, depth+1, atts, text, html); err != nil {
				return err
			}
		}
	}
	pr.parts++
	if pr.parts > mimeMaxParts {
		return mimeError("MIME content has more than %d parts.", mimeMaxParts)
	}
	data, err := transferDecode(h.Get("Content-Transfer-Encoding"), body)
	if err != nil {
		return err
	}
	disp, dparams, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	name := dparams["filename"]
	if name == "" {
		name = params["name"]
	}
	name = headerText(name)
	cid := strings.Trim(strings.TrimSpace(h.Get("Content-Id")), "<>")
	isText := mt == "text/plain" || mt == "text/html"
	if isText && disp != "attachment" && name == "" {
		s := decodeCharset(params["charset"], data)
		switch {
		case mt == "text/html" && *html == nil:
			*html = &s
			return nil
		case mt == "text/plain" && *text == nil:
			*text = &s
			return nil
		}
	}
	if mt == "message/rfc822" {
		item, itemAtts, err := pr.message(data, depth+1)
		if err != nil {
			return err
		}
		item["@odata.type"] = schema.GraphNS + "message"
		if len(itemAtts) > 0 {
			as := make([]any, len(itemAtts))
			for i, a := range itemAtts {
				as[i] = a
			}
			item["attachments"] = as
		}
		if name == "" {
			name, _ = item["subject"].(string)
		}
		*atts = append(*atts, Object{"@odata.type": schema.GraphNS + "itemAttachment", "name": name, "item": item, "isInline": false})
		return nil
	}
	if name == "" {
		name = "attachment"
	}
	a := Object{
		"@odata.type":  schema.GraphNS + "fileAttachment",
		"name":         name,
		"contentType":  mt,
		"contentBytes": base64.StdEncoding.EncodeToString(data),
		"isInline":     disp == "inline" || (disp == "" && cid != ""),
	}
	if cid != "" {
		a["contentId"] = strings.ToValidUTF8(cid, "\uFFFD")
	}
	*atts = append(*atts, a)
	return nil
}

func transferDecode(enc string, body []byte) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(enc)) {
	case "base64":
		clean := bytes.Map(func(r rune) rune {
			if r == '\r' || r == '\n' || r == ' ' || r == '\t' {
				return -1
			}
			return r
		}, body)
		out := make([]byte, base64.StdEncoding.DecodedLen(len(clean)))
		n, err := base64.StdEncoding.Decode(out, clean)
		if err != nil {
			return nil, mimeError("MIME part is not valid base64: %v", err)
		}
		return out[:n], nil
	case "quoted-printable":
		out, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(body)))
		if err != nil {
			return nil, mimeError("MIME part is not valid quoted-printable: %v", err)
		}
		return out, nil
	case "", "7bit", "8bit", "binary":
		return body, nil
	}
	return nil, mimeError("MIME Content-Transfer-Encoding %q is not supported.", enc)
}

func decodeCharset(charset string, b []byte) string {
	switch strings.ToLower(charset) {
	case "iso-8859-1", "latin1", "windows-1252":
		return latin1(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// Build writes msg (a Graph-form message view) and its attachments as an
// RFC 5322 message: the headers Exchange writes, the body as one text or
// HTML part (quoted-printable), and each attachment as a base64 part of a
// multipart/mixed.
func Build(msg Object, atts []Object) []byte { return build(msg, atts, 0) }

func build(msg Object, atts []Object, depth int) []byte {
	var buf bytes.Buffer
	hdr := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&buf, "%s: %s\r\n", k, v)
		}
	}
	hdr("From", addrHeader(msg["from"]))
	if s, f := addrHeader(msg["sender"]), addrHeader(msg["from"]); s != f {
		hdr("Sender", s)
	}
	hdr("To", addrHeader(msg["toRecipients"]))
	hdr("Cc", addrHeader(msg["ccRecipients"]))
	hdr("Bcc", addrHeader(msg["bccRecipients"]))
	hdr("Reply-To", addrHeader(msg["replyTo"]))
	subj, _ := msg["subject"].(string)
	hdr("Subject", encodeWords(subj))
	for _, k := range []string{"sentDateTime", "receivedDateTime", "createdDateTime"} {
		if s, ok := msg[k].(string); ok {
			if t, err := datetime.Parse(s); err == nil {
				hdr("Date", t.UTC().Format(time.RFC1123Z))
				break
			}
		}
	}
	if id, _ := msg["internetMessageId"].(string); id != "" {
		hdr("Message-ID", headerSafe(id))
	}
	hs, _ := msg["internetMessageHeaders"].([]any)
	for _, x := range hs {
		xo, _ := x.(map[string]any)
		name, _ := xo["name"].(string)
		val, _ := xo["value"].(string)
		if validHeaderName(name) && strings.HasPrefix(strings.ToLower(name), "x-") {
			hdr(name, encodeWords(val))
		}
	}
	hdr("MIME-Version", "1.0")
	bodyType, content := "text/plain", ""
	if b, ok := msg["body"].(map[string]any); ok {
		content, _ = b["content"].(string)
		if ct, _ := b["contentType"].(string); strings.EqualFold(ct, "html") {
			bodyType = "text/html"
		}
	}
	writeBody := func(w io.Writer) {
		qw := quotedprintable.NewWriter(w)
		qw.Write([]byte(content))
		qw.Close()
	}
	if len(atts) == 0 {
		hdr("Content-Type", bodyType+"; charset=utf-8")
		hdr("Content-Transfer-Encoding", "quoted-printable")
		buf.WriteString("\r\n")
		writeBody(&buf)
		return buf.Bytes()
	}
	var parts bytes.Buffer
	mw := multipart.NewWriter(&parts)
	hdr("Content-Type", `multipart/mixed; boundary="`+mw.Boundary()+`"`)
	buf.WriteString("\r\n")
	bw, _ := mw.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {bodyType + "; charset=utf-8"},
		"Content-Transfer-Encoding": {"quoted-printable"},
	})
	writeBody(bw)
	for _, a := range atts {
		ct, data := attachmentContent(a, depth)
		if data == nil {
			continue // a reference attachment has no content to carry
		}
		name, _ := a["name"].(string)
		inline, _ := a["isInline"].(bool)
		disp := "attachment"
		if inline {
			disp = "inline"
		}
		ph := textproto.MIMEHeader{}
		ph.Set("Content-Type", mime.FormatMediaType(ct, map[string]string{"name": name}))
		if ph.Get("Content-Type") == "" { // a content type the server cannot format
			ph.Set("Content-Type", "application/octet-stream")
		}
		if d := mime.FormatMediaType(disp, map[string]string{"filename": name}); d != "" {
			ph.Set("Content-Disposition", d)
		} else {
			ph.Set("Content-Disposition", disp)
		}
		if cid, _ := a["contentId"].(string); cid != "" {
			ph.Set("Content-ID", "<"+headerSafe(cid)+">")
		}
		if ct == "message/rfc822" {
			pw, _ := mw.CreatePart(ph)
			pw.Write(data)
			continue
		}
		ph.Set("Content-Transfer-Encoding", "base64")
		pw, _ := mw.CreatePart(ph)
		writeBase64Lines(pw, data)
	}
	mw.Close()
	buf.Write(parts.Bytes())
	return buf.Bytes()
}

// AttachmentContent returns the media type and bytes an attachment's $value
// and MIME part carry; nil bytes for a reference attachment.
func AttachmentContent(a Object) (string, []byte) { return attachmentContent(a, 0) }

func attachmentContent(a Object, depth int) (string, []byte) {
	switch t, _ := a["@odata.type"].(string); t {
	case schema.GraphNS + "fileAttachment":
		cb, _ := a["contentBytes"].(string)
		data, err := base64.StdEncoding.DecodeString(cb)
		if err != nil {
			data = []byte{}
		}
		ct, _ := a["contentType"].(string)
		if _, _, err := mime.ParseMediaType(ct); err != nil || !strings.Contains(ct, "/") {
			ct = "application/octet-stream"
		}
		return ct, data
	case schema.GraphNS + "itemAttachment":
		item, _ := a["item"].(map[string]any)
		it, _ := item["@odata.type"].(string)
		switch strings.ToLower(schema.ODataTypeToGraph(it)) {
		case "#microsoft.graph.event":
			return "text/calendar", iCalendar(item)
		case "#microsoft.graph.contact":
			return "text/vcard", vCard(item)
		}
		if depth >= mimeMaxDepth {
			return "message/rfc822", []byte("\r\n")
		}
		var inner []Object
		as, _ := item["attachments"].([]any)
		for _, x := range as {
			if xo, ok := x.(map[string]any); ok {
				inner = append(inner, xo)
			}
		}
		return "message/rfc822", build(item, inner, depth+1)
	}
	return "", nil
}

func writeBase64Lines(w io.Writer, data []byte) {
	enc := base64.StdEncoding.EncodeToString(data)
	for len(enc) > 76 {
		io.WriteString(w, enc[:76]+"\r\n")
		enc = enc[76:]
	}
	io.WriteString(w, enc+"\r\n")
}

// addrHeader formats a recipient or a list of them.
func addrHeader(v any) string {
	var list []any
	switch v := v.(type) {
	case map[string]any:
		list = []any{v}
	case []any:
		list = v
	}
	var out []string
	for _, r := range list {
		ro, _ := r.(map[string]any)
		ea, _ := ro["emailAddress"].(map[string]any)
		addr, _ := ea["address"].(string)
		name, _ := ea["name"].(string)
		addr = headerSafe(addr)
		if addr == "" {
			continue
		}
		a := mail.Address{Name: headerSafe(name), Address: addr}
		if strings.EqualFold(a.Name, a.Address) {
			a.Name = ""
		}
		out = append(out, a.String())
	}
	return strings.Join(out, ", ")
}

// headerSafe drops control characters, which would end a header line.
func headerSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || c == ':' {
			return false
		}
	}
	return true
}

// encodeWords writes header text as is when it is printable ASCII that no
// decoder would take for an encoded word, else as RFC 2047 "B" words of at
// most 45 bytes of UTF-8 each, so that reading it back gives the same text.
func encodeWords(s string) string {
	plain := !strings.Contains(s, "=?") && s == strings.TrimSpace(s) && !strings.Contains(s, "  ")
	for i := 0; plain && i < len(s); i++ {
		if s[i] < ' ' || s[i] >= 0x7f {
			plain = false
		}
	}
	if plain {
		return s
	}
	var words []string
	for len(s) > 0 {
		n := 0
		for n < len(s) && n < 45 {
			_, size := utf8.DecodeRuneInString(s[n:])
			if n+size > 45 && n > 0 {
				break
			}
			n += size
		}
		words = append(words, "=?utf-8?b?"+base64.StdEncoding.EncodeToString([]byte(s[:n]))+"?=")
		s = s[n:]
	}
	return strings.Join(words, " ")
}

// iCalendar is the minimal iCalendar of an event item attachment.
func iCalendar(ev Object) []byte {
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//outlooktest//EN\r\nBEGIN:VEVENT\r\n")
	if s, _ := ev["subject"].(string); s != "" {
		b.WriteString("SUMMARY:" + icalText(s) + "\r\n")
	}
	for _, k := range []string{"start", "end"} {
		if t, ok := datetime.Instant(ev[k]); ok {
			b.WriteString("DT" + strings.ToUpper(k) + ":" + t.UTC().Format("20060102T150405Z") + "\r\n")
		}
	}
	if uid, _ := ev["iCalUId"].(string); uid != "" {
		b.WriteString("UID:" + icalText(uid) + "\r\n")
	}
	b.WriteString("END:VEVENT\r\nEND:VCALENDAR\r\n")
	return []byte(b.String())
}

// vCard is the minimal vCard of a contact item attachment.
func vCard(ct Object) []byte {
	var b strings.Builder
	b.WriteString("BEGIN:VCARD\r\nVERSION:3.0\r\n")
	name, _ := ct["displayName"].(string)
	b.WriteString("FN:" + icalText(name) + "\r\n")
	es, _ := ct["emailAddresses"].([]any)
	for _, e := range es {
		eo, _ := e.(map[string]any)
		if a, _ := eo["address"].(string); a != "" {
			b.WriteString("EMAIL;TYPE=INTERNET:" + icalText(a) + "\r\n")
		}
	}
	b.WriteString("END:VCARD\r\n")
	return []byte(b.String())
}

func icalText(s string) string {
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)
	return r.Replace(s)
}
