// Package ews is the fake server's Exchange Web Services front end: SOAP
// 1.1 at https://<on-premises host>/EWS/Exchange.asmx over the mailboxes of
// package store, the same ones the REST hosts serve, so that mail sent
// through Graph arrives in a mailbox read over EWS and the reverse.
//
// Requests reach the Handler already fault-injected, logged and
// authenticated by the host layer, which says who sent them (Caller) and
// what that caller may do (Directory). A request is read into a tree
// (xml.go), its SOAP headers decide whose mailbox it acts on
// (ExchangeImpersonation, or the caller's own; a Mailbox element inside a
// folder id reaches another one), and its operation runs under the store's
// lock and is answered with Exchange's element names, namespaces, order
// and response codes.
//
// Finding your way: ids.go turns store ids into EWS ids and back and
// resolves folder ids; fields.go is the table of item and folder
// properties (FieldURI, element, Graph property, how each is written and
// read); restrict.go evaluates restrictions, sort orders and query
// strings; items.go, folders.go, attachments.go, sync.go, streaming.go
// (streaming notifications) and settings.go hold the operations by family.
package ews

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/schema"
	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

// Object is one entity or complex value in Graph form.
type Object = schema.Object

// MaxRequestBytes is the largest request EWS takes: the
// maxAllowedContentLength (IIS) and maxReceivedMessageSize (WCF) of
// Exchange Server's EWS web.config, 64 MiB by default. Base64 makes an
// attachment a third larger, so about 48 MB of attachment fits.
const MaxRequestBytes = 64 << 20

// Caller is who sent a request, as the host layer authenticated it.
type Caller struct {
	// Name names the caller in answers: the account (DOMAIN\user or UPN)
	// or the signed-in user's address.
	Name string
	// Mailbox is the caller's own mailbox address, "" when it has none (a
	// service account).
	Mailbox string
	// AppOnly marks an app-only token (accepted only where the server was
	// reconfigured to): it acts through impersonation only, on any mailbox
	// of TenantID.
	AppOnly  bool
	TenantID string
}

// Directory answers what a caller may do, from the server's accounts and
// grants.
type Directory interface {
	// CanImpersonate reports whether caller holds the ApplicationImpersonation
	// right on the mailbox; any reports whether it holds it anywhere.
	CanImpersonate(c Caller, mailbox string) (ok, any bool)
	// FullAccess reports whether caller may open the mailbox as a delegate
	// (its own mailbox, or a FullAccess grant).
	FullAccess(c Caller, mailbox string) bool
}

// Env is what the EWS front end needs from the host layer.
type Env struct {
	Host string // this server's host name
	// Locate says where a mailbox lives: onPremHost is "" for Exchange
	// Online; known is false for an address the server does not know.
	Locate func(smtp string) (onPremHost string, known bool)
	// Tenant returns the tenant id of a mailbox's domain.
	Tenant func(smtp string) string
	Now    func() time.Time
	// Track counts a request in flight for a mailbox until done is called;
	// the host layer counts the mailbox X-AnchorMailbox names, Track the
	// one the request turns out to act on.
	Track     func(smtp string) (done func())
	Directory Directory
}

// Handler serves EWS on one on-premises host.
type Handler struct {
	st      *store.Store
	env     Env
	streams streams // streaming subscriptions (streaming.go)
}

// New returns the EWS front end of one host.
func New(st *store.Store, env Env) *Handler {
	if env.Now == nil {
		env.Now = time.Now
	}
	if env.Locate == nil {
		env.Locate = func(string) (string, bool) { return env.Host, true }
	}
	if env.Tenant == nil {
		env.Tenant = func(string) string { return "" }
	}
	if env.Track == nil {
		env.Track = func(string) func() { return func() {} }
	}
	return &Handler{st: st, env: env}
}

// IsPath reports whether p is an EWS path (the /EWS virtual directory).
func IsPath(p string) bool {
	return len(p) >= 4 && strings.EqualFold(p[:4], "/ews") && (len(p) == 4 || p[4] == '/')
}

// ServiceFile reports whether p is the EWS endpoint itself.
func ServiceFile(p string) bool { return strings.EqualFold(p, "/EWS/Exchange.asmx") }

// call is one request being served.
type call struct {
	h       *Handler
	r       *http.Request
	caller  Caller
	version string // RequestServerVersion, or the default
	op      string // the operation: the body element's local name

	// tzContext is the Windows id of the request's TimeZoneContext, ""
	// for none (UTC).
	tzContext string
	// The mailbox the request acts on by default (the impersonated user's,
	// or the caller's own), "" when the caller has none.
	self    string
	tracked map[string]bool
	done    []func()
	// stream, when an operation sets it, writes the answer instead of
	// the buffered one: GetStreamingEvents, whose answer lasts minutes.
	stream func(w http.ResponseWriter)
	// calRoles are the roles by which shared calendars were opened, by
	// calendar id (shared.go).
	calRoles map[string]string
}

// serverVersion is what answers say they come from: Exchange Server 2019
// CU14 (15.2.1544), whose schema version is V2017_07_11.
var serverVersion = []string{"MajorVersion", "15", "MinorVersion", "2", "MajorBuildNumber", "1544", "MinorBuildNumber", "4", "Version", "V2017_07_11"}

// versions are the RequestServerVersion values the schema allows.
var versions = map[string]bool{
	"Exchange2007": true, "Exchange2007_SP1": true, "Exchange2009": true, "Exchange2010": true, "Exchange2010_SP1": true,
	"Exchange2010_SP2": true, "Exchange2012": true, "Exchange2013": true, "Exchange2013_SP1": true, "Exchange2015": true,
	"Exchange2016": true, "V2015_10_05": true, "V2016_01_06": true, "V2016_04_13": true, "V2016_07_13": true,
	"V2016_10_10": true, "V2017_01_07": true, "V2017_04_14": true, "V2017_07_11": true, "V2017_10_09": true, "V2018_01_08": true,
}

// Serve answers one request of caller, whose credentials the host layer
// has checked.
func (h *Handler) Serve(w http.ResponseWriter, r *http.Request, caller Caller) {
	if !ServiceFile(r.URL.Path) {
		writeIIS404(w)
		return
	}
	switch r.Method {
	case http.MethodPost:
	case http.MethodGet, http.MethodHead:
		// What WCF shows a browser at a service address.
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, "<html><head><title>Service</title></head><body><p>You have created a service.</p></body></html>\n")
		return
	default:
		w.Header().Set("Allow", "GET, HEAD, POST")
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "text/xml":
	case "application/soap+xml":
		// SOAP 1.2 reaches the endpoint; the envelope check answers it.
	default:
		// WCF refuses any other media type before reading the message.
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusUnsupportedMediaType)
		fmt.Fprintf(w, "Cannot process the message because the content type '%s' was not the expected type 'text/xml; charset=utf-8'.", r.Header.Get("Content-Type"))
		return
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, MaxRequestBytes+1))
	if err != nil {
		writeFault(w, faultClient("ErrorInvalidRequest", "The request is invalid."))
		return
	}
	if len(data) > MaxRequestBytes {
		// WCF's answer to a message over maxReceivedMessageSize.
		w.WriteHeader(http.StatusRequestEntityTooLarge)
		return
	}
	c := &call{h: h, r: r, caller: caller, tracked: map[string]bool{}}
	if addr, _ := r.Context().Value(countedKey{}).(string); addr != "" {
		c.tracked[addr] = true
	}
	defer c.leave()
	out, f := c.serve(data)
	// A client that has the whole answer may send the mailbox's next
	// request at once, before this handler returns: the request leaves the
	// count before the answer is written, as the host layer's count does
	// before an answer's last byte.
	c.leave()
	if f != nil {
		writeFault(w, f)
		return
	}
	if c.stream != nil {
		c.stream(w)
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(out)
}

// serve reads the envelope, checks its headers and runs the operation.
func (c *call) serve(data []byte) ([]byte, *fault) {
	root, err := parseXML(data)
	if err != nil {
		pe, _ := err.(*parseError)
		if pe == nil {
			pe = &parseError{line: 1, col: 1, msg: err.Error()}
		}
		return nil, schemaFault(pe.line, pe.col, pe.msg)
	}
	switch {
	case root.is(nsSOAP12, "Envelope"):
		return nil, &fault{code: "s:VersionMismatch", soapCode: true, text: "Only SOAP 1.1 envelopes are served by this endpoint."}
	case !root.is(nsSOAP, "Envelope"):
		return nil, schemaFault(root.line, root.col, fmt.Sprintf("The element '%s' in namespace '%s' is not a SOAP 1.1 Envelope.", root.local, root.space))
	}
	header := root.child(nsSOAP, "Header")
	body := root.child(nsSOAP, "Body")
	if body == nil {
		return nil, schemaFault(root.line, root.col, "The SOAP Envelope has no Body.")
	}
	if len(body.kids) == 0 {
		return nil, faultClient("ErrorInvalidRequest", "The request is invalid.")
	}
	opElem := body.kids[0]
	c.version = "Exchange2013_SP1"
	if v := header.t("RequestServerVersion"); v != nil {
		ver, _ := v.attr("Version")
		if !versions[ver] {
			return nil, schemaFault(v.line, v.col, fmt.Sprintf("The 'Version' attribute is invalid - The value '%s' is invalid according to its datatype 'http://schemas.microsoft.com/exchange/services/2006/types:ExchangeVersionType' - The Enumeration constraint failed.", ver))
		}
		c.version = ver
	}
	if tzc := header.t("TimeZoneContext"); tzc != nil {
		if d := tzc.t("TimeZoneDefinition"); d != nil {
			c.tzContext, _ = d.attr("Id")
		}
	}
	if opElem.space != nsMessages {
		return nil, schemaFault(opElem.line, opElem.col, fmt.Sprintf("The element '%s' in namespace '%s' is not an EWS operation.", opElem.local, opElem.space))
	}
	c.op = opElem.local
	run, ok := operations[c.op]
	if !ok {
		if known[c.op] {
			return nil, notImplemented(c.op + " is a real EWS operation that outlooktest does not serve")
		}
		return nil, schemaFault(opElem.line, opElem.col, fmt.Sprintf("The element '%s' in namespace '%s' is not an EWS operation.", opElem.local, nsMessages))
	}
	if what := laterPart(opElem); what != "" {
		return nil, notImplemented(c.op + " with " + what + ": tasks, distribution lists, posts and search folders are not served over EWS")
	}
	if f := c.resolveSelf(header.t("ExchangeImpersonation")); f != nil {
		return nil, f
	}
	c.h.st.Lock()
	w := &writer{}
	f := run(c, opElem, w)
	c.h.st.Unlock()
	if f != nil {
		return nil, f
	}
	return envelope(w.b.Bytes()), nil
}

// issue11Elements are the parts of requests about tasks, distribution
// lists, posts, search folders and meeting messages written by a client,
// which the fake does not serve over EWS.
var issue11Elements = map[string]bool{
	"Task": true, "DistributionList": true, "PostItem": true, "RecurringMasterItemIdRanges": true, "RemoveItem": true,
	"MeetingRequest": true, "MeetingResponse": true, "MeetingCancellation": true, "SearchFolder": true,
	"TasksFolder": true, "PostReplyItem": true,
}

// laterPart names the first part of an operation that the fake's EWS
// does not serve yet (a calendar item, an occurrence id, a calendar view...), or "".
func laterPart(e *elem) string {
	for _, k := range e.kids {
		if k.space == nsTypes || k.space == nsMessages {
			if issue11Elements[k.local] {
				return k.local
			}
			if k.local == "DistinguishedFolderId" {
				if id, _ := k.attr("Id"); id == "tasks" {
					if e.local == "ParentFolderIds" || e.local == "SyncFolderId" || e.local == "SavedItemFolderId" || e.local == "ParentFolderId" {
						return "the " + id + " folder"
					}
				}
			}
		}
		if w := laterPart(k); w != "" {
			return w
		}
	}
	return ""
}

type countedKey struct{}

// WithCounted returns a context telling Serve that the host layer counts
// the request in flight for the mailbox addr already (the one
// X-AnchorMailbox names): Serve counts only the other mailboxes it acts
// on.
func WithCounted(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, countedKey{}, strings.ToLower(addr))
}

// leave ends the counts track started.
func (c *call) leave() {
	for _, d := range c.done {
		d()
	}
	c.done = nil
}

// track counts the request in flight for a mailbox it acts on, once.
func (c *call) track(addr string) {
	if addr == "" || c.tracked[addr] {
		return
	}
	c.tracked[addr] = true
	c.done = append(c.done, c.h.env.Track(addr))
}

// resolveSelf decides whose mailbox the request acts on when it names
// none: the impersonated user's, or the caller's own. The rights checks
// and their SOAP faults are Exchange's.
func (c *call) resolveSelf(imp *elem) *fault {
	if imp == nil {
		if c.caller.AppOnly {
			return faultClient("ErrorInvalidExchangeImpersonationHeaderData", "ExchangeImpersonation SOAP header must be present for this type of OAuth token.")
		}
		c.self = c.caller.Mailbox
		c.track(c.self)
		return nil
	}
	sid := imp.t("ConnectingSID")
	var who string
	if sid != nil {
		for _, k := range []string{"PrimarySmtpAddress", "SmtpAddress", "PrincipalName", "SID"} {
			if e := sid.t(k); e != nil {
				who = e.value()
				if k == "SID" && who != "" {
					// The fake's directory has no SIDs; a SID names nobody it knows.
					return faultClient("ErrorNonExistentMailbox", "The SID has no mailbox associated with it.")
				}
				break
			}
		}
	}
	if who == "" {
		return faultClient("ErrorInvalidExchangeImpersonationHeaderData", "The impersonation principal name is invalid.")
	}
	addr, ok := c.mailboxHere(who)
	if !ok {
		return faultClient("ErrorNonExistentMailbox", "The SMTP address has no mailbox associated with it.")
	}
	c.track(addr)
	if c.caller.AppOnly {
		if c.caller.TenantID == "" || c.h.env.Tenant(addr) == c.caller.TenantID {
			c.self = addr
			return nil
		}
		return faultClient("ErrorImpersonateUserDenied", "The account does not have permission to impersonate the requested user.")
	}
	if c.h.env.Directory == nil {
		return faultClient("ErrorImpersonationDenied", "The server to which the application is connected cannot impersonate the requested user due to insufficient permission.")
	}
	switch ok, anyRight := c.h.env.Directory.CanImpersonate(c.caller, addr); {
	case ok:
		c.self = addr
		return nil
	case anyRight:
		return faultClient("ErrorImpersonateUserDenied", "The account does not have permission to impersonate the requested user.")
	default:
		// No ApplicationImpersonation role assignment at all: the account
		// lacks the right to impersonate through this server.
		return faultClient("ErrorImpersonationDenied", "The server to which the application is connected cannot impersonate the requested user due to insufficient permission.")
	}
}

// mailboxHere returns the address of the mailbox who names (an SMTP
// address or a user principal name, which the fake's users share) if this
// server hosts it.
func (c *call) mailboxHere(who string) (string, bool) {
	m, ok := c.h.st.Mailbox(strings.TrimSpace(who))
	if !ok {
		return "", false
	}
	host, known := c.h.env.Locate(m.Address())
	if !known || !strings.EqualFold(host, c.h.env.Host) {
		return "", false
	}
	return m.Address(), true
}

// envelope wraps an answer's body content in Exchange's SOAP envelope.
func envelope(body []byte) []byte {
	var b bytes.Buffer
	b.Grow(len(body) + 700)
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="` + nsSOAP + `"><s:Header>`)
	w := &writer{}
	w.empty("h:ServerVersionInfo", append(append([]string{}, serverVersion...),
		"xmlns:h", nsTypes, "xmlns", nsTypes, "xmlns:xsd", "http://www.w3.org/2001/XMLSchema", "xmlns:xsi", nsXSI)...)
	b.Write(w.b.Bytes())
	b.WriteString(`</s:Header><s:Body xmlns:xsi="` + nsXSI + `" xmlns:xsd="http://www.w3.org/2001/XMLSchema">`)
	b.Write(body)
	b.WriteString(`</s:Body></s:Envelope>`)
	return b.Bytes()
}

// fault is an answer EWS gives as a SOAP fault (HTTP 500): errors of the
// request as a whole, found before any of its items is looked at.
type fault struct {
	code      string // the EWS response code, or a SOAP fault code when soapCode
	soapCode  bool
	text      string
	status    int               // HTTP status; 0 means 500
	values    map[string]string // t:Value elements of t:MessageXml (BackOffMilliseconds)
	schemaErr *parseError       // line, position and violation of a schema error
}

func faultClient(code, text string) *fault { return &fault{code: code, text: text} }

// schemaFault is EWS's answer to a request that does not follow the
// schema (or is not XML at all).
func schemaFault(line, col int, violation string) *fault {
	return &fault{
		code:      "ErrorSchemaValidation",
		text:      "The request failed schema validation: " + violation,
		schemaErr: &parseError{line: line, col: col, msg: violation},
	}
}

// notImplemented answers what the fake does not serve, naming it, with
// HTTP 501: never a plausible empty success.
func notImplemented(what string) *fault {
	return &fault{code: "ErrorNotImplemented", text: "outlooktest: " + what + " (not implemented by the fake)", status: http.StatusNotImplemented}
}

// ServerBusy is the fault Exchange answers throttled EWS requests with:
// HTTP 500, code ErrorServerBusy, and the time to wait in
// BackOffMilliseconds.
func ServerBusy(backOff time.Duration) []byte {
	return faultBody(&fault{code: "ErrorServerBusy", text: "The server cannot service this request right now. Try again later.",
		values: map[string]string{"BackOffMilliseconds": strconv.FormatInt(backOff.Milliseconds(), 10)}})
}

// Fault returns the SOAP fault body EWS gives for code, for the host
// layer's injected faults.
func Fault(code, text string, backOff time.Duration) []byte {
	f := &fault{code: code, text: text}
	if backOff > 0 {
		f.values = map[string]string{"BackOffMilliseconds": strconv.FormatInt(backOff.Milliseconds(), 10)}
	}
	return faultBody(f)
}

func writeFault(w http.ResponseWriter, f *fault) {
	body := faultBody(f)
	status := f.status
	if status == 0 {
		status = http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// faultBody is the SOAP 1.1 fault envelope as Exchange writes it: the
// response code qualified in the types namespace, the message, and in
// detail the code and message again in the errors namespace, with
// MessageXml for what the code carries.
func faultBody(f *fault) []byte {
	w := &writer{}
	w.b.WriteString(`<?xml version="1.0" encoding="utf-8"?>`)
	w.open("s:Envelope", "xmlns:s", nsSOAP)
	w.open("s:Body")
	w.open("s:Fault")
	if f.soapCode {
		w.leaf("faultcode", f.code)
	} else {
		w.leaf("faultcode", "a:"+f.code, "xmlns:a", nsTypes)
	}
	w.leaf("faultstring", f.text, "xml:lang", "en-US")
	if !f.soapCode {
		w.open("detail")
		w.leaf("e:ResponseCode", f.code, "xmlns:e", nsErrors)
		w.leaf("e:Message", f.text, "xmlns:e", nsErrors)
		if f.schemaErr != nil || len(f.values) > 0 {
			w.open("t:MessageXml", "xmlns:t", nsTypes)
			if se := f.schemaErr; se != nil {
				w.leaf("t:LineNumber", strconv.Itoa(se.line))
				w.leaf("t:LinePosition", strconv.Itoa(se.col))
				w.leaf("t:Violation", se.msg)
			}
			names := make([]string, 0, len(f.values))
			for k := range f.values {
				names = append(names, k)
			}
			sort.Strings(names)
			for _, k := range names {
				w.leaf("t:Value", f.values[k], "Name", k)
			}
			w.close("t:MessageXml")
		}
		w.close("detail")
	}
	w.close("s:Fault")
	w.close("s:Body")
	w.close("s:Envelope")
	return w.b.Bytes()
}

// WriteRequestTooLarge writes IIS's answer to a request whose
// Content-Length is over the virtual directory's maxAllowedContentLength:
// 404.13, from request filtering, before authentication.
func WriteRequestTooLarge(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html")
	w.Header().Set("Server", "Microsoft-IIS/10.0")
	w.WriteHeader(http.StatusNotFound)
	_, _ = io.WriteString(w, "<!DOCTYPE html><html><head><title>IIS 10.0 Detailed Error - 404.13 - Not Found</title></head><body><h3>HTTP Error 404.13 - Not Found</h3><h4>The request filtering module is configured to deny a request that exceeds the request content length.</h4></body></html>\n")
}

// WriteSSLRequired writes IIS's answer to a plain-HTTP request for a
// virtual directory that requires TLS, as Exchange's do: 403.4, whatever
// credentials it carries.
func WriteSSLRequired(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html")
	w.Header().Set("Server", "Microsoft-IIS/10.0")
	w.WriteHeader(http.StatusForbidden)
	_, _ = io.WriteString(w, "<!DOCTYPE html><html><head><title>403 - Forbidden: Access is denied.</title></head><body><h2>403.4 - Forbidden: SSL is required to view this resource.</h2></body></html>\n")
}

// WriteIIS404 writes the page IIS answers for a virtual directory that is
// not there.
func WriteIIS404(w http.ResponseWriter) { writeIIS404(w) }

// writeIIS404 writes the page IIS answers for a file that is not there.
func writeIIS404(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html")
	w.Header().Set("Server", "Microsoft-IIS/10.0")
	w.WriteHeader(http.StatusNotFound)
	_, _ = io.WriteString(w, "<!DOCTYPE html><html><head><title>404 - File or directory not found.</title></head><body><h2>404 - File or directory not found.</h2></body></html>\n")
}

// operations are the EWS operations the fake serves, by body element.
var operations map[string]func(c *call, op *elem, w *writer) *fault

func init() {
	operations = map[string]func(c *call, op *elem, w *writer) *fault{
		"FindItem":                   (*call).findItem,
		"Subscribe":                  (*call).subscribe,
		"GetStreamingEvents":         (*call).getStreamingEvents,
		"Unsubscribe":                (*call).unsubscribe,
		"GetItem":                    (*call).getItem,
		"CreateItem":                 (*call).createItem,
		"UpdateItem":                 (*call).updateItem,
		"DeleteItem":                 (*call).deleteItem,
		"MoveItem":                   (*call).moveOrCopyItem,
		"CopyItem":                   (*call).moveOrCopyItem,
		"SendItem":                   (*call).sendItem,
		"FindFolder":                 (*call).findFolder,
		"GetFolder":                  (*call).getFolder,
		"CreateFolder":               (*call).createFolder,
		"UpdateFolder":               (*call).updateFolder,
		"DeleteFolder":               (*call).deleteFolder,
		"MoveFolder":                 (*call).moveOrCopyFolder,
		"CopyFolder":                 (*call).moveOrCopyFolder,
		"CreateAttachment":           (*call).createAttachment,
		"GetAttachment":              (*call).getAttachment,
		"DeleteAttachment":           (*call).deleteAttachment,
		"SyncFolderItems":            (*call).syncFolderItems,
		"SyncFolderHierarchy":        (*call).syncFolderHierarchy,
		"GetUserOofSettingsRequest":  (*call).getOof,
		"SetUserOofSettingsRequest":  (*call).setOof,
		"GetInboxRules":              (*call).getInboxRules,
		"UpdateInboxRules":           (*call).updateInboxRules,
		"GetReminders":               (*call).getReminders,
		"PerformReminderAction":      (*call).performReminderAction,
		"GetUserAvailabilityRequest": (*call).getUserAvailability,
	}
}

// known are the other operations of EWS's messages schema: the fake
// answers them 501, naming them.
var known = map[string]bool{}

func init() {
	for _, op := range strings.Fields(`AddDelegate AddDistributionGroupToImList AddImContactToGroup AddImGroup
AddNewImContactToGroup AddNewTelUriContactToGroup ApplyConversationAction ArchiveItem ConvertId CopyFolder
CreateFolderPath CreateManagedFolder CreateUserConfiguration DeleteUserConfiguration DisableApp EmptyFolder
ExpandDL ExportItems FindConversation FindPeople GetAppManifests GetAppMarketplaceUrl GetClientAccessToken
GetConversationItems GetDelegate GetDiscoverySearchConfiguration GetEvents GetHoldOnMailboxes GetImItemList
GetImItems GetMailTips GetNonIndexableItemDetails GetNonIndexableItemStatistics GetPasswordExpirationDate
GetPersona GetPhoneCallInformation GetReminders GetRoomLists GetRooms GetSearchableMailboxes
GetServerTimeZones GetServiceConfiguration GetSharingFolder GetSharingMetadata GetStreamingEvents
GetUserAvailabilityRequest GetUserConfiguration GetUserPhoto GetUserRetentionPolicyTags InstallApp
MarkAllItemsAsRead MarkAsJunk PerformReminderAction PlayOnPhone RefreshSharingFolder RemoveContactFromImList
RemoveDelegate RemoveDistributionGroupFromImList RemoveImContactFromGroup RemoveImGroup ResolveNames
SearchMailboxes SendNotification SetHoldOnMailboxes SetImGroup SetUserPhoto Subscribe UninstallApp
Unsubscribe UpdateDelegate UpdateUserConfiguration UploadItems AddEntityFeedback DisconnectPhoneCall`) {
		known[op] = true
	}
}
