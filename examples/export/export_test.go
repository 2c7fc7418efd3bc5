package main

import (
	"context"
	"fmt"
	"io/fs"
	"maps"
	"mime"
	netmail "net/mail"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/exchangekit/outlook/examples/internal/demo"
	"github.com/exchangekit/outlook/outlooktest"
)

// An export killed half way (its context cancelled after a number of files,
// with downloads in flight) and resumed holds every message of the mailbox,
// each once, in its folder's directory, and downloads no message twice: the
// files written by both runs add up to the mailbox's messages. A later run
// after the mailbox changed writes what is new and removes what is gone.
// Each kind of mailbox, with and without faults (throttling, dropped
// connections, answers cut in the middle of a body).
func TestKilledExportResumes(t *testing.T) {
	for _, addr := range demo.Addresses {
		for _, faults := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/faults=%v", addr, faults), func(t *testing.T) {
				t.Parallel()
				testKilledExportResumes(t, addr, faults)
			})
		}
	}
}

func testKilledExportResumes(t *testing.T, addr string, faults bool) {
	const seeded = 60
	tn, err := demo.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer tn.Close()
	seed(tn, seeded)
	mb, err := tn.Mailbox(t.Context(), addr)
	if err != nil {
		t.Fatal(err)
	}
	if faults {
		tn.Storm()
	}
	opts := Options{Dir: t.TempDir()}
	written := 0 // files written over the runs

	for _, killAt := range []int64{7, 25} { // in the first page, then in a later one
		ctx, cancel := context.WithCancel(t.Context())
		var n atomic.Int64
		killed := opts
		killed.Written = func(string) {
			if n.Add(1) == killAt {
				cancel()
			}
		}
		res, err := Export(ctx, mbs(mb), killed)
		cancel()
		written += res.Written
		if err == nil {
			t.Fatalf("the export was not interrupted after %d files: %s", killAt, res)
		}
		t.Logf("killed after %d files: %s (%v)", killAt, res, err)
		checkNoPartials(t, opts.Dir)
		total := &counter{}
		if killAt == 25 {
			resumed := opts
			resumed.Progress = total
			res, err = Export(t.Context(), mbs(mb), resumed)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("resumed: %s", res)
			checkExport(t, tn.Server.Mailbox(addr), opts.Dir)
			if written += res.Written; written != seeded {
				t.Errorf("%d files written over the runs for %d messages", written, seeded)
			}
			if total.done.Load() != int64(res.Written+res.Skipped) {
				t.Errorf("progress saw %d messages done; the run wrote %d and kept %d", total.done.Load(), res.Written, res.Skipped)
			}
		}
	}

	// The mailbox changes: one message arrives, one is deleted (moved to
	// Deleted Items), and the next run follows.
	change(tn)
	res, err := Export(t.Context(), mbs(mb), opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.Written != 2 || res.Removed != 1 || res.Skipped != 0 {
		t.Errorf("after one message arrived and one moved: %s; want 2 written (the new one, the moved one) and 1 removed", res)
	}
	checkExport(t, tn.Server.Mailbox(addr), opts.Dir)
}

func mbs[T any](x ...T) []T { return x }

// counter is a Progress that counts.
type counter struct{ expect, done atomic.Int64 }

func (c *counter) Expect(n int) { c.expect.Add(int64(n)) }
func (c *counter) Done()        { c.done.Add(1) }

// checkExport compares the export with the mailbox in the fake: each
// message once, in the directory of its folder's path, nothing else.
func checkExport(t *testing.T, mb *outlooktest.Mailbox, dir string) {
	t.Helper()
	want := map[string]int{}
	folders := map[string]outlooktest.Object{}
	for _, f := range mb.Items("mailFolders") {
		folders[f["id"].(string)] = f
	}
	for _, m := range mb.Items("messages") {
		var path []string
		for id := m["parentFolderId"].(string); folders[id] != nil; id, _ = folders[id]["parentFolderId"].(string) {
			path = append([]string{safeName(folders[id]["displayName"].(string))}, path...)
		}
		want[strings.Join(path, "/")+": "+m["subject"].(string)]++
	}
	got := map[string]int{}
	root := filepath.Join(dir, safeName(mb.Address()))
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		msg, err := netmail.ReadMessage(f)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(p))
		got[filepath.ToSlash(rel)+": "+subject]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if got[k] != 1 {
			t.Errorf("%s: %d files", k, got[k])
		}
	}
	for _, k := range slices.Sorted(maps.Keys(got)) {
		if want[k] == 0 {
			t.Errorf("%s: %d files of a message the mailbox does not hold", k, got[k])
		}
	}
}

// checkNoPartials fails when an interrupted download left a file behind.
func checkNoPartials(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), ".partial-") {
			t.Errorf("a partial file is left: %s", p)
		}
		return err
	})
}

// Chosen folders alone are exported, matched without regard to case.
func TestChosenFolders(t *testing.T) {
	tn, err := demo.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer tn.Close()
	seed(tn, 9)
	mb, err := tn.Mailbox(t.Context(), demo.Cloud)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	res, err := Export(t.Context(), mbs(mb), Options{Dir: dir, Folders: []string{"inbox/projects"}})
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, demo.Cloud, "Inbox", "Projects"))
	if res.Written != 3 || len(entries) != 3 {
		t.Errorf("wrote %d messages, %d files in Inbox/Projects; want the folder's 3", res.Written, len(entries))
	}
	inbox, _ := os.ReadDir(filepath.Join(dir, demo.Cloud, "Inbox"))
	if len(inbox) != 1 {
		t.Errorf("Inbox holds %d entries; want only Projects", len(inbox))
	}
}

// The demo runs with no flags: interrupted, resumed, brought up to date.
func TestDemo(t *testing.T) {
	var out strings.Builder
	if err := runDemo(t.Context(), &out, t.TempDir(), Options{}, true); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"carol@contoso.com: on-premises, REST v2.0", "Interrupted after 60 messages", "Resumed: ", "6 messages written, 0 already on disk, 3 files removed"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// A state file that is not one is refused, not overwritten.
func TestBadStateFile(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, ".export-state.json"), []byte("{"), 0o644)
	if _, err := Export(t.Context(), nil, Options{Dir: dir}); err == nil || !strings.Contains(err.Error(), "reading the state file") {
		t.Errorf("a broken state file: %v", err)
	}
}
