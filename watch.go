package outlook

import "github.com/exchangekit/outlook/odata"

// WithWatch sets how the Watch methods of the mailboxes' services (such as
// mail.Service.Watch) learn of changes: a Waker for Graph mailboxes (a
// notify.Receiver the application serves), and the poll and catch-up
// intervals. Without it, Graph and Outlook REST v2.0 mailboxes are polled
// every odata.DefaultPollInterval, and EWS mailboxes are pushed to by
// streaming notifications.
func WithWatch(o *odata.WatchOptions) Option {
	return func(c *config) error {
		c.watch = o
		return nil
	}
}
