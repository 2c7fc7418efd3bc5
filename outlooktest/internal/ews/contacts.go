package ews

// Contacts: the properties of ContactItemType over the store's contacts
// (Graph form), in the schema's order, with EWS's dictionaries: e-mail
// addresses (EmailAddress1 to 3, Graph's emailAddresses and its primary,
// secondary and tertiary addresses), phone numbers (BusinessPhone and
// BusinessPhone2, HomePhone and HomePhone2, MobilePhone, and the keys
// Graph has no property for, kept beside the contact), postal addresses
// (Business, Home, Other) and instant messaging addresses (ImAddress1 to
// 3). The photo is the contact's file attachment with IsContactPhoto.

import (
	"strings"
	"sync"
	"time"

	"github.com/exchangekit/outlook/outlooktest/internal/schema"
	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

// contactOrder is ContactItemType's own part of the sequence (Exchange
// 2013 and later).
var contactOrder = strings.Fields(`FileAs FileAsMapping DisplayName GivenName Initials MiddleName Nickname
CompleteName CompanyName EmailAddresses AbchEmailAddresses PhysicalAddresses PhoneNumbers AssistantName Birthday
BusinessHomePage Children Companies ContactSource Department Generation ImAddresses JobTitle Manager Mileage
OfficeLocation PostalAddressIndex Profession SpouseName Surname WeddingAnniversary HasPicture PhoneticFullName
PhoneticFirstName PhoneticLastName Alias Notes Photo UserSMIMECertificate MSExchangeCertificate DirectoryId
ManagerMailbox DirectReports`)

// contactDictionaries maps the indexed FieldURIs of contacts to the
// dictionary they address.
var contactDictionaries = map[string]string{
	"contacts:EmailAddress": "contacts:EmailAddresses", "contacts:PhoneNumber": "contacts:PhoneNumbers",
	"contacts:ImAddress": "contacts:ImAddresses", "contacts:PhysicalAddress:Street": "contacts:PhysicalAddresses",
	"contacts:PhysicalAddress:City": "contacts:PhysicalAddresses", "contacts:PhysicalAddress:State": "contacts:PhysicalAddresses",
	"contacts:PhysicalAddress:CountryOrRegion": "contacts:PhysicalAddresses", "contacts:PhysicalAddress:PostalCode": "contacts:PhysicalAddresses",
}

// phoneKeys are the PhoneNumberKeyType values Graph has properties for:
// key -> Graph list and position ("mobilePhone" is a string).
var phoneKeys = map[string]struct {
	graph string
	i     int
}{
	"BusinessPhone": {"businessPhones", 0}, "BusinessPhone2": {"businessPhones", 1},
	"HomePhone": {"homePhones", 0}, "HomePhone2": {"homePhones", 1}, "MobilePhone": {"mobilePhone", 0},
}

// otherPhoneKeys are the other PhoneNumberKeyType values, which the fake
// keeps beside the contact.
var otherPhoneKeys = strings.Fields(`AssistantPhone BusinessFax Callback CarPhone CompanyMainPhone HomeFax Isdn
OtherFax OtherTelephone Pager PrimaryPhone RadioPhone Telex TtyTddPhone`)

var addressKeys = map[string]string{"Business": "businessAddress", "Home": "homeAddress", "Other": "otherAddress"}

// addressParts are PhysicalAddressDictionaryEntryType's elements and
// Graph's physicalAddress members.
var addressParts = [...]struct{ ews, graph string }{
	{"Street", "street"}, {"City", "city"}, {"State", "state"}, {"CountryOrRegion", "countryOrRegion"}, {"PostalCode", "postalCode"},
}

var emailSlots = [...]string{"primaryEmailAddress", "secondaryEmailAddress", "tertiaryEmailAddress"}

// emailEntry returns the address of EmailAddress1, 2 or 3 (i from 0).
func emailEntry(o Object, i int) (name, addr string) {
	if v, _ := o[emailSlots[i]].(map[string]any); v != nil {
		if a, _ := v["address"].(string); a != "" {
			n, _ := v["name"].(string)
			return n, a
		}
	}
	list, _ := o["emailAddresses"].([]any)
	if i < len(list) {
		v, _ := list[i].(map[string]any)
		n, _ := v["name"].(string)
		a, _ := v["address"].(string)
		return n, a
	}
	return "", ""
}

// phoneEntry returns the number of a PhoneNumbers key.
func phoneEntry(e *store.Entity, o Object, key string) string {
	pk, ok := phoneKeys[key]
	if !ok {
		return memo(e, memoKey("phone:"+key))
	}
	switch v := o[pk.graph].(type) {
	case string:
		return v
	case []any:
		if pk.i < len(v) {
			s, _ := v[pk.i].(string)
			return s
		}
	}
	return ""
}

// contactKind is the kind of contacts, built on first use (its table
// borrows messages' item properties).
var contactKind = sync.OnceValue(func() *itemKind {
	str := func(graph string) func(x *itemCtx) any {
		return func(x *itemCtx) any {
			if s, ok := x.o[graph].(string); ok {
				return s
			}
			return nil
		}
	}
	leafStr := func(name, graph string) func(x *itemCtx, w *writer) {
		return func(x *itemCtx, w *writer) {
			if s, _ := x.o[graph].(string); s != "" {
				w.leaf("t:"+name, s)
			}
		}
	}
	setStr := func(graph string) func(x *setCtx, e *elem) *respErr {
		return func(x *setCtx, e *elem) *respErr { x.patch[graph] = e.text; return nil }
	}
	clearStr := func(graph string) func(x *setCtx) *respErr {
		return func(x *setCtx) *respErr { x.patch[graph] = ""; return nil }
	}
	simple := func(elem, graph string, find bool) *prop {
		return &prop{uri: "contacts:" + elem, name: elem, find: find, def: true, all: true,
			write: leafStr(elem, graph), value: str(graph), set: setStr(graph), del: clearStr(graph)}
	}
	props := commonProps("ItemId", "Subject", "Attachments", "Size", "Categories", "DateTimeCreated",
		"Culture", "EffectiveRights", "LastModifiedName", "LastModifiedTime", "IsAssociated")
	for _, p := range props {
		if p.name == "Attachments" || p.name == "Categories" {
			p.find = false
		}
		if p.name == "Subject" {
			p.write = leafStr("Subject", "displayName")
			p.value, p.set, p.del = str("displayName"), nil, nil
		}
	}
	fixed := func(name, value string) *prop {
		return &prop{uri: "item:" + name, name: name, find: true, all: true,
			write: func(x *itemCtx, w *writer) { w.leaf("t:"+name, value) }}
	}
	created := func(name string) *prop {
		return &prop{uri: "item:" + name, name: name, find: true, all: true,
			write: func(x *itemCtx, w *writer) { w.leaf("t:"+name, ewsTime(x.o["createdDateTime"])) }}
	}
	props = append(props, fixed("Sensitivity", "Normal"), fixed("Importance", "Normal"), fixed("IsSubmitted", "false"),
		fixed("IsDraft", "false"), fixed("IsFromMe", "false"), fixed("IsResend", "false"), fixed("IsUnmodified", "false"),
		created("DateTimeReceived"), created("DateTimeSent"),
		&prop{uri: "item:HasAttachments", name: "HasAttachments", find: true, all: true,
			write: func(x *itemCtx, w *writer) {
				n := len(x.m.List("attachments", func(a *store.Entity) bool { return a.Parent() == x.e.ID() && !store.IsPhoto(a) }))
				w.leaf("t:HasAttachments", boolText(n > 0))
			}})
	props = append(props,
		&prop{uri: "item:ParentFolderId", name: "ParentFolderId", find: true, all: true,
			write: func(x *itemCtx, w *writer) {
				ck := ""
				if f := x.m.Lookup("contactFolders", x.e.Parent()); f != nil {
					ck = changeKey(f)
				}
				w.empty("t:ParentFolderId", "Id", ewsID(x.e.Parent()), "ChangeKey", ck)
			},
			value: func(x *itemCtx) any { return ewsID(x.e.Parent()) }},
		&prop{uri: "item:ItemClass", name: "ItemClass", find: true, all: true,
			write: func(x *itemCtx, w *writer) { w.leaf("t:ItemClass", "IPM.Contact") },
			value: func(*itemCtx) any { return "IPM.Contact" },
			set:   func(*setCtx, *elem) *respErr { return nil }},
		// The body of a contact is its notes.
		&prop{uri: "item:Body", name: "Body", all: true,
			write: func(x *itemCtx, w *writer) {
				n, _ := x.o["personalNotes"].(string)
				w.leaf("t:Body", n, "BodyType", "Text", "IsTruncated", "false")
			},
			set: func(x *setCtx, e *elem) *respErr {
				text := e.text
				if typ, _ := e.attr("BodyType"); typ == "HTML" {
					text = store.HTMLToText(text)
				}
				x.patch["personalNotes"] = text
				return nil
			},
			del: clearStr("personalNotes")},
		simple("FileAs", "fileAs", true),
		// How FileAs is composed; the fake keeps FileAs as given.
		&prop{uri: "contacts:FileAsMapping", name: "FileAsMapping", all: true,
			write: func(x *itemCtx, w *writer) { w.leaf("t:FileAsMapping", "None") },
			set:   func(*setCtx, *elem) *respErr { return nil }},
		simple("DisplayName", "displayName", true),
		simple("GivenName", "givenName", true),
		simple("Initials", "initials", true),
		simple("MiddleName", "middleName", true),
		simple("Nickname", "nickName", true),
		&prop{uri: "contacts:CompleteName", name: "CompleteName", all: true, write: writeCompleteName},
		simple("CompanyName", "companyName", true),
		&prop{uri: "contacts:EmailAddresses", name: "EmailAddresses", def: true, all: true, write: writeEmails, set: setEmails},
		&prop{uri: "contacts:PhysicalAddresses", name: "PhysicalAddresses", def: true, all: true, write: writeAddresses, set: setAddresses},
		&prop{uri: "contacts:PhoneNumbers", name: "PhoneNumbers", def: true, all: true, write: writePhones, set: setPhones},
		simple("AssistantName", "assistantName", true),
		&prop{uri: "contacts:Birthday", name: "Birthday", find: true, all: true,
			write: func(x *itemCtx, w *writer) {
				if t := ewsTime(x.o["birthday"]); t != "" {
					w.leaf("t:Birthday", t)
				}
			},
			value: func(x *itemCtx) any { t, ok := instant(x.o["birthday"]); return pickAny(ok, t) },
			set: func(x *setCtx, e *elem) *respErr {
				t, err := parseTime(e.text)
				if err != nil {
					return errf("ErrorInvalidValueForProperty", err.Error())
				}
				x.patch["birthday"] = t.UTC().Format(time.RFC3339)
				return nil
			},
			del: func(x *setCtx) *respErr { x.patch["birthday"] = nil; return nil }},
		simple("BusinessHomePage", "businessHomePage", true),
		&prop{uri: "contacts:Children", name: "Children", all: true,
			write: writeStrings("Children", "children"), set: setStrings("children"),
			del: func(x *setCtx) *respErr { x.patch["children"] = []any{}; return nil }},
		simple("Department", "department", true),
		simple("Generation", "generation", true),
		&prop{uri: "contacts:ImAddresses", name: "ImAddresses", def: true, all: true, write: writeIMs, set: setIMs},
		simple("JobTitle", "jobTitle", true),
		simple("Manager", "manager", true),
		simple("OfficeLocation", "officeLocation", true),
		simple("Profession", "profession", true),
		simple("SpouseName", "spouseName", true),
		simple("Surname", "surname", true),
		&prop{uri: "contacts:HasPicture", name: "HasPicture", find: true, all: true,
			write: func(x *itemCtx, w *writer) { w.leaf("t:HasPicture", boolText(x.m.Photo(x.e) != nil)) }},
		simple("PhoneticFirstName", "yomiGivenName", true),
		simple("PhoneticLastName", "yomiSurname", true),
		&prop{uri: "contacts:Notes", name: "Notes", all: true, write: leafStr("Notes", "personalNotes"), value: str("personalNotes")},
	)
	return newKind("contacts", "Contact", contactOrder, props)
})

func pickAny(ok bool, v any) any {
	if ok {
		return v
	}
	return nil
}

func writeStrings(elem, graph string) func(x *itemCtx, w *writer) {
	return func(x *itemCtx, w *writer) {
		list, _ := x.o[graph].([]any)
		if len(list) == 0 {
			return
		}
		w.open("t:" + elem)
		for _, v := range list {
			s, _ := v.(string)
			w.leaf("t:String", s)
		}
		w.close("t:" + elem)
	}
}

func setStrings(graph string) func(x *setCtx, e *elem) *respErr {
	return func(x *setCtx, e *elem) *respErr {
		out := []any{}
		for _, k := range e.all(nsTypes, "String") {
			out = append(out, k.text)
		}
		x.patch[graph] = out
		return nil
	}
}

func writeCompleteName(x *itemCtx, w *writer) {
	w.open("t:CompleteName")
	for _, p := range []struct{ e, g string }{{"Title", "title"}, {"FirstName", "givenName"}, {"MiddleName", "middleName"},
		{"LastName", "surname"}, {"Suffix", "generation"}, {"Initials", "initials"}, {"FullName", "displayName"},
		{"Nickname", "nickName"}, {"YomiFirstName", "yomiGivenName"}, {"YomiLastName", "yomiSurname"}} {
		if s, _ := x.o[p.g].(string); s != "" {
			w.leaf("t:"+p.e, s)
		}
	}
	w.close("t:CompleteName")
}

func writeEmails(x *itemCtx, w *writer) {
	opened := false
	for i := range 3 {
		name, addr := emailEntry(x.o, i)
		if addr == "" {
			continue
		}
		if !opened {
			w.open("t:EmailAddresses")
			opened = true
		}
		attrs := []string{"Key", "EmailAddress" + string(rune('1'+i))}
		if name != "" {
			attrs = append(attrs, "Name", name)
		}
		w.leaf("t:Entry", addr, append(attrs, "RoutingType", "SMTP", "MailboxType", "Contact")...)
	}
	if opened {
		w.close("t:EmailAddresses")
	}
}

func writePhones(x *itemCtx, w *writer) {
	opened := false
	for _, key := range append([]string{"BusinessPhone", "BusinessPhone2", "HomePhone", "HomePhone2", "MobilePhone"}, otherPhoneKeys...) {
		n := phoneEntry(x.e, x.o, key)
		if n == "" {
			continue
		}
		if !opened {
			w.open("t:PhoneNumbers")
			opened = true
		}
		w.leaf("t:Entry", n, "Key", key)
	}
	if opened {
		w.close("t:PhoneNumbers")
	}
}

func writeAddresses(x *itemCtx, w *writer) {
	opened := false
	for _, key := range []string{"Business", "Home", "Other"} {
		a, _ := x.o[addressKeys[key]].(map[string]any)
		empty := true
		for _, p := range addressParts {
			if s, _ := a[p.graph].(string); s != "" {
				empty = false
			}
		}
		if empty {
			continue
		}
		if !opened {
			w.open("t:PhysicalAddresses")
			opened = true
		}
		w.open("t:Entry", "Key", key)
		for _, p := range addressParts {
			if s, _ := a[p.graph].(string); s != "" {
				w.leaf("t:"+p.ews, s)
			}
		}
		w.close("t:Entry")
	}
	if opened {
		w.close("t:PhysicalAddresses")
	}
}

func writeIMs(x *itemCtx, w *writer) {
	list, _ := x.o["imAddresses"].([]any)
	if len(list) == 0 {
		return
	}
	w.open("t:ImAddresses")
	for i, v := range list {
		if i >= 3 {
			break
		}
		s, _ := v.(string)
		w.leaf("t:Entry", s, "Key", "ImAddress"+string(rune('1'+i)))
	}
	w.close("t:ImAddresses")
}

// current returns a contact's value of a Graph property as the request
// has left it so far: what it set, or what is stored.
func (x *setCtx) current(graph string) any {
	if v, ok := x.patch[graph]; ok {
		return v
	}
	if x.e != nil {
		return schema.DeepCopy(x.e.Object()[graph])
	}
	return nil
}

func setEmails(x *setCtx, e *elem) *respErr {
	var slots [3]Object
	for i := range 3 {
		var o Object
		if x.e != nil || x.patch["emailAddresses"] != nil {
			cur := Object{"emailAddresses": x.current("emailAddresses")}
			for _, s := range emailSlots {
				cur[s] = x.current(s)
			}
			if name, addr := emailEntry(cur, i); addr != "" {
				o = Object{"name": name, "address": addr}
			}
		}
		slots[i] = o
	}
	for _, en := range e.all(nsTypes, "Entry") {
		key, _ := en.attr("Key")
		i := strings.Index("EmailAddress1EmailAddress2EmailAddress3", key)
		if !strings.HasPrefix(key, "EmailAddress") || len(key) != 13 || i < 0 {
			return errf("ErrorInvalidValueForProperty", "The key '"+key+"' is not an EmailAddressKeyType.")
		}
		n := int(key[12] - '1')
		addr := strings.TrimSpace(en.text)
		name, _ := en.attr("Name")
		if name == "" {
			name = addr
		}
		slots[n] = Object{"name": name, "address": addr}
	}
	setEmailSlots(x, slots)
	return nil
}

// setEmailSlots writes EmailAddress1 to 3 as Graph keeps them: the
// primary, secondary and tertiary addresses, and the list of those set.
func setEmailSlots(x *setCtx, slots [3]Object) {
	list := []any{}
	for i, s := range slots {
		if s != nil && s["address"] != "" {
			list = append(list, s)
			x.patch[emailSlots[i]] = schema.DeepCopy(s)
		} else {
			x.patch[emailSlots[i]] = nil
		}
	}
	x.patch["emailAddresses"] = list
}

func setPhones(x *setCtx, e *elem) *respErr {
	for _, en := range e.all(nsTypes, "Entry") {
		key, _ := en.attr("Key")
		if rerr := x.setPhone(key, strings.TrimSpace(en.text)); rerr != nil {
			return rerr
		}
	}
	return nil
}

// setPhone sets (or with "" clears) the number of a PhoneNumbers key.
func (x *setCtx) setPhone(key, number string) *respErr {
	pk, ok := phoneKeys[key]
	if !ok {
		for _, k := range otherPhoneKeys {
			if k == key {
				x.memos[memoKey("phone:"+key)] = number
				return nil
			}
		}
		return errf("ErrorInvalidValueForProperty", "The key '"+key+"' is not a PhoneNumberKeyType.")
	}
	if pk.graph == "mobilePhone" {
		x.patch["mobilePhone"] = number
		return nil
	}
	list, _ := x.current(pk.graph).([]any)
	for len(list) <= pk.i {
		list = append(list, "")
	}
	list[pk.i] = number
	for len(list) > 0 && list[len(list)-1] == "" {
		list = list[:len(list)-1]
	}
	x.patch[pk.graph] = list
	return nil
}

func setAddresses(x *setCtx, e *elem) *respErr {
	for _, en := range e.all(nsTypes, "Entry") {
		key, _ := en.attr("Key")
		g := addressKeys[key]
		if g == "" {
			return errf("ErrorInvalidValueForProperty", "The key '"+key+"' is not a PhysicalAddressKeyType.")
		}
		a, _ := x.current(g).(map[string]any)
		if a == nil {
			a = Object{}
		}
		for _, p := range addressParts {
			if k := en.t(p.ews); k != nil {
				a[p.graph] = k.text
			}
		}
		x.patch[g] = a
	}
	return nil
}

func setIMs(x *setCtx, e *elem) *respErr {
	list, _ := x.current("imAddresses").([]any)
	for _, en := range e.all(nsTypes, "Entry") {
		key, _ := en.attr("Key")
		if len(key) != 10 || !strings.HasPrefix(key, "ImAddress") || key[9] < '1' || key[9] > '3' {
			return errf("ErrorInvalidValueForProperty", "The key '"+key+"' is not an ImAddressKeyType.")
		}
		i := int(key[9] - '1')
		for len(list) <= i {
			list = append(list, "")
		}
		list[i] = strings.TrimSpace(en.text)
	}
	for len(list) > 0 && list[len(list)-1] == "" {
		list = list[:len(list)-1]
	}
	x.patch["imAddresses"] = list
	return nil
}

// deleteIndexed clears one entry (or one part of a postal address) of a
// contact's dictionaries: DeleteItemField with an IndexedFieldURI.
func (x *setCtx) deleteIndexed(uri, index string) *respErr {
	switch uri {
	case "contacts:EmailAddress":
		if len(index) != 13 || !strings.HasPrefix(index, "EmailAddress") || index[12] < '1' || index[12] > '3' {
			return errf("ErrorInvalidValueForProperty", "The index '"+index+"' is not an EmailAddressKeyType.")
		}
		var slots [3]Object
		cur := Object{"emailAddresses": x.current("emailAddresses")}
		for _, s := range emailSlots {
			cur[s] = x.current(s)
		}
		for i := range 3 {
			if name, addr := emailEntry(cur, i); addr != "" {
				slots[i] = Object{"name": name, "address": addr}
			}
		}
		slots[index[12]-'1'] = nil
		setEmailSlots(x, slots)
	case "contacts:PhoneNumber":
		return x.setPhone(index, "")
	case "contacts:ImAddress":
		list, _ := x.current("imAddresses").([]any)
		if i := int(index[len(index)-1] - '1'); strings.HasPrefix(index, "ImAddress") && i >= 0 && i < len(list) {
			list[i] = ""
			for len(list) > 0 && list[len(list)-1] == "" {
				list = list[:len(list)-1]
			}
			x.patch["imAddresses"] = list
		}
	default:
		part, ok := strings.CutPrefix(uri, "contacts:PhysicalAddress:")
		g := addressKeys[index]
		if !ok || g == "" {
			return errf("ErrorInvalidPropertyDelete", "This property can't be deleted.")
		}
		a, _ := x.current(g).(map[string]any)
		for _, p := range addressParts {
			if p.ews == part && a != nil {
				delete(a, p.graph)
				x.patch[g] = a
			}
		}
	}
	return nil
}
