package winauth

import "testing"

func TestNames(t *testing.T) {
	for _, tc := range []struct {
		name, user, netbios, dns string
		bad                      bool
	}{
		{`CONTOSO\svc`, "svc", "CONTOSO", "", false},
		{`contoso\svc`, "svc", "CONTOSO", "", false},
		{`contoso.com\svc`, "svc", "CONTOSO", "contoso.com", false},
		{"svc@Contoso.com", "svc", "CONTOSO", "contoso.com", false},
		{"svc", "", "", "", true},
		{`\svc`, "", "", "", true},
		{"svc@localhost", "", "", "", true},
		{`A\b\c`, "", "", "", true},
	} {
		u, nb, dns, err := ParseName(tc.name)
		if (err != nil) != tc.bad || u != tc.user || nb != tc.netbios || dns != tc.dns {
			t.Errorf("ParseName(%q) = %q %q %q %v", tc.name, u, nb, dns, err)
		}
	}
}

func TestFindAndGrants(t *testing.T) {
	d := &Directory{Domains: func() []string { return []string{"contoso.com", "fabrikam.com"} }}
	svc, err := d.Add(`CONTOSO\svc-ews`, "pw")
	if err != nil || d.UPN(svc) != "svc-ews@contoso.com" {
		t.Fatalf("Add: %v %v", svc, err)
	}
	if _, err := d.Add("bob@fabrikam.com", "pw"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ user, domain string }{
		{"svc-ews", "CONTOSO"}, {"SVC-EWS", "contoso"}, {"svc-ews", "contoso.com"}, {"svc-ews@contoso.com", ""}, {"svc-ews", ""},
	} {
		if a := d.Find(tc.user, tc.domain); a != svc {
			t.Errorf("Find(%q, %q) = %v", tc.user, tc.domain, a)
		}
	}
	if a := d.Find("svc-ews", "FABRIKAM"); a != nil {
		t.Errorf("Find in the wrong domain = %v", a)
	}
	if ok, any := d.CanImpersonate(svc, "bob@fabrikam.com"); ok || any {
		t.Error("rights before any grant")
	}
	d.GrantImpersonation(svc, []string{"Bob@Fabrikam.com"})
	if ok, any := d.CanImpersonate(svc, "bob@fabrikam.com"); !ok || !any {
		t.Error("scoped grant not honoured")
	}
	if ok, any := d.CanImpersonate(svc, "carol@fabrikam.com"); ok || !any {
		t.Error("scoped grant reaches another mailbox")
	}
	d.GrantImpersonation(svc, nil)
	if ok, _ := d.CanImpersonate(svc, "carol@fabrikam.com"); !ok {
		t.Error("unscoped grant not honoured")
	}
	d.GrantFullAccess("carol@fabrikam.com", "bob@fabrikam.com")
	if !d.FullAccess("Carol@fabrikam.com", "", "BOB@fabrikam.com") || d.FullAccess("carol@fabrikam.com", "eve@fabrikam.com") {
		t.Error("FullAccess")
	}
	if _, err := d.Add(`CONTOSO\svc-ews`, "new"); err != nil || d.Find("svc-ews", "CONTOSO").password != "new" {
		t.Error("Add of an existing account does not set its password")
	}
}

// An account named DOMAIN\user before any mailbox of its domain exists
// finds its UPN once the domain does.
func TestUPNLearnedLater(t *testing.T) {
	var domains []string
	d := &Directory{Domains: func() []string { return domains }}
	a, err := d.Add(`NORTHWIND\ann`, "pw")
	if err != nil || d.UPN(a) != "" {
		t.Fatalf("before the domain: %q %v", d.UPN(a), err)
	}
	domains = append(domains, "northwind.com")
	if d.UPN(a) != "ann@northwind.com" || d.Find("ann@northwind.com", "") != a || d.Find("ann", "northwind.com") != a {
		t.Errorf("after the domain: UPN %q", d.UPN(a))
	}
}
