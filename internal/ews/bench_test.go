package ews

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
)

// getItemPage is a GetItem response of n messages with the properties
// Graph returns by default, in Exchange's element order.
func getItemPage(n int) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><h:ServerVersionInfo MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507" MinorBuildNumber="6" Version="V2017_07_11" xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types" xmlns="http://schemas.microsoft.com/exchange/services/2006/types"/></s:Header>`)
	b.WriteString(`<s:Body><m:GetItemResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><m:ResponseMessages>`)
	body := strings.Repeat("&lt;p&gt;Quarterly numbers attached, see the summary below. Let us meet on Friday.&lt;/p&gt;\n", 20)
	for i := range n {
		id := base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("\x00\x00item%06d/\xfb\xff%s", i, strings.Repeat("x", 100))))
		rcv := time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute).Format(time.RFC3339)
		fmt.Fprintf(&b, `<m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items><t:Message>`+
			`<t:ItemId Id="%s" ChangeKey="CQAAABYAAABi6nN+%04d"/><t:ParentFolderId Id="AAMkAGI2AAEMAAA=" ChangeKey="AQAAAA=="/>`+
			`<t:Subject>Budget review %d</t:Subject><t:Body BodyType="HTML">%s</t:Body><t:DateTimeReceived>%s</t:DateTimeReceived>`+
			`<t:Categories><t:String>Red</t:String><t:String>Finance</t:String></t:Categories><t:Importance>Normal</t:Importance>`+
			`<t:IsDraft>false</t:IsDraft><t:DateTimeSent>%[5]s</t:DateTimeSent><t:DateTimeCreated>%[5]s</t:DateTimeCreated><t:HasAttachments>false</t:HasAttachments>`+
			`<t:LastModifiedTime>%[5]s</t:LastModifiedTime><t:ConversationId Id="AAQkAGI2TG93AAA="/>`+
			`<t:Flag><t:FlagStatus>NotFlagged</t:FlagStatus></t:Flag><t:Preview>Quarterly numbers attached, see the summary below.</t:Preview>`+
			`<t:Sender><t:Mailbox><t:Name>Ana Ruiz</t:Name><t:EmailAddress>ana@contoso.com</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType></t:Mailbox></t:Sender>`+
			`<t:ToRecipients><t:Mailbox><t:Name>Bob Lee</t:Name><t:EmailAddress>bob@contoso.com</t:EmailAddress></t:Mailbox><t:Mailbox><t:Name>Cy Ng</t:Name><t:EmailAddress>cy@contoso.com</t:EmailAddress></t:Mailbox><t:Mailbox><t:Name>Di Wu</t:Name><t:EmailAddress>di@contoso.com</t:EmailAddress></t:Mailbox></t:ToRecipients>`+
			`<t:CcRecipients><t:Mailbox><t:Name>Ed Ko</t:Name><t:EmailAddress>ed@contoso.com</t:EmailAddress></t:Mailbox></t:CcRecipients>`+
			`<t:IsReadReceiptRequested>false</t:IsReadReceiptRequested><t:IsDeliveryReceiptRequested>false</t:IsDeliveryReceiptRequested>`+
			`<t:ConversationIndex>AQHZ5pQ3qLzRbXh8TfKcRg==</t:ConversationIndex>`+
			`<t:From><t:Mailbox><t:Name>Ana Ruiz</t:Name><t:EmailAddress>ana@contoso.com</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType></t:Mailbox></t:From>`+
			`<t:InternetMessageId>&lt;m%[3]d@contoso.com&gt;</t:InternetMessageId><t:IsRead>true</t:IsRead>`+
			`</t:Message></m:Items></m:GetItemResponseMessage>`, id, i, i, body, rcv)
	}
	b.WriteString(`</m:ResponseMessages></m:GetItemResponse></s:Body></s:Envelope>`)
	return []byte(b.String())
}

// decodeGetItemPage reads a GetItem response through the backend's reader
// into Graph JSON, and that into mail messages, as a listing does.
func decodeGetItemPage(doc []byte, s *odata.Schema) ([]mail.Message, error) {
	x := newXMLReader(bytes.NewReader(doc), 0)
	cv := &converter{x: x}
	out := make([]byte, 0, len(doc))
	out = append(out, `{"value":[`...)
	var fault status
	var buf []byte
	_, err := readEnvelope(x, &fault, &buf, func() error {
		return readMessages(x, &buf, func(_ int, ms *status) error {
			if !x.is("Items") {
				return x.skip()
			}
			return x.children(func() error {
				out = comma(out)
				var err error
				out, err = cv.entity(out, s)
				return err
			})
		}, nil)
	})
	if err != nil {
		return nil, err
	}
	out = append(out, "]}"...)
	var pg odata.Page[mail.Message]
	if err := json.Unmarshal(out, &pg, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)); err != nil {
		return nil, err
	}
	return pg.Value, nil
}

// Plain structs of the same fields, for encoding/xml.
type (
	xMailbox struct {
		Name         string `xml:"Name"`
		EmailAddress string `xml:"EmailAddress"`
	}
	xRecipient struct {
		Mailbox xMailbox `xml:"Mailbox"`
	}
	xID struct {
		ID        string `xml:"Id,attr"`
		ChangeKey string `xml:"ChangeKey,attr"`
	}
	xMessage struct {
		ItemID         xID    `xml:"ItemId"`
		ParentFolderID xID    `xml:"ParentFolderId"`
		Subject        string `xml:"Subject"`
		Body           struct {
			BodyType string `xml:"BodyType,attr"`
			Content  string `xml:",chardata"`
		} `xml:"Body"`
		DateTimeReceived           time.Time    `xml:"DateTimeReceived"`
		Categories                 []string     `xml:"Categories>String"`
		Importance                 string       `xml:"Importance"`
		IsDraft                    bool         `xml:"IsDraft"`
		DateTimeSent               time.Time    `xml:"DateTimeSent"`
		DateTimeCreated            time.Time    `xml:"DateTimeCreated"`
		HasAttachments             bool         `xml:"HasAttachments"`
		LastModifiedTime           time.Time    `xml:"LastModifiedTime"`
		ConversationID             xID          `xml:"ConversationId"`
		FlagStatus                 string       `xml:"Flag>FlagStatus"`
		Preview                    string       `xml:"Preview"`
		Sender                     xRecipient   `xml:"Sender"`
		ToRecipients               []xMailbox   `xml:"ToRecipients>Mailbox"`
		CcRecipients               []xMailbox   `xml:"CcRecipients>Mailbox"`
		IsReadReceiptRequested     bool         `xml:"IsReadReceiptRequested"`
		IsDeliveryReceiptRequested bool         `xml:"IsDeliveryReceiptRequested"`
		ConversationIndex          string       `xml:"ConversationIndex"`
		From                       xRecipient   `xml:"From"`
		InternetMessageID          string       `xml:"InternetMessageId"`
		IsRead                     bool         `xml:"IsRead"`
		_                          [0]time.Time `xml:"-"`
	}
	xEnvelope struct {
		Messages []struct {
			ResponseClass string     `xml:"ResponseClass,attr"`
			ResponseCode  string     `xml:"ResponseCode"`
			Items         []xMessage `xml:"Items>Message"`
		} `xml:"Body>GetItemResponse>ResponseMessages>GetItemResponseMessage"`
	}
)

func TestDecodeGetItemPage(t *testing.T) {
	doc := getItemPage(100)
	msgs, err := decodeGetItemPage(doc, messageSchema)
	if err != nil {
		t.Fatal(err)
	}
	var env xEnvelope
	if err := xml.Unmarshal(doc, &env); err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 100 || len(env.Messages) != 100 {
		t.Fatalf("%d and %d messages", len(msgs), len(env.Messages))
	}
	// Both read the same values.
	for i, m := range msgs {
		x := env.Messages[i].Items[0]
		if m.ID != restID(x.ItemID.ID) || m.Subject != x.Subject || m.Body.Content != x.Body.Content || !m.ReceivedDateTime.Equal(x.DateTimeReceived) ||
			len(m.ToRecipients) != len(x.ToRecipients) || m.From.EmailAddress.Address != x.From.Mailbox.EmailAddress ||
			m.InternetMessageID != x.InternetMessageID || m.IsRead != x.IsRead || len(m.Categories) != len(x.Categories) ||
			base64.StdEncoding.EncodeToString(m.ConversationIndex) != x.ConversationIndex || m.BodyPreview != x.Preview {
			t.Fatalf("message %d differs:\n%+v\n%+v", i, m, x)
		}
	}
}

// BenchmarkGetItemDecode compares, in one run, reading a 100-message
// GetItem response through the backend (the package's XML reader into
// Graph JSON, then into []mail.Message) with encoding/xml reading it into
// plain structs of the same fields.
func BenchmarkGetItemDecode(b *testing.B) {
	doc := getItemPage(100)
	b.Run("ews-reader-to-mail.Message", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := decodeGetItemPage(doc, messageSchema); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-xml-to-structs", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		b.ReportAllocs()
		for b.Loop() {
			var env xEnvelope
			if err := xml.Unmarshal(doc, &env); err != nil {
				b.Fatal(err)
			}
		}
	})
}
