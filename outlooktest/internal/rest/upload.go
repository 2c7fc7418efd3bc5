package rest

// Attachment upload sessions (Graph only): createUploadSession on a
// message's or event's attachments returns a pre-authenticated uploadUrl on
// outlook.office.com, which takes the file in ordered chunks (PUT with
// Content-Range) and creates the attachment with the last one.

import (
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/hosts"
	"github.com/exchangekit/outlook/outlooktest/internal/ids"
	"github.com/exchangekit/outlook/outlooktest/internal/schema"
	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

// Limits of an upload session (Graph: "3 MB to 150 MB").
const (
	uploadMinSize  = 3 << 20
	uploadMaxSize  = 150 << 20
	uploadLifetime = time.Hour // the fake's choice; Graph does not document one
)

// Uploads holds the attachment upload sessions of one server: opened on the
// Graph host (Env.Uploads), served at their upload URLs on
// outlook.office.com (ServeHTTP). The sessions are guarded by the store's
// lock.
type Uploads struct {
	st       *store.Store
	sessions map[string]*uploadSession // by id
}

// NewUploads returns an empty set of sessions over st.
func NewUploads(st *store.Store) *Uploads {
	return &Uploads{st: st, sessions: map[string]*uploadSession{}}
}

// uploadSession is one attachment being uploaded.
type uploadSession struct {
	id, token   string
	box         *store.Mailbox
	itemSet     string // "messages" or "events"
	itemID      string
	userSeg     string // "<oid>@<tenant id>", as the URLs name the mailbox
	attachment  Object // name, contentType, isInline, contentId
	size        int64
	data        []byte
	expires     time.Time
	uploadURLOf string
}

// createUploadSession serves POST .../attachments/createUploadSession.
func (c *call) createUploadSession(t *target, _ string, unlock func()) *apiError {
	item := t.parent
	if item == nil || (item.Set() != "messages" && item.Set() != "events") {
		return c.notImplemented()
	}
	body, aerr := c.readParams("createuploadsession", "")
	if aerr != nil {
		return aerr
	}
	ai, _ := body["attachmentItem"].(map[string]any)
	if ai == nil {
		return errorf(http.StatusBadRequest, "ErrorInvalidParameter", "The AttachmentItem parameter is required.")
	}
	get := func(name string) any {
		for k, v := range ai {
			if strings.EqualFold(k, name) {
				return v
			}
		}
		return nil
	}
	if at, ok := get("attachmentType").(string); ok && !strings.EqualFold(at, "file") {
		return errorf(http.StatusBadRequest, "ErrorInvalidParameter", "attachmentType %q cannot be uploaded in a session; only file can.", at)
	}
	name, _ := get("name").(string)
	size, ok := get("size").(float64)
	if name == "" || !ok || size != float64(int64(size)) || size < 0 {
		return errorf(http.StatusBadRequest, "ErrorInvalidParameter", "AttachmentItem needs a name and an integer size.")
	}
	switch {
	case size < uploadMinSize:
		return errorf(http.StatusBadRequest, "ErrorAttachmentSizeShouldNotBeLessThanMinimumSize",
			"Attachment size must be at least %d bytes for an upload session; POST smaller attachments directly.", uploadMinSize)
	case size > uploadMaxSize:
		return errorf(http.StatusBadRequest, "ErrorMessageSizeExceeded", "The message exceeds the maximum supported size.")
	}
	att := Object{"@odata.type": schema.GraphNS + "fileAttachment", "name": name, "contentType": "application/octet-stream", "isInline": false}
	if ct, ok := get("contentType").(string); ok && ct != "" {
		att["contentType"] = ct
	}
	if in, ok := get("isInline").(bool); ok {
		att["isInline"] = in
	}
	if cid, ok := get("contentId").(string); ok && cid != "" {
		att["contentId"] = cid
	}
	tenant := ""
	if c.h.env.Tenant != nil {
		tenant = c.h.env.Tenant(c.m.Address())
	}
	s := &uploadSession{
		id:         ids.Item(),
		token:      base64.RawURLEncoding.EncodeToString(ids.Random(32)),
		box:        c.m,
		itemSet:    item.Set(),
		itemID:     item.ID(),
		userSeg:    c.m.ID() + "@" + tenant,
		attachment: att,
		size:       int64(size),
		expires:    c.st().Now().Add(uploadLifetime),
	}
	s.uploadURLOf = "https://" + hosts.OutlookCloud + s.itemPath() + "/AttachmentSessions('" + s.id + "')?authtoken=" + s.token
	c.h.env.Uploads.sessions[s.id] = s
	unlock()
	c.writeJSON(http.StatusCreated, map[string]any{
		"@odata.context":     "https://" + c.h.env.Host + c.h.root + "/$metadata#microsoft.graph.uploadSession",
		"uploadUrl":          s.uploadURLOf,
		"expirationDateTime": s.expires.UTC().Format("2006-01-02T15:04:05.0000000Z"),
		"nextExpectedRanges": []string{"0-"},
	})
	return nil
}

// itemPath is the v2.0 path of the session's item on outlook.office.com.
func (s *uploadSession) itemPath() string {
	set := "Messages"
	if s.itemSet == "events" {
		set = "Events"
	}
	return "/api/v2.0/Users('" + s.userSeg + "')/" + set + "('" + s.itemID + "')"
}

var uploadPathRE = regexp.MustCompile(`(?i)^/api/v2\.0/users\('[^']*'\)/(messages|events)\('[^']*'\)/attachmentsessions\('([^']+)'\)$`)

// IsUploadPath reports whether a path on outlook.office.com is an upload URL.
func IsUploadPath(p string) bool { return uploadPathRE.MatchString(p) }

// ServeHTTP answers an upload URL: PUT a chunk, GET the session's state,
// DELETE to abandon it. The URL is the credential: a request that also
// carries an Authorization header is refused, as the service refuses a
// bearer token it did not mint for this URL.
func (u *Uploads) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fail := func(status int, code, format string, args ...any) {
		WriteHostError(w, status, code, fmt.Sprintf(format, args...))
	}
	if r.Header.Get("Authorization") != "" {
		fail(http.StatusUnauthorized, "InvalidAuthenticationToken",
			"An upload URL is pre-authenticated: send no Authorization header with it.")
		return
	}
	m := uploadPathRE.FindStringSubmatch(r.URL.Path)
	if m == nil {
		fail(http.StatusNotFound, "ErrorItemNotFound", "The upload session was not found: it was completed, abandoned or never existed.")
		return
	}
	sid := m[2]
	st := u.st
	st.Lock()
	locked := true
	defer func() {
		if locked {
			st.Unlock()
		}
	}()
	sess := u.sessions[sid]
	if sess == nil {
		fail(http.StatusNotFound, "ErrorItemNotFound", "The upload session was not found: it was completed, abandoned or never existed.")
		return
	}
	tok := r.URL.Query().Get("authtoken")
	if subtle.ConstantTimeCompare([]byte(tok), []byte(sess.token)) != 1 {
		fail(http.StatusUnauthorized, "InvalidAuthenticationToken", "The authtoken of the upload URL is not valid.")
		return
	}
	if !st.Now().Before(sess.expires) {
		delete(u.sessions, sid)
		fail(http.StatusNotFound, "ErrorItemNotFound", "The upload session has expired.")
		return
	}
	switch r.Method {
	case http.MethodDelete:
		delete(u.sessions, sid)
		w.WriteHeader(http.StatusNoContent)
		return
	case http.MethodGet:
		writeUploadState(w, http.StatusOK, sess)
		return
	case http.MethodPut:
	default:
		fail(http.StatusMethodNotAllowed, "ErrorInvalidRequest", "An upload URL takes PUT, GET and DELETE.")
		return
	}
	first, last, total, err := parseContentRange(r.Header.Get("Content-Range"))
	switch {
	case err != nil:
		fail(http.StatusBadRequest, "ErrorInvalidRequest", "%v", err)
		return
	case total != sess.size:
		fail(http.StatusBadRequest, "ErrorInvalidRequest", "Content-Range total %d is not the session's size %d.", total, sess.size)
		return
	case first != int64(len(sess.data)):
		// Chunks go in order; the session keeps what it has.
		fail(http.StatusRequestedRangeNotSatisfiable, "ErrorInvalidRange",
			"Chunks must be sent in order: the next expected range starts at byte %d, not %d.", len(sess.data), first)
		return
	}
	n := last - first + 1
	if r.ContentLength >= 0 && r.ContentLength != n && r.Header.Get("Content-Encoding") == "" {
		fail(http.StatusBadRequest, "ErrorInvalidRequest", "Content-Length %d does not match Content-Range %d-%d.", r.ContentLength, first, last)
		return
	}
	// Read the chunk without holding the store: a slow client must not stall
	// the server. The session is re-checked afterwards.
	st.Unlock()
	locked = false
	// A compressed chunk (Graph SDKs compress bodies by default) is
	// inflated here, outside the store's lock, to at most what the range
	// announced.
	if aerr := inflateBody(r, n, func() *apiError {
		return errorf(http.StatusBadRequest, "ErrorInvalidRequest", "The chunk inflates past the %d bytes Content-Range announced.", n)
	}); aerr != nil {
		fail(aerr.status, aerr.code, "%s", aerr.message)
		return
	}
	chunk, rerr := io.ReadAll(io.LimitReader(r.Body, n+1))
	st.Lock()
	locked = true
	switch {
	case rerr != nil:
		fail(http.StatusBadRequest, "ErrorInvalidRequest", "reading the chunk: %v", rerr)
		return
	case int64(len(chunk)) != n:
		fail(http.StatusBadRequest, "ErrorInvalidRequest", "The chunk has %d bytes; Content-Range announced %d.", len(chunk), n)
		return
	case u.sessions[sid] != sess || int64(len(sess.data)) != first:
		fail(http.StatusConflict, "ErrorIrresolvableConflict", "The upload session changed while the chunk was read.")
		return
	}
	sess.data = append(sess.data, chunk...)
	if int64(len(sess.data)) < sess.size {
		writeUploadState(w, http.StatusOK, sess)
		return
	}
	delete(u.sessions, sid)
	box := sess.box
	if box.Lookup(sess.itemSet, sess.itemID) == nil {
		fail(http.StatusNotFound, "ErrorItemNotFound", "The item the attachment was for no longer exists (moved or deleted).")
		return
	}
	obj := schema.DeepCopy(sess.attachment).(map[string]any)
	obj["contentBytes"] = base64.StdEncoding.EncodeToString(sess.data)
	a, aerr := box.AddAttachment(sess.itemID, obj, true)
	if aerr != nil {
		fail(http.StatusBadRequest, "ErrorInvalidRequest", "%v", aerr)
		return
	}
	w.Header().Set("Location", "https://"+hosts.OutlookCloud+sess.itemPath()+"/Attachments('"+url.PathEscape(a.ID())+"')")
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusCreated)
}

// writeUploadState answers with the session's expiry and next range. The
// upload host speaks Outlook REST v2.0, so the names are PascalCase.
func writeUploadState(w http.ResponseWriter, status int, s *uploadSession) {
	body := fmt.Sprintf(`{"@odata.context":"https://%s/api/v2.0/$metadata#Microsoft.OutlookServices.UploadSession","ExpirationDateTime":%q,"NextExpectedRanges":[%q]}`,
		hosts.OutlookCloud, s.expires.UTC().Format("2006-01-02T15:04:05.0000000Z"), strconv.Itoa(len(s.data)))
	w.Header().Set("Content-Type", "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	io.WriteString(w, body)
}

// parseContentRange reads "bytes first-last/total".
func parseContentRange(h string) (first, last, total int64, err error) {
	bad := fmt.Errorf("the Content-Range %q is not \"bytes first-last/total\"", h)
	rest, ok := strings.CutPrefix(strings.TrimSpace(h), "bytes ")
	if !ok {
		return 0, 0, 0, bad
	}
	rng, tot, ok := strings.Cut(rest, "/")
	if !ok {
		return 0, 0, 0, bad
	}
	a, b, ok := strings.Cut(rng, "-")
	if !ok {
		return 0, 0, 0, bad
	}
	num := func(s string) (int64, bool) {
		if s == "" || len(s) > 18 || strings.TrimLeft(s, "0123456789") != "" {
			return 0, false
		}
		n, err := strconv.ParseInt(s, 10, 64)
		return n, err == nil
	}
	var ok1, ok2, ok3 bool
	first, ok1 = num(a)
	last, ok2 = num(b)
	total, ok3 = num(tot)
	if !ok1 || !ok2 || !ok3 || first > last || last >= total {
		return 0, 0, 0, bad
	}
	return first, last, total, nil
}
