package ews

// Ids: EWS writes the store's ids in standard base64 (the store keeps them
// in the REST alphabet), with change keys that change on every write.
// Folder ids are FolderId or DistinguishedFolderId, the latter with an
// optional Mailbox element that reaches another user's mailbox.

import (
	"encoding/base64"
	"strings"

	"github.com/exchangekit/outlook/outlooktest/internal/ids"
	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

// respErr is an error of one item or folder of a request, answered in its
// response message (ResponseClass="Error").
type respErr struct {
	code, text string
}

func errf(code, text string) *respErr { return &respErr{code: code, text: text} }

var (
	errItemNotFound   = &respErr{"ErrorItemNotFound", "The specified object was not found in the store."}
	errFolderNotFound = &respErr{"ErrorFolderNotFound", "The specified folder could not be found in the store."}
	errIDMalformed    = &respErr{"ErrorInvalidIdMalformed", "Id is malformed."}
	errAccessDenied   = &respErr{"ErrorAccessDenied", "Access is denied. Check credentials and try again."}
	errNoMailbox      = &respErr{"ErrorNonExistentMailbox", "The SMTP address has no mailbox associated with it."}
)

// ewsID is the EWS form of a store id.
func ewsID(storeID string) string { return ids.EWSFromREST(storeID) }

// storeID is the store form of an EWS id.
func storeID(ewsID string) string { return ids.EWSToREST(strings.TrimSpace(ewsID)) }

// wellFormed reports whether an id the store does not know could be an
// Exchange id at all: standard base64 of at least 32 bytes (the fake's
// are 38; Exchange's, 70 and more). Ids of seeds the tests named
// themselves are found before this is asked.
func wellFormed(id string) bool {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(id))
	return err == nil && len(b) >= 32
}

// notFound is the answer for an id the store does not hold.
func notFound(id string, folder bool) *respErr {
	switch {
	case !wellFormed(id):
		return errIDMalformed
	case folder:
		return errFolderNotFound
	}
	return errItemNotFound
}

// changeKey returns an entity's change key, from its ETag.
func changeKey(e *store.Entity) string {
	tag, _ := e.Object()["@odata.etag"].(string)
	return strings.TrimSuffix(strings.TrimPrefix(tag, `W/"`), `"`)
}

// open returns the mailbox addr if the request may act on it: the one it
// acts as (impersonated, or the caller's own), or one that user may open
// as a delegate.
func (c *call) open(addr string) (*store.Mailbox, *respErr) {
	m, ok := c.h.st.Lookup(addr)
	if !ok {
		return nil, errNoMailbox
	}
	host, known := c.h.env.Locate(m.Address())
	if !known || !strings.EqualFold(host, c.h.env.Host) {
		return nil, errNoMailbox
	}
	c.track(m.Address())
	if m.Address() == c.self {
		return m, nil
	}
	who := c.caller
	if c.self != "" && c.self != c.caller.Mailbox {
		// Impersonating: the impersonated user's rights count.
		who = Caller{Name: c.self, Mailbox: c.self}
	}
	if c.h.env.Directory == nil || !c.h.env.Directory.FullAccess(who, m.Address()) {
		return nil, errAccessDenied
	}
	return m, nil
}

// selfMailbox is the mailbox the request acts on when it names none.
func (c *call) selfMailbox() (*store.Mailbox, *respErr) {
	if c.self == "" {
		return nil, errf("ErrorMissingEmailAddress", "When making a request as an account that does not have a mailbox, you must specify the mailbox primary SMTP address for any distinguished folder Ids.")
	}
	return c.open(c.self)
}

// item finds an item by its ItemId element: a message the request may
// reach, or the error its response message carries.
func (c *call) item(idElem *elem) (*store.Mailbox, *store.Entity, *respErr) {
	if idElem == nil {
		return nil, nil, errf("ErrorInvalidIdEmpty", "Id must be non-empty.")
	}
	if !idElem.is(nsTypes, "ItemId") {
		switch idElem.local {
		case "OccurrenceItemId", "RecurringMasterItemId", "RecurringMasterItemIdRanges":
			return nil, nil, errf("ErrorInvalidOperation", "The operation is not valid for a calendar item.")
		}
		return nil, nil, errf("ErrorInvalidIdMalformed", "Id is malformed.")
	}
	id, _ := idElem.attr("Id")
	if strings.TrimSpace(id) == "" {
		return nil, nil, errf("ErrorInvalidIdEmpty", "Id must be non-empty.")
	}
	m, e := c.h.st.Holder("messages", storeID(id))
	if e == nil {
		for _, set := range []string{"events", "contacts"} {
			if _, other := c.h.st.Holder(set, storeID(id)); other != nil {
				return nil, nil, errf("ErrorInvalidOperation", "The operation is not valid for a "+map[string]string{"events": "calendar item", "contacts": "contact"}[set]+".")
			}
		}
		return nil, nil, notFound(id, false)
	}
	if _, err := c.open(m.Address()); err != nil {
		return nil, nil, err
	}
	if ck, ok := idElem.attr("ChangeKey"); ok && strings.TrimSpace(ck) != "" && !validChangeKey(ck) {
		return nil, nil, errf("ErrorInvalidChangeKey", "ChangeKey is invalid.")
	}
	return m, e, nil
}

func validChangeKey(ck string) bool {
	_, err := base64.StdEncoding.DecodeString(strings.TrimSpace(ck))
	return err == nil
}

// folder is a folder a request names: an entity of mailFolders, calendars
// or contactFolders, or the mailbox's root (above msgfolderroot), which
// the store does not keep as an entity.
type folder struct {
	m    *store.Mailbox
	e    *store.Entity // nil for the root
	set  string        // the entity's set; "" for the root
	dist string        // the distinguished name it was given by, if any
	find bool          // shown by FindFolder or SyncFolderHierarchy
}

func (f *folder) id() string {
	if f.e == nil {
		return rootID(f.m)
	}
	return f.e.ID()
}

// rootID is the id of a mailbox's root folder: the parent the store gives
// msgfolderroot.
func rootID(m *store.Mailbox) string { return m.Lookup("mailFolders", m.RootFolder()).Parent() }

// distinguishedNames maps EWS's distinguished folder names to the store's
// well-known folders; calendar and contacts are the default calendar and
// contacts folder, root the folder above msgfolderroot.
var distinguishedNames = map[string]string{
	"inbox": "inbox", "drafts": "drafts", "sentitems": "sentitems", "deleteditems": "deleteditems",
	"junkemail": "junkemail", "outbox": "outbox", "msgfolderroot": "msgfolderroot", "archive": "archive",
	"conversationhistory": "conversationhistory", "scheduled": "scheduled", "searchfolders": "searchfolders",
	"syncissues": "syncissues", "conflicts": "conflicts", "localfailures": "localfailures",
	"serverfailures": "serverfailures", "recoverableitemsdeletions": "recoverableitemsdeletions",
	"root": "", "calendar": "", "contacts": "",
}

// schemaFolderNames are the other values of DistinguishedFolderIdNameType:
// valid names for folders the fake's mailboxes do not have.
var schemaFolderNames = strings.Fields(`journal notes tasks publicfoldersroot voicemail recoverableitemsroot
recoverableitemsversions recoverableitemspurges recoverableitemsdiscoveryholds archiveroot archivemsgfolderroot
archivedeleteditems archiveinbox archiverecoverableitemsroot archiverecoverableitemsdeletions
archiverecoverableitemsversions archiverecoverableitemspurges archiverecoverableitemsdiscoveryholds recipientcache
quickcontacts adminauditlogs todosearch mycontacts directory imcontactlist peopleconnect favorites mecontact
personmetadata teamspaceactivity teamspacemessaging teamspaceworkitems orionnotes tagitems alltaggeditems
allcategorizeditems externalcontacts teamchat teamchathistory yammerdata yammerroot yammerinbound yammeroutbound
yammerfeeds kaizaladata messageingestion onedriveroot onedriverecylebin onedrivesystem onedrivevolume important starred`)

// folderByID resolves a FolderId or DistinguishedFolderId element. A
// schema error (an unknown distinguished name) is a fault.
func (c *call) folderByID(e *elem) (*folder, *respErr, *fault) {
	switch {
	case e.is(nsTypes, "DistinguishedFolderId"):
		name, _ := e.attr("Id")
		var m *store.Mailbox
		var err *respErr
		if mb := e.t("Mailbox"); mb != nil {
			addr := mb.t("EmailAddress")
			if addr == nil || addr.value() == "" {
				return nil, errf("ErrorMissingEmailAddress", "The Mailbox element requires an EmailAddress."), nil
			}
			if name == "calendar" {
				m, err = c.openCalendar(addr.value(), "", nil)
			} else {
				m, err = c.open(addr.value())
			}
		} else {
			m, err = c.selfMailbox()
		}
		if _, ok := distinguishedNames[name]; !ok {
			for _, n := range schemaFolderNames {
				if n == name {
					return nil, nil, notImplemented("the distinguished folder '" + name + "' (the fake's mailboxes have mail folders, the default calendar and contacts folders, and no public folders or archive)")
				}
			}
			return nil, nil, schemaFault(e.line, e.col, "The 'Id' attribute is invalid - The value '"+name+"' is invalid according to its datatype 'http://schemas.microsoft.com/exchange/services/2006/types:DistinguishedFolderIdNameType' - The Enumeration constraint failed.")
		}
		if err != nil {
			return nil, err, nil
		}
		f := &folder{m: m, dist: name}
		switch name {
		case "root":
		case "calendar":
			f.e, f.set = m.Lookup("calendars", m.DefaultCalendar()), "calendars"
		case "contacts":
			f.e, f.set = m.Lookup("contactFolders", m.DefaultContactFolder()), "contactFolders"
		default:
			f.e, f.set = m.Lookup("mailFolders", m.WellKnown(distinguishedNames[name])), "mailFolders"
		}
		return f, nil, nil
	case e.is(nsTypes, "FolderId"):
		id, _ := e.attr("Id")
		if strings.TrimSpace(id) == "" {
			return nil, errf("ErrorInvalidIdEmpty", "Id must be non-empty."), nil
		}
		sid := storeID(id)
		for _, set := range []string{"mailFolders", "calendars", "contactFolders"} {
			if m, ent := c.h.st.Holder(set, sid); ent != nil {
				open := c.open
				if set == "calendars" {
					open = func(addr string) (*store.Mailbox, *respErr) { return c.openCalendar(addr, ent.ID(), nil) }
				}
				if _, err := open(m.Address()); err != nil {
					return nil, err, nil
				}
				return &folder{m: m, e: ent, set: set}, nil, nil
			}
		}
		// The root folder is no entity: look for a mailbox whose root it is.
		if m := c.rootOwner(sid); m != nil {
			if _, err := c.open(m.Address()); err != nil {
				return nil, err, nil
			}
			return &folder{m: m}, nil, nil
		}
		return nil, notFound(id, true), nil
	}
	return nil, errf("ErrorInvalidIdMalformed", "Id is malformed."), nil
}

// rootOwner returns the mailbox whose root folder has the store id sid.
func (c *call) rootOwner(sid string) *store.Mailbox {
	for _, addr := range []string{c.self, c.caller.Mailbox} {
		if m, ok := c.h.st.Lookup(addr); ok && addr != "" && rootID(m) == sid {
			return m
		}
	}
	return nil
}

// parentOf returns the EWS parent of a folder: msgfolderroot for
// calendars and the default contacts folder, which the store keeps
// elsewhere, the root for msgfolderroot.
func parentOf(f *folder) string {
	switch {
	case f.e == nil:
		return ""
	case f.set == "calendars", f.set == "contactFolders" && f.e.ID() == f.m.DefaultContactFolder():
		return f.m.RootFolder()
	}
	return f.e.Parent()
}

// mailFolder returns the mail folder a request names, or the error its
// response message carries for a folder that holds no mail.
func (f *folder) mailFolder() (*store.Entity, *respErr) {
	switch f.set {
	case "mailFolders":
		return f.e, nil
	case "calendars", "contactFolders":
		return nil, errf("ErrorInvalidOperation", "outlooktest: calendar and contacts folders are not served over EWS yet")
	}
	// The root holds no items.
	return nil, errf("ErrorInvalidOperation", "The root folder holds no items.")
}
