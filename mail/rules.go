package mail

import (
	"context"
	"fmt"
	"iter"
	"reflect"

	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
)

// Inbox rules: Graph's messageRules, EWS's GetInboxRules and
// UpdateInboxRules. REST v2.0 on premises has none; Microsoft's China
// cloud (21Vianet) has none either.

const rulesPath = "mailFolders/inbox/messageRules"

const rulesWhy = "Inbox rules were a preview of Outlook REST v2.0 and are not served on premises"

// MessageRuleUpdate is an update of an Inbox rule: only the fields set are
// sent. Conditions, exceptions and actions are each replaced whole.
type MessageRuleUpdate struct {
	DisplayName odata.Optional[string] `json:"displayName,omitzero"`
	// Sequence, when set, must be 1 or more.
	Sequence   odata.Optional[int]                   `json:"sequence,omitzero"`
	IsEnabled  odata.Optional[bool]                  `json:"isEnabled,omitzero"`
	Conditions odata.Optional[MessageRulePredicates] `json:"conditions,omitzero"`
	Exceptions odata.Optional[MessageRulePredicates] `json:"exceptions,omitzero"`
	Actions    odata.Optional[MessageRuleActions]    `json:"actions,omitzero"`
}

// WireSchema returns the wire mapping of a rule, whose properties an
// update sets.
func (MessageRuleUpdate) WireSchema() *odata.Schema { return messageRuleSchema }

// checkRules refuses the rule operations where they are not served.
func (s *Service) checkRules(op string) error {
	if err := s.notOnV2(op, rulesWhy); err != nil {
		return err
	}
	return s.notInCloud(op, "Inbox rules", ruleClouds)
}

// ListRules yields the Inbox rules, in Graph and EWS.
func (s *Service) ListRules(ctx context.Context) iter.Seq2[*MessageRule, error] {
	if err := s.checkRules("ListRules"); err != nil {
		return func(yield func(*MessageRule, error) bool) { yield(nil, err) }
	}
	return odata.List[MessageRule](ctx, s.c, odata.PathOf(rulesPath), nil)
}

// GetRule fetches one Inbox rule, in Graph and EWS.
func (s *Service) GetRule(ctx context.Context, id string) (*MessageRule, error) {
	if err := checkID("GetRule", "rule", id); err != nil {
		return nil, err
	}
	if err := s.checkRules("GetRule"); err != nil {
		return nil, err
	}
	return odata.Get[MessageRule](ctx, s.c, odata.PathOf(rulesPath+"/{}", id), nil)
}

// CreateRule creates an Inbox rule and returns it, in Graph and EWS. The
// rule needs a display name and at least one action. Graph requires a
// sequence (the order the rules run in, from 1): a zero Sequence puts the
// rule after the existing ones (one listing of them first); a negative
// one is refused before any request.
func (s *Service) CreateRule(ctx context.Context, r *MessageRule) (*MessageRule, error) {
	const op = "CreateRule"
	if err := s.checkRules(op); err != nil {
		return nil, err
	}
	if r == nil || r.DisplayName == "" {
		return nil, fmt.Errorf("mail: %s: %w: a rule needs a display name", op, ErrInvalidSetting)
	}
	if reflect.ValueOf(r.Actions).IsZero() {
		return nil, fmt.Errorf("mail: %s: %w: rule %q has no actions", op, ErrInvalidSetting, r.DisplayName)
	}
	if r.Sequence < 0 {
		return nil, fmt.Errorf("mail: %s: %w: sequence %d, want 1 or more (0 for after the existing rules)", op, ErrInvalidSetting, r.Sequence)
	}
	if err := checkRuleActions(&r.Actions); err != nil {
		return nil, fmt.Errorf("mail: %s: %w", op, err)
	}
	body := *r
	body.ID, body.HasError, body.IsReadOnly = "", false, false
	if body.Sequence == 0 {
		last := 0
		for got, err := range s.ListRules(ctx) {
			if err != nil {
				return nil, fmt.Errorf("mail: %s: listing the rules for the next sequence: %w", op, err)
			}
			last = max(last, got.Sequence)
		}
		body.Sequence = last + 1
	}
	return created(odata.Create[MessageRule](ctx, s.c, odata.PathOf(rulesPath), &body))
}

// UpdateRule changes the fields of an Inbox rule that u sets and returns
// the rule as stored, in Graph and EWS.
func (s *Service) UpdateRule(ctx context.Context, id string, u MessageRuleUpdate) (*MessageRule, error) {
	const op = "UpdateRule"
	if err := checkID(op, "rule", id); err != nil {
		return nil, err
	}
	if err := s.checkRules(op); err != nil {
		return nil, err
	}
	if reflect.ValueOf(u).IsZero() {
		return nil, fmt.Errorf("mail: %s: %w: nothing to change", op, ErrInvalidSetting)
	}
	if n, ok := u.DisplayName.Get(); u.DisplayName.IsNull() || ok && n == "" {
		return nil, fmt.Errorf("mail: %s: %w: a rule needs a display name", op, ErrInvalidSetting)
	}
	if n, ok := u.Sequence.Get(); u.Sequence.IsNull() || ok && n < 1 {
		return nil, fmt.Errorf("mail: %s: %w: sequence %d, want 1 or more", op, ErrInvalidSetting, n)
	}
	if a, ok := u.Actions.Get(); u.Actions.IsNull() || ok && reflect.ValueOf(a).IsZero() {
		return nil, fmt.Errorf("mail: %s: %w: a rule needs an action", op, ErrInvalidSetting)
	} else if ok {
		if err := checkRuleActions(&a); err != nil {
			return nil, fmt.Errorf("mail: %s: %w", op, err)
		}
	}
	return odata.Update[MessageRule](ctx, s.c, odata.PathOf(rulesPath+"/{}", id), u, "")
}

// DeleteRule deletes an Inbox rule, in Graph and EWS.
func (s *Service) DeleteRule(ctx context.Context, id string) error {
	if err := checkID("DeleteRule", "rule", id); err != nil {
		return err
	}
	if err := s.checkRules("DeleteRule"); err != nil {
		return err
	}
	return odata.Delete(ctx, s.c, odata.PathOf(rulesPath+"/{}", id), "")
}

// checkRuleActions validates the addresses a rule sends mail to.
func checkRuleActions(a *MessageRuleActions) error {
	for _, l := range []struct {
		name string
		rs   []item.Recipient
	}{{"forwardTo", a.ForwardTo}, {"forwardAsAttachmentTo", a.ForwardAsAttachmentTo}, {"redirectTo", a.RedirectTo}} {
		if err := checkRecipients(l.name, l.rs); err != nil {
			return err
		}
	}
	return nil
}
