package categories

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"

	"github.com/exchangekit/outlook/odata"
)

// Service manages the master category list of one mailbox. Get one from
// outlook.Mailbox (mb.Categories) or build one on an odata.Client. It is
// safe for concurrent use.
//
// Bad input (an empty name or id, a colour that is no preset) fails with
// an error matching ErrInvalidCategory or odata.ErrInvalidPath before any
// request.
type Service struct{ c *odata.Client }

// NewService returns the categories service of the mailbox c is bound to.
func NewService(c *odata.Client) *Service { return &Service{c: c} }

// ErrInvalidCategory is wrapped by the errors of categories the SDK refuses
// to send.
//
// Match it with errors.Is: the errors wrapping it start "categories: " and
// name the operation, so its own text carries no package prefix.
var ErrInvalidCategory = errors.New("invalid category")

// path is the list's path: Graph's outlook/masterCategories, the v2.0
// MasterCategories entity set (which EWS's backend is asked for under its
// Graph name).
func (s *Service) path(id ...string) odata.Path {
	base := "outlook/masterCategories"
	if s.c.Dialect().IsOutlookV2() {
		base = "MasterCategories"
	}
	if len(id) == 1 {
		return odata.PathOf(base+"/{}", id[0])
	}
	return odata.PathOf(base)
}

// List yields the categories of the master list.
func (s *Service) List(ctx context.Context) iter.Seq2[*Category, error] {
	return odata.List[Category](ctx, s.c, s.path(), nil)
}

// Get fetches one category by id.
func (s *Service) Get(ctx context.Context, id string) (*Category, error) {
	if err := checkID("Get", id); err != nil {
		return nil, err
	}
	return odata.Get[Category](ctx, s.c, s.path(id), nil)
}

// Create adds a category with a name and a colour (ColorNone when c.Color
// is empty) and returns it with its id. A name already in the list
// (case-insensitively) is refused by the server with a conflict.
func (s *Service) Create(ctx context.Context, c Category) (*Category, error) {
	name := strings.TrimSpace(c.DisplayName)
	if name == "" {
		return nil, fmt.Errorf("categories: Create: %w: a category needs a name", ErrInvalidCategory)
	}
	if c.DisplayName != name || strings.ContainsAny(name, ",;\x00") {
		// Outlook keeps an item's categories as one delimited string in
		// places: a comma or semicolon in a name splits it there.
		return nil, fmt.Errorf("categories: Create: %w: name %q: no leading or trailing spaces, commas or semicolons", ErrInvalidCategory, c.DisplayName)
	}
	if c.Color == "" {
		c.Color = ColorNone
	}
	if err := checkColor("Create", c.Color); err != nil {
		return nil, err
	}
	body := Category{DisplayName: name, Color: c.Color}
	return odata.Create[Category](ctx, s.c, s.path(), body)
}

// SetColor changes a category's colour and returns the category. Its name
// cannot be changed.
func (s *Service) SetColor(ctx context.Context, id string, color Color) (*Category, error) {
	if err := checkID("SetColor", id); err != nil {
		return nil, err
	}
	if err := checkColor("SetColor", color); err != nil {
		return nil, err
	}
	return odata.Update[Category](ctx, s.c, s.path(id), colorBody{color}, "")
}

// colorBody is the body of SetColor: the colour alone, spelled by the
// category's table.
type colorBody struct {
	Color Color `json:"color"`
}

// WireSchema returns the category's table, which spells the colour.
func (colorBody) WireSchema() *odata.Schema { return categorySchema }

// Delete removes a category from the list. Items keep the name in their
// Categories; Outlook shows it without a colour.
func (s *Service) Delete(ctx context.Context, id string) error {
	if err := checkID("Delete", id); err != nil {
		return err
	}
	return odata.Delete(ctx, s.c, s.path(id), "")
}

func checkID(op, id string) error {
	if strings.TrimSpace(id) == "" {
		return fmt.Errorf("categories: %s: empty category id: %w", op, odata.ErrInvalidPath)
	}
	return nil
}

func checkColor(op string, c Color) error {
	if _, ok := c.Index(); !ok {
		return fmt.Errorf("categories: %s: %w: colour %q, want \"none\" or \"preset0\" to \"preset24\"", op, ErrInvalidCategory, c)
	}
	return nil
}
