package ews

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/exchangekit/outlook/internal/tz"
	"github.com/exchangekit/outlook/odata"
)

// Next and delta links. A listing's next page and a sync round's next call
// are described by a listState, written into a link under the service root
// (the EWS URL): <root>/ews/<kind>/<base64url(JSON)>. The odata client
// refuses links outside the root before they reach the backend; the
// backend refuses links it cannot read, and checks what it reads as it
// checks a caller's input: ids, operators and field names are validated
// again, values are escaped when written. A link is no credential: it can
// only ask for what the caller could ask for.

// errBadLink is wrapped by the errors of links this backend did not make.
var errBadLink = fmt.Errorf("%w: a link this EWS backend did not make", odata.ErrInvalidQuery)

// linkVersion changes when listState does, so links stored by an older
// version are refused clearly instead of misread.
// (2: a listing of the whole mailbox keeps each folder's offset).
const linkVersion = 2

// maxLinkLen bounds the links the backend reads (a sync state is a few
// kilobytes; nothing else comes near).
const maxLinkLen = 256 << 10

// listState is the state a next or delta link carries.
type listState struct {
	V      int          `json:"v"`
	Kind   string       `json:"k"`           // the listing: messages, folders, sync, ...
	Folder string       `json:"f,omitempty"` // the folder as the caller named it
	Shape  *shape       `json:"s,omitempty"`
	Filter *restriction `json:"r,omitempty"`
	Sort   []sortKey    `json:"o,omitempty"`
	Search string       `json:"q,omitempty"`
	View   view         `json:"w"`
	Hidden bool         `json:"h,omitempty"` // folders: include hidden ones
	Sync   string       `json:"y,omitempty"` // SyncState
	// Cal is where a calendar view (or its change tracking) stands.
	Cal *viewState `json:"c,omitempty"`
	// Taken says, for a listing of the whole mailbox, how many items of
	// each folder (by EWS id) the pages before took.
	Taken map[string]int `json:"n,omitempty"`
}

// makeLink writes st as a link under root.
func makeLink(root string, st *listState) string {
	st.V = linkVersion
	b, err := json.Marshal(st)
	if err != nil {
		panic("ews: encoding a link: " + err.Error()) // every field is plain data
	}
	return strings.TrimRight(root, "/") + "/ews/" + st.Kind + "/" + base64.RawURLEncoding.EncodeToString(b)
}

// readLink reads and checks a link made by makeLink under root.
func readLink(root, link string) (*listState, error) {
	if len(link) > maxLinkLen {
		return nil, fmt.Errorf("%w: %d bytes", errBadLink, len(link))
	}
	rest, ok := strings.CutPrefix(link, strings.TrimRight(root, "/")+"/ews/")
	if !ok {
		return nil, errBadLink
	}
	// A view's links carry its window as query parameters, for the
	// calendar service to check a state against the window asked for.
	rest, _, _ = strings.Cut(rest, "?")
	kind, token, ok := strings.Cut(rest, "/")
	if !ok || linkHandlers[kind] == nil {
		return nil, errBadLink
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errBadLink, err)
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	var st listState
	if err := d.Decode(&st); err != nil || d.More() {
		return nil, fmt.Errorf("%w: %v", errBadLink, err)
	}
	if st.V != linkVersion {
		return nil, fmt.Errorf("%w: made by another version of the SDK (link version %d); start the listing again", errBadLink, st.V)
	}
	if st.Kind != kind {
		return nil, errBadLink
	}
	if st.View.Top < 1 || st.View.Top > maxTop || st.View.Offset < 0 || st.View.Offset > 1<<30 {
		return nil, fmt.Errorf("%w: page %d at %d", errBadLink, st.View.Top, st.View.Offset)
	}
	if len(st.Taken) > maxMailFolders {
		return nil, fmt.Errorf("%w: %d folders", errBadLink, len(st.Taken))
	}
	for id, n := range st.Taken {
		if _, err := base64.StdEncoding.DecodeString(id); err != nil || id == "" || n < 0 || n > 1<<30 {
			return nil, fmt.Errorf("%w: folder offset", errBadLink)
		}
	}
	if st.Filter != nil {
		if err := st.Filter.check(0); err != nil {
			return nil, err
		}
	}
	for _, k := range st.Sort {
		if err := k.Field.check(); err != nil {
			return nil, err
		}
	}
	if st.Shape != nil {
		for i := range st.Shape.Fields {
			if err := st.Shape.Fields[i].check(); err != nil {
				return nil, err
			}
		}
		if st.Shape.BodyType != "HTML" && st.Shape.BodyType != "Text" {
			return nil, fmt.Errorf("%w: body type %q", errBadLink, st.Shape.BodyType)
		}
	}
	if strings.HasPrefix(st.Kind, "sync") {
		if _, err := base64.StdEncoding.DecodeString(st.Sync); err != nil || st.Sync == "" {
			return nil, fmt.Errorf("%w: sync state", errBadLink)
		}
	}
	if len(st.Search) > 4096 {
		return nil, fmt.Errorf("%w: search too long", errBadLink)
	}
	if st.Cal != nil {
		if err := st.Cal.check(); err != nil {
			return nil, err
		}
	}
	if st.Shape != nil && st.Shape.Zone != "" {
		if _, err := tz.Load(st.Shape.Zone); err != nil {
			return nil, fmt.Errorf("%w: time zone", errBadLink)
		}
	}
	return &st, nil
}

func itoa(n int) string { return strconv.Itoa(n) }
