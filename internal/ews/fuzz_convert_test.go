package ews

import (
	"bytes"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
)

// FuzzConvertResponse holds the whole read path to its contract on any
// answer: reading a response (the envelope, the response messages, items,
// folders, attachments, sync changes) never panics, and what it produces
// is valid JSON the odata client can decode.
func FuzzConvertResponse(f *testing.F) {
	for _, doc := range sampleDocs(f) {
		f.Add(doc)
	}
	f.Add(getItemPage(2))
	f.Fuzz(func(t *testing.T, doc []byte) {
		for _, s := range []*struct {
			name string
			run  func(x *xmlReader, cv *converter, out []byte) ([]byte, error)
		}{
			{"items", func(x *xmlReader, cv *converter, out []byte) ([]byte, error) {
				var buf []byte
				var fault status
				_, err := readEnvelope(x, &fault, &buf, func() error {
					return readMessages(x, &buf, func(_ int, ms *status) error {
						switch string(x.local) {
						case "Items", "Folders", "Changes", "Attachments":
							return x.children(func() error {
								out = comma(out)
								var err error
								switch {
								case attachmentTypes[string(x.local)] != "":
									out, err = cv.attachment(out)
								case folderTypes[string(x.local)] != "" || x.is("Folder"):
									out, err = cv.folder(out, mailFolderSchema)
								default:
									out, err = cv.entity(out, messageSchema)
								}
								return err
							})
						case "RootFolder":
							var pg findPage
							readRootFolder(x, &pg)
							return x.skip()
						}
						return x.skip()
					}, nil)
				})
				return out, err
			}},
		} {
			x := newXMLReader(bytes.NewReader(doc), 1<<20)
			cv := &converter{x: x}
			out, err := s.run(x, cv, []byte{'['})
			if err != nil {
				continue
			}
			out = append(out, ']')
			if !jsontext.Value(out).IsValid(jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true)) {
				t.Fatalf("%s: invalid JSON %q", s.name, out)
			}
		}
	})
}
