package ews

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json"

	"github.com/exchangekit/outlook/odata"
)

// The master category list (Graph's outlook/masterCategories) is, in an
// Exchange mailbox, an XML document in the Calendar folder's configuration
// item IPM.Configuration.CategoryList ([MS-OXOCFG] 2.2.5.2.2, "Category
// List"): a <categories> element of <category> elements whose name, color
// (-1 for none, 0 to 24 for Outlook's presets) and guid attributes are
// Graph's displayName, color and id. EWS reads it with GetUserConfiguration
// and writes it back whole with UpdateUserConfiguration (or makes it with
// CreateUserConfiguration when the mailbox has none). Attributes and
// elements the backend does not know (usage counters, keyboard shortcuts,
// the last-used times Outlook keeps) are written back as read.
//
// A change reads the list and writes it back: a change another client
// makes between the two is lost, as it is between two Outlook clients.

func init() {
	for k, h := range map[string]handler{
		"GET outlook/masterCategories":       listCategories,
		"GET outlook/masterCategories/{}":    getCategory,
		"POST outlook/masterCategories":      createCategory,
		"PATCH outlook/masterCategories/{}":  updateCategory,
		"DELETE outlook/masterCategories/{}": deleteCategory,
	} {
		routes[k] = h
	}
}

// categoryListName is the configuration item's name (its message class
// without the IPM.Configuration. prefix), in the Calendar folder.
const categoryListName = "CategoryList"

// categoryListNS is the namespace of the category list document.
const categoryListNS = "CategoryList.xsd"

// maxCategoryList bounds the decoded document: Outlook's lists are a few
// kilobytes; a hostile answer cannot make the backend hold more.
const maxCategoryList = 4 << 20

// categoryList is the category list document: its root's attributes and
// its category elements, each kept whole.
type categoryList struct {
	rootAttrs []xml.Attr
	cats      []categoryElem
}

// categoryElem is one <category> element: its attributes in their order.
type categoryElem struct{ attrs []xml.Attr }

func (e *categoryElem) get(name string) string {
	for _, a := range e.attrs {
		if a.Name.Space == "" && a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (e *categoryElem) set(name, value string) {
	for i, a := range e.attrs {
		if a.Name.Space == "" && a.Name.Local == name {
			e.attrs[i].Value = value
			return
		}
	}
	e.attrs = append(e.attrs, xml.Attr{Name: xml.Name{Local: name}, Value: value})
}

// id is the category's Graph id: its guid without braces, lower-cased.
func (e *categoryElem) id() string {
	return strings.ToLower(strings.Trim(strings.TrimSpace(e.get("guid")), "{}"))
}

// parseCategoryList reads the document. An empty document is an empty
// list; anything that is not a <categories> document is an error.
func parseCategoryList(data []byte) (*categoryList, error) {
	l := &categoryList{}
	if len(bytes.TrimSpace(data)) == 0 {
		return l, nil
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	depth := 0
	seenRoot := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, errorf("the category list: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case depth == 1:
				if t.Name.Local != "categories" || seenRoot {
					return nil, errorf("the category list: root element <%s>, want <categories>", truncate(t.Name.Local, 40))
				}
				seenRoot = true
				l.rootAttrs = plainAttrs(t.Attr)
			case depth == 2 && t.Name.Local == "category":
				l.cats = append(l.cats, categoryElem{attrs: plainAttrs(t.Attr)})
			}
		case xml.EndElement:
			depth--
		}
	}
	if !seenRoot {
		return nil, errorf("the category list has no <categories> element")
	}
	return l, nil
}

// plainAttrs keeps the attributes without a namespace: the namespace
// declarations are written anew.
func plainAttrs(as []xml.Attr) []xml.Attr {
	out := make([]xml.Attr, 0, len(as))
	for _, a := range as {
		if a.Name.Space == "" && a.Name.Local != "xmlns" {
			out = append(out, a)
		}
	}
	return out
}

// encode writes the document.
func (l *categoryList) encode() []byte {
	w := &xmlWriter{b: []byte(`<?xml version="1.0"?>`)}
	w.start("categories")
	for _, a := range l.rootAttrs {
		w.attr(a.Name.Local, a.Value)
	}
	w.attr("xmlns", categoryListNS)
	w.gt()
	for _, c := range l.cats {
		w.start("category")
		for _, a := range c.attrs {
			w.attr(a.Name.Local, a.Value)
		}
		w.slash()
	}
	w.close("categories")
	return w.b
}

// find returns the index of the category with Graph id id, or -1.
func (l *categoryList) find(id string) int {
	id = strings.ToLower(strings.Trim(id, "{}"))
	for i := range l.cats {
		if l.cats[i].id() == id {
			return i
		}
	}
	return -1
}

// categoryColor reads a color attribute as Graph's colour.
func categoryColor(v string) string {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 || n > 24 {
		return "none"
	}
	return "preset" + strconv.Itoa(n)
}

// ewsCategoryColor writes Graph's colour as a color attribute.
func ewsCategoryColor(g string) (string, error) {
	if strings.EqualFold(g, "none") || g == "" {
		return "-1", nil
	}
	s, ok := strings.CutPrefix(strings.ToLower(g), "preset")
	n, err := strconv.Atoi(s)
	if !ok || err != nil || n < 0 || n > 24 {
		return "", fmt.Errorf("%w: category colour %q", odata.ErrInvalidQuery, g)
	}
	return strconv.Itoa(n), nil
}

// appendCategory writes one category as Graph JSON.
func appendCategory(out []byte, e *categoryElem) []byte {
	out = append(out, '{')
	out = member(out, "id")
	out = appendString(out, e.id())
	out = member(out, "displayName")
	out = appendString(out, e.get("name"))
	out = member(out, "color")
	out = appendString(out, categoryColor(e.get("color")))
	return append(out, '}')
}

// writeCategoryListName writes the UserConfigurationName naming the list.
func (c *call) writeCategoryListName(w *xmlWriter, el string) {
	w.start(el)
	w.attr("Name", categoryListName)
	w.gt()
	folderRef{distinguished: "calendar", mailbox: c.mailbox}.write(w)
	w.close(el)
}

// readCategoryList fetches the list; exists is false when the mailbox has
// no configuration item for it yet.
func (c *call) readCategoryList() (l *categoryList, exists bool, err error) {
	var st status
	var data []byte
	err = c.send(request{op: "GetUserConfiguration", idempotent: true, body: func(w *xmlWriter) {
		w.open("m:GetUserConfiguration")
		c.writeCategoryListName(w, "m:UserConfigurationName")
		w.elem("m:UserConfigurationProperties", "XmlData")
		w.close("m:GetUserConfiguration")
	}}, func(x *xmlReader, buf *[]byte) error {
		return readMessages(x, buf, func(_ int, _ *status) error {
			if !x.is("UserConfiguration") {
				return x.skip()
			}
			return x.children(func() error {
				if !x.is("XmlData") {
					return x.skip()
				}
				t, err := x.textInto((*buf)[:0])
				*buf = t
				if err != nil {
					return err
				}
				if base64.StdEncoding.DecodedLen(len(t)) > maxCategoryList {
					return errorf("the category list is over %d bytes", maxCategoryList)
				}
				data, err = base64.StdEncoding.AppendDecode(nil, bytes.TrimSpace(t))
				if err != nil {
					return errorf("the category list's XmlData: %v", err)
				}
				return nil
			})
		}, func(_ int, s *status) error { st = *s; return nil })
	})
	if err != nil {
		return nil, false, err
	}
	if !st.ok() {
		if st.code == "ErrorItemNotFound" {
			return &categoryList{}, false, nil
		}
		return nil, false, errorOf("GetUserConfiguration", &st, false, nil)
	}
	l, err = parseCategoryList(data)
	return l, true, err
}

// writeCategoryList stores the list: UpdateUserConfiguration, or
// CreateUserConfiguration when it did not exist.
func (c *call) writeCategoryList(l *categoryList, exists bool) error {
	op := "UpdateUserConfiguration"
	if !exists {
		op = "CreateUserConfiguration"
	}
	doc := base64.StdEncoding.EncodeToString(l.encode())
	var st status
	err := c.send(request{op: op, body: func(w *xmlWriter) {
		w.open("m:" + op)
		w.open("m:UserConfiguration")
		c.writeCategoryListName(w, "t:UserConfigurationName")
		w.elem("t:XmlData", doc)
		w.close("m:UserConfiguration")
		w.close("m:" + op)
	}}, func(x *xmlReader, buf *[]byte) error {
		return readMessages(x, buf, nil, func(_ int, s *status) error { st = *s; return nil })
	})
	if err != nil {
		return err
	}
	if !st.ok() {
		return errorOf(op, &st, false, nil)
	}
	return nil
}

// listCategories serves GET outlook/masterCategories.
func listCategories(c *call) (*http.Response, error) {
	l, _, err := c.readCategoryList()
	if err != nil {
		return nil, err
	}
	out := []byte(`{"value":[`)
	for i := range l.cats {
		if i > 0 {
			out = append(out, ',')
		}
		out = appendCategory(out, &l.cats[i])
	}
	return jsonResponse(http.StatusOK, append(out, "]}"...)), nil
}

// categoryNotFound is Graph's answer for an id the list does not hold.
func categoryNotFound(id string) error {
	return &odata.Error{StatusCode: http.StatusNotFound, Code: "ErrorItemNotFound",
		Message: "The category " + truncate(id, 60) + " is not in the master category list.", Method: "EWS", Path: "GetUserConfiguration"}
}

// getCategory serves GET outlook/masterCategories/{id}.
func getCategory(c *call) (*http.Response, error) {
	l, _, err := c.readCategoryList()
	if err != nil {
		return nil, err
	}
	i := l.find(c.ids[0])
	if i < 0 {
		return nil, categoryNotFound(c.ids[0])
	}
	return jsonResponse(http.StatusOK, appendCategory(nil, &l.cats[i])), nil
}

// categoryBody is the body of a create or an update.
type categoryBody struct {
	DisplayName *string `json:"displayName"`
	Color       *string `json:"color"`
}

func readCategoryBody(body []byte) (*categoryBody, error) {
	var b categoryBody
	if err := json.Unmarshal(body, &b); err != nil {
		return nil, fmt.Errorf("%w: the category: %v", odata.ErrInvalidQuery, err)
	}
	return &b, nil
}

// createCategory serves POST outlook/masterCategories.
func createCategory(c *call) (*http.Response, error) {
	b, err := readCategoryBody(c.r.Body)
	if err != nil {
		return nil, err
	}
	if b.DisplayName == nil || strings.TrimSpace(*b.DisplayName) == "" {
		return nil, fmt.Errorf("%w: a category needs a displayName", odata.ErrInvalidQuery)
	}
	color := "-1"
	if b.Color != nil {
		if color, err = ewsCategoryColor(*b.Color); err != nil {
			return nil, err
		}
	}
	l, exists, err := c.readCategoryList()
	if err != nil {
		return nil, err
	}
	for i := range l.cats {
		if strings.EqualFold(l.cats[i].get("name"), *b.DisplayName) {
			return nil, &odata.Error{StatusCode: http.StatusConflict, Code: "ErrorDuplicateCategory", Method: "EWS", Path: "UpdateUserConfiguration",
				Message: "The master category list already holds a category named " + strconv.Quote(truncate(*b.DisplayName, 60)) + "."}
		}
	}
	var g [16]byte
	_, _ = rand.Read(g[:])
	g[6] = g[6]&0x0f | 0x40
	g[8] = g[8]&0x3f | 0x80
	guid := fmt.Sprintf("%x-%x-%x-%x-%x", g[0:4], g[4:6], g[6:8], g[8:10], g[10:16])
	e := categoryElem{}
	e.set("name", *b.DisplayName)
	e.set("color", color)
	e.set("keyboardShortcut", "0")
	e.set("guid", "{"+strings.ToUpper(guid)+"}")
	l.cats = append(l.cats, e)
	if err := c.writeCategoryList(l, exists); err != nil {
		return nil, err
	}
	return jsonResponse(http.StatusCreated, appendCategory(nil, &e)), nil
}

// updateCategory serves PATCH outlook/masterCategories/{id}: the colour
// alone, as Graph allows.
func updateCategory(c *call) (*http.Response, error) {
	b, err := readCategoryBody(c.r.Body)
	if err != nil {
		return nil, err
	}
	if b.DisplayName != nil {
		return nil, errNotSupported("renaming a category (Graph changes only its colour)")
	}
	if b.Color == nil {
		return nil, fmt.Errorf("%w: no color", odata.ErrInvalidQuery)
	}
	color, err := ewsCategoryColor(*b.Color)
	if err != nil {
		return nil, err
	}
	l, exists, err := c.readCategoryList()
	if err != nil {
		return nil, err
	}
	i := l.find(c.ids[0])
	if i < 0 {
		return nil, categoryNotFound(c.ids[0])
	}
	l.cats[i].set("color", color)
	if err := c.writeCategoryList(l, exists); err != nil {
		return nil, err
	}
	return jsonResponse(http.StatusOK, appendCategory(nil, &l.cats[i])), nil
}

// deleteCategory serves DELETE outlook/masterCategories/{id}.
func deleteCategory(c *call) (*http.Response, error) {
	l, exists, err := c.readCategoryList()
	if err != nil {
		return nil, err
	}
	i := l.find(c.ids[0])
	if i < 0 {
		return nil, categoryNotFound(c.ids[0])
	}
	l.cats = append(l.cats[:i], l.cats[i+1:]...)
	if err := c.writeCategoryList(l, exists); err != nil {
		return nil, err
	}
	return noContent(), nil
}
