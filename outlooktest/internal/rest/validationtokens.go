package rest

// The validationTokens of rich notifications: Graph adds to each
// collection with resource data a JWT per application and tenant of its
// notifications, which the receiver checks against the identity
// platform's keys. The fake posts one subscription's notifications per
// request, so a rich collection carries one token, for the subscription's
// application and tenant, minted by the fake's issuer.

// SetValidationTokens makes rich deliveries carry validationTokens made by
// mint for the subscription's application (client id) and tenant; none
// are sent while it is nil.
func (s *Subscriptions) SetValidationTokens(mint func(appID, tenantID string) string) {
	s.mu.Lock()
	s.mint = mint
	s.mu.Unlock()
}

// collection is the body of a delivery of sub's notifications. s.mu is
// held.
func (s *Subscriptions) collection(sub *subscription, items []any) Object {
	c := Object{"value": items}
	if sub.rich != nil && s.mint != nil {
		c["validationTokens"] = []string{s.mint(sub.appID, sub.tenant)}
	}
	return c
}
