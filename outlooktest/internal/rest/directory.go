package rest

// The address book and the master category list. Under the service root
// (Graph only): places (room lists, rooms), users ($search with
// ConsistencyLevel: eventual) and groups (found by mail, their members).
// Under a mailbox: Graph's outlook/masterCategories and v2.0's
// MasterCategories, and v2.0's findroomlists and findrooms.

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/exchangekit/outlook/outlooktest/internal/dialect"
	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

// directory serves a request under the service root that names no
// mailbox; handled is false for the paths it does not own.
func (c *call) directory(segs []seg) (handled bool, err *apiError) {
	if who, ok := photoOf(segs); ok {
		return true, c.userPhoto(who)
	}
	if c.h.env.Dialect != dialect.Graph {
		return false, nil
	}
	s0 := strings.ToLower(segs[0].name)
	switch {
	case s0 == "places" && !segs[0].hasKey:
	case s0 == "users" && len(segs) == 1 && !segs[0].hasKey:
	case s0 == "groups":
	default:
		return false, nil
	}
	if c.r.Method != http.MethodGet {
		return true, errorf(http.StatusMethodNotAllowed, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.")
	}
	st := c.st()
	st.Lock()
	defer st.Unlock()
	root := "https://" + c.h.env.Host + c.h.root + "/$metadata#"
	switch s0 {
	case "places":
		return true, c.places(segs[1:], root)
	case "users":
		return true, c.searchUsers(root)
	}
	return true, c.groups(segs, root)
}

// places serves /places/microsoft.graph.roomlist,
// /places/microsoft.graph.room and /places/{id or address}/microsoft.graph.roomlist/rooms.
func (c *call) places(segs []seg, root string) *apiError {
	st := c.st()
	names := make([]string, len(segs))
	for i, s := range segs {
		names[i] = strings.ToLower(s.name)
	}
	switch strings.Join(names, "/") {
	case "microsoft.graph.roomlist":
		c.writePage(root+"places/microsoft.graph.roomList", st.RoomLists())
		return nil
	case "microsoft.graph.room":
		rooms, _ := st.Rooms("")
		c.writePage(root+"places/microsoft.graph.room", rooms)
		return nil
	}
	if len(segs) == 3 && strings.EqualFold(segs[1].name, "microsoft.graph.roomlist") && strings.EqualFold(segs[2].name, "rooms") {
		rooms, ok := st.Rooms(segs[0].name)
		if !ok {
			return errorf(http.StatusNotFound, "ErrorItemNotFound", "The specified object was not found in the store.")
		}
		c.writePage(root+"places('"+segs[0].name+"')/microsoft.graph.roomList/rooms", rooms)
		return nil
	}
	return c.notImplemented()
}

// writePage answers a page holding every item.
func (c *call) writePage(ctx string, items []Object) {
	v := make([]any, len(items))
	for i, o := range items {
		v[i] = o
	}
	c.writeJSON(http.StatusOK, Object{"@odata.context": ctx, "value": v})
}

// searchUsers serves GET /users?$search="displayName:x" OR "mail:x". Graph
// refuses $search of directory objects without ConsistencyLevel: eventual.
func (c *call) searchUsers(root string) *apiError {
	q := c.r.URL.Query()
	search := q.Get("$search")
	if search == "" {
		return c.notImplemented()
	}
	if !strings.EqualFold(c.r.Header.Get("ConsistencyLevel"), "eventual") {
		return errorf(http.StatusBadRequest, "Request_UnsupportedQuery",
			"Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'")
	}
	terms, ok := SearchTerms(search)
	if !ok {
		return errorf(http.StatusBadRequest, "Request_UnsupportedQuery", "Syntax error: character '%s' is not valid in the $search query.", search[:min(len(search), 1)])
	}
	st := c.st()
	seen := map[string]bool{}
	var out []Object
	for _, t := range terms {
		for _, e := range st.Resolve(t) {
			if e.Kind != "user" || seen[str(e.Obj["mail"])] {
				continue
			}
			seen[str(e.Obj["mail"])] = true
			out = append(out, e.Obj)
		}
	}
	c.writePage(root+"users", out)
	return nil
}

// SearchTerms reads the terms of a $search of directory objects: one or
// more quoted "property:term" clauses joined by OR, as Graph takes them
// (backslash escapes a quote or a backslash). ok is false for anything
// else.
func SearchTerms(search string) (terms []string, ok bool) {
	s := strings.TrimSpace(search)
	for {
		if !strings.HasPrefix(s, `"`) {
			return nil, false
		}
		var b strings.Builder
		i := 1
		closed := false
		for ; i < len(s); i++ {
			if s[i] == '\\' && i+1 < len(s) {
				i++
				b.WriteByte(s[i])
				continue
			}
			if s[i] == '"' {
				closed = true
				break
			}
			b.WriteByte(s[i])
		}
		if !closed {
			return nil, false
		}
		_, term, found := strings.Cut(b.String(), ":")
		if !found || strings.TrimSpace(term) == "" {
			return nil, false
		}
		terms = append(terms, term)
		s = strings.TrimSpace(s[i+1:])
		if s == "" {
			return terms, true
		}
		rest, found := strings.CutPrefix(s, "OR ")
		if !found {
			return nil, false
		}
		s = strings.TrimSpace(rest)
	}
}

func str(v any) string { s, _ := v.(string); return s }

// groups serves GET /groups?$filter=mail eq '...' and
// /groups/{id}/members: the fake's groups are its distribution lists.
func (c *call) groups(segs []seg, root string) *apiError {
	st := c.st()
	switch {
	case len(segs) == 1 && !segs[0].hasKey && c.r.URL.Query().Get("$search") != "":
		if !strings.EqualFold(c.r.Header.Get("ConsistencyLevel"), "eventual") {
			return errorf(http.StatusBadRequest, "Request_UnsupportedQuery",
				"Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'")
		}
		terms, ok := SearchTerms(c.r.URL.Query().Get("$search"))
		if !ok {
			return errorf(http.StatusBadRequest, "Request_UnsupportedQuery", "Syntax error in the $search query.")
		}
		seen := map[string]bool{}
		var out []Object
		for _, t := range terms {
			for _, e := range st.Resolve(t) {
				if e.Kind != "distributionList" || seen[str(e.Obj["mail"])] {
					continue
				}
				seen[str(e.Obj["mail"])] = true
				out = append(out, Object{"id": e.Obj["id"], "displayName": e.Obj["displayName"], "mail": e.Obj["mail"],
					"mailEnabled": true, "securityEnabled": false, "groupTypes": []any{}})
			}
		}
		c.writePage(root+"groups", out)
		return nil
	case len(segs) == 1 && !segs[0].hasKey:
		f := strings.TrimSpace(c.r.URL.Query().Get("$filter"))
		rest, ok := strings.CutPrefix(f, "mail eq '")
		if !ok || !strings.HasSuffix(rest, "'") {
			return c.notImplemented()
		}
		addr := strings.ReplaceAll(strings.TrimSuffix(rest, "'"), "''", "'")
		var out []Object
		for _, e := range st.Resolve(addr) {
			if e.Kind == "distributionList" && strings.EqualFold(str(e.Obj["mail"]), addr) {
				out = append(out, Object{"id": e.Obj["id"], "displayName": e.Obj["displayName"], "mail": e.Obj["mail"]})
			}
		}
		c.writePage(root+"groups", out)
		return nil
	case len(segs) == 3 && strings.EqualFold(segs[2].name, "members"):
		members, ok := st.Expand(segs[1].name)
		if !ok {
			return errorf(http.StatusNotFound, "Request_ResourceNotFound", "Resource '%s' does not exist or one of its queried reference-property objects are not present.", segs[1].name)
		}
		out := make([]Object, 0, len(members))
		for _, m := range members {
			o := m.Obj
			switch m.Kind {
			case "distributionList":
				o["@odata.type"] = "#microsoft.graph.group"
			case "user", "room":
				o["@odata.type"] = "#microsoft.graph.user"
			default:
				o["@odata.type"] = "#microsoft.graph.orgContact"
			}
			out = append(out, o)
		}
		c.writePage(root+"directoryObjects", out)
		return nil
	}
	return c.notImplemented()
}

// mailboxDirectory serves the master category list and v2.0's
// findroomlists and findrooms under a mailbox; handled is false for other
// paths. The store is locked.
func (c *call) mailboxDirectory(segs []seg) (handled bool, err *apiError) {
	v2 := c.h.env.Dialect == dialect.V2
	s0 := strings.ToLower(segs[0].name)
	switch {
	case !v2 && s0 == "outlook" && len(segs) > 1 && strings.EqualFold(segs[1].name, "masterCategories"):
		return true, c.masterCategories(segs[2:])
	case v2 && s0 == "mastercategories":
		return true, c.masterCategories(segs[1:])
	case v2 && (s0 == "findroomlists" || s0 == "findrooms") && len(segs) == 1:
		if c.r.Method != http.MethodGet {
			return true, errorf(http.StatusMethodNotAllowed, "ErrorInvalidRequest", "The OData request is not supported.")
		}
		return true, c.findRooms(segs[0])
	}
	return false, nil
}

// findRooms serves v2.0's findroomlists, findrooms and
// findrooms(RoomList='address'), whose answers are EmailAddress values.
func (c *call) findRooms(s seg) *apiError {
	st := c.st()
	var items []Object
	ctx := "https://" + c.h.env.Host + c.h.root + "/$metadata#Collection(Microsoft.OutlookServices.EmailAddress)"
	if strings.EqualFold(s.name, "findroomlists") {
		if s.hasKey || len(s.params) > 0 {
			return c.notImplemented()
		}
		items = st.RoomLists()
	} else {
		// parseSegs reads findrooms(RoomList='address') as a function call.
		list, ok := s.params["roomlist"]
		if s.hasKey || len(s.params) > 1 || len(s.params) == 1 && !ok {
			return errorf(http.StatusBadRequest, "RequestBroker--ParseUri", "The parameter of findrooms must be RoomList='address'.")
		}
		rooms, ok := st.Rooms(list)
		if !ok {
			return errorf(http.StatusNotFound, "ErrorNameResolutionNoResults", "No results were found.")
		}
		items = rooms
	}
	out := make([]Object, len(items))
	for i, o := range items {
		out[i] = Object{"Name": o["displayName"], "Address": o["emailAddress"]}
	}
	c.writePage(ctx, out)
	return nil
}

// category spells a stored category for this host's dialect.
func (c *call) category(o Object) Object {
	if c.h.env.Dialect != dialect.V2 {
		return Object{"id": o["id"], "displayName": o["displayName"], "color": o["color"]}
	}
	color := str(o["color"])
	return Object{"Id": o["id"], "DisplayName": o["displayName"], "Color": strings.ToUpper(color[:min(1, len(color))]) + color[min(1, len(color)):]}
}

// masterCategories serves the list (GET, POST) and one category (GET,
// PATCH of its colour, DELETE).
func (c *call) masterCategories(rest []seg) *apiError {
	m := c.m
	cats, _ := m.Categories()
	ctx := "https://" + c.h.env.Host + c.h.root + "/$metadata#" + c.baseCtx()
	if c.h.env.Dialect == dialect.V2 {
		ctx += "/MasterCategories"
	} else {
		ctx += "/outlook/masterCategories"
	}
	var id string
	switch {
	case len(rest) == 0:
	case len(rest) == 1 && rest[0].hasKey:
		return c.notImplemented()
	case len(rest) == 1:
		id = rest[0].name
	default:
		return c.notImplemented()
	}
	find := func() int {
		for i, o := range cats {
			if strings.EqualFold(str(o["id"]), id) {
				return i
			}
		}
		return -1
	}
	switch {
	case id == "" && c.r.Method == http.MethodGet:
		out := make([]Object, len(cats))
		for i, o := range cats {
			out[i] = c.category(o)
		}
		c.writePage(ctx, out)
		return nil
	case id == "" && c.r.Method == http.MethodPost:
		body, aerr := c.categoryBody()
		if aerr != nil {
			return aerr
		}
		name := strings.TrimSpace(str(body["displayName"]))
		if name == "" {
			return errorf(http.StatusBadRequest, "ErrorInvalidArgument", "The category needs a displayName.")
		}
		for _, o := range cats {
			if strings.EqualFold(str(o["displayName"]), name) {
				return errorf(http.StatusConflict, "ErrorDuplicateCategory", "A category named '%s' already exists.", name)
			}
		}
		color, aerr := categoryColor(body["color"])
		if aerr != nil {
			return aerr
		}
		o := Object{"id": store.NewGUID(), "displayName": name, "color": color}
		m.SetCategories(append(cats, o))
		body = c.category(o)
		body["@odata.context"] = ctx + "/$entity"
		c.writeJSON(http.StatusCreated, body)
		return nil
	case id == "":
		return errorf(http.StatusMethodNotAllowed, "ErrorInvalidRequest", "The OData request is not supported.")
	}
	i := find()
	if i < 0 {
		return errorf(http.StatusNotFound, "ErrorItemNotFound", "The specified object was not found in the store.")
	}
	switch c.r.Method {
	case http.MethodGet:
	case http.MethodPatch:
		body, aerr := c.categoryBody()
		if aerr != nil {
			return aerr
		}
		if _, ok := body["displayName"]; ok {
			return errorf(http.StatusBadRequest, "ErrorInvalidRequest", "The displayName of a category cannot be changed.")
		}
		color, aerr := categoryColor(body["color"])
		if aerr != nil {
			return aerr
		}
		cats[i]["color"] = color
		m.SetCategories(cats)
	case http.MethodDelete:
		m.SetCategories(append(cats[:i], cats[i+1:]...))
		c.setHeaders()
		c.w.WriteHeader(http.StatusNoContent)
		return nil
	default:
		return errorf(http.StatusMethodNotAllowed, "ErrorInvalidRequest", "The OData request is not supported.")
	}
	body := c.category(cats[i])
	body["@odata.context"] = ctx + "/$entity"
	c.writeJSON(http.StatusOK, body)
	return nil
}

// categoryBody reads a category body in Graph names, whatever the
// dialect.
func (c *call) categoryBody() (Object, *apiError) {
	data, err := io.ReadAll(io.LimitReader(c.r.Body, maxBodyBytes+1))
	if err != nil || len(data) > maxBodyBytes {
		return nil, errorf(http.StatusBadRequest, "RequestBodyRead", "reading the request body failed")
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, errorf(http.StatusBadRequest, "RequestBodyRead", "%v", err)
	}
	out := Object{}
	for k, v := range raw {
		switch strings.ToLower(k) {
		case "displayname":
			out["displayName"] = v
		case "color":
			out["color"] = v
		case "id":
		default:
			return nil, errorf(http.StatusBadRequest, "RequestBodyRead", "The property '%s' does not exist on type 'microsoft.graph.outlookCategory'.", k)
		}
	}
	return out, nil
}

// categoryColor reads a colour in either dialect's spelling.
func categoryColor(v any) (string, *apiError) {
	if v == nil {
		return "none", nil
	}
	s := strings.ToLower(str(v))
	if s == "none" {
		return s, nil
	}
	n, ok := strings.CutPrefix(s, "preset")
	if i, err := strconv.Atoi(n); ok && err == nil && i >= 0 && i <= 24 && strconv.Itoa(i) == n {
		return s, nil
	}
	return "", errorf(http.StatusBadRequest, "RequestBodyRead", "The value '%v' is not a categoryColor.", v)
}

// photoOf reads users/{address}/photo/$value (or users('address')/...).
func photoOf(segs []seg) (who string, ok bool) {
	if len(segs) < 3 || !strings.EqualFold(segs[0].name, "users") {
		return "", false
	}
	rest := segs[1:]
	who = segs[0].key
	if !segs[0].hasKey {
		who, rest = segs[1].name, segs[2:]
	}
	if len(rest) != 2 || !strings.EqualFold(rest[0].name, "photo") || rest[1].name != "$value" {
		return "", false
	}
	return who, true
}

// userPhoto serves a person's photo, as Graph and v2.0 answer it.
func (c *call) userPhoto(who string) *apiError {
	if c.r.Method != http.MethodGet {
		return errorf(http.StatusMethodNotAllowed, "ErrorInvalidRequest", "The OData request is not supported.")
	}
	st := c.st()
	st.Lock()
	img, ok := st.UserPhoto(who)
	img = slices.Clone(img)
	st.Unlock()
	if !ok {
		return errorf(http.StatusNotFound, "ImageNotFound", "Exception of type 'Microsoft.Fast.Profile.Core.Exception.ImageNotFoundException' was thrown.")
	}
	c.setHeaders()
	c.w.Header().Set("Content-Type", http.DetectContentType(img))
	c.w.Header().Set("Content-Length", strconv.Itoa(len(img)))
	c.w.WriteHeader(http.StatusOK)
	c.w.Write(img)
	return nil
}
