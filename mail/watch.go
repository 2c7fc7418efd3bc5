package mail

import (
	"context"
	"iter"

	"github.com/exchangekit/outlook/odata"
)

// Watch yields the changes to a folder's messages as SyncMessages does,
// round after round, until ctx ends: pushed where the mailbox pushes (EWS
// streaming notifications on premises; Graph change notifications when
// the client's odata.WatchOptions name a Waker such as a notify.Receiver)
// and polled otherwise (odata.DefaultPollInterval unless the options say
// another), each change once. Store the State of each odata.Checkpoint
// after applying the changes before it, and pass it back to resume after
// a restart; state "" starts by reporting every message of the folder as
// odata.Upserted. odata.Watch says how errors, retries and catching up go.
func (s *Service) Watch(ctx context.Context, folder FolderID, state string) iter.Seq2[odata.Change[Message], error] {
	if err := checkFolder("Watch", folder); err != nil {
		return func(yield func(odata.Change[Message], error) bool) { yield(odata.Change[Message]{}, err) }
	}
	return odata.Watch(ctx, s.c, odata.PathOf("mailFolders/{}/messages", string(folder)), state, nil,
		func(ctx context.Context, state string) iter.Seq2[odata.Change[Message], error] {
			return s.SyncMessages(ctx, folder, state)
		})
}
