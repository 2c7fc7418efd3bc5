package ews

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/exchangekit/outlook/odata"
)

// Contacts as EWS contacts (ContactItemType). EWS keeps a contact's
// e-mail addresses, phone numbers, postal addresses and instant messaging
// addresses in dictionaries (ews/contacts: "indexed properties"), read
// whole (contacts:EmailAddresses, PhoneNumbers, PhysicalAddresses,
// ImAddresses) and written entry by entry (IndexedFieldURI
// contacts:EmailAddress with FieldIndex EmailAddress1, ...; ref/indexedfielduri):
//
//   - emailAddresses are EmailAddress1 to 3, in order, each with its
//     display name (the Entry's Name attribute, Exchange 2010 and later),
//     and primaryEmailAddress, secondaryEmailAddress and
//     tertiaryEmailAddress are EmailAddress1, 2 and 3;
//   - businessPhones are BusinessPhone and BusinessPhone2, homePhones
//     HomePhone and HomePhone2, mobilePhone MobilePhone;
//   - businessAddress, homeAddress and otherAddress are the Business, Home
//     and Other postal addresses;
//   - imAddresses are ImAddress1 to 3.
//
// What the model can hold beyond the dictionaries' keys (a fourth address,
// a third business phone) is refused with odata.ErrNotSupported rather
// than dropped; a contact's notes are its body (contacts:Notes, read-only,
// reads them back); its title is written as PidTagDisplayNamePrefix and
// read from CompleteName; its company's phonetic name, which EWS has no
// element for, is refused too.

// The keys of the dictionaries, in Graph's order.
var (
	emailKeys  = []string{"EmailAddress1", "EmailAddress2", "EmailAddress3"}
	imKeys     = []string{"ImAddress1", "ImAddress2", "ImAddress3"}
	phoneLists = map[string][]string{"businessPhones": {"BusinessPhone", "BusinessPhone2"}, "homePhones": {"HomePhone", "HomePhone2"}}
	addressKey = map[string]string{"businessAddress": "Business", "homeAddress": "Home", "otherAddress": "Other"}
	// addressParts are PhysicalAddressDictionaryEntryType's elements, in
	// order, and the physicalAddress members.
	addressParts = [...]struct{ ews, graph string }{
		{"Street", "street"}, {"City", "city"}, {"State", "state"}, {"CountryOrRegion", "countryOrRegion"}, {"PostalCode", "postalCode"},
	}
	emailSlots = map[string]int{"primaryEmailAddress": 0, "secondaryEmailAddress": 1, "tertiaryEmailAddress": 2}
)

// indexKeys are the FieldIndex values a link may carry.
var indexKeys = func() map[string]bool {
	m := map[string]bool{"Business": true, "Home": true, "Other": true}
	for _, k := range append(append(append([]string{}, emailKeys...), imKeys...), "BusinessPhone", "BusinessPhone2",
		"HomePhone", "HomePhone2", "MobilePhone") {
		m[k] = true
	}
	return m
}()

// contactItemOrder is ContactItemType's part of a contact's element
// sequence (types.xsd, Exchange 2013).
var contactItemOrder = strings.Fields(`FileAs FileAsMapping DisplayName GivenName Initials MiddleName Nickname
CompleteName CompanyName EmailAddresses AbchEmailAddresses PhysicalAddresses PhoneNumbers AssistantName Birthday
BusinessHomePage Children Companies ContactSource Department Generation ImAddresses JobTitle Manager Mileage
OfficeLocation PostalAddressIndex Profession SpouseName Surname WeddingAnniversary HasPicture PhoneticFullName
PhoneticFirstName PhoneticLastName Alias Notes Photo`)

// contactDictionaryProps are the Graph properties the dictionaries hold.
var contactDictionaryProps = map[string]string{
	"emailAddresses": "EmailAddresses", "primaryEmailAddress": "EmailAddresses", "secondaryEmailAddress": "EmailAddresses",
	"tertiaryEmailAddress": "EmailAddresses", "businessPhones": "PhoneNumbers", "homePhones": "PhoneNumbers",
	"mobilePhone": "PhoneNumbers", "businessAddress": "PhysicalAddresses", "homeAddress": "PhysicalAddresses",
	"otherAddress": "PhysicalAddresses", "imAddresses": "ImAddresses",
}

func init() {
	orderIndex["contact"] = orderOf(append(append([]string{}, itemTypeOrder...), contactItemOrder...))
	entityHooks["contact"] = newContactReader
	changeHooks["contact"] = contactChanges
	anyHooks["contact"] = contactAny
	filterHooks["contact"] = contactFilter
	cf := map[string][]field{"personalNotes": {{URI: "item:Body"}}, "title": {{URI: "contacts:CompleteName"}},
		"yomiCompanyName": {{Ext: extendedContactProps["yomiCompanyName"]}}}
	for g, d := range contactDictionaryProps {
		cf[g] = []field{{URI: "contacts:" + d}}
	}
	companionFields["contact"] = cf
	for _, uri := range []string{"contacts:EmailAddresses", "contacts:PhoneNumbers", "contacts:PhysicalAddresses",
		"contacts:ImAddresses", "contacts:Children", "contacts:Notes", "contacts:CompleteName"} {
		getItemOnly[uri] = true
	}
}

// contactReader reads a contact's dictionaries, notes and title.
type contactReader struct {
	c         *converter
	emails    [3][2]string // name, address
	phones    map[string]string
	addresses map[string]map[string]string
	ims       [3]string
	seen      map[string]bool
	notes     string
	hasNotes  bool
	body      string
	title     string
	completed bool
	yomiCo    string
	hasYomiCo bool
}

func (h *contactReader) claimExtended(id string, value []byte) bool {
	if !strings.EqualFold(id, yomiCompanyID) {
		return false
	}
	h.yomiCo, h.hasYomiCo = string(value), true
	return true
}

func newContactReader(c *converter, _ *odata.Schema) entityHook {
	return &contactReader{c: c, phones: map[string]string{}, addresses: map[string]map[string]string{}, seen: map[string]bool{}}
}

func (h *contactReader) element(out []byte) (bool, []byte, error) {
	x := h.c.x
	name := string(x.local)
	switch name {
	case "EmailAddresses", "PhoneNumbers", "PhysicalAddresses", "ImAddresses":
		h.seen[name] = true
		err := x.children(func() error {
			if !x.is("Entry") {
				return x.skip()
			}
			key, _ := x.attr("Key")
			k := string(key)
			switch name {
			case "EmailAddresses":
				display, _ := x.attr("Name")
				dn := string(display)
				t, err := h.c.text()
				if dn == string(t) {
					// Exchange names an entry written without a name by
					// its address; writeEmailEntry leaves such a name out.
					dn = ""
				}
				for i, ek := range emailKeys {
					if ek == k {
						h.emails[i] = [2]string{dn, string(t)}
					}
				}
				return err
			case "ImAddresses":
				t, err := h.c.text()
				for i, ik := range imKeys {
					if ik == k {
						h.ims[i] = string(t)
					}
				}
				return err
			case "PhoneNumbers":
				t, err := h.c.text()
				h.phones[k] = string(t)
				return err
			}
			parts := map[string]string{}
			err := x.children(func() error {
				part := string(x.local)
				t, err := h.c.text()
				if part == "Country" { // Exchange 2007's name
					part = "CountryOrRegion"
				}
				parts[part] = string(t)
				return err
			})
			h.addresses[k] = parts
			return err
		})
		return true, out, err
	case "Notes":
		t, err := h.c.x.textInto(nil)
		h.notes, h.hasNotes = string(t), true
		return true, out, err
	case "Body":
		t, err := h.c.x.textInto(nil)
		h.body = string(t)
		return true, out, err
	case "CompleteName":
		h.completed = true
		err := x.children(func() error {
			if !x.is("Title") {
				return x.skip()
			}
			t, err := h.c.text()
			h.title = string(t)
			return err
		})
		return true, out, err
	}
	return false, out, nil
}

// emailJSON writes one e-mail address as Graph's emailAddress.
func emailJSON(out []byte, name, addr string) []byte {
	out = append(out, `{"name":`...)
	out = appendString(out, name)
	out = append(out, `,"address":`...)
	out = appendString(out, addr)
	return append(out, '}')
}

func (h *contactReader) finish(out []byte) ([]byte, error) {
	if h.seen["EmailAddresses"] {
		out = member(out, "emailAddresses")
		out = append(out, '[')
		for _, e := range h.emails {
			if e[1] != "" {
				out = comma(out)
				out = emailJSON(out, e[0], e[1])
			}
		}
		out = append(out, ']')
		for slot, i := range map[string]int{"primaryEmailAddress": 0, "secondaryEmailAddress": 1, "tertiaryEmailAddress": 2} {
			if e := h.emails[i]; e[1] != "" {
				out = member(out, slot)
				out = emailJSON(out, e[0], e[1])
			}
		}
	}
	if h.seen["PhoneNumbers"] {
		for _, g := range []string{"businessPhones", "homePhones"} {
			out = member(out, g)
			out = append(out, '[')
			for _, k := range phoneLists[g] {
				if n := h.phones[k]; n != "" {
					out = comma(out)
					out = appendString(out, n)
				}
			}
			out = append(out, ']')
		}
		if n := h.phones["MobilePhone"]; n != "" {
			out = member(out, "mobilePhone")
			out = appendString(out, n)
		}
	}
	if h.seen["PhysicalAddresses"] {
		for g, k := range addressKey {
			parts, ok := h.addresses[k]
			if !ok {
				continue
			}
			out = member(out, g)
			out = append(out, '{')
			for _, p := range addressParts {
				if v := parts[p.ews]; v != "" {
					out = member(out, p.graph)
					out = appendString(out, v)
				}
			}
			out = append(out, '}')
		}
	}
	if h.seen["ImAddresses"] {
		out = member(out, "imAddresses")
		out = append(out, '[')
		for _, s := range h.ims {
			if s != "" {
				out = comma(out)
				out = appendString(out, s)
			}
		}
		out = append(out, ']')
	}
	switch {
	case h.hasNotes:
		out = member(out, "personalNotes")
		out = appendString(out, h.notes)
	case h.body != "":
		out = member(out, "personalNotes")
		out = appendString(out, h.body)
	}
	if h.completed && h.title != "" {
		out = member(out, "title")
		out = appendString(out, h.title)
	}
	if h.hasYomiCo {
		out = member(out, "yomiCompanyName")
		out = appendString(out, h.yomiCo)
	}
	return out, nil
}

// extendedContactProps are the contact properties EWS has no element to
// write, written as the MAPI properties they are: the title is
// PidTagDisplayNamePrefix, which Exchange reads back as CompleteName's
// Title (CompleteName itself is read-only); the company's phonetic name is
// PidLidYomiCompanyName, read back as that property too.
var extendedContactProps = map[string]*extField{
	"title":           {Tag: "0x3A45", Type: "String"},
	"yomiCompanyName": {DistSet: "Address", ID: "32814", Type: "String"}, // 0x802E
}

// yomiCompanyID is PidLidYomiCompanyName as the converter names an
// extended property read.
const yomiCompanyID = "String {00062004-0000-0000-C000-000000000046} Id 0x802E"

// stringMember reads a string member: "" for null or empty.
func stringMember(name string, v jsontext.Value) (string, error) {
	var t string
	if !isNullJSON(v) {
		if err := json.Unmarshal(v, &t); err != nil {
			return "", fmt.Errorf("%w: %s: %v", odata.ErrInvalidQuery, name, err)
		}
	}
	return t, nil
}

// contactFragments converts a new contact's body into the elements of a
// Contact: the table's properties, and the dictionaries built from all the
// Graph properties each holds.
func contactFragments(body []byte, s *odata.Schema) ([]fragment, error) {
	names, values, err := members(body)
	if err != nil {
		return nil, err
	}
	rest := []byte{'{'}
	d := newDictionaries()
	var extra []fragment
	for i, n := range names {
		v := values[i]
		switch {
		case contactDictionaryProps[n] != "":
			if err := d.set(n, v); err != nil {
				return nil, err
			}
		case n == "personalNotes":
			var notes string
			if !isNothing(v) {
				if err := json.Unmarshal(v, &notes); err != nil {
					return nil, fmt.Errorf("%w: personalNotes: %v", odata.ErrInvalidQuery, err)
				}
			}
			if notes != "" {
				var w xmlWriter
				writeTextBody(&w, notes)
				extra = append(extra, fragment{elem: "Body", xml: w.b})
			}
		case extendedContactProps[n] != nil:
			t, err := stringMember(n, v)
			if err != nil {
				return nil, err
			}
			if t != "" {
				var w xmlWriter
				writeExtendedProperty(&w, extendedContactProps[n], []string{t}, false)
				extra = append(extra, fragment{elem: "ExtendedProperty", xml: w.b})
			}
		default:
			rest = member(rest, n)
			rest = append(rest, v...)
		}
	}
	frags, err := propFragments(append(rest, '}'), s, "contact")
	if err != nil {
		return nil, err
	}
	frags = append(frags, extra...)
	frags = append(frags, d.fragments()...)
	order := orderIndex["contact"]
	sortFragments(frags, order)
	return frags, nil
}

// writeTextBody writes a contact's notes as its body.
func writeTextBody(w *xmlWriter, notes string) {
	w.start("t:Body")
	w.attr("BodyType", "Text")
	w.gt()
	w.text(notes)
	w.close("t:Body")
}

// dictionaries are a new contact's entries, by key.
type dictionaries struct {
	emails    [3]*recipientJSON
	phones    map[string]string
	addresses map[string]map[string]string
	ims       [3]string
}

func newDictionaries() *dictionaries {
	return &dictionaries{phones: map[string]string{}, addresses: map[string]map[string]string{}}
}

type emailJSONValue struct {
	Name    string `json:"name"`
	Address string `json:"address"`
}

// set reads one Graph property into the entries.
func (d *dictionaries) set(name string, v jsontext.Value) error {
	if isNothing(v) {
		return nil
	}
	bad := func(err error) error { return fmt.Errorf("%w: %s: %v", odata.ErrInvalidQuery, name, err) }
	switch name {
	case "emailAddresses":
		var es []emailJSONValue
		if err := json.Unmarshal(v, &es); err != nil {
			return bad(err)
		}
		if len(es) > len(emailKeys) {
			return errNotSupported(fmt.Sprintf("%d e-mail addresses (EWS keeps three: EmailAddress1 to 3)", len(es)))
		}
		for i, e := range es {
			d.emails[i] = &recipientJSON{}
			d.emails[i].EmailAddress.Name, d.emails[i].EmailAddress.Address = e.Name, e.Address
		}
	case "primaryEmailAddress", "secondaryEmailAddress", "tertiaryEmailAddress":
		var e emailJSONValue
		if err := json.Unmarshal(v, &e); err != nil {
			return bad(err)
		}
		if e.Address != "" {
			r := &recipientJSON{}
			r.EmailAddress.Name, r.EmailAddress.Address = e.Name, e.Address
			d.emails[emailSlots[name]] = r
		}
	case "businessPhones", "homePhones":
		var ns []string
		if err := json.Unmarshal(v, &ns); err != nil {
			return bad(err)
		}
		keys := phoneLists[name]
		if len(ns) > len(keys) {
			return errNotSupported(fmt.Sprintf("%d %s (EWS keeps two: %s)", len(ns), name, strings.Join(keys, " and ")))
		}
		for i, n := range ns {
			d.phones[keys[i]] = n
		}
	case "mobilePhone":
		var n string
		if err := json.Unmarshal(v, &n); err != nil {
			return bad(err)
		}
		d.phones["MobilePhone"] = n
	case "businessAddress", "homeAddress", "otherAddress":
		var a map[string]string
		if err := json.Unmarshal(v, &a); err != nil {
			return bad(err)
		}
		d.addresses[addressKey[name]] = a
	case "imAddresses":
		var ims []string
		if err := json.Unmarshal(v, &ims); err != nil {
			return bad(err)
		}
		if len(ims) > len(imKeys) {
			return errNotSupported(fmt.Sprintf("%d instant messaging addresses (EWS keeps three: ImAddress1 to 3)", len(ims)))
		}
		copy(d.ims[:], ims)
	}
	return nil
}

// fragments writes the entries as the dictionary elements.
func (d *dictionaries) fragments() []fragment {
	var out []fragment
	var w xmlWriter
	n := 0
	for i, e := range d.emails {
		if e == nil || e.EmailAddress.Address == "" {
			continue
		}
		if n == 0 {
			w.open("t:EmailAddresses")
		}
		n++
		writeEmailEntry(&w, emailKeys[i], e.EmailAddress.Name, e.EmailAddress.Address)
	}
	if n > 0 {
		w.close("t:EmailAddresses")
		out = append(out, fragment{elem: "EmailAddresses", xml: w.b})
	}
	w, n = xmlWriter{}, 0
	for _, k := range []string{"Business", "Home", "Other"} {
		a := d.addresses[k]
		if !hasAddress(a) {
			continue
		}
		if n == 0 {
			w.open("t:PhysicalAddresses")
		}
		n++
		writeAddressEntry(&w, k, a, "")
	}
	if n > 0 {
		w.close("t:PhysicalAddresses")
		out = append(out, fragment{elem: "PhysicalAddresses", xml: w.b})
	}
	w, n = xmlWriter{}, 0
	for _, k := range []string{"BusinessPhone", "BusinessPhone2", "HomePhone", "HomePhone2", "MobilePhone"} {
		if d.phones[k] == "" {
			continue
		}
		if n == 0 {
			w.open("t:PhoneNumbers")
		}
		n++
		writeEntry(&w, k, d.phones[k])
	}
	if n > 0 {
		w.close("t:PhoneNumbers")
		out = append(out, fragment{elem: "PhoneNumbers", xml: w.b})
	}
	w, n = xmlWriter{}, 0
	for i, s := range d.ims {
		if s == "" {
			continue
		}
		if n == 0 {
			w.open("t:ImAddresses")
		}
		n++
		writeEntry(&w, imKeys[i], s)
	}
	if n > 0 {
		w.close("t:ImAddresses")
		out = append(out, fragment{elem: "ImAddresses", xml: w.b})
	}
	return out
}

func hasAddress(a map[string]string) bool {
	for _, p := range addressParts {
		if a[p.graph] != "" {
			return true
		}
	}
	return false
}

func writeEntry(w *xmlWriter, key, value string) {
	w.start("t:Entry")
	w.attr("Key", key)
	w.gt()
	w.text(value)
	w.close("t:Entry")
}

func writeEmailEntry(w *xmlWriter, key, name, addr string) {
	w.start("t:Entry")
	w.attr("Key", key)
	if name != "" && name != addr {
		w.attr("Name", name)
	}
	w.gt()
	w.text(addr)
	w.close("t:Entry")
}

// writeAddressEntry writes a postal address entry: every part, or only
// one when part names it (an update of that part).
func writeAddressEntry(w *xmlWriter, key string, a map[string]string, part string) {
	w.start("t:Entry")
	w.attr("Key", key)
	w.gt()
	for _, p := range addressParts {
		if (part == "" || part == p.ews) && a[p.graph] != "" {
			w.elem("t:"+p.ews, a[p.graph])
		}
	}
	w.close("t:Entry")
}

// indexedSet writes a SetItemField of one dictionary entry.
func indexedSet(uri, index, dict, set string, entry []byte) []byte {
	var w xmlWriter
	w.open(set)
	(&field{URI: uri, Index: index}).write(&w)
	w.open("t:Contact")
	w.open("t:" + dict)
	w.b = append(w.b, entry...)
	w.close("t:" + dict)
	w.close("t:Contact")
	w.close(set)
	return w.b
}

// indexedDelete writes a DeleteItemField of one dictionary entry.
func indexedDelete(uri, index, del string) []byte {
	var w xmlWriter
	w.open(del)
	(&field{URI: uri, Index: index}).write(&w)
	w.close(del)
	return w.b
}

// contactChanges is the update hook of contacts: each entry of a
// dictionary is set, or cleared, on its own.
func contactChanges(p *odata.Prop, v jsontext.Value, elem, set, del string) ([][]byte, bool, error) {
	name := p.Graph
	if f := extendedContactProps[name]; f != nil {
		t, err := stringMember(name, v)
		if err != nil {
			return nil, true, err
		}
		var w xmlWriter
		if t == "" {
			w.open(del)
			(&field{Ext: f}).write(&w)
			w.close(del)
			return [][]byte{w.b}, true, nil
		}
		w.open(set)
		(&field{Ext: f}).write(&w)
		w.open(elem)
		writeExtendedProperty(&w, f, []string{t}, false)
		w.close(elem)
		w.close(set)
		return [][]byte{w.b}, true, nil
	}
	if name == "personalNotes" {
		var notes string
		if !isNullJSON(v) {
			if err := json.Unmarshal(v, &notes); err != nil {
				return nil, true, fmt.Errorf("%w: personalNotes: %v", odata.ErrInvalidQuery, err)
			}
		}
		if notes == "" {
			return [][]byte{deleteField("item:Body", del)}, true, nil
		}
		var w xmlWriter
		writeTextBody(&w, notes)
		return [][]byte{setField("item:Body", elem, set, w.b)}, true, nil
	}
	if contactDictionaryProps[name] == "" {
		return nil, false, nil
	}
	d := newDictionaries()
	if !isNullJSON(v) {
		if err := d.set(name, v); err != nil {
			return nil, true, err
		}
	}
	var out [][]byte
	switch name {
	case "emailAddresses", "primaryEmailAddress", "secondaryEmailAddress", "tertiaryEmailAddress":
		keys := emailKeys
		if i, ok := emailSlots[name]; ok {
			keys = emailKeys[i : i+1]
		}
		for _, k := range keys {
			i := indexOfString(emailKeys, k)
			if e := d.emails[i]; e != nil && e.EmailAddress.Address != "" {
				var w xmlWriter
				writeEmailEntry(&w, k, e.EmailAddress.Name, e.EmailAddress.Address)
				out = append(out, indexedSet("contacts:EmailAddress", k, "EmailAddresses", set, w.b))
			} else {
				out = append(out, indexedDelete("contacts:EmailAddress", k, del))
			}
		}
	case "businessPhones", "homePhones", "mobilePhone":
		keys := phoneLists[name]
		if name == "mobilePhone" {
			keys = []string{"MobilePhone"}
		}
		for _, k := range keys {
			if n := d.phones[k]; n != "" {
				var w xmlWriter
				writeEntry(&w, k, n)
				out = append(out, indexedSet("contacts:PhoneNumber", k, "PhoneNumbers", set, w.b))
			} else {
				out = append(out, indexedDelete("contacts:PhoneNumber", k, del))
			}
		}
	case "businessAddress", "homeAddress", "otherAddress":
		k := addressKey[name]
		a := d.addresses[k]
		for _, part := range addressParts {
			uri := "contacts:PhysicalAddress:" + part.ews
			if a[part.graph] != "" {
				var w xmlWriter
				writeAddressEntry(&w, k, a, part.ews)
				out = append(out, indexedSet(uri, k, "PhysicalAddresses", set, w.b))
			} else {
				out = append(out, indexedDelete(uri, k, del))
			}
		}
	case "imAddresses":
		for i, k := range imKeys {
			if s := d.ims[i]; s != "" {
				var w xmlWriter
				writeEntry(&w, k, s)
				out = append(out, indexedSet("contacts:ImAddress", k, "ImAddresses", set, w.b))
			} else {
				out = append(out, indexedDelete("contacts:ImAddress", k, del))
			}
		}
	}
	return out, true, nil
}

// contactAny translates any() over a contact's dictionaries: a condition
// on an element holds when it holds for one of the entries, an Or of the
// keys (emailAddresses/any(a: a/address eq 'x') compares EmailAddress1, 2
// and 3). An e-mail address's display name cannot be searched.
func contactAny(p *odata.Prop, cond odata.FilterNode) (*restriction, bool, error) {
	var uri, path string
	var keys []string
	switch p.Graph {
	case "emailAddresses":
		uri, path, keys = "contacts:EmailAddress", "address", emailKeys
	case "imAddresses":
		uri, keys = "contacts:ImAddress", imKeys
	case "businessPhones", "homePhones":
		uri, keys = "contacts:PhoneNumber", phoneLists[p.Graph]
	default:
		return nil, false, nil
	}
	if !cond.Relative() || cond.Path() != path {
		what := "the element"
		if path != "" {
			what = "the element's " + path
		}
		return nil, true, errNotSupported(fmt.Sprintf("any() over %s with a condition that is not on %s (EWS searches the entries' values)", p.Graph, what))
	}
	switch cond.Op() {
	case odata.OpEq, odata.OpStartsWith, odata.OpContains:
	default:
		return nil, true, errNotSupported(fmt.Sprintf("any() over %s with %s (only eq, startswith and contains)", p.Graph, cond.Op()))
	}
	or := &restriction{Op: "Or"}
	for _, k := range keys {
		r, err := leafRestriction(cond, &field{URI: uri, Index: k}, stringConv(p.Graph))
		if err != nil {
			return nil, true, err
		}
		or.Kids = append(or.Kids, r)
	}
	return or, true, nil
}

// contactFilter translates a comparison on one entry of a dictionary:
// primaryEmailAddress/address (EmailAddress1, ...), mobilePhone
// (MobilePhone), businessAddress/city (the Business address's City, ...).
func contactFilter(n odata.FilterNode, p *odata.Prop, rest string) (*restriction, bool, error) {
	var fld *field
	switch {
	case emailSlotOK(p.Graph) && rest == "address":
		fld = &field{URI: "contacts:EmailAddress", Index: emailKeys[emailSlots[p.Graph]]}
	case p.Graph == "mobilePhone" && rest == "":
		fld = &field{URI: "contacts:PhoneNumber", Index: "MobilePhone"}
	case addressKey[p.Graph] != "":
		for _, part := range addressParts {
			if part.graph == rest {
				fld = &field{URI: "contacts:PhysicalAddress:" + part.ews, Index: addressKey[p.Graph]}
			}
		}
	}
	if fld == nil {
		return nil, false, nil
	}
	r, err := leafRestriction(n, fld, stringConv(n.Path()))
	return r, true, err
}

func emailSlotOK(name string) bool { _, ok := emailSlots[name]; return ok }

// checkNoContactWrite refuses writing what reached the table although the
// hooks own it (a dictionary property in a path the hooks do not see).
func checkNoContactWrite(p *odata.Prop, v jsontext.Value) ([]fragment, bool, error) {
	if contactDictionaryProps[p.Graph] != "" || p.Graph == "personalNotes" || extendedContactProps[p.Graph] != nil {
		if isEmpty(v) {
			return nil, true, nil
		}
		return nil, true, errNotSupported(fmt.Sprintf("writing %s here", p.Graph))
	}
	return nil, false, nil
}

func init() { writeHooks["contact"] = checkNoContactWrite }

// contactRoutes are the contact operations, over the generic item ones.
func init() {
	for k, h := range map[string]handler{
		"GET contacts":                         listItems("contacts", "contact", "contacts"),
		"GET contactFolders/{}/contacts":       listItems("contacts", "contact", "contacts"),
		"GET contacts/{}":                      getOne("contact"),
		"POST contacts":                        createOne("contact", "contacts"),
		"POST contactFolders/{}/contacts":      createOne("contact", "contacts"),
		"PATCH contacts/{}":                    updateOne("contact"),
		"DELETE contacts/{}":                   deleteOne("contact"),
		"GET contacts/delta":                   syncContacts,
		"GET contactFolders/{}/contacts/delta": syncContacts,
	} {
		routes[k] = h
	}
	linkHandlers["contacts"] = pagesOf("contact", (*call).messagesPage)
	linkHandlers["syncContacts"] = pagesOf("contact", (*call).syncItemsPage)
}

// syncContacts starts a round of change tracking over a folder's contacts
// (SyncFolderItems, as for messages).
func syncContacts(c *call) (*http.Response, error) {
	s, err := c.schema("contact")
	if err != nil {
		return nil, err
	}
	st := &listState{Kind: "syncContacts", Folder: c.pathFolder("contacts"), View: view{Top: syncPageSize(c.r.Prefer)}}
	if _, err := c.folder(st.Folder); err != nil {
		return nil, err
	}
	if q := c.r.Query; q != nil && (!q.Filter.IsZero() || len(q.OrderBy) > 0 || q.Search != "" || len(q.Expand) > 0 || q.Skip > 0 || q.Count) {
		return nil, errNotSupported("$filter, $orderby, $search, $expand, $skip or $count in change tracking (SyncFolderItems takes a property set only)")
	}
	if st.Shape, err = shapeOf(c.r.Query, s, c.r.Prefer); err != nil {
		return nil, err
	}
	return c.syncItemsPage(s, st)
}
