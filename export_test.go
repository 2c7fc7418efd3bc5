package outlook

// MailboxCacheCounts reports the handles the client caches and those it let
// go of but still finds while they are held.
func (c *Client) MailboxCacheCounts() (cached, evicted int) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.handles.counts()
}
