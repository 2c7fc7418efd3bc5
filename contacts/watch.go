package contacts

import (
	"context"
	"iter"

	"github.com/exchangekit/outlook/odata"
)

// Watch yields the changes to a contact folder's contacts as SyncContacts
// does, round after round, until ctx ends: pushed where the mailbox pushes
// (EWS streaming notifications on premises; Graph change notifications
// when the client's odata.WatchOptions name a Waker such as a
// notify.Receiver) and polled otherwise, each change once. Store the State
// of each odata.Checkpoint after applying the changes before it, and pass
// it back to resume after a restart. odata.Watch says how errors, retries
// and catching up go.
func (s *Service) Watch(ctx context.Context, folder FolderID, state string) iter.Seq2[odata.Change[Contact], error] {
	return odata.Watch(ctx, s.c, contactsPath(folder), state, nil,
		func(ctx context.Context, state string) iter.Seq2[odata.Change[Contact], error] {
			return s.SyncContacts(ctx, folder, state)
		})
}
