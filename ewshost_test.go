package outlook_test

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"unicode/utf16"

	"github.com/exchangekit/outlook/internal/testutil"
	"github.com/exchangekit/outlook/outlooktest"
)

// ewsHost plays an on-premises server's EWS (/EWS/Exchange.asmx) in front of
// a fake tenant, for the sign-in paths the fake's own hosts do not serve:
// it challenges with the schemes it is given, runs the server side of NTLM,
// Basic and Bearer, and answers GetUserOofSettings with Microsoft's
// published example, or a SOAP error when the mailbox has moved away.
type ewsHost struct {
	t       testing.TB
	schemes []string // offered in the 401 challenge, in order
	user    string   // the account NTLM and Basic accept
	pass    string   // Basic's password

	mu        sync.Mutex
	reqs      []ewsRequest
	challenge map[string]bool // remote addresses an NTLM challenge was sent on
	gone      bool            // answer ErrorNonExistentMailbox
	moving    bool            // answer ErrorMailboxMoveInProgress
	redirect  string          // answer a signed-in request with a 307 there
	down      bool            // answer everything with IIS's 404, as when the EWS virtual directory is gone
}

// ewsRequest is what the host saw of one request.
type ewsRequest struct {
	Method, Path, Auth, Anchor, Remote string
	Body                               string
}

// bearerChallenge is the challenge of a server with hybrid modern
// authentication, as Exchange sends it.
func bearerChallenge(tenantID string) string {
	return `Bearer client_id="00000002-0000-0ff1-ce00-000000000000", trusted_issuers="00000001-0000-0000-c000-000000000000@` +
		tenantID + `", token_types="app_asserted_user_v1 service_asserted_app_v1", authorization_uri="https://login.windows.net/common/oauth2/authorize"`
}

// newEWSHost mounts an EWS host on srv at host, for the mailboxes that live there.
func newEWSHost(t testing.TB, srv *outlooktest.Server, host string, schemes ...string) *ewsHost {
	h := &ewsHost{t: t, schemes: schemes, user: `FABRIKAM\svc-mail`, pass: "S3rvice!pass", challenge: map[string]bool{}}
	srv.AddHost(host, h)
	return h
}

func (h *ewsHost) requests() []ewsRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]ewsRequest(nil), h.reqs...)
}

func (h *ewsHost) setMoving(moving bool) {
	h.mu.Lock()
	h.moving = moving
	h.mu.Unlock()
}

func (h *ewsHost) setGone(gone bool) {
	h.mu.Lock()
	h.gone = gone
	h.mu.Unlock()
}

func (h *ewsHost) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	auth := r.Header.Get("Authorization")
	h.mu.Lock()
	h.reqs = append(h.reqs, ewsRequest{Method: r.Method, Path: r.URL.Path, Auth: auth, Anchor: r.Header.Get("X-AnchorMailbox"),
		Remote: r.RemoteAddr, Body: string(body)})
	h.mu.Unlock()
	h.mu.Lock()
	down := h.down
	h.mu.Unlock()
	if down || !strings.EqualFold(r.URL.Path, "/EWS/Exchange.asmx") {
		http.NotFound(w, r)
		return
	}
	scheme, cred, _ := strings.Cut(auth, " ")
	switch {
	case r.Method != http.MethodPost:
		h.unauthorized(w)
	case strings.EqualFold(scheme, "Bearer") && len(cred) > 0 && h.offers("Bearer"):
		h.soap(w, body)
	case strings.EqualFold(scheme, "Basic") && h.offers("Basic"):
		if cred != base64.StdEncoding.EncodeToString([]byte(h.user+":"+h.pass)) {
			h.unauthorized(w)
			return
		}
		h.soap(w, body)
	case (scheme == "NTLM" || scheme == "Negotiate") && h.offers(scheme):
		h.ntlm(w, r, scheme, body, cred)
	default:
		h.unauthorized(w)
	}
}

func (h *ewsHost) offers(scheme string) bool {
	for _, s := range h.schemes {
		if s == scheme || strings.HasPrefix(s, scheme+" ") {
			return true
		}
	}
	return false
}

func (h *ewsHost) unauthorized(w http.ResponseWriter) {
	for _, s := range h.schemes {
		w.Header().Add("WWW-Authenticate", s)
	}
	w.WriteHeader(http.StatusUnauthorized)
}

// ntlm is the server side of the handshake: a challenge for the
// negotiate message, the answer for an authenticate message of the
// account's on the connection that was challenged. (Checking the response
// against the password is go-ntlmssp's own tests' business; the fake's EWS
// host checks it end to end.)
func (h *ewsHost) ntlm(w http.ResponseWriter, r *http.Request, scheme string, body []byte, cred string) {
	msg, err := base64.StdEncoding.DecodeString(cred)
	if err != nil || len(msg) < 12 || string(msg[:8]) != "NTLMSSP\x00" {
		h.unauthorized(w)
		return
	}
	switch binary.LittleEndian.Uint32(msg[8:12]) {
	case 1:
		h.mu.Lock()
		h.challenge[r.RemoteAddr] = true
		h.mu.Unlock()
		w.Header().Set("WWW-Authenticate", scheme+" "+base64.StdEncoding.EncodeToString(ntlmChallenge()))
		w.WriteHeader(http.StatusUnauthorized)
	case 3:
		h.mu.Lock()
		challenged := h.challenge[r.RemoteAddr]
		h.mu.Unlock()
		if !challenged || ntlmUser(msg) != h.user[strings.IndexByte(h.user, '\\')+1:] {
			h.unauthorized(w)
			return
		}
		h.soap(w, body)
	default:
		h.unauthorized(w)
	}
}

// ntlmChallenge is an NTLM CHALLENGE_MESSAGE (MS-NLMP 2.2.1.2): Unicode,
// NTLM, extended session security, an empty target name and a target info
// of MsvAvEOL alone.
func ntlmChallenge() []byte {
	const fields = 48
	m := make([]byte, fields+4)
	copy(m, "NTLMSSP\x00")
	binary.LittleEndian.PutUint32(m[8:], 2)
	binary.LittleEndian.PutUint32(m[16:], fields) // target name: empty, at the payload
	binary.LittleEndian.PutUint32(m[20:], 0x00000001|0x00000200|0x00080000|0x00800000)
	copy(m[24:32], "challnge")
	binary.LittleEndian.PutUint16(m[40:], 4) // target info: MsvAvEOL
	binary.LittleEndian.PutUint16(m[42:], 4)
	binary.LittleEndian.PutUint32(m[44:], fields)
	return m
}

// ntlmUser reads the user name of an AUTHENTICATE_MESSAGE.
func ntlmUser(msg []byte) string {
	if len(msg) < 44 {
		return ""
	}
	n, off := int(binary.LittleEndian.Uint16(msg[36:])), int(binary.LittleEndian.Uint32(msg[40:]))
	if off+n > len(msg) || n%2 != 0 {
		return ""
	}
	u := make([]uint16, n/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(msg[off+2*i:])
	}
	return string(utf16.Decode(u))
}

// soap answers an EWS operation.
func (h *ewsHost) soap(w http.ResponseWriter, body []byte) {
	h.mu.Lock()
	gone, moving, redirect := h.gone, h.moving, h.redirect
	h.mu.Unlock()
	if redirect != "" {
		w.Header().Set("Location", redirect)
		w.WriteHeader(http.StatusTemporaryRedirect)
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	switch {
	case gone:
		fmt.Fprint(w, soapError("GetUserOofSettings", "ErrorNonExistentMailbox", "No mailbox with such guid."))
	case moving:
		fmt.Fprint(w, soapError("GetUserOofSettings", "ErrorMailboxMoveInProgress", "The mailbox is being moved."))
	case bytes.Contains(body, []byte("GetUserOofSettingsRequest")):
		w.Write(testutil.ReadExternal(h.t, "ews-samples/GetUserOofSettings__getuseroofsettings-operation__1.response.xml"))
	default:
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, soapError("Unknown", "ErrorInvalidRequest", "The request is invalid."))
	}
}

func soapError(op, code, msg string) string {
	return `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>` +
		`<m:` + op + `Response xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">` +
		`<m:ResponseMessage ResponseClass="Error"><m:MessageText>` + msg + `</m:MessageText><m:ResponseCode>` + code +
		`</m:ResponseCode></m:ResponseMessage></m:` + op + `Response></s:Body></s:Envelope>`
}

func base64Encode(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
