package calendar_test

import (
	"bytes"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/exchangekit/outlook/calendar"
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
	"github.com/exchangekit/outlook/outlooktest"
)

func uploadEvent(t *testing.T, e *env) *calendar.Event {
	t.Helper()
	start := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	ev, err := e.MB.Calendar.CreateEvent(t.Context(), calendar.DefaultCalendar, &calendar.Event{Subject: "Board pack",
		Start: item.FromTime(start), End: item.FromTime(start.Add(time.Hour))})
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// A file larger than a request takes inline goes to an event through an
// upload session in the cloud (chunks to the upload host) and in one
// request on premises, where no upload sessions exist; it reads back the
// same everywhere.
func TestUploadAttachmentEveryLocation(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		ev := uploadEvent(t, e)
		file := bytes.Repeat([]byte("0123456789abcdef"), 5<<20/16+7)
		e.Srv.ResetRequests()
		a, err := e.MB.Calendar.UploadAttachment(ctx, ev.ID, "pack.pdf", "application/pdf", bytes.NewReader(file), int64(len(file)),
			&calendar.UploadOptions{ChunkSize: 4 * calendar.UploadChunkUnit})
		if err != nil {
			t.Fatalf("UploadAttachment: %v", err)
		}
		got, err := e.MB.Calendar.GetAttachment(ctx, ev.ID, a.ID)
		if err != nil || !bytes.Equal(got.ContentBytes, file) || got.Name != "pack.pdf" {
			t.Fatalf("GetAttachment: %+v, %v", a, err)
		}
		puts := 0
		for _, r := range e.Srv.Requests() {
			if r.Host == "outlook.office.com" && r.Method == http.MethodPut {
				puts++
			}
		}
		chunks := (len(file) + 4*calendar.UploadChunkUnit - 1) / (4 * calendar.UploadChunkUnit)
		if e.Loc == cloud && puts != chunks || e.Loc != cloud && puts != 0 {
			t.Errorf("%d chunks sent to the upload host; want %d in the cloud, none on premises", puts, chunks)
		}
		// A small file goes inline everywhere.
		small, err := e.MB.Calendar.UploadAttachment(ctx, ev.ID, "agenda.txt", "text/plain", bytes.NewReader([]byte("1. budget")), 9, nil)
		if err != nil || small.ID == "" {
			t.Fatalf("UploadAttachment(small) = %+v, %v", small, err)
		}
	})
}

// failingReader gives n bytes, then an error.
type failingReader struct{ n int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, errors.New("disk gone")
	}
	k := min(len(p), r.n)
	clear(p[:k])
	r.n -= k
	return k, nil
}

// An upload that fails half way abandons its session: the session is
// deleted, and the event keeps no attachment.
func TestUploadAbandonedSessionIsDeleted(t *testing.T) {
	e := newEnv(t, cloud)
	ctx := t.Context()
	ev := uploadEvent(t, e)
	size := int64(12 * calendar.UploadChunkUnit) // over MaxInlineAttachmentSize
	e.Srv.ResetRequests()
	_, err := e.MB.Calendar.UploadAttachment(ctx, ev.ID, "half.bin", "", &failingReader{n: 5 * calendar.UploadChunkUnit}, size,
		&calendar.UploadOptions{ChunkSize: 2 * calendar.UploadChunkUnit})
	if !errors.Is(err, odata.ErrUploadReader) || !errors.Is(err, calendar.ErrInvalidEvent) {
		t.Fatalf("UploadAttachment = %v, want a reader error", err)
	}
	var deletes []outlooktest.Request
	for _, r := range e.Srv.Requests() {
		if r.Host == "outlook.office.com" && r.Method == http.MethodDelete {
			deletes = append(deletes, r)
		}
	}
	if len(deletes) != 1 || deletes[0].Status != http.StatusNoContent {
		t.Fatalf("DELETEs of the session: %+v; want one, answered 204", deletes)
	}
	for a, err := range e.MB.Calendar.ListAttachments(ctx, ev.ID, nil) {
		t.Errorf("attachment %+v, %v left after the abandoned upload", a, err)
	}
}
