// Package calendar reads, writes and tracks the calendars of one mailbox:
// events (single, recurring, occurrences and exceptions), calendar views
// with recurrences expanded, meeting responses, cancellation and
// forwarding, reminders, event attachments, calendars and calendar groups,
// calendar-view change tracking and free/busy schedules.
//
// A [Service] is reached through a mailbox handle (mb.Calendar) and works
// the same for Exchange Online mailboxes (Microsoft Graph v1.0) and
// on-premises ones (Outlook REST v2.0); the few operations on-premises
// servers lack fail there with an error matching odata.ErrNotSupported,
// before any request:
//
//	for ev, err := range mb.Calendar.View(ctx, monday, monday.AddDate(0, 0, 7), nil) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(ev.Start.DateTime, ev.Subject)
//	}
//
// The models carry Graph names, and each carries its wire mapping
// (WireSchema), from which package odata spells bodies and queries for
// Outlook REST v2.0 and the EWS backend finds each property. Enum values
// decode whatever their case, and values this package does not know are
// kept as sent: give every switch on them a default case.
//
// Event boundaries are [item.DateTimeTimeZone] values (a wall clock and
// the zone it is in), since all-day and recurring events are defined in
// their zone; recurrence dates are [Date] values.
package calendar
