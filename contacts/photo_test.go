package contacts_test

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"golang.org/x/oauth2"

	"github.com/exchangekit/outlook/contacts"
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
)

var jpegHeader = []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F', 0}

func mails(addrs ...string) []item.EmailAddress {
	out := make([]item.EmailAddress, len(addrs))
	for i, a := range addrs {
		out[i] = item.EmailAddress{Address: a}
	}
	return out
}

// photoServer is a small fake of the photo endpoints (outlooktest answers
// 501 for them): one photo per contact, metadata and bytes, in the dialect
// of its root.
type photoServer struct {
	mu     sync.Mutex
	v2     bool
	photos map[string][]byte
	types  map[string]string
	paths  []string
}

func (p *photoServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.paths = append(p.paths, r.Method+" "+r.URL.EscapedPath())
	root := "/v1.0/me/contacts/"
	if p.v2 {
		root = "/api/v2.0/me/contacts/"
	}
	rest, ok := strings.CutPrefix(r.URL.Path, root)
	if !ok || r.Header.Get("Authorization") != "Bearer t" {
		http.Error(w, `{"error":{"code":"BadRequest","message":"bad path"}}`, 400)
		return
	}
	id, what, _ := strings.Cut(rest, "/")
	notFound := func() {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(404)
		io.WriteString(w, `{"error":{"code":"ErrorItemNotFound","message":"The photo wasn't found."}}`)
	}
	switch {
	case what == "photo/$value" && r.Method == http.MethodPut:
		b, _ := io.ReadAll(r.Body)
		p.photos[id], p.types[id] = b, r.Header.Get("Content-Type")
		w.WriteHeader(200)
	case what == "photo/$value" && r.Method == http.MethodGet:
		b, ok := p.photos[id]
		if !ok {
			notFound()
			return
		}
		w.Header().Set("Content-Type", p.types[id])
		w.Write(b)
	case what == "photo" && r.Method == http.MethodGet:
		if _, ok := p.photos[id]; !ok {
			notFound()
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if p.v2 {
			io.WriteString(w, `{"@odata.mediaContentType":"image/jpeg","Id":"103X77","Width":103,"Height":77}`)
		} else {
			io.WriteString(w, `{"@odata.mediaContentType":"image/jpeg","id":"103X77","width":103,"height":77}`)
		}
	default:
		http.Error(w, `{"error":{"code":"BadRequest","message":"unexpected"}}`, 400)
	}
}

// The photo calls in both dialects, against a small fake of the photo
// endpoints: set, read back the bytes and the size, and a contact without
// a photo.
func TestPhoto(t *testing.T) {
	for _, d := range []*odata.Dialect{odata.Graph, odata.OutlookV2} {
		t.Run(d.String(), func(t *testing.T) {
			ps := &photoServer{v2: d.IsOutlookV2(), photos: map[string][]byte{}, types: map[string]string{}}
			srv := httptest.NewServer(ps)
			defer srv.Close()
			root := srv.URL + "/v1.0"
			if d.IsOutlookV2() {
				root = srv.URL + "/api/v2.0"
			}
			c, err := odata.NewClient(root, d, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "t"}), odata.WithDoer(srv.Client()))
			if err != nil {
				t.Fatal(err)
			}
			s := contacts.NewService(c)
			ctx := t.Context()
			img := append(append([]byte{}, jpegHeader...), bytes.Repeat([]byte{7}, 5000)...)
			if err := s.SetPhoto(ctx, "AAMk=1", img); err != nil {
				t.Fatal(err)
			}
			if ps.types["AAMk=1"] != "image/jpeg" {
				t.Errorf("sent Content-Type %q", ps.types["AAMk=1"])
			}
			rc, err := s.GetPhotoContent(ctx, "AAMk=1")
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(rc)
			rc.Close()
			if !bytes.Equal(got, img) {
				t.Errorf("read back %d bytes, want the %d sent", len(got), len(img))
			}
			meta, err := s.GetPhoto(ctx, "AAMk=1")
			if err != nil {
				t.Fatal(err)
			}
			if *meta != (contacts.Photo{ID: "103X77", Width: 103, Height: 77, ContentType: "image/jpeg"}) {
				t.Errorf("photo metadata %+v", meta)
			}
			if _, err := s.GetPhotoContent(ctx, "none"); !errors.Is(err, odata.ErrNotFound) {
				t.Errorf("no photo: %v, want ErrNotFound", err)
			}
			if _, err := s.GetPhoto(ctx, "none"); !errors.Is(err, odata.ErrNotFound) {
				t.Errorf("no photo metadata: %v, want ErrNotFound", err)
			}
		})
	}
}

// A contact's photo is set and read back in every location: over EWS
// it is the contact's attachment marked IsContactPhoto.
func TestPhotoOnFake(t *testing.T) {
	var img bytes.Buffer
	if err := jpeg.Encode(&img, image.NewGray(image.Rect(0, 0, 48, 32)), nil); err != nil {
		t.Fatal(err)
	}
	eachDialect(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		ct, err := e.MB.Contacts.CreateContact(ctx, contacts.DefaultFolder, &contacts.Contact{DisplayName: "Pic"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.MB.Contacts.GetPhotoContent(ctx, ct.ID); !errors.Is(err, odata.ErrNotFound) {
			t.Errorf("no photo yet: %v, want ErrNotFound", err)
		}
		if err := e.MB.Contacts.SetPhoto(ctx, ct.ID, img.Bytes()); err != nil {
			t.Fatal(err)
		}
		// Set again: the photo is replaced, not added beside.
		if err := e.MB.Contacts.SetPhoto(ctx, ct.ID, img.Bytes()); err != nil {
			t.Fatal(err)
		}
		rc, err := e.MB.Contacts.GetPhotoContent(ctx, ct.ID)
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		if got, _ := io.ReadAll(rc); !bytes.Equal(got, img.Bytes()) {
			t.Errorf("photo read back differs")
		}
		meta, err := e.MB.Contacts.GetPhoto(ctx, ct.ID)
		if err != nil {
			t.Fatal(err)
		}
		if meta.Width != 48 || meta.Height != 32 || meta.ContentType != "image/jpeg" {
			t.Errorf("photo metadata %+v", meta)
		}
	})
}
