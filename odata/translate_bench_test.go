package odata

import (
	"bytes"
	"fmt"
	"testing"
)

// BenchmarkTranslatePage measures the v2.0 -> Graph pass alone over a
// 1000-message page.
func BenchmarkTranslatePage(b *testing.B) {
	registerSampleTables()
	var g bytes.Buffer
	g.WriteString(`{"value":[`)
	for i := range 1000 {
		if i > 0 {
			g.WriteByte(',')
		}
		fmt.Fprintf(&g, `{"@odata.etag":"W/\"CQAAABYAAACd9nJ%06d\"","id":"AAMkAGI2THVSAAA%06d=","createdDateTime":"2024-05-02T09:12:44Z","lastModifiedDateTime":"2024-05-02T09:12:45Z","changeKey":"CQAAABYAAACd9nJ","categories":["Red category","Finance"],"receivedDateTime":"2024-05-02T09:12:44Z","sentDateTime":"2024-05-02T09:12:40Z","hasAttachments":false,"internetMessageId":"<BY1PR19MB@BY1PR19MB0023.namprd19.prod.outlook.com>","subject":"Quarterly numbers %d: please review before Friday","bodyPreview":"Hi team, the quarterly numbers are attached. Please review them and send comments before Friday so that we can finalise the report.","importance":"normal","parentFolderId":"AAMkAGI2AAEMAAA=","conversationId":"AAQkAGI2TIzMzAAA=","isDeliveryReceiptRequested":false,"isReadReceiptRequested":false,"isRead":true,"isDraft":false,"webLink":"https://outlook.office365.com/owa/?ItemID=AAMkAGI2THVSAAA%%3D&exvsurl=1&viewmodel=ReadMessageItem","inferenceClassification":"focused","body":{"contentType":"html","content":"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\"></head><body><p>Hi team, the quarterly numbers are attached.</p><p>Please review them and send comments before Friday.</p></body></html>"},"sender":{"emailAddress":{"name":"Lee Gu","address":"lee@contoso.com"}},"from":{"emailAddress":{"name":"Lee Gu","address":"lee@contoso.com"}},"toRecipients":[{"emailAddress":{"name":"Alice","address":"alice@contoso.com"}},{"emailAddress":{"name":"Bob","address":"bob@contoso.com"}}],"ccRecipients":[],"bccRecipients":[],"replyTo":[],"flag":{"flagStatus":"notFlagged"}}`, i, i, i)
	}
	g.WriteString(`]}`)
	v2, err := OutlookV2.toWire(nil, g.Bytes())
	if err != nil {
		b.Fatal(err)
	}
	dst := make([]byte, 0, len(v2)*2)
	b.SetBytes(int64(len(v2)))
	b.ReportAllocs()
	for b.Loop() {
		out, err := OutlookV2.fromWire(dst[:0], v2)
		if err != nil || len(out) != len(g.Bytes()) {
			b.Fatal(err)
		}
	}
}
