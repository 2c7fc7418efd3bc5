package ews

import (
	"strings"
	"testing"

	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/mail"
)

func TestInboxRules(t *testing.T) {
	svc, f := newMail(t, func(c *Config) { c.Mailbox = "ana@contoso.com" })
	ctx := t.Context()
	r, err := svc.CreateRule(ctx, &mail.MessageRule{
		DisplayName: "Invoices", Sequence: 2, IsEnabled: true,
		Conditions: mail.MessageRulePredicates{SubjectContains: []string{"invoice"}, FromAddresses: mail.To("Billing <billing@contoso.com>"), HasAttachments: true, Importance: item.ImportanceHigh},
		Exceptions: mail.MessageRulePredicates{SenderContains: []string{"noreply"}},
		Actions:    mail.MessageRuleActions{MoveToFolder: restID(f.folders[6].id), MarkAsRead: true, StopProcessingRules: true, AssignCategories: []string{"Money"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if r.ID == "" || strings.ContainsAny(r.ID, "/+") || r.DisplayName != "Invoices" || r.Sequence != 2 || !r.IsEnabled ||
		len(r.Conditions.SubjectContains) != 1 || r.Conditions.FromAddresses[0].EmailAddress.Address != "billing@contoso.com" ||
		!r.Conditions.HasAttachments || r.Conditions.Importance != item.ImportanceHigh || r.Exceptions.SenderContains[0] != "noreply" ||
		r.Actions.MoveToFolder != restID(f.folders[6].id) || !r.Actions.MarkAsRead || !r.Actions.StopProcessingRules || r.Actions.AssignCategories[0] != "Money" {
		t.Errorf("%+v", r)
	}
	var names []string
	for rule, err := range svc.ListRules(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, rule.DisplayName)
	}
	if strings.Join(names, ",") != "Invoices" {
		t.Errorf("%v", names)
	}
	if err := svc.DeleteRule(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	if f.rules[0] != "" {
		t.Error("the rule was not deleted")
	}
	reqs := f.requests()
	if ops(reqs) != "UpdateInboxRules,GetInboxRules,GetInboxRules,UpdateInboxRules" || reqs[0].tree.find("RemoveOutlookRuleBlob")[0].text != "true" {
		t.Errorf("%s", ops(reqs))
	}
}

func TestPublishedRuleResponses(t *testing.T) {
	d := &cannedDoer{t: t, files: []string{"GetInboxRules__how-to-manage-inbox-rules-by-using-ews-in-exchange__1.response.xml"}}
	svc := mail.NewService(odataClient(t, Config{URL: "https://mail.contoso.com/EWS/Exchange.asmx", Doer: d, Mailbox: "sadie@contoso.com"}))
	var got []string
	for r, err := range svc.ListRules(t.Context()) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, r.DisplayName+":"+string(r.Actions.MarkImportance)+":"+r.Conditions.FromAddresses[0].EmailAddress.Name)
		if r.ID != "AQAAAAAAASY=" && r.ID != "AQAAAAAAASQ=" {
			t.Errorf("id %s", r.ID)
		}
	}
	if strings.Join(got, ",") != "Alfred::Alfred Welker,Important:high:Hope Gross" {
		t.Errorf("%v", got)
	}
	for _, file := range []string{"UpdateInboxRules__updateinboxrules-operation__1.response.xml", "UpdateInboxRules__updateinboxrules-operation__3.response.xml"} {
		d := &cannedDoer{t: t, files: []string{file}}
		svc := mail.NewService(odataClient(t, Config{URL: "https://mail.contoso.com/EWS/Exchange.asmx", Doer: d}))
		if err := svc.DeleteRule(t.Context(), "AQAAAAAAASY="); err != nil {
			t.Errorf("%s: %v", file, err)
		}
	}
}
