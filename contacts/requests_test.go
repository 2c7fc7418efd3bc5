package contacts_test

import (
	"bytes"
	"context"
	stdjson "encoding/json"
	"flag"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"golang.org/x/oauth2"

	"github.com/exchangekit/outlook/contacts"
	"github.com/exchangekit/outlook/internal/testutil"
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
)

var update = flag.Bool("update", false, "rewrite golden files")

// recorder answers every request with a small entity (or an image, for a
// photo's $value) and records what was sent: method, path and query,
// If-Match and content type, and the body.
type recorder struct {
	mu  sync.Mutex
	out bytes.Buffer
}

func (r *recorder) Do(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	line := req.Method + " " + req.URL.EscapedPath()
	if req.URL.RawQuery != "" {
		line += "?" + req.URL.RawQuery
	}
	r.out.WriteString(line + "\n")
	if m := req.Header.Get("If-Match"); m != "" {
		r.out.WriteString("If-Match: " + m + "\n")
	}
	if req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		if len(b) > 0 {
			v := jsontext.Value(b)
			if err := v.Indent(jsontext.WithIndent("  ")); err != nil {
				r.out.WriteString(req.Header.Get("Content-Type") + ": " + strings.ToUpper(strings.TrimSpace(hexPrefix(b))) + "\n")
			} else {
				r.out.Write(v)
				r.out.WriteString("\n")
			}
		}
	}
	// An entity for an entity, and an empty page for a list.
	body := `{"id":"new","value":[]}`
	return &http.Response{StatusCode: 201, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body)), Request: req}, nil
}

func hexPrefix(b []byte) string {
	const digits = "0123456789abcdef"
	var s strings.Builder
	for i, c := range b {
		if i == 8 {
			s.WriteString("...")
			break
		}
		s.WriteByte(digits[c>>4])
		s.WriteByte(digits[c&15])
		s.WriteByte(' ')
	}
	return s.String()
}

// Every request the service builds, in both dialects, against golden
// files (go test -update rewrites them). The v2.0 files show MobilePhone1,
// Pascal-cased names and the contactfolders/childfolders segments.
func TestRequestBodies(t *testing.T) {
	ops := []struct {
		name      string
		graphOnly bool
		call      func(ctx context.Context, s *contacts.Service) error
	}{
		{"create-contact", false, func(ctx context.Context, s *contacts.Service) error {
			_, err := s.CreateContact(ctx, contacts.DefaultFolder, fullContact())
			return err
		}},
		{"create-contact-in-folder", false, func(ctx context.Context, s *contacts.Service) error {
			// A contact read earlier: its annotations and ETag stay out of the body.
			c := &contacts.Contact{DisplayName: "Rob Young", MobilePhone: "+1 425 555 0100",
				EmailAddresses: []item.EmailAddress{{Name: "Rob", Address: "roby@contoso.com"}},
				Extra:          map[string]stdjson.RawMessage{"@odata.context": stdjson.RawMessage(`"x"`), "nickname2": stdjson.RawMessage(`"Bobby"`)}}
			c.ETag = `W/"abc"`
			_, err := s.CreateContact(ctx, "AAMkF1", c)
			return err
		}},
		{"update-contact", false, func(ctx context.Context, s *contacts.Service) error {
			_, err := s.UpdateContact(ctx, "AAMkC1", contacts.ContactUpdate{
				MobilePhone: odata.Set("+1 425 555 0199"),
				HomeAddress: odata.Set(item.PhysicalAddress{Street: "123 Some street", City: "Seattle", State: "WA", PostalCode: "98121"}),
				Birthday:    odata.Set(contacts.Instant{Time: time.Date(1974, 7, 22, 0, 0, 0, 0, time.UTC)}),
				SpouseName:  odata.Null[string](),
				ETag:        `W/"EQAAABYAAACd9nJ"`,
			})
			return err
		}},
		{"delete-contact", false, func(ctx context.Context, s *contacts.Service) error { return s.DeleteContact(ctx, "AAMkC1") }},
		{"get-contact-select", false, func(ctx context.Context, s *contacts.Service) error {
			_, err := s.GetContact(ctx, "AAMkC1", &odata.Query{Select: odata.Fields(contacts.GivenName, contacts.MobilePhone, contacts.EmailAddresses)})
			return err
		}},
		{"list-filter-email", false, func(ctx context.Context, s *contacts.Service) error {
			_, err := s.ListContactsPage(ctx, contacts.DefaultFolder, &odata.Query{
				Filter: contacts.EmailAddresses.Any(func(a item.EmailAddressFields) odata.Filter { return a.Address.Eq("lee@corp.example") }),
			})
			return err
		}},
		{"list-folder-contacts", false, func(ctx context.Context, s *contacts.Service) error {
			_, err := s.ListContactsPage(ctx, "AAMkF1", &odata.Query{OrderBy: odata.Asc(contacts.Surname), Top: 10})
			return err
		}},
		{"create-folder", false, func(ctx context.Context, s *contacts.Service) error {
			_, err := s.CreateFolder(ctx, contacts.DefaultFolder, "Vendors")
			return err
		}},
		{"create-child-folder", false, func(ctx context.Context, s *contacts.Service) error {
			_, err := s.CreateFolder(ctx, "AAMkF1", "Family")
			return err
		}},
		{"update-folder", false, func(ctx context.Context, s *contacts.Service) error {
			_, err := s.UpdateFolder(ctx, "AAMkF1", contacts.FolderUpdate{DisplayName: odata.Set("Suppliers")})
			return err
		}},
		{"delete-folder", false, func(ctx context.Context, s *contacts.Service) error { return s.DeleteFolder(ctx, "AAMkF1") }},
		{"set-photo", false, func(ctx context.Context, s *contacts.Service) error {
			return s.SetPhoto(ctx, "AAMkC1", append(append([]byte{}, jpegHeader...), 1, 2, 3))
		}},
	}
	for _, d := range []struct {
		name, root string
		dialect    *odata.Dialect
	}{{"graph", "https://graph.microsoft.com/v1.0", odata.Graph}, {"v2", "https://mail.contoso.com/api/v2.0", odata.OutlookV2}} {
		for _, op := range ops {
			if op.graphOnly && d.dialect != odata.Graph {
				continue
			}
			t.Run(d.name+"/"+op.name, func(t *testing.T) {
				rec := &recorder{}
				c, err := odata.NewClient(d.root, d.dialect, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "t"}),
					odata.WithDoer(rec), odata.WithMailbox("alice@contoso.com"))
				if err != nil {
					t.Fatal(err)
				}
				if err := op.call(t.Context(), contacts.NewService(c)); err != nil {
					t.Fatalf("%s: %v", op.name, err)
				}
				testutil.Golden(t, "testdata/requests/"+d.name+"/"+op.name+".txt", rec.out.Bytes(), *update)
			})
		}
	}
}
