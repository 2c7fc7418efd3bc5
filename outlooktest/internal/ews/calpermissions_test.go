package ews

import (
	"strings"
	"testing"

	"github.com/exchangekit/outlook/outlooktest/internal/store"
)

// The requests follow Microsoft's "Set folder permissions for another user
// by using EWS" examples (GetFolder of folder:PermissionSet, UpdateFolder
// replacing the set), with a calendar's element names.

const getCalendarPermissions = `<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="folder:PermissionSet"/></t:AdditionalProperties></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="calendar"/></m:FolderIds></m:GetFolder>`

// setCalendarPermissions is an UpdateFolder of the default calendar's
// permission set with the CalendarPermission elements given.
func setCalendarPermissions(entries ...string) string {
	return `<m:UpdateFolder><m:FolderChanges><t:FolderChange><t:DistinguishedFolderId Id="calendar"/><t:Updates><t:SetFolderField><t:FieldURI FieldURI="folder:PermissionSet"/><t:CalendarFolder><t:PermissionSet><t:CalendarPermissions>` +
		strings.Join(entries, "") + `</t:CalendarPermissions></t:PermissionSet></t:CalendarFolder></t:SetFolderField></t:Updates></t:FolderChange></m:FolderChanges></m:UpdateFolder>`
}

func perm(userID, rest string) string {
	return `<t:CalendarPermission><t:UserId>` + userID + `</t:UserId>` + rest + `</t:CalendarPermission>`
}

func levelOnly(l string) string {
	return `<t:CalendarPermissionLevel>` + l + `</t:CalendarPermissionLevel>`
}

const (
	defaultUser   = `<t:DistinguishedUser>Default</t:DistinguishedUser>`
	anonymousUser = `<t:DistinguishedUser>Anonymous</t:DistinguishedUser>`
	sadieUser     = `<t:PrimarySmtpAddress>sadie@contoso.com</t:PrimarySmtpAddress>`
	// customRights are rights no level has: create, see, delete own, and
	// free/busy only.
	customRights = `<t:CanCreateItems>true</t:CanCreateItems><t:IsFolderVisible>true</t:IsFolderVisible><t:DeleteItems>Owned</t:DeleteItems><t:ReadItems>TimeOnly</t:ReadItems>`
)

// shownPermission is one CalendarPermission of a GetFolder answer.
type shownPermission struct {
	user, sid, name, level string
	rights                 []string
}

func (f *fixture) calendarPermissions() map[string]shownPermission {
	f.t.Helper()
	msgs := f.ok(getCalendarPermissions)
	set := find(msgs[0], "CalendarPermissions")
	if set == nil {
		f.t.Fatalf("no CalendarPermissions in the answer")
	}
	out := map[string]shownPermission{}
	for _, p := range set.kids {
		u := p.t("UserId")
		s := shownPermission{user: u.t("DistinguishedUser").value() + u.t("PrimarySmtpAddress").value(), sid: u.t("SID").value(),
			name: u.t("DisplayName").value(), level: p.t("CalendarPermissionLevel").value()}
		for _, n := range permFlags {
			s.rights = append(s.rights, p.t(n).value())
		}
		out[s.user] = s
	}
	return out
}

// graphPermissions returns the calendar's permissions as the Graph hosts
// show them, by address.
func (f *fixture) graphPermissions(addr string) map[string]store.Object {
	m, _ := f.st.Mailbox(addr)
	f.st.Lock()
	defer f.st.Unlock()
	out := map[string]store.Object{}
	for _, e := range m.CalendarPermissions(m.DefaultCalendar()) {
		o := m.View(e)
		ea, _ := o["emailAddress"].(map[string]any)
		a, _ := ea["address"].(string)
		out[a] = o
	}
	return out
}

func TestCalendarPermissionSet(t *testing.T) {
	f := newFixture(t)
	// A new calendar: My Organization at free/busy is Default, then
	// Anonymous, with the rights of their levels.
	got := f.calendarPermissions()
	if d := got["Default"]; len(got) != 2 || d.level != "FreeBusyTimeOnly" || strings.Join(d.rights, " ") != "false false false false false None None TimeOnly" {
		t.Fatalf("a new calendar's permissions: %+v", got)
	}
	if a := got["Anonymous"]; a.level != "None" {
		t.Errorf("Anonymous: %+v", a)
	}

	// Microsoft's example: Default and Anonymous at None, Sadie Editor.
	f.ok(setCalendarPermissions(perm(defaultUser, levelOnly("None")), perm(anonymousUser, levelOnly("None")), perm(sadieUser, levelOnly("Editor"))))
	got = f.calendarPermissions()
	s := got["sadie@contoso.com"]
	if len(got) != 3 || got["Default"].level != "None" || s.level != "Editor" || !strings.HasPrefix(s.sid, "S-1-5-21-") || s.name == "" ||
		strings.Join(s.rights, " ") != "true false false true false All All FullDetails" {
		t.Fatalf("after the update: %+v", got)
	}
	// Graph sees the same permissions: Sadie may write, My Organization
	// nothing.
	g := f.graphPermissions(bob)
	if g["sadie@contoso.com"]["role"] != "write" || g[""]["role"] != "none" || g["sadie@contoso.com"]["isInsideOrganization"] != true {
		t.Fatalf("the Graph view: %v", g)
	}
	// And a change through Graph shows over EWS.
	m, _ := f.st.Mailbox(bob)
	f.st.Lock()
	var sadie *store.Entity
	for _, e := range m.CalendarPermissions(m.DefaultCalendar()) {
		if ea, _ := e.Object()["emailAddress"].(map[string]any); ea["address"] == "sadie@contoso.com" {
			sadie = e
		}
	}
	err := m.Update(sadie, store.Object{"role": "limitedRead"})
	f.st.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	if l := f.calendarPermissions()["sadie@contoso.com"].level; l != "FreeBusyTimeAndSubjectAndLocation" {
		t.Errorf("after Graph's change, Sadie's level is %s", l)
	}

	// A Custom entry round-trips with its rights, and Graph shows it as
	// custom; Custom rights that are a level's are that level.
	f.st.AddPerson(store.Object{"displayName": "Guest", "mail": "guest@fabrikam.com"})
	f.ok(setCalendarPermissions(perm(defaultUser, levelOnly("FreeBusyTimeOnly")), perm(anonymousUser, levelOnly("None")),
		perm(sadieUser, customRights+levelOnly("Custom")),
		perm(`<t:PrimarySmtpAddress>alice@contoso.com</t:PrimarySmtpAddress>`, `<t:CanCreateItems>true</t:CanCreateItems><t:IsFolderVisible>true</t:IsFolderVisible><t:EditItems>Owned</t:EditItems><t:DeleteItems>Owned</t:DeleteItems><t:ReadItems>FullDetails</t:ReadItems>`+levelOnly("Custom")),
		perm(`<t:PrimarySmtpAddress>guest@fabrikam.com</t:PrimarySmtpAddress>`, levelOnly("Reviewer"))))
	got = f.calendarPermissions()
	if s := got["sadie@contoso.com"]; s.level != "Custom" || strings.Join(s.rights, " ") != "true false false true false None Owned TimeOnly" {
		t.Errorf("the Custom entry: %+v", s)
	}
	if a := got["alice@contoso.com"]; a.level != "Author" {
		t.Errorf("Custom rights of Author: %+v", a)
	}
	if gu := got["guest@fabrikam.com"]; gu.sid != "" || gu.level != "Reviewer" {
		t.Errorf("the guest outside the organization: %+v", gu)
	}
	g = f.graphPermissions(bob)
	if g["sadie@contoso.com"]["role"] != "custom" || g["alice@contoso.com"]["role"] != "custom" || g["guest@fabrikam.com"]["isInsideOrganization"] != false {
		t.Errorf("the Graph view of custom entries: %v", g)
	}
	for _, o := range g {
		for k := range o {
			if strings.Contains(strings.ToLower(k), "level") || strings.Contains(strings.ToLower(k), "rights") {
				t.Errorf("Graph shows %q", k)
			}
		}
	}

	// A set without Default keeps Default, at None; an entry left out is
	// removed.
	f.ok(setCalendarPermissions(perm(sadieUser, levelOnly("Reviewer"))))
	got = f.calendarPermissions()
	if len(got) != 3 || got["Default"].level != "None" || got["sadie@contoso.com"].level != "Reviewer" {
		t.Errorf("after a set without Default: %+v", got)
	}
}

func TestCalendarPermissionSetRefused(t *testing.T) {
	f := newFixture(t)
	f.st.AddPerson(store.Object{"displayName": "Guest", "mail": "guest@fabrikam.com"})
	before := f.calendarPermissions()
	for _, tc := range []struct {
		name, body, code string
	}{
		{"unknown user", setCalendarPermissions(perm(`<t:PrimarySmtpAddress>nobody@contoso.com</t:PrimarySmtpAddress>`, levelOnly("Reviewer"))), "ErrorInvalidUserInfo"},
		{"unknown SID", setCalendarPermissions(perm(`<t:SID>S-1-5-21-1-2-3-4</t:SID>`, levelOnly("Reviewer"))), "ErrorInvalidUserInfo"},
		{"no user", setCalendarPermissions(perm(`<t:DisplayName>Sadie</t:DisplayName>`, levelOnly("Reviewer"))), "ErrorMissingUserIdInformation"},
		{"duplicate", setCalendarPermissions(perm(sadieUser, levelOnly("Reviewer")), perm(`<t:PrimarySmtpAddress>SADIE@contoso.com</t:PrimarySmtpAddress>`, levelOnly("Editor"))), "ErrorDuplicateUserIdsSpecified"},
		{"duplicate Default", setCalendarPermissions(perm(defaultUser, levelOnly("None")), perm(defaultUser, levelOnly("Reviewer"))), "ErrorDuplicateUserIdsSpecified"},
		{"rights beside a level", setCalendarPermissions(perm(sadieUser, `<t:ReadItems>TimeOnly</t:ReadItems>`+levelOnly("Editor"))), "ErrorInvalidPermissionSettings"},
		{"editing outside the organization", setCalendarPermissions(perm(`<t:PrimarySmtpAddress>guest@fabrikam.com</t:PrimarySmtpAddress>`, levelOnly("Editor"))), "ErrorPermissionNotAllowedByPolicy"},
		{"the owner", setCalendarPermissions(perm(`<t:PrimarySmtpAddress>bob@contoso.com</t:PrimarySmtpAddress>`, levelOnly("Reviewer"))), "ErrorInvalidPermissionSettings"},
		{"folder permissions", strings.ReplaceAll(strings.ReplaceAll(setCalendarPermissions(perm(sadieUser, levelOnly("Reviewer"))), "CalendarPermissions", "Permissions"), "CalendarPermission>", "Permission>"), "ErrorCannotSetNonCalendarPermissionOnCalendarFolder"},
	} {
		if got := f.code(tc.body); got != tc.code {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.code)
		}
	}
	for _, tc := range []struct{ name, body string }{
		{"unknown level", setCalendarPermissions(perm(sadieUser, levelOnly("Boss")))},
		{"no level", setCalendarPermissions(perm(sadieUser, ""))},
		{"out of order", setCalendarPermissions(perm(sadieUser, levelOnly("Reviewer")+`<t:CanCreateItems>true</t:CanCreateItems>`))},
		{"a bad right", setCalendarPermissions(perm(sadieUser, `<t:EditItems>Some</t:EditItems>`+levelOnly("Custom")))},
		{"a bad distinguished user", setCalendarPermissions(perm(`<t:DistinguishedUser>Everyone</t:DistinguishedUser>`, levelOnly("None")))},
	} {
		if status, code := f.faultCode("", tc.body); status != 500 || code != "ErrorSchemaValidation" {
			t.Errorf("%s: %d %s, want a schema fault", tc.name, status, code)
		}
	}
	if after := f.calendarPermissions(); len(after) != len(before) || after["Default"].level != before["Default"].level {
		t.Errorf("refused changes changed the set: %+v", after)
	}
}

// TestCalendarPermissionDelegate: a delegate Graph made is Editor over
// EWS, and the set written back unchanged keeps the delegation.
func TestCalendarPermissionDelegate(t *testing.T) {
	f := newFixture(t)
	m, _ := f.st.Mailbox(bob)
	f.st.Lock()
	_, err := m.Create("calendarPermissions", m.DefaultCalendar(), store.Object{"emailAddress": store.Object{"address": "sadie@contoso.com"}, "role": "delegateWithPrivateEventAccess"}, true)
	f.st.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	if l := f.calendarPermissions()["sadie@contoso.com"].level; l != "Editor" {
		t.Fatalf("the delegate's level: %s", l)
	}
	f.ok(setCalendarPermissions(perm(defaultUser, levelOnly("FreeBusyTimeOnly")), perm(anonymousUser, levelOnly("None")), perm(sadieUser, levelOnly("Editor"))))
	if r := f.graphPermissions(bob)["sadie@contoso.com"]["role"]; r != "delegateWithPrivateEventAccess" {
		t.Errorf("after writing the set back, the delegate's role is %v", r)
	}
}

func FuzzUpdateFolderPermissionSet(f *testing.F) {
	for _, s := range []string{
		perm(defaultUser, levelOnly("None")) + perm(anonymousUser, levelOnly("None")) + perm(sadieUser, levelOnly("Editor")),
		perm(sadieUser, customRights+levelOnly("Custom")),
		perm(`<t:SID>S-1-5-21-1</t:SID>`, levelOnly("Reviewer")),
		perm(sadieUser, `<t:ReadItems>TimeOnly</t:ReadItems>`+levelOnly("Editor")),
	} {
		f.Add(s)
	}
	fx := newFixture(f)
	f.Fuzz(func(t *testing.T, entries string) {
		fx.t = t
		// Whatever the request, the answer is a response or a schema
		// fault, and the calendar keeps a readable set with Default.
		status, _, raw := fx.post(soap("", setCalendarPermissions(entries)))
		if status != 200 && status != 500 {
			t.Fatalf("status %d: %s", status, raw)
		}
		got := fx.calendarPermissions()
		if _, ok := got["Default"]; !ok {
			t.Fatalf("Default is gone: %+v", got)
		}
	})
}

// delegateUserOf is a DelegateUser element of the delegate requests.
func delegateUserOf(user, calendarLevel, private string) string {
	return `<t:DelegateUser><t:UserId>` + user + `</t:UserId><t:DelegatePermissions><t:CalendarFolderPermissionLevel>` + calendarLevel +
		`</t:CalendarFolderPermissionLevel><t:InboxFolderPermissionLevel>None</t:InboxFolderPermissionLevel></t:DelegatePermissions><t:ReceiveCopiesOfMeetingMessages>false</t:ReceiveCopiesOfMeetingMessages><t:ViewPrivateItems>` +
		private + `</t:ViewPrivateItems></t:DelegateUser>`
}

// delegateCode sends a delegate operation and returns the top-level code
// and the first user's.
func (f *fixture) delegateCode(body string) (string, string) {
	f.t.Helper()
	status, root, raw := f.post(soap("", body))
	if status != 200 {
		f.t.Fatalf("status %d: %s", status, raw)
	}
	resp := root.child(nsSOAP, "Body").kids[0]
	user := ""
	if rm := resp.m("ResponseMessages"); rm != nil && len(rm.kids) > 0 {
		user = rm.kids[0].m("ResponseCode").value()
	}
	return resp.m("ResponseCode").value(), user
}

// TestDelegates: the delegate operations, after Microsoft's AddDelegate,
// GetDelegate and RemoveDelegate examples, keep delegates as the default
// calendar's delegate permissions Graph shows.
func TestDelegates(t *testing.T) {
	f := newFixture(t)
	f.st.AddPerson(store.Object{"displayName": "Guest", "mail": "guest@fabrikam.com"})
	const mailbox = `<m:Mailbox><t:EmailAddress>bob@contoso.com</t:EmailAddress></m:Mailbox>`
	add := func(users ...string) string {
		return `<m:AddDelegate>` + mailbox + `<m:DelegateUsers>` + strings.Join(users, "") + `</m:DelegateUsers><m:DeliverMeetingRequests>DelegatesAndSendInformationToMe</m:DeliverMeetingRequests></m:AddDelegate>`
	}
	if top, user := f.delegateCode(add(delegateUserOf(sadieUser, "Editor", "true"))); top != "NoError" || user != "NoError" {
		t.Fatalf("AddDelegate: %s %s", top, user)
	}
	if r := f.graphPermissions(bob)["sadie@contoso.com"]["role"]; r != "delegateWithPrivateEventAccess" {
		t.Fatalf("the delegate's Graph role: %v", r)
	}
	if l := f.calendarPermissions()["sadie@contoso.com"].level; l != "Editor" {
		t.Errorf("the delegate's calendar level: %s", l)
	}
	_, root, _ := f.post(soap("", `<m:GetDelegate IncludePermissions="true">`+mailbox+`</m:GetDelegate>`))
	du := findAll(root, "DelegateUser")
	if len(du) != 1 || du[0].t("UserId").t("PrimarySmtpAddress").value() != "sadie@contoso.com" || du[0].t("ViewPrivateItems").value() != "true" ||
		du[0].t("DelegatePermissions").t("CalendarFolderPermissionLevel").value() != "Editor" {
		t.Errorf("GetDelegate: %d delegates", len(du))
	}
	for _, tc := range []struct{ name, body, code string }{
		{"twice", add(delegateUserOf(sadieUser, "Editor", "false")), "ErrorDelegateAlreadyExists"},
		{"outside the organization", add(delegateUserOf(`<t:PrimarySmtpAddress>guest@fabrikam.com</t:PrimarySmtpAddress>`, "Editor", "false")), "ErrorDelegateNoUser"},
		{"unknown", add(delegateUserOf(`<t:PrimarySmtpAddress>nobody@contoso.com</t:PrimarySmtpAddress>`, "Editor", "false")), "ErrorDelegateNoUser"},
		{"another level", add(delegateUserOf(`<t:PrimarySmtpAddress>alice@contoso.com</t:PrimarySmtpAddress>`, "Reviewer", "false")), "ErrorInvalidDelegatePermission"},
		{"update of no delegate", `<m:UpdateDelegate>` + mailbox + `<m:DelegateUsers>` + delegateUserOf(`<t:PrimarySmtpAddress>alice@contoso.com</t:PrimarySmtpAddress>`, "Editor", "false") + `</m:DelegateUsers></m:UpdateDelegate>`, "ErrorNotDelegate"},
		{"remove of no delegate", `<m:RemoveDelegate>` + mailbox + `<m:UserIds><t:UserId><t:PrimarySmtpAddress>alice@contoso.com</t:PrimarySmtpAddress></t:UserId></m:UserIds></m:RemoveDelegate>`, "ErrorNotDelegate"},
	} {
		if _, user := f.delegateCode(tc.body); user != tc.code {
			t.Errorf("%s: %s, want %s", tc.name, user, tc.code)
		}
	}
	f.delegateCode(`<m:UpdateDelegate>` + mailbox + `<m:DelegateUsers>` + delegateUserOf(sadieUser, "Editor", "false") + `</m:DelegateUsers></m:UpdateDelegate>`)
	if r := f.graphPermissions(bob)["sadie@contoso.com"]["role"]; r != "delegateWithoutPrivateEventAccess" {
		t.Errorf("after UpdateDelegate: %v", r)
	}
	f.delegateCode(`<m:RemoveDelegate>` + mailbox + `<m:UserIds><t:UserId>` + sadieUser + `</t:UserId></m:UserIds></m:RemoveDelegate>`)
	if _, ok := f.graphPermissions(bob)["sadie@contoso.com"]; ok {
		t.Error("RemoveDelegate left the delegate's permission")
	}
	if top, _ := f.delegateCode(`<m:GetDelegate IncludePermissions="true"><m:Mailbox><t:EmailAddress>carol@contoso.com</t:EmailAddress></m:Mailbox></m:GetDelegate>`); top != "ErrorAccessDenied" {
		t.Errorf("another user's delegates: %s", top)
	}
}

// TestCalendarPermissionSetRights: only the owner, or who has full access
// to the mailbox, changes a calendar's permissions.
func TestCalendarPermissionSetRights(t *testing.T) {
	f := newFixture(t)
	carolCalendar := `<t:DistinguishedFolderId Id="calendar"><t:Mailbox><t:EmailAddress>carol@contoso.com</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId>`
	body := strings.Replace(setCalendarPermissions(perm(sadieUser, levelOnly("Reviewer"))), `<t:DistinguishedFolderId Id="calendar"/>`, carolCalendar, 1)
	if got := f.code(body); got != "ErrorAccessDenied" {
		t.Errorf("bob changing carol's calendar permissions: %s", got)
	}
	f.dir.mu.Lock()
	f.dir.full[carol] = map[string]bool{bob: true}
	f.dir.mu.Unlock()
	f.ok(body)
	if r := f.graphPermissions(carol)["sadie@contoso.com"]["role"]; r != "read" {
		t.Errorf("with full access, sadie's role on carol's calendar: %v", r)
	}
}

func FuzzDelegateRequests(f *testing.F) {
	f.Add("AddDelegate", delegateUserOf(sadieUser, "Editor", "true"))
	f.Add("UpdateDelegate", delegateUserOf(sadieUser, "Editor", "false"))
	f.Add("AddDelegate", delegateUserOf(`<t:SID>S-1-5-21-1</t:SID>`, "Reviewer", "1"))
	f.Add("RemoveDelegate", `<t:UserId>`+sadieUser+`</t:UserId>`)
	fx := newFixture(f)
	f.Fuzz(func(t *testing.T, op, users string) {
		fx.t = t
		list := "DelegateUsers"
		switch op {
		case "RemoveDelegate":
			list = "UserIds"
		case "AddDelegate", "UpdateDelegate":
		default:
			op = "GetDelegate"
		}
		// Whatever the request, the answer is a response or a fault, and
		// the delegates stay what GetDelegate and the Graph view agree on.
		status, _, raw := fx.post(soap("", `<m:`+op+`><m:Mailbox><t:EmailAddress>bob@contoso.com</t:EmailAddress></m:Mailbox><m:`+list+`>`+users+`</m:`+list+`></m:`+op+`>`))
		if status != 200 && status != 500 {
			t.Fatalf("status %d: %s", status, raw)
		}
		_, root, _ := fx.post(soap("", `<m:GetDelegate IncludePermissions="true"><m:Mailbox><t:EmailAddress>bob@contoso.com</t:EmailAddress></m:Mailbox></m:GetDelegate>`))
		delegates := 0
		for _, o := range fx.graphPermissions(bob) {
			if r, _ := o["role"].(string); strings.HasPrefix(r, "delegate") {
				delegates++
			}
		}
		if n := len(findAll(root, "DelegateUser")); n != delegates {
			t.Fatalf("GetDelegate lists %d delegates, Graph %d", n, delegates)
		}
	})
}

// TestCalendarPermissionSetGuest checks what a recipient of a calendar
// permission sees of the permission set: Exchange answers ErrorAccessDenied
// to a GetFolder that asks for folder:PermissionSet without the owner's
// rights (exchangelib #610, #676, #702 show it on real servers), leaves it
// out of AllProperties, and shows the recipient's own rights as the
// folder's EffectiveRights.
func TestCalendarPermissionSetGuest(t *testing.T) {
	f := newFixture(t)
	bobCalendar := `<t:DistinguishedFolderId Id="calendar"><t:Mailbox><t:EmailAddress>bob@contoso.com</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId>`
	getFolder := func(shape string) string {
		return `<m:GetFolder><m:FolderShape>` + shape + `</m:FolderShape><m:FolderIds>` + bobCalendar + `</m:FolderIds></m:GetFolder>`
	}
	f.ok(setCalendarPermissions(perm(defaultUser, levelOnly("None")), perm(anonymousUser, levelOnly("None")), perm(sadieUser, levelOnly("Reviewer"))))
	f.caller = Caller{Name: "sadie@contoso.com", Mailbox: "sadie@contoso.com"}
	if got := f.code(getFolder(`<t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="folder:PermissionSet"/></t:AdditionalProperties>`)); got != "ErrorAccessDenied" {
		t.Errorf("a reviewer asking for the permission set: %s", got)
	}
	msgs := f.ok(getFolder(`<t:BaseShape>AllProperties</t:BaseShape>`))
	if find(msgs[0], "PermissionSet") != nil {
		t.Errorf("AllProperties shows a reviewer the permission set")
	}
	rights := find(msgs[0], "EffectiveRights")
	if rights == nil {
		t.Fatalf("AllProperties without EffectiveRights")
	}
	want := map[string]string{"CreateAssociated": "false", "CreateContents": "false", "CreateHierarchy": "false",
		"Delete": "false", "Modify": "false", "Read": "true", "ViewPrivateItems": "false"}
	for n, v := range want {
		if got := rights.t(n).value(); got != v {
			t.Errorf("a reviewer's EffectiveRights %s = %q, want %q", n, got, v)
		}
	}
}

// TestCalendarPermissionSetCustomAccess checks that Custom rights open
// the calendar as far as they reach: ReadItems FullDetails reads events
// whole, EditItems All with CanCreateItems writes them, TimeOnly shows
// times alone.
func TestCalendarPermissionSetCustomAccess(t *testing.T) {
	f := newFixture(t)
	ev := f.seedIn(bob, "events", Object{"subject": "Budget review",
		"start": Object{"dateTime": "2026-03-04T09:00:00", "timeZone": "UTC"}, "end": Object{"dateTime": "2026-03-04T10:00:00", "timeZone": "UTC"}})
	getItem := `<m:GetItem><m:ItemShape><t:BaseShape>Default</t:BaseShape></m:ItemShape><m:ItemIds><t:ItemId Id="` + ewsID(ev) + `"/></m:ItemIds></m:GetItem>`
	for _, tc := range []struct {
		name, rights string
		code         string
		subject      bool
		creates      string
	}{
		{"no read", `<t:IsFolderVisible>true</t:IsFolderVisible><t:ReadItems>None</t:ReadItems>`, "ErrorAccessDenied", false, ""},
		{"times only", `<t:IsFolderVisible>true</t:IsFolderVisible><t:ReadItems>TimeOnly</t:ReadItems>`, "NoError", false, "false"},
		{"own items", `<t:CanCreateItems>true</t:CanCreateItems><t:IsFolderVisible>true</t:IsFolderVisible><t:EditItems>Owned</t:EditItems><t:ReadItems>FullDetails</t:ReadItems>`, "NoError", true, "false"},
		{"all items", `<t:CanCreateItems>true</t:CanCreateItems><t:IsFolderVisible>true</t:IsFolderVisible><t:EditItems>All</t:EditItems><t:DeleteItems>Owned</t:DeleteItems><t:ReadItems>FullDetails</t:ReadItems>`, "NoError", true, "true"},
	} {
		f.caller = Caller{Name: bob, Mailbox: bob}
		f.ok(setCalendarPermissions(perm(defaultUser, levelOnly("None")), perm(sadieUser, tc.rights+levelOnly("Custom"))))
		f.caller = Caller{Name: "sadie@contoso.com", Mailbox: "sadie@contoso.com"}
		_, root, body := f.post(soap("", getItem))
		if got := find(root, "ResponseCode").value(); got != tc.code {
			t.Errorf("%s: GetItem answers %s, want %s", tc.name, got, tc.code)
		}
		if got := strings.Contains(body, "Budget review"); got != tc.subject {
			t.Errorf("%s: subject shown %t, want %t", tc.name, got, tc.subject)
		}
		if tc.creates == "" {
			continue
		}
		msgs := f.ok(`<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="folder:EffectiveRights"/></t:AdditionalProperties></m:FolderShape><m:FolderIds>` +
			`<t:DistinguishedFolderId Id="calendar"><t:Mailbox><t:EmailAddress>bob@contoso.com</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId></m:FolderIds></m:GetFolder>`)
		if got := find(find(msgs[0], "EffectiveRights"), "CreateContents").value(); got != tc.creates {
			t.Errorf("%s: EffectiveRights CreateContents %q, want %q", tc.name, got, tc.creates)
		}
	}
}
