package mail

import (
	"context"
	"errors"
	"fmt"
	"iter"

	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
)

// GetMailboxSettings fetches the mailbox's settings.
func (s *Service) GetMailboxSettings(ctx context.Context) (*MailboxSettings, error) {
	return odata.Get[MailboxSettings](ctx, s.c, odata.PathOf("mailboxSettings"), nil)
}

// UpdateMailboxSettings changes the settings u sets and returns the
// settings as the service answers (Graph returns the changed ones only).
func (s *Service) UpdateMailboxSettings(ctx context.Context, u MailboxSettingsUpdate) (*MailboxSettings, error) {
	if ar, ok := u.AutomaticRepliesSetting.Get(); ok {
		if err := checkAutomaticReplies(&ar); err != nil {
			return nil, fmt.Errorf("mail: UpdateMailboxSettings: %w", err)
		}
	}
	return odata.Update[MailboxSettings](ctx, s.c, odata.PathOf("mailboxSettings"), u, "")
}

// GetAutomaticReplies fetches the out-of-office setting.
func (s *Service) GetAutomaticReplies(ctx context.Context) (*AutomaticRepliesSetting, error) {
	return odata.Get[AutomaticRepliesSetting](ctx, s.c, odata.PathOf("mailboxSettings/automaticRepliesSetting"), nil)
}

// SetAutomaticReplies replaces the out-of-office setting. A scheduled
// setting needs both ends of its schedule, start before end.
func (s *Service) SetAutomaticReplies(ctx context.Context, ar AutomaticRepliesSetting) error {
	if err := checkAutomaticReplies(&ar); err != nil {
		return fmt.Errorf("mail: SetAutomaticReplies: %w", err)
	}
	_, err := odata.Update[MailboxSettings](ctx, s.c, odata.PathOf("mailboxSettings"), MailboxSettingsUpdate{AutomaticRepliesSetting: odata.Set(ar)}, "")
	return err
}

// ErrInvalidSetting is wrapped by the errors of settings the SDK refuses to
// send.
//
// Match it with errors.Is: the errors wrapping it start "mail: " and name
// the operation, so its own text carries no package prefix.
var ErrInvalidSetting = errors.New("invalid setting")

func checkAutomaticReplies(ar *AutomaticRepliesSetting) error {
	if ar.Status != AutomaticRepliesScheduled {
		return nil
	}
	var zero item.DateTimeTimeZone
	if ar.ScheduledStartDateTime == zero || ar.ScheduledEndDateTime == zero {
		return fmt.Errorf("%w: scheduled automatic replies need a start and an end", ErrInvalidSetting)
	}
	st, err := ar.ScheduledStartDateTime.Time()
	if err != nil {
		return fmt.Errorf("%w: schedule start: %w", ErrInvalidSetting, err)
	}
	en, err := ar.ScheduledEndDateTime.Time()
	if err != nil {
		return fmt.Errorf("%w: schedule end: %w", ErrInvalidSetting, err)
	}
	if !st.Before(en) {
		return fmt.Errorf("%w: schedule ends (%v) before it starts (%v)", ErrInvalidSetting, en, st)
	}
	return nil
}

const overridesPath = "inferenceClassification/overrides"

// ListClassificationOverrides yields the Focused Inbox overrides.
func (s *Service) ListClassificationOverrides(ctx context.Context) iter.Seq2[*ClassificationOverride, error] {
	return odata.List[ClassificationOverride](ctx, s.c, odata.PathOf(overridesPath), nil)
}

// SetClassificationOverride makes messages from sender always land in the
// Focused or the Other tab, and returns the override made.
func (s *Service) SetClassificationOverride(ctx context.Context, sender item.EmailAddress, classifyAs Classification) (*ClassificationOverride, error) {
	if err := checkAddress(sender.Address); err != nil {
		return nil, fmt.Errorf("mail: SetClassificationOverride: %w: sender: %w", ErrInvalidSetting, err)
	}
	if err := checkClassification(classifyAs); err != nil {
		return nil, fmt.Errorf("mail: SetClassificationOverride: %w", err)
	}
	return created(odata.Create[ClassificationOverride](ctx, s.c, odata.PathOf(overridesPath),
		ClassificationOverride{ClassifyAs: classifyAs, SenderEmailAddress: sender}))
}

// UpdateClassificationOverride changes where an override sends messages.
func (s *Service) UpdateClassificationOverride(ctx context.Context, id string, classifyAs Classification) (*ClassificationOverride, error) {
	if err := checkID("UpdateClassificationOverride", "override", id); err != nil {
		return nil, err
	}
	if err := checkClassification(classifyAs); err != nil {
		return nil, fmt.Errorf("mail: UpdateClassificationOverride: %w", err)
	}
	body := struct {
		ClassifyAs Classification `json:"classifyAs"`
	}{classifyAs}
	return odata.Update[ClassificationOverride](ctx, s.c, odata.PathOf(overridesPath+"/{}", id), body, "")
}

// DeleteClassificationOverride removes an override.
func (s *Service) DeleteClassificationOverride(ctx context.Context, id string) error {
	if err := checkID("DeleteClassificationOverride", "override", id); err != nil {
		return err
	}
	return odata.Delete(ctx, s.c, odata.PathOf(overridesPath+"/{}", id), "")
}

func checkClassification(c Classification) error {
	if c != ClassificationFocused && c != ClassificationOther {
		return fmt.Errorf("%w: classification %q, want %q or %q", ErrInvalidSetting, c, ClassificationFocused, ClassificationOther)
	}
	return nil
}
