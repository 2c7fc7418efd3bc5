package mail

import (
	"context"
	"iter"

	"github.com/exchangekit/outlook/odata"
)

// SyncMessages runs one round of change tracking over a folder's messages
// (Graph /delta, or Outlook REST v2.0 track-changes): with state "" it
// reports every message as odata.Upserted, then, from the state of the
// last odata.Checkpoint of a round, only what changed since (Upserted
// and Removed). Store each Checkpoint's State after applying the changes
// before it: resuming from it after a crash repeats at most the changes
// since, and loses none. An expired state yields an error matching
// odata.ErrGone; a state from the other dialect (the mailbox moved)
// odata.ErrStateMismatch: start over with "".
//
// Folders are tracked one at a time (the services have no mailbox-wide
// message delta), so folder must be a folder id or well-known name.
func (s *Service) SyncMessages(ctx context.Context, folder FolderID, state string) iter.Seq2[odata.Change[Message], error] {
	return s.SyncMessagesQuery(ctx, folder, nil, state)
}

// SyncMessagesQuery is SyncMessages with a query for the first round
// ($select, $top, and a $filter on ReceivedDateTime only); later rounds
// carry it in their state.
func (s *Service) SyncMessagesQuery(ctx context.Context, folder FolderID, q *odata.Query, state string) iter.Seq2[odata.Change[Message], error] {
	if err := checkFolder("SyncMessages", folder); err != nil {
		return func(yield func(odata.Change[Message], error) bool) { yield(odata.Change[Message]{}, err) }
	}
	return odata.Sync[Message](ctx, s.c, odata.PathOf("mailFolders/{}/messages", string(folder)), q, state)
}

// SyncFolders tracks changes to the whole folder hierarchy as SyncMessages
// does to messages (Graph only: on-premises servers had it as a preview,
// and it fails there with odata.ErrNotSupported).
func (s *Service) SyncFolders(ctx context.Context, state string) iter.Seq2[odata.Change[MailFolder], error] {
	if err := s.notOnV2("SyncFolders", "folder hierarchy sync was a preview of Outlook REST v2.0"); err != nil {
		return func(yield func(odata.Change[MailFolder], error) bool) { yield(odata.Change[MailFolder]{}, err) }
	}
	return odata.Sync[MailFolder](ctx, s.c, odata.PathOf("mailFolders"), nil, state)
}
