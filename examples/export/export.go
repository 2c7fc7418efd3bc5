package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/exchangekit/outlook"
	"github.com/exchangekit/outlook/mail"
	"github.com/exchangekit/outlook/odata"
)

// MaxWorkers is the most downloads the export runs at once per mailbox:
// Exchange Online allows an application 4 concurrent requests per mailbox
// and throttles beyond (on-premises Exchange's default EWS throttling
// policy is of the same order); the SDK holds each mailbox to it too.
const MaxWorkers = 4

// Options say what an export writes where.
type Options struct {
	// Dir is the folder tree's root: Dir/<mailbox>/<folder>/<subfolder>/...,
	// one .eml file per message.
	Dir string
	// Folders are the folder paths to export ("Inbox", "Inbox/Projects"),
	// as the mailbox shows them, matched without regard to case; none
	// means every mail folder.
	Folders []string
	// Workers is the number of concurrent downloads per mailbox, at most
	// MaxWorkers; 0 means MaxWorkers.
	Workers int
	// State is the state file; "" means Dir/.export-state.json.
	State string
	// Progress, when set, is told of the work: the messages to expect and
	// each one done (written or already on disk).
	Progress Progress
	// Log gets a line per folder exported; nil discards them.
	Log io.Writer
	// Written, when set, is called after each .eml file is on disk.
	Written func(path string)
}

// Progress follows an export (a progress bar).
type Progress interface {
	Expect(n int) // n more messages to go (an estimate: folders' item counts)
	Done()        // one message written or found already on disk
}

// Result counts what an export did.
type Result struct {
	Written int // messages downloaded and written
	Skipped int // messages already on disk from an interrupted run, not downloaded again
	Removed int // files of messages deleted or moved away since the last run
}

// state is the state file: per mailbox and folder, where the folder is
// written and the change-tracking state up to which its files are on disk.
type state struct {
	Mailboxes map[string]map[string]*folderState `json:"mailboxes"` // address -> folder id -> state
}

type folderState struct {
	Path string `json:"path"` // the folder's path in the mailbox, for people
	Dir  string `json:"dir"`  // below Options.Dir, slash-separated
	Sync string `json:"sync"` // the last checkpoint whose files are all on disk
	// Complete is set once a round reached its end: from then on a message
	// reported again has changed and is downloaded again; before, one
	// already on disk is from the interrupted round and is kept.
	Complete bool `json:"complete"`
}

// exporter runs one export.
type exporter struct {
	opts    Options
	mu      sync.Mutex // guards st and its file
	st      state
	written atomic.Int64
	skipped atomic.Int64
	removed atomic.Int64
}

// Export exports the mailboxes' folders into opts.Dir, resuming from the
// state file a previous run left. It downloads each message once: a run
// cut short (its context cancelled, the process killed) resumes from the
// last change-tracking checkpoint whose files were all on disk, and keeps
// the files written since. Files are written whole or not at all.
func Export(ctx context.Context, boxes []*outlook.Mailbox, opts Options) (Result, error) {
	if opts.Workers <= 0 || opts.Workers > MaxWorkers {
		opts.Workers = MaxWorkers
	}
	if opts.State == "" {
		opts.State = filepath.Join(opts.Dir, ".export-state.json")
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	x := &exporter{opts: opts}
	if err := x.load(); err != nil {
		return Result{}, err
	}
	g, gctx := errgroup.WithContext(ctx)
	for _, mb := range boxes {
		g.Go(func() error { return x.mailbox(gctx, mb) })
	}
	err := g.Wait()
	return Result{Written: int(x.written.Load()), Skipped: int(x.skipped.Load()), Removed: int(x.removed.Load())}, err
}

// folder is one folder to export.
type folder struct {
	id   string
	path string
	st   *folderState
}

// mailbox exports one mailbox, folder after folder.
func (x *exporter) mailbox(ctx context.Context, mb *outlook.Mailbox) error {
	folders, err := x.folders(ctx, mb)
	if err != nil {
		return fmt.Errorf("%s: listing folders: %w", mb.Address(), err)
	}
	for _, f := range folders {
		if err := x.folder(ctx, mb, f); err != nil {
			return fmt.Errorf("%s, folder %s: %w", mb.Address(), f.path, err)
		}
	}
	return nil
}

// folders walks the mailbox's folders and picks those to export, giving
// each new one a directory of its own.
func (x *exporter) folders(ctx context.Context, mb *outlook.Mailbox) ([]folder, error) {
	var picked []folder
	var dirs []string // the path's directory names, by depth
	expect := 0
	for e, err := range mb.Mail.WalkFolders(ctx, "", nil) {
		if err != nil {
			return nil, err
		}
		dirs = append(dirs[:e.Depth-1], safeName(e.Folder.DisplayName))
		if len(x.opts.Folders) > 0 && !slices.ContainsFunc(x.opts.Folders, func(p string) bool { return strings.EqualFold(p, e.Path) }) {
			continue
		}
		f := folder{id: e.Folder.ID, path: e.Path, st: x.folderState(mb.Address(), e.Folder.ID, e.Path, dirs)}
		picked = append(picked, f)
		x.mu.Lock()
		if !f.st.Complete { // a folder brought up to date brings its changes alone, unknown until they come
			expect += e.Folder.TotalItemCount
		}
		x.mu.Unlock()
	}
	if x.opts.Progress != nil {
		x.opts.Progress.Expect(expect)
	}
	return picked, nil
}

// folderState returns the state of a folder, making it for a folder seen
// for the first time: its directory is its path's, made unique.
func (x *exporter) folderState(addr, id, path string, dirs []string) *folderState {
	x.mu.Lock()
	defer x.mu.Unlock()
	boxes := x.st.Mailboxes
	if boxes[addr] == nil {
		boxes[addr] = map[string]*folderState{}
	}
	if fs := boxes[addr][id]; fs != nil {
		return fs
	}
	dir := safeName(addr) + "/" + strings.Join(dirs, "/")
	for _, other := range boxes[addr] {
		if strings.EqualFold(other.Dir, dir) { // two names the same once made safe
			dir += "~" + hash(id)[:8]
			break
		}
	}
	fs := &folderState{Path: path, Dir: dir}
	boxes[addr][id] = fs
	return fs
}

// syncQuery asks only for ids (the download gets the rest) in pages of 50,
// so that a checkpoint, and the state file, follows every 50 messages.
var syncQuery = &odata.Query{Select: odata.Fields(mail.Subject), Prefer: odata.Prefer{MaxPageSize: 50}}

// folder runs change tracking over one folder from its stored state: the
// messages reported new or changed since a checkpoint are downloaded, and
// only when all their files are on disk is the checkpoint's state stored.
func (x *exporter) folder(ctx context.Context, mb *outlook.Mailbox, f folder) error {
	dir := filepath.Join(x.opts.Dir, filepath.FromSlash(f.st.Dir))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var pending []string
	n := 0 // messages of the folder on disk
	for ch, err := range mb.Mail.SyncMessagesQuery(ctx, mail.FolderID(f.id), syncQuery, x.syncState(f.st)) {
		if errors.Is(err, odata.ErrGone) && x.syncState(f.st) != "" {
			// The state expired, or the mailbox moved to the other API:
			// start the folder over; files on disk are kept, not fetched
			// again.
			x.reset(f.st)
			return x.folder(ctx, mb, f)
		}
		if err != nil {
			return err
		}
		switch ch.Kind {
		case odata.Upserted:
			pending = append(pending, ch.ID)
		case odata.Removed:
			err := os.Remove(filepath.Join(dir, fileName(ch.ID)))
			if err == nil {
				x.removed.Add(1)
			} else if !errors.Is(err, os.ErrNotExist) {
				return err
			}
		case odata.Checkpoint:
			if err := x.download(ctx, mb, dir, f.st, pending); err != nil {
				return err
			}
			n += len(pending)
			pending = pending[:0]
			if err := x.checkpoint(f.st, ch.State, ch.Done); err != nil {
				return err
			}
		}
	}
	if n > 0 && x.opts.Progress == nil { // a bar on screen is the news
		fmt.Fprintf(x.opts.Log, "%s: %s: %d messages\n", mb.Address(), f.path, n)
	}
	return nil
}

// download writes the messages' files, MaxWorkers at a time, and returns
// once all are on disk or one failed.
func (x *exporter) download(ctx context.Context, mb *outlook.Mailbox, dir string, fs *folderState, ids []string) error {
	x.mu.Lock()
	keep := !fs.Complete
	x.mu.Unlock()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(x.opts.Workers)
	for _, id := range ids {
		path := filepath.Join(dir, fileName(id))
		if _, err := os.Stat(path); err == nil && keep {
			x.skipped.Add(1) // written by a run cut short after it
			x.done()
			continue
		}
		g.Go(func() error {
			if err := fetch(gctx, mb, id, path); err != nil {
				if errors.Is(err, odata.ErrNotFound) {
					return nil // gone since it was listed: the next round reports it removed
				}
				return err
			}
			x.written.Add(1)
			x.done()
			if x.opts.Written != nil {
				x.opts.Written(path)
			}
			return nil
		})
	}
	return g.Wait()
}

func (x *exporter) done() {
	if x.opts.Progress != nil {
		x.opts.Progress.Done()
	}
}

// attempts is how often a download is tried: the SDK retries what failed
// before an answer came; a body cut in the middle of a stream is tried
// again here.
const attempts = 5

// fetch downloads one message into path, atomically.
func fetch(ctx context.Context, mb *outlook.Mailbox, id, path string) error {
	var err error
	for try := range attempts {
		if try > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Duration(try*try) * 100 * time.Millisecond):
			}
		}
		err = writeFile(path, func(w io.Writer) error { return writeEML(ctx, mb, id, w) })
		if err == nil || ctx.Err() != nil || errors.Is(err, odata.ErrNotFound) {
			return err
		}
	}
	return err
}

// writeEML writes the message's MIME content: the server's own where the
// API serves it (Graph, EWS), else composed from the message's properties
// and attachments (REST v2.0).
func writeEML(ctx context.Context, mb *outlook.Mailbox, id string, w io.Writer) error {
	r, err := mb.Mail.GetMIME(ctx, id)
	if errors.Is(err, odata.ErrNotSupported) {
		return composeEML(ctx, mb.Mail, id, w)
	}
	if err != nil {
		return err
	}
	defer r.Close()
	_, err = io.Copy(w, r)
	return err
}

// writeFile writes a file whole or not at all: into a temporary file
// beside it, synced, then renamed over the name.
func writeFile(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".partial-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename, there is nothing to remove
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// load reads the state file, if there is one.
func (x *exporter) load() error {
	x.st.Mailboxes = map[string]map[string]*folderState{}
	b, err := os.ReadFile(x.opts.State)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, &x.st); err != nil {
		return fmt.Errorf("reading the state file %s: %w", x.opts.State, err)
	}
	if x.st.Mailboxes == nil {
		x.st.Mailboxes = map[string]map[string]*folderState{}
	}
	return nil
}

func (x *exporter) syncState(fs *folderState) string {
	x.mu.Lock()
	defer x.mu.Unlock()
	return fs.Sync
}

func (x *exporter) reset(fs *folderState) {
	x.mu.Lock()
	defer x.mu.Unlock()
	fs.Sync, fs.Complete = "", false
}

// checkpoint records a folder's state and writes the state file, whole.
func (x *exporter) checkpoint(fs *folderState, sync string, done bool) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	fs.Sync = sync
	fs.Complete = fs.Complete || done
	b, err := json.MarshalIndent(&x.st, "", "\t")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(x.opts.State), 0o755); err != nil {
		return err
	}
	return writeFile(x.opts.State, func(w io.Writer) error { _, err := w.Write(b); return err })
}

// fileName is a message's file name: a hash of its id, which is stable and
// safe in any file system (ids hold '/', '+' and '=').
func fileName(id string) string { return hash(id)[:32] + ".eml" }

func hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// safeName makes a folder's display name or an address a directory name
// on any system: no separators, reserved characters or control characters,
// no "." or "..", no trailing dot or space (Windows drops them).
func safeName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, s)
	s = strings.TrimRight(s, ". ")
	if s == "" {
		return "_"
	}
	return s
}
