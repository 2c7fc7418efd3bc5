package ews

// The address book (GetRoomLists, GetRooms, ResolveNames, ExpandDL) over
// the store's directory, and the user configuration item holding the
// master category list (GetUserConfiguration, UpdateUserConfiguration,
// CreateUserConfiguration on IPM.Configuration.CategoryList in the
// Calendar folder), over the store's category lists, which the REST hosts'
// masterCategories read too.

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"io"
	"strconv"
	"strings"

	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

func init() {
	operations["GetRoomLists"] = (*call).getRoomLists
	operations["GetRooms"] = (*call).getRooms
	operations["ResolveNames"] = (*call).resolveNames
	operations["ExpandDL"] = (*call).expandDL
	operations["GetUserConfiguration"] = (*call).getUserConfiguration
	operations["UpdateUserConfiguration"] = (*call).writeUserConfiguration
	operations["CreateUserConfiguration"] = (*call).writeUserConfiguration
	operations["GetUserPhoto"] = (*call).getUserPhoto
}

// ewsMailboxTypes are EWS's MailboxType of each kind of directory entry.
var ewsMailboxTypes = map[string]string{"user": "Mailbox", "room": "Mailbox", "distributionList": "PublicDL", "roomList": "PublicDL", "other": "OneOff"}

// writeAddress writes an EmailAddressType's children.
func writeAddress(w *writer, name, addr, kind string) {
	w.leaf("t:Name", name)
	w.leaf("t:EmailAddress", addr)
	w.leaf("t:RoutingType", "SMTP")
	w.leaf("t:MailboxType", kind)
}

func sval(v any) string { s, _ := v.(string); return s }

var errNoResults = errf("ErrorNameResolutionNoResults", "No results were found.")

// getRoomLists serves GetRoomLists.
func (c *call) getRoomLists(op *elem, w *writer) *fault {
	c.bareResponse(w, nil, func(w *writer) {
		lists := c.h.st.RoomLists()
		if len(lists) == 0 {
			return
		}
		w.open("m:RoomLists")
		for _, l := range lists {
			w.open("t:Address")
			writeAddress(w, sval(l["displayName"]), sval(l["emailAddress"]), "PublicDL")
			w.close("t:Address")
		}
		w.close("m:RoomLists")
	})
	return nil
}

// getRooms serves GetRooms.
func (c *call) getRooms(op *elem, w *writer) *fault {
	rl := op.m("RoomList")
	if rl == nil || rl.t("EmailAddress") == nil {
		return schemaFault(op.line, op.col, "The element 'GetRooms' has incomplete content. List of possible elements expected: 'RoomList'.")
	}
	rooms, ok := c.h.st.Rooms(rl.t("EmailAddress").value())
	if !ok || rl.t("EmailAddress").value() == "" {
		c.bareResponse(w, errNoResults, nil)
		return nil
	}
	c.bareResponse(w, nil, func(w *writer) {
		if len(rooms) == 0 {
			return
		}
		w.open("m:Rooms")
		for _, r := range rooms {
			w.open("t:Room")
			w.open("t:Id")
			writeAddress(w, sval(r["displayName"]), sval(r["emailAddress"]), "Mailbox")
			w.close("t:Id")
			w.close("t:Room")
		}
		w.close("m:Rooms")
	})
	return nil
}

// resolveNames serves ResolveNames: the directory's entries and, unless
// the scope is the directory alone, the caller's contacts are not looked
// at (the fake's contacts are the mailbox's own, which name resolution of
// a test does not need).
func (c *call) resolveNames(op *elem, w *writer) *fault {
	ue := op.m("UnresolvedEntry")
	if ue == nil {
		return schemaFault(op.line, op.col, "The element 'ResolveNames' has incomplete content. List of possible elements expected: 'UnresolvedEntry'.")
	}
	full := op.attrOr("ReturnFullContactData", "false") == "true"
	found := c.h.st.Resolve(ue.value())
	if len(found) > 100 {
		found = found[:100] // EWS returns at most 100 candidates
	}
	name := "m:ResolveNamesResponseMessage"
	w.open("m:ResolveNamesResponse", "xmlns:m", nsMessages, "xmlns:t", nsTypes)
	w.open("m:ResponseMessages")
	switch {
	case len(found) == 0:
		w.open(name, "ResponseClass", "Error")
		w.leaf("m:MessageText", errNoResults.text)
		w.leaf("m:ResponseCode", errNoResults.code)
		w.leaf("m:DescriptiveLinkKey", "0")
		w.close(name)
	default:
		if len(found) > 1 {
			w.open(name, "ResponseClass", "Warning")
			w.leaf("m:MessageText", "Multiple results were found.")
			w.leaf("m:ResponseCode", "ErrorNameResolutionMultipleResults")
			w.leaf("m:DescriptiveLinkKey", "0")
		} else {
			w.open(name, "ResponseClass", "Success")
			w.leaf("m:ResponseCode", "NoError")
		}
		w.open("m:ResolutionSet", "TotalItemsInView", strconv.Itoa(len(found)), "IncludesLastItemInRange", "true")
		for _, e := range found {
			w.open("t:Resolution")
			w.open("t:Mailbox")
			writeAddress(w, sval(e.Obj["displayName"]), sval(e.Obj["mail"]), ewsMailboxTypes[e.Kind])
			w.close("t:Mailbox")
			if full && (e.Kind == "user" || e.Kind == "room") {
				w.open("t:Contact")
				w.leaf("t:DisplayName", sval(e.Obj["displayName"]))
				for _, f := range []struct{ el, g string }{{"t:JobTitle", "jobTitle"}, {"t:Department", "department"}, {"t:OfficeLocation", "officeLocation"}} {
					if v := sval(e.Obj[f.g]); v != "" {
						w.leaf(f.el, v)
					}
				}
				w.leaf("t:ContactSource", "ActiveDirectory")
				w.close("t:Contact")
			}
			w.close("t:Resolution")
		}
		w.close("m:ResolutionSet")
		w.close(name)
	}
	w.close("m:ResponseMessages")
	w.close("m:ResolveNamesResponse")
	return nil
}

// expandDL serves ExpandDL.
func (c *call) expandDL(op *elem, w *writer) *fault {
	mb := op.m("Mailbox")
	if mb == nil || mb.t("EmailAddress") == nil {
		return schemaFault(op.line, op.col, "The element 'ExpandDL' has incomplete content. List of possible elements expected: 'Mailbox'.")
	}
	members, ok := c.h.st.Expand(mb.t("EmailAddress").value())
	if !ok {
		c.respond(w, []result{{err: errNoResults}})
		return nil
	}
	c.respond(w, []result{{write: func(w *writer) {
		w.open("m:DLExpansion", "TotalItemsInView", strconv.Itoa(len(members)), "IncludesLastItemInRange", "true")
		for _, e := range members {
			w.open("t:Mailbox")
			writeAddress(w, sval(e.Obj["displayName"]), sval(e.Obj["mail"]), ewsMailboxTypes[e.Kind])
			w.close("t:Mailbox")
		}
		w.close("m:DLExpansion")
	}}})
	return nil
}

// configMailbox reads a UserConfigurationName: the mailbox whose
// configuration item it names, and whether it names the category list
// (CategoryList in the Calendar folder), the only one the fake keeps.
func (c *call) configMailbox(name *elem) (*store.Mailbox, bool, *respErr) {
	df := name.t("DistinguishedFolderId")
	var m *store.Mailbox
	var rerr *respErr
	if df != nil && df.t("Mailbox") != nil {
		m, rerr = c.open(df.t("Mailbox").t("EmailAddress").value())
	} else {
		m, rerr = c.selfMailbox()
	}
	if rerr != nil {
		return nil, false, rerr
	}
	id, _ := df.attr("Id")
	n, _ := name.attr("Name")
	return m, df != nil && id == "calendar" && n == "CategoryList", nil
}

var errConfigNotFound = errf("ErrorItemNotFound", "The specified object was not found in the store.")

// getUserConfiguration serves GetUserConfiguration of the category list.
func (c *call) getUserConfiguration(op *elem, w *writer) *fault {
	name := op.m("UserConfigurationName")
	if name == nil {
		return schemaFault(op.line, op.col, "The element 'GetUserConfiguration' has incomplete content. List of possible elements expected: 'UserConfigurationName'.")
	}
	m, isList, rerr := c.configMailbox(name)
	if rerr == nil && !isList {
		rerr = errConfigNotFound
	}
	var cats []store.Object
	if rerr == nil {
		var exists bool
		if cats, exists = m.Categories(); !exists {
			rerr = errConfigNotFound
		}
	}
	if rerr != nil {
		c.respond(w, []result{{err: rerr}})
		return nil
	}
	props := op.m("UserConfigurationProperties").value()
	c.respond(w, []result{{write: func(w *writer) {
		w.open("m:UserConfiguration")
		w.open("t:UserConfigurationName", "Name", "CategoryList")
		w.empty("t:DistinguishedFolderId", "Id", "calendar")
		w.close("t:UserConfigurationName")
		if strings.Contains(props, "XmlData") || strings.Contains(props, "All") {
			w.leaf("t:XmlData", base64.StdEncoding.EncodeToString(categoryXML(cats)))
		}
		w.close("m:UserConfiguration")
	}}})
	return nil
}

// categoryXML writes a category list document as Outlook does.
func categoryXML(cats []store.Object) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0"?><categories default="" lastSavedSession="0" xmlns="CategoryList.xsd">`)
	for _, c := range cats {
		color := "-1"
		if n, ok := strings.CutPrefix(sval(c["color"]), "preset"); ok {
			color = n
		}
		b.WriteString(`<category name="`)
		_ = xml.EscapeText(&b, []byte(sval(c["displayName"])))
		b.WriteString(`" color="` + color + `" keyboardShortcut="0" usageCount="0" guid="{` + strings.ToUpper(sval(c["id"])) + `}"/>`)
	}
	b.WriteString(`</categories>`)
	return b.Bytes()
}

// parseCategoryXML reads a category list document.
func parseCategoryXML(data []byte) ([]store.Object, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	var out []store.Object
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "category" {
			continue
		}
		o := store.Object{"color": "none"}
		for _, a := range se.Attr {
			switch a.Name.Local {
			case "name":
				o["displayName"] = a.Value
			case "guid":
				o["id"] = strings.ToLower(strings.Trim(a.Value, "{}"))
			case "color":
				if n, err := strconv.Atoi(a.Value); err == nil && n >= 0 && n <= 24 {
					o["color"] = "preset" + strconv.Itoa(n)
				}
			}
		}
		out = append(out, o)
	}
}

// writeUserConfiguration serves UpdateUserConfiguration and
// CreateUserConfiguration of the category list.
func (c *call) writeUserConfiguration(op *elem, w *writer) *fault {
	uc := op.m("UserConfiguration")
	if uc == nil || uc.t("UserConfigurationName") == nil {
		return schemaFault(op.line, op.col, "The element '"+c.op+"' has incomplete content. List of possible elements expected: 'UserConfiguration'.")
	}
	m, isList, rerr := c.configMailbox(uc.t("UserConfigurationName"))
	if rerr == nil && !isList {
		rerr = errf("ErrorInvalidRequest", "outlooktest keeps the CategoryList configuration item of the Calendar folder only.")
	}
	var cats []store.Object
	if rerr == nil {
		_, exists := m.Categories()
		switch {
		case c.op == "UpdateUserConfiguration" && !exists:
			rerr = errConfigNotFound
		case c.op == "CreateUserConfiguration" && exists:
			rerr = errf("ErrorItemSave", "An object with the same key already exists.")
		}
	}
	if rerr == nil {
		data, err := base64.StdEncoding.DecodeString(strings.TrimSpace(uc.t("XmlData").value()))
		if err == nil {
			cats, err = parseCategoryXML(data)
		}
		if err != nil {
			rerr = errf("ErrorInvalidRequest", "The XmlData is not a category list: "+err.Error())
		}
	}
	if rerr != nil {
		c.respond(w, []result{{err: rerr}})
		return nil
	}
	m.SetCategories(cats)
	c.respond(w, []result{{}})
	return nil
}

// getUserPhoto serves GetUserPhoto: the photo as stored, whatever the
// size asked (Exchange scales it down; a test's image is small).
func (c *call) getUserPhoto(op *elem, w *writer) *fault {
	email := op.m("Email")
	if email == nil || op.m("SizeRequested") == nil {
		return schemaFault(op.line, op.col, "The element 'GetUserPhoto' has incomplete content. List of possible elements expected: 'Email', 'SizeRequested'.")
	}
	img, ok := c.h.st.UserPhoto(email.value())
	if !ok {
		c.bareResponse(w, errf("ErrorItemNotFound", "The photo was not found."), nil)
		return nil
	}
	c.bareResponse(w, nil, func(w *writer) {
		w.leaf("m:HasChanged", "true")
		w.leaf("m:PictureData", base64.StdEncoding.EncodeToString(img))
	})
	return nil
}
