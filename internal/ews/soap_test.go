package ews

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/exchangekit/outlook/odata"
)

func TestEnvelope(t *testing.T) {
	for _, c := range []struct {
		name string
		e    envelope
		want string
	}{
		{"plain", envelope{}, `<t:RequestServerVersion Version="Exchange2013"/>`},
		{"impersonation", envelope{impersonate: `a&"b"@contoso.com`, version: "Exchange2013_SP1", timeZone: "Pacific Standard Time"},
			`<t:RequestServerVersion Version="Exchange2013_SP1"/><t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress>a&amp;"b"@contoso.com</t:SmtpAddress></t:ConnectingSID></t:ExchangeImpersonation><t:TimeZoneContext><t:TimeZoneDefinition Id="Pacific Standard Time"/></t:TimeZoneContext>`},
	} {
		t.Run(c.name, func(t *testing.T) {
			var w xmlWriter
			c.e.begin(&w)
			w.elem("m:X", "<y>")
			finish(&w)
			want := `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"><soap:Header>` +
				c.want + `</soap:Header><soap:Body><m:X>&lt;y&gt;</m:X></soap:Body></soap:Envelope>`
			if got := string(w.b); got != want {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
			// The namespaces are the ones SOAP 1.1 and EWS define.
			d := xml.NewDecoder(bytes.NewReader(w.b))
			for {
				tok, err := d.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if s, ok := tok.(xml.StartElement); ok {
					ns := map[string]string{"Envelope": nsSOAP, "Header": nsSOAP, "Body": nsSOAP, "X": nsMessages}[s.Name.Local]
					if ns == "" {
						ns = nsTypes
					}
					if s.Name.Space != ns {
						t.Errorf("%s is in %q, want %q", s.Name.Local, s.Name.Space, ns)
					}
				}
			}
		})
	}
}

func TestAppendEscaped(t *testing.T) {
	for _, c := range []struct{ in, text, attr string }{
		{`a<b>&"c'`, `a&lt;b&gt;&amp;"c'`, `a&lt;b&gt;&amp;&quot;c'`},
		{"l1\r\nl2\tx", "l1&#xD;\nl2\tx", "l1&#xD;&#xA;l2&#x9;x"},
		{"bell\x07 nul\x00", "bell\uFFFD nul\uFFFD", "bell\uFFFD nul\uFFFD"},
		{"bad \xff utf8 \uFFFE", "bad \uFFFD utf8 \uFFFD", "bad \uFFFD utf8 \uFFFD"},
		{"émoji 😀", "émoji 😀", "émoji 😀"},
	} {
		if got := string(appendEscaped(nil, c.in, false)); got != c.text {
			t.Errorf("text %q: got %q, want %q", c.in, got, c.text)
		}
		if got := string(appendEscaped(nil, c.in, true)); got != c.attr {
			t.Errorf("attr %q: got %q, want %q", c.in, got, c.attr)
		}
		// What is escaped reads back as written, but for what XML cannot carry.
		doc := `<a b="` + string(appendEscaped(nil, c.in, true)) + `">` + string(appendEscaped(nil, c.in, false)) + `</a>`
		x := newXMLReader(strings.NewReader(doc), 0)
		if _, err := x.next(); err != nil {
			t.Fatal(err)
		}
		av, _ := x.attr("b")
		attr := string(av)
		txt, err := x.textInto(nil)
		if err != nil {
			t.Fatal(err)
		}
		want := strings.ToValidUTF8(strings.Map(func(r rune) rune {
			if r < 0x20 && r != '\n' && r != '\t' && r != '\r' || r == 0xFFFE {
				return 0xFFFD
			}
			return r
		}, c.in), "\uFFFD")
		if attr != want || string(txt) != want {
			t.Errorf("%q reads back as %q and %q", c.in, attr, txt)
		}
	}
}

// readStatuses reads the status of every response message of a response
// (elements with a ResponseClass, or a SOAP fault).
func readStatuses(doc []byte) ([]status, error) {
	x := newXMLReader(bytes.NewReader(doc), 0)
	var out []status
	var buf []byte
	var fault status
	var walk func() error
	walk = func() error {
		if c, ok := x.attr("ResponseClass"); ok {
			s := status{class: string(c)}
			err := x.children(func() error {
				ok, err := readStatusChild(x, &s, &buf)
				if !ok && err == nil {
					err = x.skip()
				}
				return err
			})
			out = append(out, s)
			return err
		}
		return x.children(walk)
	}
	isFault, err := readEnvelope(x, &fault, &buf, walk)
	if isFault {
		out = append(out, fault)
	}
	return out, err
}

// TestPublishedResponseStatuses reads the status of every published EWS
// response, checking that each maps to an error or to success as its class
// says, and checks the error examples in detail.
func TestPublishedResponseStatuses(t *testing.T) {
	n, errs := 0, 0
	for _, s := range ewsSamples(t, "", "response") {
		if !s.WellFormed {
			continue
		}
		doc := s.data
		if s.Preamble {
			doc = doc[bytes.Index(doc, []byte("<?xml")):]
		}
		sts, err := readStatuses(doc)
		if err != nil {
			t.Errorf("%s: %v", s.File, err)
			continue
		}
		for _, st := range sts {
			n++
			if st.ok() != (st.class != "Error") {
				t.Errorf("%s: class %s code %s: ok() = %v", s.File, st.class, st.code, st.ok())
			}
			if !st.ok() {
				errs++
				e := errorOf("Op", &st, false, nil)
				if e.StatusCode < 400 || e.Code == "" || e.Message == "" {
					t.Errorf("%s: %+v becomes %+v", s.File, st, e)
				}
			}
		}
	}
	if n < 200 || errs < 20 {
		t.Errorf("read %d statuses, %d errors: fewer than the examples hold", n, errs)
	}

	for _, c := range []struct {
		file     string
		status   int
		code     string
		sentinel error
		message  string
	}{
		{"GetItem__getitem-operation-email-message__2.response.xml", 400, "ErrorInvalidPropertyRequest", nil, "Property is not valid for this object type. (meeting:AssociatedCalendarItemId)"},
		{"UpdateItem__updateitem-operation-contact__2.response.xml", 400, "ErrorSchemaValidation", nil, "The 'Key' attribute is invalid"},
		{"GetUserOofSettings__getuseroofsettings-operation__2.response.xml", 400, "SoapFault", nil, "Microsoft.Exchange.Data.Storage.AccessDeniedException"},
		{"SendItem__senditem-operation__2.response.xml", 400, "ErrorInvalidIdMalformed", nil, "Id is malformed."},
		{"FindItem__finditem-operation__2.response.xml", 400, "ErrorInvalidIdMalformed", nil, "Id is malformed."},
		{"DeleteItem__deleteitem-operation__2.response.xml", 404, "ErrorItemNotFound", odata.ErrNotFound, "The specified object was not found in the store."},
		{"CreateFolder__createfolder-operation__2.response.xml", 409, "ErrorFolderExists", odata.ErrConflict, "A folder with the specified name already exists."},
		{"CreateItem__createitem-operation-email-message__2.response.xml", 403, "ErrorSendAsDenied", odata.ErrForbidden, "The user account which was used"},
		{"ExportItems__exportitems-operation__2.response.xml", 404, "ErrorNonExistentMailbox", odata.ErrNotFound, "No mailbox with such guid."},
	} {
		doc := ewsSampleFile(t, c.file)
		sts, err := readStatuses(doc)
		if err != nil || len(sts) == 0 {
			t.Errorf("%s: %v %v", c.file, sts, err)
			continue
		}
		st := sts[len(sts)-1]
		e := errorOf("Op", &st, false, nil)
		if c.sentinel != nil && !errors.Is(e, c.sentinel) {
			t.Errorf("%s: %v does not match %v", c.file, e, c.sentinel)
		}
		if e.StatusCode != c.status || e.Code != c.code || !strings.HasPrefix(e.Message, c.message) {
			t.Errorf("%s: got %d %s %q, want %d %s %q", c.file, e.StatusCode, e.Code, e.Message, c.status, c.code, c.message)
		}
	}
}

func TestErrorMapping(t *testing.T) {
	for _, c := range []struct {
		code        string
		conditional bool
		sentinel    error
		status      int
	}{
		{"ErrorItemNotFound", false, odata.ErrNotFound, 404},
		{"ErrorFolderNotFound", false, odata.ErrNotFound, 404},
		{"ErrorIrresolvableConflict", false, odata.ErrPreconditionFailed, 412},
		{"ErrorChangeKeyRequiredForWriteOperations", true, odata.ErrPreconditionFailed, 412},
		{"ErrorChangeKeyRequiredForWriteOperations", false, nil, 400},
		{"ErrorAccessDenied", false, odata.ErrForbidden, 403},
		{"ErrorInvalidIdMalformed", false, nil, 400},
		{"ErrorInvalidIdEmpty", false, nil, 400},
		{"ErrorNonExistentMailbox", false, odata.ErrNotFound, 404},
		{"ErrorMailboxMoveInProgress", false, odata.ErrNotFound, 404},
		{"ErrorServerBusy", false, odata.ErrThrottled, 429},
		{"ErrorFolderExists", false, odata.ErrConflict, 409},
		{"ErrorInvalidSyncStateData", false, odata.ErrGone, 410},
		{"ErrorSomethingNew", false, nil, 400},
	} {
		e := errorOf("GetItem", &status{class: "Error", code: c.code, text: "t"}, c.conditional, nil)
		if e.StatusCode != c.status || e.Code != c.code {
			t.Errorf("%s: got %d %s", c.code, e.StatusCode, e.Code)
		}
		if c.sentinel != nil && !errors.Is(e, c.sentinel) {
			t.Errorf("%s: %v does not match %v", c.code, e, c.sentinel)
		}
	}
	e := errorOf("GetItem", &status{class: "Error", code: "ErrorItemNotFound", text: "gone"}, false,
		http.Header{"Request-Id": {"r1"}, "Client-Request-Id": {"c1"}, "Date": {"Mon, 02 Jan 2006 15:04:05 GMT"}})
	if e.Error() != "odata: EWS GetItem: 404 ErrorItemNotFound: gone" || e.RequestID != "r1" || e.ClientRequestID != "c1" || e.Date.IsZero() {
		t.Errorf("%q %+v", e.Error(), e)
	}
}

// serverBusyFault is ErrorServerBusy as a SOAP fault, in the shape the EWS
// Managed API reads it (Misc/SoapFaultDetails.cs: faultcode, faultstring,
// detail with ResponseCode, Message and MessageXml Value elements; the
// MessageXml in the types namespace).
const serverBusyFault = `<?xml version="1.0" encoding="utf-8"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">
  <s:Body>
    <s:Fault>
      <faultcode xmlns:a="http://schemas.microsoft.com/exchange/services/2006/types">a:ErrorServerBusy</faultcode>
      <faultstring xml:lang="en-US">The server cannot service this request right now. Try again later.</faultstring>
      <detail>
        <e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">ErrorServerBusy</e:ResponseCode>
        <e:Message xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">The server cannot service this request right now. Try again later.</e:Message>
        <t:MessageXml xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">
          <t:Value Name="Policy">MaxConcurrency</t:Value>
          <t:Value Name="BackOffMilliseconds">297749</t:Value>
        </t:MessageXml>
      </detail>
    </s:Fault>
  </s:Body>
</s:Envelope>`

func TestServerBusyFault(t *testing.T) {
	sts, err := readStatuses([]byte(serverBusyFault))
	if err != nil || len(sts) != 1 {
		t.Fatal(sts, err)
	}
	e := errorOf("FindItem", &sts[0], false, nil)
	if !errors.Is(e, odata.ErrThrottled) || e.RetryAfter != 297749*time.Millisecond || e.Code != "ErrorServerBusy" {
		t.Errorf("%+v", e)
	}
	// In a response message with HTTP 200, as ErrorInternalServerError
	// with the back-off (the throttling page's third case).
	inner := strings.Replace(getItemErrorTemplate, "CODE", "ErrorInternalServerError", 1)
	inner = strings.Replace(inner, "<m:MessageXml/>", `<m:MessageXml><t:Value Name="BackOffMilliseconds">1500</t:Value></m:MessageXml>`, 1)
	sts, err = readStatuses([]byte(inner))
	if err != nil || len(sts) != 1 {
		t.Fatal(sts, err)
	}
	e = errorOf("GetItem", &sts[0], false, nil)
	if !errors.Is(e, odata.ErrThrottled) || e.RetryAfter != 1500*time.Millisecond || e.Code != "ErrorInternalServerError" || e.InnerCode != "ErrorServerBusy" {
		t.Errorf("%+v", e)
	}
}

const getItemErrorTemplate = `<?xml version="1.0" encoding="utf-8"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
<m:GetItemResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">
<m:ResponseMessages><m:GetItemResponseMessage ResponseClass="Error"><m:MessageText>text</m:MessageText><m:ResponseCode>CODE</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey><m:MessageXml/><m:Items/></m:GetItemResponseMessage></m:ResponseMessages>
</m:GetItemResponse></s:Body></s:Envelope>`

func TestServerBusyBackOff(t *testing.T) {
	busy := func(status int, ct, body string) *http.Response {
		return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {ct}}, Body: io.NopCloser(strings.NewReader(body))}
	}
	long := strings.Replace(serverBusyFault, "<s:Body>", "<s:Body><!--"+strings.Repeat("x", 100<<10)+"-->", 1)
	for _, c := range []struct {
		name string
		resp *http.Response
		want time.Duration
		ok   bool
	}{
		{"fault", busy(500, "text/xml; charset=utf-8", serverBusyFault), 297749 * time.Millisecond, true},
		{"429 fault", busy(429, "text/xml; charset=utf-8", serverBusyFault), 297749 * time.Millisecond, true},
		{"response message", busy(200, "text/xml", strings.Replace(getItemErrorTemplate, "CODE", "ErrorServerBusy", 1)), 0, true},
		{"other fault", busy(500, "text/xml", strings.ReplaceAll(serverBusyFault, "ErrorServerBusy", "ErrorInternalServerError")), 0, false},
		{"not xml", busy(500, "text/html", "ErrorServerBusy"), 0, false},
		{"garbage", busy(500, "text/xml", "<<ErrorServerBusy"), 0, false},
		{"beyond the peek", busy(500, "text/xml", long), 0, false},
		{"401", busy(401, "text/xml", serverBusyFault), 0, false},
		{"nil", nil, 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			var before string
			if c.resp != nil {
				b, _ := io.ReadAll(c.resp.Body)
				before = string(b)
				c.resp.Body = io.NopCloser(strings.NewReader(before))
			}
			d, ok := ServerBusyBackOff(c.resp)
			if d != c.want || ok != c.ok {
				t.Errorf("got %v %v, want %v %v", d, ok, c.want, c.ok)
			}
			if c.resp != nil {
				after, err := io.ReadAll(c.resp.Body)
				if err != nil || string(after) != before {
					t.Errorf("the body reads %d bytes (%v), want the %d it had", len(after), err, len(before))
				}
			}
		})
	}
}
