package directory

import (
	"github.com/exchangekit/outlook/item"
	"github.com/exchangekit/outlook/odata"
)

// RoomList is an address list of rooms (a distribution group of room
// mailboxes).
type RoomList struct {
	// ID is the place id Graph gives it; "" over EWS and REST v2.0, where
	// the address names it.
	ID           string `json:"id,omitempty"`
	DisplayName  string `json:"displayName"`
	EmailAddress string `json:"emailAddress"`
}

// WireSchema returns the wire mapping of a room list.
func (RoomList) WireSchema() *odata.Schema { return roomListSchema }

// Room is a room mailbox. Beyond its name and address, Graph alone gives
// its properties (from the room's place settings); over EWS and REST v2.0
// they are zero.
type Room struct {
	ID           string `json:"id,omitempty"`
	DisplayName  string `json:"displayName"`
	EmailAddress string `json:"emailAddress"`
	// Capacity is how many people the room holds; nil when unknown.
	Capacity               *int     `json:"capacity,omitempty"`
	Building               string   `json:"building,omitempty"`
	FloorNumber            *int     `json:"floorNumber,omitempty"`
	FloorLabel             string   `json:"floorLabel,omitempty"`
	Label                  string   `json:"label,omitempty"`
	Nickname               string   `json:"nickname,omitempty"`
	Phone                  string   `json:"phone,omitempty"`
	AudioDeviceName        string   `json:"audioDeviceName,omitempty"`
	VideoDeviceName        string   `json:"videoDeviceName,omitempty"`
	DisplayDeviceName      string   `json:"displayDeviceName,omitempty"`
	IsWheelChairAccessible bool     `json:"isWheelChairAccessible,omitempty"`
	Tags                   []string `json:"tags,omitempty"`
	// BookingType is "standard" (booked through its calendar) or
	// "reserved" (first come, first served).
	BookingType string `json:"bookingType,omitempty"`
}

// WireSchema returns the wire mapping of a room.
func (Room) WireSchema() *odata.Schema { return roomSchema }

// Attendee returns the room as a resource attendee's address.
func (r *Room) Attendee() item.EmailAddress {
	return item.EmailAddress{Name: r.DisplayName, Address: r.EmailAddress}
}

// Kind is what an address book entry is.
type Kind string

// Kinds of entries.
const (
	KindUser             Kind = "user"             // a mailbox user
	KindDistributionList Kind = "distributionList" // a distribution group (EWS PublicDL)
	KindContact          Kind = "contact"          // a mail contact or personal contact
	KindGroup            Kind = "group"            // a Microsoft 365 group (Graph) or group mailbox
	KindOther            Kind = "other"            // anything else the server resolved (a public folder, a one-off address)
)

// Person is an address book entry a name resolved to, or a member of a
// distribution list.
type Person struct {
	// ID is the directory object's id (Graph); "" over EWS.
	ID          string `json:"id,omitempty"`
	DisplayName string `json:"displayName"`
	// EmailAddress is the SMTP address a message can be sent to; "" for
	// an entry that has none (Graph users without a mailbox).
	EmailAddress      string `json:"mail"`
	UserPrincipalName string `json:"userPrincipalName,omitempty"`
	Kind              Kind   `json:"kind,omitempty"`
	JobTitle          string `json:"jobTitle,omitempty"`
	Department        string `json:"department,omitempty"`
	OfficeLocation    string `json:"officeLocation,omitempty"`
}

// WireSchema returns the wire mapping of a person.
func (Person) WireSchema() *odata.Schema { return personSchema }

// Recipient returns the person as a message recipient.
func (p *Person) Recipient() item.Recipient {
	return item.Recipient{EmailAddress: item.EmailAddress{Name: p.DisplayName, Address: p.EmailAddress}}
}
