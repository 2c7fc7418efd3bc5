package mail

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"

	"golang.org/x/oauth2"

	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

// uploadHost is an upload-session endpoint as the Graph documentation
// describes it, for testing the client's chunking and resuming apart from
// the fake's server side: PUT chunks in order with Content-Range, 200 with
// nextExpectedRanges, 201 with Location at the end, GET for the status.
type uploadHost struct {
	mu       sync.Mutex
	size     int64
	data     []byte
	puts     int
	authSeen bool
	// abortAfterStoring makes the n-th PUT (1-based) store its chunk and
	// then drop the connection, as a lost answer looks to the client.
	abortAfterStoring int
	// forgetOn makes the n-th PUT answer 500 and forget the last chunk it
	// stored, so the service wants data the client sent before.
	forgetOn int
	lastLen  int
}

func (h *uploadHost) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if r.Header.Get("Authorization") != "" {
		h.authSeen = true
	}
	status := func() {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"expirationDateTime":"2030-01-01T00:00:00Z","nextExpectedRanges":["%d-%d"]}`, len(h.data), h.size-1)
	}
	switch r.Method {
	case http.MethodGet:
		status()
		return
	case http.MethodPut:
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	h.puts++
	var start, end, total int64
	if _, err := fmt.Sscanf(r.Header.Get("Content-Range"), "bytes %d-%d/%d", &start, &end, &total); err != nil || total != h.size {
		http.Error(w, "bad Content-Range", http.StatusBadRequest)
		return
	}
	body, _ := io.ReadAll(r.Body)
	if int64(len(body)) != end-start+1 || r.Header.Get("Content-Type") != "application/octet-stream" {
		http.Error(w, "bad chunk", http.StatusBadRequest)
		return
	}
	if h.puts == h.forgetOn {
		h.data = h.data[:len(h.data)-h.lastLen]
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	if start != int64(len(h.data)) {
		w.WriteHeader(http.StatusRequestedRangeNotSatisfiable)
		return
	}
	h.data = append(h.data, body...)
	h.lastLen = len(body)
	if h.puts == h.abortAfterStoring {
		panic(http.ErrAbortHandler)
	}
	if int64(len(h.data)) == h.size {
		w.Header().Set("Location", "https://outlook.office.com/api/v2.0/Users('a')/Messages('m')/Attachments('att''1')")
		w.WriteHeader(http.StatusCreated)
		return
	}
	status()
}

type noSeek struct{ r io.Reader }

func (n noSeek) Read(p []byte) (int, error) { return n.r.Read(p) }

func TestUploadChunksAndResumes(t *testing.T) {
	size := int64(5*UploadChunkUnit + 777)
	file := make([]byte, size)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range file {
		file[i] = byte(rng.Uint32())
	}
	cases := []struct {
		name    string
		abort   int // uploadHost.abortAfterStoring
		forget  int // uploadHost.forgetOn
		fault   *outlooktest.Fault
		reader  func() io.Reader
		wantErr string
		minPuts int
	}{
		{name: "clean", reader: func() io.Reader { return bytes.NewReader(file) }, minPuts: 6},
		{name: "503s then success", fault: &outlooktest.Fault{Host: "outlook.office.com", Method: "PUT", After: 2, Times: 2, Status: 503},
			reader: func() io.Reader { return noSeek{bytes.NewReader(file)} }, minPuts: 6},
		{name: "dropped before the body", fault: &outlooktest.Fault{Host: "outlook.office.com", Method: "PUT", After: 1, Times: 1, DropBeforeBody: true},
			reader: func() io.Reader { return noSeek{bytes.NewReader(file)} }, minPuts: 6},
		{name: "answer lost after the chunk was stored", abort: 3,
			reader: func() io.Reader { return noSeek{bytes.NewReader(file)} }, minPuts: 6},
		{name: "service forgets a chunk, seekable reader", forget: 4,
			reader: func() io.Reader { return bytes.NewReader(file) }, minPuts: 7},
		{name: "service forgets a chunk, plain reader", forget: 4,
			reader: func() io.Reader { return noSeek{bytes.NewReader(file)} }, wantErr: "cannot seek back"},
		{name: "gives up", fault: &outlooktest.Fault{Host: "outlook.office.com", Method: "PUT", After: 1, Status: 503},
			reader: func() io.Reader { return bytes.NewReader(file) }, wantErr: "503"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := outlooktest.NewServer()
			t.Cleanup(srv.Close)
			h := &uploadHost{size: size, abortAfterStoring: c.abort, forgetOn: c.forget}
			srv.AddHost("outlook.office.com", h)
			if c.fault != nil {
				srv.Inject(*c.fault)
			}
			oc, err := odata.NewClient("https://graph.microsoft.com/v1.0", odata.Graph,
				oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "secret-token"}), odata.WithDoer(srv.Client()))
			if err != nil {
				t.Fatal(err)
			}
			s := NewService(oc)
			sess := &UploadSession{UploadURL: "https://outlook.office.com/api/v2.0/Users('a')/Messages('m')/AttachmentSessions('s')?authtoken=x", NextExpectedRanges: []string{"0-"}}
			o := &UploadOptions{ChunkSize: UploadChunkUnit, Retries: 3}
			id, err := s.upload(t.Context(), sess, c.reader(), size, o)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("upload error = %v, want one saying %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("upload: %v", err)
			}
			if id != "att'1" {
				t.Errorf("attachment id %q, want att'1", id)
			}
			h.mu.Lock()
			defer h.mu.Unlock()
			if !bytes.Equal(h.data, file) {
				t.Errorf("the service holds %d bytes, not the %d-byte file", len(h.data), size)
			}
			if h.authSeen {
				t.Error("the mailbox's token was sent to the upload URL")
			}
			if h.puts < c.minPuts {
				t.Errorf("%d PUTs, want at least %d", h.puts, c.minPuts)
			}
		})
	}
}

func TestParseRangesAndLocation(t *testing.T) {
	for _, c := range []struct {
		in   []string
		want int64
		ok   bool
	}{{[]string{"0-"}, 0, true}, {[]string{"2097152"}, 2097152, true}, {[]string{"12-99", "200-"}, 12, true}, {nil, 0, false}, {[]string{"x-"}, 0, false}, {[]string{"-5"}, 0, false}} {
		got, ok := parseRanges(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("parseRanges(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
	for in, want := range map[string]string{
		"https://outlook.office.com/api/v2.0/Users('a')/Messages('m')/Attachments('AAMk=')": "AAMk=",
		"https://graph.microsoft.com/v1.0/me/messages/m/attachments/AAMk2":                  "AAMk2",
		"": "",
	} {
		if got := attachmentIDFromLocation(in); got != want {
			t.Errorf("attachmentIDFromLocation(%q) = %q, want %q", in, got, want)
		}
	}
}
