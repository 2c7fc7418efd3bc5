package odata

import (
	"context"
	"fmt"
	"iter"
)

// This file is the seam through which a mailbox's server pushes news of
// changes (EWS streaming notifications) to a watcher. A push only wakes
// the watcher: the changes themselves are read by a delta round from the
// watcher's saved state, so a lost, repeated or reordered push can delay a
// change but never lose or duplicate one.

// A PushRequest names the collection whose changes a [Pusher] is asked to
// push: the same path a sync of that collection reads (for example
// users/{id}/mailFolders/{id}/messages), so a watcher that gets a push
// runs its delta round over the very path it was told about.
type PushRequest struct {
	// Path is the collection, as Sync would read it.
	Path Path
	// Watermark is where an earlier stream of the same collection stopped
	// ([PushEvent.Watermark]); empty starts at the present.
	Watermark string
	// Mailbox is the mailbox the request acts for (the anchor mailbox).
	Mailbox string
}

// A PushEvent is one notice that the collection changed, or that the
// server may have lost notices.
type PushEvent struct {
	// Watermark is where a new stream resumes to miss nothing after this
	// event; empty when the backend has none.
	Watermark string
	// Missed reports that the server lost notices (its subscription
	// expired, the watermark was too old): the watcher catches up with a
	// delta round, which it does on every event anyway.
	Missed bool
}

// A Pusher is a [Backend] that can push change notices for a collection.
// Push returns at once; the sequence yields a Missed event as soon as the
// server is watching (what changed before is in no notice), then an event
// per change notice
// (several changes may share one) until ctx ends or an error the Pusher
// cannot recover from (it reconnects dropped streams itself, resuming from
// its watermark). The sequence must stop when ctx is done.
type Pusher interface {
	Push(ctx context.Context, r *PushRequest) iter.Seq2[PushEvent, error]
}

// Push asks the mailbox's backend to push notices of changes to the
// collection at p. It fails with [ErrNotSupported] where the mailbox's
// server pushes nothing this way (Graph and REST v2.0 mailboxes: Graph
// pushes through subscriptions to a receiver the application runs).
func (c *Client) Push(ctx context.Context, p Path, watermark string) (iter.Seq2[PushEvent, error], error) {
	t := c.t.Load()
	pu, ok := t.backend.(Pusher)
	if !ok {
		return nil, fmt.Errorf("odata: push notices for %s: the %s dialect has no stream: %w", p, t.dialect, ErrNotSupported)
	}
	return pu.Push(ctx, &PushRequest{Path: p, Watermark: watermark, Mailbox: c.anchor}), nil
}
