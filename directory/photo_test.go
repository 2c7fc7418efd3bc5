package directory_test

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"testing"

	"github.com/exchangekit/outlook/internal/servicetest"
	"github.com/exchangekit/outlook/odata"
)

func pngImage(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A person's photo in every location, and a person without one.
func TestPhoto(t *testing.T) {
	servicetest.AllLocations.Each(t, func(t *testing.T, e *servicetest.Env) {
		seed(e.Srv)
		want := pngImage(t)
		e.Srv.SetUserPhoto("adele.vance@contoso.com", want)
		got, ct, err := e.MB.Directory.Photo(t.Context(), "adele.vance@contoso.com")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) || ct != "image/png" {
			t.Errorf("photo of %d bytes, %s; want %d bytes, image/png", len(got), ct, len(want))
		}
		if _, _, err := e.MB.Directory.Photo(t.Context(), "alex.wilber@contoso.com"); !errors.Is(err, odata.ErrNotFound) {
			t.Errorf("a person without a photo: %v, want ErrNotFound", err)
		}
	})
}
