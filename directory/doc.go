// Package directory reads the organisation's address book as a mailbox
// sees it: the room lists and rooms meetings are booked in, and the people
// and distribution lists a partial name or address resolves to, each with
// the address a message or invitation can be sent to.
//
// Where each works:
//
//   - Exchange Online (Microsoft Graph v1.0): room lists and rooms through
//     places (capacity, building, floor, devices, accessibility; the app
//     needs Place.Read.All), people through a $search of users and then of
//     mail-enabled groups (ConsistencyLevel: eventual; User.Read.All or
//     User.ReadBasic.All, and GroupMember.Read.All for groups and their
//     members), distribution lists through the group's members, photos
//     through users/{address}/photo/$value (ProfilePhoto.Read.All or
//     User.Read.All).
//   - On premises through EWS: room lists and rooms through GetRoomLists
//     and GetRooms (names and addresses only: EWS has no capacity),
//     people through ResolveNames, distribution lists through ExpandDL.
//   - On premises through Outlook REST v2.0: room lists and rooms through
//     findroomlists and findrooms (names and addresses only); name
//     resolution and distribution lists are not served there, and fail
//     with odata.ErrNotSupported before any request.
//
// A person's photo (Photo) is served in all three: Graph's and REST
// v2.0's users/{address}/photo/$value, and EWS's GetUserPhoto.
//
// A room's free/busy is its calendar's schedule: pass its EmailAddress to
// the calendar service's GetSchedule.
package directory
