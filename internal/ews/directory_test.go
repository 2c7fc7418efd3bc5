package ews

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/exchangekit/outlook/categories"
	"github.com/exchangekit/outlook/directory"
	"github.com/exchangekit/outlook/internal/testutil"
	"github.com/exchangekit/outlook/odata"
)

// cannedEWS answers each operation with the body its table holds (the
// answers of Microsoft's reference pages, abridged) and keeps the
// requests, for goldens.
type cannedEWS struct {
	mu      sync.Mutex
	answers map[string][]string // operation -> bodies (inside soap:Body), used in turn
	reqs    [][]byte
	ops     []string
}

func (d *cannedEWS) Do(r *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(r.Body)
	root, err := parseXML(body)
	if err != nil {
		return nil, err
	}
	op := root.child("Body").kids[0].name
	op = op[strings.IndexByte(op, ':')+1:]
	d.mu.Lock()
	defer d.mu.Unlock()
	d.reqs = append(d.reqs, body)
	d.ops = append(d.ops, op)
	as := d.answers[op]
	if len(as) == 0 {
		return nil, fmt.Errorf("no canned answer for %s", op)
	}
	a := as[0]
	if len(as) > 1 {
		d.answers[op] = as[1:]
	}
	env := `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body ` +
		`xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">` + a + `</s:Body></s:Envelope>`
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/xml; charset=utf-8"}},
		Body: io.NopCloser(strings.NewReader(env)), Request: r}, nil
}

// golden checks the requests sent against testdata/requests-people.
func (d *cannedEWS) golden(t *testing.T, name string) {
	t.Helper()
	for i, b := range d.reqs {
		n, err := parseXML(b)
		if err != nil {
			t.Fatal(err)
		}
		testutil.Golden(t, filepath.Join("testdata", "requests-people", fmt.Sprintf("%s-%d-%s.xml", name, i+1, d.ops[i])), []byte(pretty(n)), *update)
	}
}

func cannedClient(t *testing.T, answers map[string][]string) (*odata.Client, *cannedEWS) {
	d := &cannedEWS{answers: answers}
	return odataClient(t, Config{URL: "https://mail.contoso.com/EWS/Exchange.asmx", Doer: d, Mailbox: "bob@contoso.com", Access: AccessImpersonation}), d
}

const (
	roomListsAnswer = `<m:GetRoomListsResponse ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:RoomLists>` +
		`<t:Address><t:Name>Building 1</t:Name><t:EmailAddress>building1@contoso.com</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>PublicDL</t:MailboxType></t:Address>` +
		`<t:Address><t:Name>Building 2</t:Name><t:EmailAddress>building2@contoso.com</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>PublicDL</t:MailboxType></t:Address>` +
		`</m:RoomLists></m:GetRoomListsResponse>`
	rooms1Answer = `<m:GetRoomsResponse ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Rooms>` +
		`<t:Room><t:Id><t:Name>Conf Room Baker</t:Name><t:EmailAddress>baker@contoso.com</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>Mailbox</t:MailboxType></t:Id></t:Room>` +
		`<t:Room><t:Id><t:Name>Conf Room Rainier</t:Name><t:EmailAddress>rainier@contoso.com</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>Mailbox</t:MailboxType></t:Id></t:Room>` +
		`</m:Rooms></m:GetRoomsResponse>`
	rooms2Answer = `<m:GetRoomsResponse ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Rooms>` +
		`<t:Room><t:Id><t:Name>Conf Room Rainier</t:Name><t:EmailAddress>RAINIER@contoso.com</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>Mailbox</t:MailboxType></t:Id></t:Room>` +
		`</m:Rooms></m:GetRoomsResponse>`
	resolveAnswer = `<m:ResolveNamesResponse><m:ResponseMessages><m:ResolveNamesResponseMessage ResponseClass="Warning">` +
		`<m:MessageText>Multiple results were found.</m:MessageText><m:ResponseCode>ErrorNameResolutionMultipleResults</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>` +
		`<m:ResolutionSet TotalItemsInView="3" IncludesLastItemInRange="true">` +
		`<t:Resolution><t:Mailbox><t:Name>Adele Vance</t:Name><t:EmailAddress>adele@contoso.com</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>Mailbox</t:MailboxType></t:Mailbox>` +
		`<t:Contact><t:DisplayName>Adele Vance</t:DisplayName><t:JobTitle>Retail Manager</t:JobTitle><t:Department>Retail</t:Department><t:OfficeLocation>18/2111</t:OfficeLocation><t:ContactSource>ActiveDirectory</t:ContactSource></t:Contact></t:Resolution>` +
		`<t:Resolution><t:Mailbox><t:Name>Admins</t:Name><t:EmailAddress>admins@contoso.com</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>PublicDL</t:MailboxType></t:Mailbox></t:Resolution>` +
		`<t:Resolution><t:Mailbox><t:Name>Ada (legacy)</t:Name><t:EmailAddress>/o=Contoso/ou=First/cn=Recipients/cn=ada</t:EmailAddress><t:RoutingType>EX</t:RoutingType><t:MailboxType>Contact</t:MailboxType></t:Mailbox></t:Resolution>` +
		`</m:ResolutionSet></m:ResolveNamesResponseMessage></m:ResponseMessages></m:ResolveNamesResponse>`
	noResultsAnswer = `<m:ResolveNamesResponse><m:ResponseMessages><m:ResolveNamesResponseMessage ResponseClass="Error">` +
		`<m:MessageText>No results were found.</m:MessageText><m:ResponseCode>ErrorNameResolutionNoResults</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>` +
		`</m:ResolveNamesResponseMessage></m:ResponseMessages></m:ResolveNamesResponse>`
	expandAnswer = `<m:ExpandDLResponse><m:ResponseMessages><m:ExpandDLResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>` +
		`<m:DLExpansion TotalItemsInView="2" IncludesLastItemInRange="true">` +
		`<t:Mailbox><t:Name>Adele Vance</t:Name><t:EmailAddress>adele@contoso.com</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>Mailbox</t:MailboxType></t:Mailbox>` +
		`<t:Mailbox><t:Name>Partners</t:Name><t:EmailAddress>partners@contoso.com</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>PublicDL</t:MailboxType></t:Mailbox>` +
		`</m:DLExpansion></m:ExpandDLResponseMessage></m:ResponseMessages></m:ExpandDLResponse>`
)

func configAnswer(doc string) string {
	return `<m:GetUserConfigurationResponse><m:ResponseMessages><m:GetUserConfigurationResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>` +
		`<m:UserConfiguration><t:UserConfigurationName Name="CategoryList"><t:DistinguishedFolderId Id="calendar"/></t:UserConfigurationName>` +
		`<t:XmlData>` + base64.StdEncoding.EncodeToString([]byte(doc)) + `</t:XmlData></m:UserConfiguration>` +
		`</m:GetUserConfigurationResponseMessage></m:ResponseMessages></m:GetUserConfigurationResponse>`
}

const configMissing = `<m:GetUserConfigurationResponse><m:ResponseMessages><m:GetUserConfigurationResponseMessage ResponseClass="Error">` +
	`<m:MessageText>The specified object was not found in the store.</m:MessageText><m:ResponseCode>ErrorItemNotFound</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>` +
	`</m:GetUserConfigurationResponseMessage></m:ResponseMessages></m:GetUserConfigurationResponse>`

func configWritten(op string) string {
	return `<m:` + op + `Response><m:ResponseMessages><m:` + op + `ResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>` +
		`</m:` + op + `ResponseMessage></m:ResponseMessages></m:` + op + `Response>`
}

// outlookList is a category list as Outlook writes it: attributes the
// backend does not read (usage counts, last-used times, shortcuts) must
// come back as they were.
const outlookList = `<?xml version="1.0"?><categories default="Red category" lastSavedSession="2" lastSavedTime="2026-01-05T10:00:00.000" xmlns="CategoryList.xsd">` +
	`<category name="Red category" color="0" keyboardShortcut="0" usageCount="7" lastTimeUsedMail="2026-01-04T09:00:00.000" guid="{4D3C6F50-8C2E-4E2B-9D7B-2D1A5E6F7A01}"/>` +
	`<category name="Project &amp; &quot;X&quot;" color="-1" keyboardShortcut="3" guid="{4D3C6F50-8C2E-4E2B-9D7B-2D1A5E6F7A02}" renameOnFirstUse="0"/>` +
	`</categories>`

func TestDirectoryOverEWS(t *testing.T) {
	ctx := context.Background()
	t.Run("rooms", func(t *testing.T) {
		c, d := cannedClient(t, map[string][]string{"GetRoomLists": {roomListsAnswer}, "GetRooms": {rooms1Answer, rooms2Answer}})
		svc := directory.NewService(c)
		var got []string
		for r, err := range svc.Rooms(ctx, "") {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, r.DisplayName+" <"+r.EmailAddress+">")
		}
		if want := []string{"Conf Room Baker <baker@contoso.com>", "Conf Room Rainier <rainier@contoso.com>"}; !slices.Equal(got, want) {
			t.Errorf("every room: %q, want %q (a room in two lists once)", got, want)
		}
		d.golden(t, "all-rooms")
	})
	t.Run("resolve", func(t *testing.T) {
		c, d := cannedClient(t, map[string][]string{"ResolveNames": {resolveAnswer, noResultsAnswer}})
		svc := directory.NewService(c)
		var got []directory.Person
		for p, err := range svc.Resolve(ctx, `ad "x"`) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, *p)
		}
		want := []directory.Person{
			{DisplayName: "Adele Vance", EmailAddress: "adele@contoso.com", Kind: directory.KindUser, JobTitle: "Retail Manager", Department: "Retail", OfficeLocation: "18/2111"},
			{DisplayName: "Admins", EmailAddress: "admins@contoso.com", Kind: directory.KindDistributionList},
			{DisplayName: "Ada (legacy)", Kind: directory.KindContact}, // an EX address cannot be sent to by SMTP
		}
		if !slices.Equal(got, want) {
			t.Errorf("resolved\n %+v\nwant\n %+v", got, want)
		}
		for p, err := range svc.Resolve(ctx, "nobody") {
			t.Errorf("no results: yielded %+v, %v", p, err)
		}
		d.golden(t, "resolve")
	})
	t.Run("photo", func(t *testing.T) {
		img := []byte("\x89PNG\r\n\x1a\n....")
		c, d := cannedClient(t, map[string][]string{"GetUserPhoto": {
			`<m:GetUserPhotoResponse ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:HasChanged>true</m:HasChanged><m:PictureData>` +
				base64.StdEncoding.EncodeToString(img) + `</m:PictureData></m:GetUserPhotoResponse>`,
			`<m:GetUserPhotoResponse ResponseClass="Error"><m:MessageText>Not found.</m:MessageText><m:ResponseCode>ErrorItemNotFound</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey></m:GetUserPhotoResponse>`}})
		got, ct, err := directory.NewService(c).Photo(ctx, "adele@contoso.com")
		if err != nil || !bytes.Equal(got, img) || ct != "image/png" {
			t.Errorf("Photo = %q, %s, %v", got, ct, err)
		}
		if _, _, err := directory.NewService(c).Photo(ctx, "alex@contoso.com"); !errors.Is(err, odata.ErrNotFound) {
			t.Errorf("no photo: %v, want ErrNotFound", err)
		}
		d.golden(t, "photo")
	})
	t.Run("expand", func(t *testing.T) {
		c, d := cannedClient(t, map[string][]string{"ExpandDL": {expandAnswer}})
		var got []string
		for p, err := range directory.NewService(c).ExpandGroup(ctx, "sales@contoso.com") {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, p.EmailAddress+"="+string(p.Kind))
		}
		if want := []string{"adele@contoso.com=user", "partners@contoso.com=distributionList"}; !slices.Equal(got, want) {
			t.Errorf("members %q, want %q", got, want)
		}
		d.golden(t, "expand")
	})
}

// The category list is read from and written back to the configuration
// item whole, keeping what the backend does not read; a mailbox without
// one gets it created.
func TestCategoriesOverEWS(t *testing.T) {
	ctx := context.Background()
	t.Run("update keeps Outlook's attributes", func(t *testing.T) {
		c, d := cannedClient(t, map[string][]string{"GetUserConfiguration": {configAnswer(outlookList)},
			"UpdateUserConfiguration": {configWritten("UpdateUserConfiguration")}})
		got, err := categories.NewService(c).SetColor(ctx, "4d3c6f50-8c2e-4e2b-9d7b-2d1a5e6f7a02", categories.ColorGreen)
		if err != nil {
			t.Fatal(err)
		}
		if *got != (categories.Category{ID: "4d3c6f50-8c2e-4e2b-9d7b-2d1a5e6f7a02", DisplayName: `Project & "X"`, Color: categories.ColorGreen}) {
			t.Errorf("updated %+v", got)
		}
		d.golden(t, "set-color")
		doc := xmlData(t, d.reqs[1])
		for _, s := range []string{`usageCount="7"`, `lastTimeUsedMail="2026-01-04T09:00:00.000"`, `keyboardShortcut="3"`, `renameOnFirstUse="0"`,
			`lastSavedSession="2"`, `color="4"`, `name="Project &amp; &quot;X&quot;"`} {
			if !strings.Contains(doc, s) {
				t.Errorf("the list written back lacks %s:\n%s", s, doc)
			}
		}
	})
	t.Run("create makes the item", func(t *testing.T) {
		c, d := cannedClient(t, map[string][]string{"GetUserConfiguration": {configMissing},
			"CreateUserConfiguration": {configWritten("CreateUserConfiguration")}})
		got, err := categories.NewService(c).Create(ctx, categories.Category{DisplayName: "Customers", Color: categories.ColorBlue})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.ID) != 36 || got.DisplayName != "Customers" || got.Color != categories.ColorBlue {
			t.Errorf("created %+v", got)
		}
		if !slices.Equal(d.ops, []string{"GetUserConfiguration", "CreateUserConfiguration"}) {
			t.Errorf("operations %v", d.ops)
		}
		doc := xmlData(t, d.reqs[1])
		if !strings.Contains(doc, `name="Customers" color="7"`) || !strings.Contains(doc, `guid="{`+strings.ToUpper(got.ID)+`}"`) {
			t.Errorf("created list:\n%s", doc)
		}
	})
	t.Run("duplicate name", func(t *testing.T) {
		c, d := cannedClient(t, map[string][]string{"GetUserConfiguration": {configAnswer(outlookList)}})
		_, err := categories.NewService(c).Create(ctx, categories.Category{DisplayName: "red CATEGORY"})
		if !errors.Is(err, odata.ErrConflict) || len(d.ops) != 1 {
			t.Errorf("a duplicate: %v after %v, want ErrConflict after reading only", err, d.ops)
		}
	})
	t.Run("list", func(t *testing.T) {
		c, d := cannedClient(t, map[string][]string{"GetUserConfiguration": {configAnswer(outlookList), configMissing}})
		var got []categories.Category
		for cat, err := range categories.NewService(c).List(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, *cat)
		}
		want := []categories.Category{{ID: "4d3c6f50-8c2e-4e2b-9d7b-2d1a5e6f7a01", DisplayName: "Red category", Color: categories.ColorRed},
			{ID: "4d3c6f50-8c2e-4e2b-9d7b-2d1a5e6f7a02", DisplayName: `Project & "X"`, Color: categories.ColorNone}}
		if !slices.Equal(got, want) {
			t.Errorf("listed %+v", got)
		}
		for cat, err := range categories.NewService(c).List(ctx) {
			t.Errorf("a mailbox without the item yields %+v, %v", cat, err)
		}
		d.golden(t, "list-categories")
	})
}

// xmlData returns the category list document a request writes.
func xmlData(t *testing.T, req []byte) string {
	t.Helper()
	i := bytes.Index(req, []byte("<t:XmlData>"))
	j := bytes.Index(req, []byte("</t:XmlData>"))
	if i < 0 || j < i {
		t.Fatalf("no XmlData in %s", req)
	}
	doc, err := base64.StdEncoding.DecodeString(string(req[i+len("<t:XmlData>") : j]))
	if err != nil {
		t.Fatal(err)
	}
	return string(doc)
}

// The category list parser takes any input without panicking, and what it
// reads it writes back to a document that reads the same.
func FuzzCategoryList(f *testing.F) {
	for _, s := range []string{outlookList, "", "<categories/>", `<categories xmlns="CategoryList.xsd"><category name="a" guid="{1}"/><x><category name="nested"/></x></categories>`,
		"<other/>", "<categories><category", `<categories a="&#0;"/>`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := parseCategoryList(data)
		if err != nil {
			return
		}
		again, err := parseCategoryList(l.encode())
		if err != nil {
			t.Fatalf("the written list does not read: %v\n%s", err, l.encode())
		}
		if len(again.cats) != len(l.cats) {
			t.Fatalf("%d categories read back, want %d", len(again.cats), len(l.cats))
		}
		for i := range l.cats {
			if !slices.Equal(again.cats[i].attrs, l.cats[i].attrs) {
				t.Fatalf("category %d: %v read back, want %v", i, again.cats[i].attrs, l.cats[i].attrs)
			}
		}
	})
}

// The search reader takes any input without panicking, and reads back
// what Resolve writes.
func FuzzSearchTerm(f *testing.F) {
	for _, s := range []string{`"displayName:ad" OR "mail:ad"`, `"displayName:a\"b\\" OR "mail:a\"b\\"`, `"displayName:`, `"mail:x"`, `"displayName:x" AND "y"`, `"displayName:\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, ok := searchTerm(s)
		if ok && strings.TrimSpace(q) == "" {
			t.Fatalf("searchTerm(%q) = empty, ok", s)
		}
		if strings.TrimSpace(s) == "" || strings.ContainsAny(s, "\x00\r\n") {
			return
		}
		r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
		clauses := `"displayName:` + r.Replace(s) + `" OR "mail:` + r.Replace(s) + `"`
		if got, ok := searchTerm(clauses); !ok || got != s {
			t.Fatalf("searchTerm(%q) = %q, %v; want %q", clauses, got, ok, s)
		}
	})
}
