package mail

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"

	"golang.org/x/oauth2"

	"github.com/exchangekit/outlook/internal/transport"
	"github.com/exchangekit/outlook/internal/transport/transporttest"
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
	// completeEarly makes the first PUT answer 201, as if the file were
	// complete after one chunk.
	completeEarly bool
	// always416 answers every PUT 416, a session that never takes a chunk.
	always416 bool
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
	case http.MethodDelete:
		w.WriteHeader(http.StatusNoContent)
		return
	case http.MethodPut:
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	h.puts++
	if h.always416 {
		w.WriteHeader(http.StatusRequestedRangeNotSatisfiable)
		return
	}
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
	if h.completeEarly && h.puts == 1 {
		w.WriteHeader(http.StatusCreated)
		return
	}
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

// uploadClient is an odata client for Graph on the SDK's transport over
// srv, as the root package builds it: the policy's backoff is 1ns so the
// test does not wait, and outlook.office.com is an upload host.
func uploadClient(t *testing.T, srv *outlooktest.Server, attempts int) *odata.Client {
	t.Helper()
	tr, err := transport.New(transport.Config{HTTPClient: srv.Client(), Retry: transport.RetryPolicy{MaxAttempts: attempts, MinBackoff: 1, MaxBackoff: 1}})
	if err != nil {
		t.Fatal(err)
	}
	oc, err := odata.NewClient("https://graph.microsoft.com/v1.0", odata.Graph,
		oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "secret-token"}), odata.WithDoer(tr), odata.WithUploadHosts("outlook.office.com"))
	if err != nil {
		t.Fatal(err)
	}
	return oc
}

func TestUploadChunksAndResumes(t *testing.T) {
	size := int64(5*UploadChunkUnit + 777)
	file := make([]byte, size)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range file {
		file[i] = byte(rng.Uint32())
	}
	cases := []struct {
		name     string
		host     *uploadHost
		fault    *outlooktest.Fault
		attempts int // the retry policy's MaxAttempts; 0: 4
		reader   func() io.Reader
		wantErr  string
		wantPuts int // exactly, when not 0
		minPuts  int
	}{
		{name: "clean", reader: func() io.Reader { return bytes.NewReader(file) }, wantPuts: 6},
		{name: "503s then success", fault: &outlooktest.Fault{Host: "outlook.office.com", Method: "PUT", After: 2, Times: 2, Status: 503},
			reader: func() io.Reader { return noSeek{bytes.NewReader(file)} }, minPuts: 6},
		{name: "dropped before the body", fault: &outlooktest.Fault{Host: "outlook.office.com", Method: "PUT", After: 1, Times: 1, DropBeforeBody: true},
			reader: func() io.Reader { return noSeek{bytes.NewReader(file)} }, minPuts: 6},
		{name: "answer lost after the chunk was stored", host: &uploadHost{abortAfterStoring: 3},
			reader: func() io.Reader { return noSeek{bytes.NewReader(file)} }, minPuts: 6},
		{name: "service forgets a chunk, seekable reader", host: &uploadHost{forgetOn: 4},
			reader: func() io.Reader { return bytes.NewReader(file) }, minPuts: 7},
		{name: "service forgets a chunk, plain reader", host: &uploadHost{forgetOn: 4},
			reader: func() io.Reader { return noSeek{bytes.NewReader(file)} }, wantErr: "cannot seek back"},
		// The transport's attempts are the only ones: 1 good PUT, then 3
		// attempts at the second chunk, not 3 resumes of 3 attempts each.
		{name: "gives up after the policy's attempts", attempts: 3, fault: &outlooktest.Fault{Host: "outlook.office.com", Method: "PUT", After: 1, Status: 503},
			reader: func() io.Reader { return bytes.NewReader(file) }, wantErr: "503", wantPuts: 4},
		{name: "resumes as often as the policy allows", attempts: 3, host: &uploadHost{always416: true},
			reader: func() io.Reader { return bytes.NewReader(file) }, wantErr: "416", wantPuts: 3},
		{name: "201 on the first chunk is not success", host: &uploadHost{completeEarly: true},
			reader: func() io.Reader { return bytes.NewReader(file) }, wantErr: "answered 201 (complete) to bytes 0-327679 of a", wantPuts: 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := outlooktest.NewServer()
			t.Cleanup(srv.Close)
			h := c.host
			if h == nil {
				h = &uploadHost{}
			}
			h.size = size
			srv.AddHost("outlook.office.com", h)
			if c.fault != nil {
				srv.Inject(*c.fault)
			}
			s := NewService(uploadClient(t, srv, c.attempts))
			sess := &UploadSession{UploadURL: "https://outlook.office.com/api/v2.0/Users('a')/Messages('m')/AttachmentSessions('s')?authtoken=x", NextExpectedRanges: []string{"0-"}}
			o := &UploadOptions{ChunkSize: UploadChunkUnit}
			id, err := s.upload(t.Context(), sess, c.reader(), size, o)
			h.mu.Lock()
			defer h.mu.Unlock()
			puts, deletes := 0, 0 // faults answer before the host: count what reached the server
			for _, r := range srv.Requests() {
				switch r.Method {
				case "PUT":
					puts++
				case "DELETE":
					deletes++
				}
			}
			// A failed upload abandons its session; a finished one does not.
			if want := map[bool]int{true: 1, false: 0}[c.wantErr != ""]; deletes != want {
				t.Errorf("%d DELETEs of the session, want %d", deletes, want)
			}
			if c.wantPuts != 0 && puts != c.wantPuts {
				t.Errorf("%d PUTs, want %d", puts, c.wantPuts)
			}
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
			if !bytes.Equal(h.data, file) {
				t.Errorf("the service holds %d bytes, not the %d-byte file", len(h.data), size)
			}
			if h.authSeen {
				t.Error("the mailbox's token was sent to the upload URL")
			}
			if puts < c.minPuts {
				t.Errorf("%d PUTs, want at least %d", puts, c.minPuts)
			}
		})
	}
}

// TestHostileUploadURL: an upload session whose URL the client must not
// send to is refused before a byte of the file is sent, and its error holds
// no credential of the URL.
func TestHostileUploadURL(t *testing.T) {
	const graph = "https://graph.microsoft.com"
	for _, hostile := range []string{
		"http://outlook.office.com/api/v2.0/AttachmentSessions('s')?authtoken=SECRET",
		"https://localhost/upload?authtoken=SECRET",
		"https://127.0.0.1:8443/upload?authtoken=SECRET",
		"https://10.20.30.40/upload?authtoken=SECRET",
		"https://169.254.169.254/latest/meta-data/?authtoken=SECRET",
		"https://[::1]/upload?authtoken=SECRET",
		"https://outlook.office.com.evil.example/upload?authtoken=SECRET",
		"https://evil.example/upload?authtoken=SECRET",
		"https://user:SECRET@outlook.office.com/upload",
	} {
		t.Run(hostile, func(t *testing.T) {
			n := transporttest.NewNet()
			n.Handle(graph, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusCreated)
				fmt.Fprintf(w, `{"uploadUrl":%q,"expirationDateTime":"2030-01-01T00:00:00Z","nextExpectedRanges":["0-"]}`, hostile)
			}))
			tr, err := transport.New(transport.Config{HTTPClient: n.Client()})
			if err != nil {
				t.Fatal(err)
			}
			oc, err := odata.NewClient(graph+"/v1.0", odata.Graph, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok"}),
				odata.WithDoer(tr), odata.WithUploadHosts("outlook.office.com", "outlook.office365.com"))
			if err != nil {
				t.Fatal(err)
			}
			s := NewService(oc)
			file := bytes.Repeat([]byte("f"), 4<<20)
			_, err = s.UploadAttachment(t.Context(), "AAMk1", "big.bin", "", bytes.NewReader(file), int64(len(file)), nil)
			if !errors.Is(err, odata.ErrUntrustedURL) {
				t.Fatalf("UploadAttachment = %v, want odata.ErrUntrustedURL", err)
			}
			if strings.Contains(err.Error(), "SECRET") {
				t.Errorf("error %q holds the URL's credential", err)
			}
			if o := n.Origins(); len(o) != 1 || o[0] != graph {
				t.Errorf("requests went to %v, want only the session's creation on %s", o, graph)
			}
		})
	}
}
