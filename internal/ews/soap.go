package ews

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The SOAP 1.1 envelope of EWS requests, and the walk over the envelope of
// responses.

// XML namespaces of EWS messages.
const (
	nsSOAP     = "http://schemas.xmlsoap.org/soap/envelope/"
	nsTypes    = "http://schemas.microsoft.com/exchange/services/2006/types"
	nsMessages = "http://schemas.microsoft.com/exchange/services/2006/messages"
)

// RequestServerVersion is the EWS schema version every request targets:
// the earliest that has everything the backend uses. Exchange2013 adds the
// item:Flag (a message's follow-up flag) and item:Preview (its body
// preview) properties the mail model maps; inbox rules need
// Exchange2010_SP1 and everything else Exchange2007_SP1. Exchange 2016,
// 2019 and Subscription Edition all accept it. Operations that need a later
// schema (the calendar's ProposeNewTime needs Exchange2013_SP1) ask for it
// through envelope.version.
const RequestServerVersion = "Exchange2013"

// envelope is the header of one request.
type envelope struct {
	// version is the RequestServerVersion; "" for the default.
	version string
	// impersonate is the SMTP address of the mailbox a service account
	// acts as (ExchangeImpersonation), "" for none.
	impersonate string
	// timeZone is a Windows time zone id for TimeZoneContext, "" for none
	// (UTC).
	timeZone string
}

// begin writes the envelope up to and including the opening of the body.
func (e envelope) begin(w *xmlWriter) {
	w.b = append(w.b, `<?xml version="1.0" encoding="utf-8"?>`...)
	w.b = append(w.b, `<soap:Envelope xmlns:soap="`+nsSOAP+`" xmlns:t="`+nsTypes+`" xmlns:m="`+nsMessages+`">`...)
	w.open("soap:Header")
	v := e.version
	if v == "" {
		v = RequestServerVersion
	}
	w.empty1("t:RequestServerVersion", "Version", v)
	if e.impersonate != "" {
		w.open("t:ExchangeImpersonation")
		w.open("t:ConnectingSID")
		w.elem("t:SmtpAddress", e.impersonate)
		w.close("t:ConnectingSID")
		w.close("t:ExchangeImpersonation")
	}
	if e.timeZone != "" {
		w.open("t:TimeZoneContext")
		w.empty1("t:TimeZoneDefinition", "Id", e.timeZone)
		w.close("t:TimeZoneContext")
	}
	w.close("soap:Header")
	w.open("soap:Body")
}

// finish closes the body and the envelope.
func finish(w *xmlWriter) {
	w.close("soap:Body")
	w.close("soap:Envelope")
}

// status is what a response message, or a SOAP fault, says about the
// outcome of an operation.
type status struct {
	class string // Success, Warning, Error; "" when the element had none
	code  string // ResponseCode: NoError, ErrorItemNotFound, ...
	text  string // MessageText, or the fault string
	// backOff is the BackOffMilliseconds hint of a throttled answer.
	backOff time.Duration
	// hasBackOff says backOff was given (it may be 0).
	hasBackOff bool
	// inner is a more specific code found in MessageXml.
	inner string
	// fields are the FieldURIs MessageXml names (the properties a request
	// got wrong).
	fields []string
	fault  bool // a SOAP fault, not a response message
	// client says a fault's faultcode blames the request (soap:Client).
	client bool
}

// ok reports success; a Warning (a partial success, such as an ambiguous
// name resolution) is not an error.
func (s *status) ok() bool {
	if s.class != "" {
		return s.class != "Error"
	}
	return s.code == "" || s.code == "NoError"
}

// readClassed reads a response element that carries its response class
// itself (GetRoomLists, GetReminders, GetInboxRules, a ResponseMessage of
// GetUserAvailability or the OOF operations), calling child for the
// children that are not part of the status; a nil child skips them.
func readClassed(x *xmlReader, buf *[]byte, st *status, child func() error) error {
	if c, ok := x.attr("ResponseClass"); ok {
		st.class = string(c)
	}
	return x.children(func() error {
		ok, err := readStatusChild(x, st, buf)
		if ok || err != nil {
			return err
		}
		if child == nil {
			return x.skip()
		}
		return child()
	})
}

// readClassedList is readClassed for a response whose payload is one list
// element holding items (GetReminders' Reminders of Reminder elements):
// each is called on every item, positioned on its start tag, and must
// consume it; other children are skipped.
func readClassedList(x *xmlReader, buf *[]byte, st *status, list, item string, each func() error) error {
	return readClassed(x, buf, st, func() error {
		if !x.is(list) {
			return x.skip()
		}
		return x.children(func() error {
			if !x.is(item) {
				return x.skip()
			}
			return each()
		})
	})
}

// readStatusChild handles the children every response message shares
// (MessageText, ResponseCode, DescriptiveLinkKey, MessageXml); it returns
// false for other children, which the caller reads.
func readStatusChild(x *xmlReader, s *status, buf *[]byte) (bool, error) {
	var err error
	switch string(x.local) {
	case "ResponseCode":
		*buf, err = x.textInto((*buf)[:0])
		s.code = string(bytes.TrimSpace(*buf))
	case "MessageText":
		*buf, err = x.textInto((*buf)[:0])
		s.text = string(bytes.TrimSpace(*buf))
	case "MessageXml":
		err = readMessageXML(x, s, buf)
	case "DescriptiveLinkKey":
		err = x.skip()
	default:
		return false, nil
	}
	return true, err
}

// readMessageXML reads the details of an error: Value elements (the
// throttling back-off, inner codes) and FieldURI elements.
func readMessageXML(x *xmlReader, s *status, buf *[]byte) error {
	return x.children(func() error {
		switch string(x.local) {
		case "Value":
			name, _ := x.attr("Name")
			isBackOff := string(name) == "BackOffMilliseconds"
			var err error
			if *buf, err = x.textInto((*buf)[:0]); err != nil {
				return err
			}
			v := string(bytes.TrimSpace(*buf))
			if isBackOff {
				if ms, err := strconv.ParseInt(v, 10, 64); err == nil && ms >= 0 && ms < int64(24*time.Hour/time.Millisecond) {
					s.backOff = time.Duration(ms) * time.Millisecond
					s.hasBackOff = true
				}
			} else if v == "ErrorServerBusy" {
				s.inner = v
			}
			return nil
		case "FieldURI", "IndexedFieldURI", "ExtendedFieldURI":
			if f, ok := x.attr("FieldURI"); ok && len(s.fields) < 16 {
				s.fields = append(s.fields, string(f))
			}
			return x.skip()
		}
		return x.skip()
	})
}

// readFault reads a soap:Fault: faultcode, faultstring and the EWS detail
// (ResponseCode, Message, MessageXml).
func readFault(x *xmlReader, s *status, buf *[]byte) error {
	s.fault = true
	s.class = "Error"
	return x.children(func() error {
		var err error
		switch string(x.local) {
		case "faultcode":
			if *buf, err = x.textInto((*buf)[:0]); err != nil {
				return err
			}
			// "a:ErrorServerBusy" or "soap:Client": keep an EWS code.
			c := string(localName(bytes.TrimSpace(*buf)))
			switch {
			case strings.HasPrefix(c, "Error") && s.code == "":
				s.code = c
			case c == "Client":
				s.client = true
			}
		case "faultstring":
			if *buf, err = x.textInto((*buf)[:0]); err != nil {
				return err
			}
			if s.text == "" {
				s.text = string(bytes.TrimSpace(*buf))
			}
		case "detail":
			return x.children(func() error {
				switch string(x.local) {
				case "ResponseCode":
					if *buf, err = x.textInto((*buf)[:0]); err != nil {
						return err
					}
					s.code = string(bytes.TrimSpace(*buf))
				case "Message":
					if *buf, err = x.textInto((*buf)[:0]); err != nil {
						return err
					}
					s.text = string(bytes.TrimSpace(*buf))
				case "ErrorCode":
					// Numeric in the published examples; an EWS code in others.
					if *buf, err = x.textInto((*buf)[:0]); err != nil {
						return err
					}
					if c := string(bytes.TrimSpace(*buf)); s.code == "" && strings.HasPrefix(c, "Error") {
						s.code = c
					}
				case "MessageXml":
					return readMessageXML(x, s, buf)
				default:
					return x.skip()
				}
				return nil
			})
		default:
			return x.skip()
		}
		return err
	})
}

// readEnvelope walks a response envelope up to the element inside
// soap:Body and calls body positioned on its start tag; body must consume
// it. A soap:Fault in the body is read into fault instead (body is not
// called), and reported by a true return.
func readEnvelope(x *xmlReader, fault *status, buf *[]byte, body func() error) (bool, error) {
	isFault, err := readOneEnvelope(x, fault, buf, body)
	if err != nil {
		return false, err
	}
	// Nothing may follow the envelope.
	if _, err := x.next(); err != nil {
		return false, err
	}
	return isFault, nil
}

// readOneEnvelope is readEnvelope leaving what follows the envelope
// unread: the next envelope of a stream.
func readOneEnvelope(x *xmlReader, fault *status, buf *[]byte, body func() error) (bool, error) {
	k, err := x.next()
	for err == nil && k == tokText {
		k, err = x.next()
	}
	if err != nil {
		return false, err
	}
	if k != tokStart || !x.is("Envelope") {
		return false, fmt.Errorf("%w: the response is not a SOAP envelope", errXML)
	}
	isFault, sawBody := false, false
	err = x.children(func() error {
		switch string(x.local) {
		case "Body":
			sawBody = true
			return x.children(func() error {
				if x.is("Fault") {
					isFault = true
					return readFault(x, fault, buf)
				}
				return body()
			})
		default:
			return x.skip() // Header: ServerVersionInfo
		}
	})
	if err != nil {
		return false, err
	}
	if !sawBody {
		return false, fmt.Errorf("%w: the SOAP envelope has no body", errXML)
	}
	return isFault, nil
}
