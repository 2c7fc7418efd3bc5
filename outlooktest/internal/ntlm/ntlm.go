// Package ntlm is the server side of NTLM authentication (MS-NLMP) as the
// fake's on-premises hosts need it: reading the client's NEGOTIATE and
// AUTHENTICATE messages, writing the CHALLENGE between them, and checking
// an NTLMv2 response against an account's password. Older responses
// (LM, NTLMv1) are refused, as a domain that allows NTLMv2 only
// (LmCompatibilityLevel 5, the hardened default) refuses them.
//
// The NT one-way function needs MD4, which the standard library does not
// have; md4.go holds the few lines of it (RFC 1320).
package ntlm

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf16"
)

// signature starts every NTLMSSP message.
var signature = []byte("NTLMSSP\x00")

// The negotiate flags the server uses (MS-NLMP 2.2.2.5).
const (
	FlagUnicode                 = 0x00000001
	FlagOEM                     = 0x00000002
	FlagRequestTarget           = 0x00000004
	FlagSign                    = 0x00000010
	FlagSeal                    = 0x00000020
	FlagLMKey                   = 0x00000080
	FlagNTLM                    = 0x00000200
	FlagAlwaysSign              = 0x00008000
	FlagTargetTypeDomain        = 0x00010000
	FlagExtendedSessionSecurity = 0x00080000
	FlagTargetInfo              = 0x00800000
	FlagVersion                 = 0x02000000
	Flag128                     = 0x20000000
	FlagKeyExchange             = 0x40000000
	Flag56                      = 0x80000000
)

// MaxMessage bounds the messages this package reads: real ones are a few
// hundred bytes.
const MaxMessage = 64 << 10

// IsNTLM reports whether b is an NTLMSSP message (and not, say, a Kerberos
// token inside Negotiate).
func IsNTLM(b []byte) bool { return bytes.HasPrefix(b, signature) }

// MessageType returns the type of an NTLMSSP message: 1 NEGOTIATE,
// 2 CHALLENGE, 3 AUTHENTICATE.
func MessageType(b []byte) (uint32, error) {
	if len(b) < 12 || !IsNTLM(b) {
		return 0, errors.New("ntlm: not an NTLMSSP message")
	}
	if len(b) > MaxMessage {
		return 0, errors.New("ntlm: message too long")
	}
	return binary.LittleEndian.Uint32(b[8:12]), nil
}

// Negotiate is a NEGOTIATE_MESSAGE.
type Negotiate struct {
	Flags uint32
}

// ParseNegotiate reads a NEGOTIATE_MESSAGE.
func ParseNegotiate(b []byte) (*Negotiate, error) {
	t, err := MessageType(b)
	if err != nil {
		return nil, err
	}
	if t != 1 || len(b) < 16 {
		return nil, fmt.Errorf("ntlm: want a NEGOTIATE message, got type %d of %d bytes", t, len(b))
	}
	return &Negotiate{Flags: binary.LittleEndian.Uint32(b[12:16])}, nil
}

// Target names the server in its CHALLENGE: the NetBIOS and DNS names of
// its domain and of itself.
type Target struct {
	NetBIOSDomain, NetBIOSComputer, DNSDomain, DNSComputer string
}

// AV pair ids (MS-NLMP 2.2.2.1).
const (
	avEOL             = 0
	avNbComputerName  = 1
	avNbDomainName    = 2
	avDNSComputerName = 3
	avDNSDomainName   = 4
	avTimestamp       = 7
)

// Challenge writes a CHALLENGE_MESSAGE answering neg, with the server
// challenge given (8 random bytes, fresh for each handshake) and the
// time in its target information.
func Challenge(neg *Negotiate, t Target, serverChallenge [8]byte, now time.Time) []byte {
	flags := uint32(FlagUnicode | FlagRequestTarget | FlagNTLM | FlagAlwaysSign | FlagTargetTypeDomain |
		FlagExtendedSessionSecurity | FlagTargetInfo | FlagVersion | Flag128 | Flag56)
	if neg != nil {
		// Signing and sealing are offered when asked; key exchange and LM
		// keys never: the server takes NTLMv2 only.
		flags |= neg.Flags & (FlagSign | FlagSeal)
	}
	var info bytes.Buffer
	av := func(id uint16, v []byte) {
		var h [4]byte
		binary.LittleEndian.PutUint16(h[0:], id)
		binary.LittleEndian.PutUint16(h[2:], uint16(len(v)))
		info.Write(h[:])
		info.Write(v)
	}
	av(avNbDomainName, utf16le(t.NetBIOSDomain))
	av(avNbComputerName, utf16le(t.NetBIOSComputer))
	av(avDNSDomainName, utf16le(t.DNSDomain))
	av(avDNSComputerName, utf16le(t.DNSComputer))
	var ts [8]byte
	binary.LittleEndian.PutUint64(ts[:], FileTime(now))
	av(avTimestamp, ts[:])
	av(avEOL, nil)

	name := utf16le(t.NetBIOSDomain)
	const header = 56
	msg := make([]byte, header, header+len(name)+info.Len())
	copy(msg, signature)
	binary.LittleEndian.PutUint32(msg[8:], 2)
	putField(msg[12:], len(name), header)
	binary.LittleEndian.PutUint32(msg[20:], flags)
	copy(msg[24:32], serverChallenge[:])
	putField(msg[40:], info.Len(), header+len(name))
	// Version: Windows 10.0 build 17763 (Server 2019), NTLM revision 15.
	copy(msg[48:56], []byte{10, 0, 0x63, 0x45, 0, 0, 0, 15})
	msg = append(msg, name...)
	msg = append(msg, info.Bytes()...)
	return msg
}

func putField(b []byte, n, offset int) {
	binary.LittleEndian.PutUint16(b[0:], uint16(n))
	binary.LittleEndian.PutUint16(b[2:], uint16(n))
	binary.LittleEndian.PutUint32(b[4:], uint32(offset))
}

// Authenticate is an AUTHENTICATE_MESSAGE.
type Authenticate struct {
	Flags               uint32
	LMResponse          []byte
	NTResponse          []byte
	Domain, User        string
	Workstation         string
	EncryptedSessionKey []byte
}

// ParseAuthenticate reads an AUTHENTICATE_MESSAGE. Every field must lie
// inside the message.
func ParseAuthenticate(b []byte) (*Authenticate, error) {
	t, err := MessageType(b)
	if err != nil {
		return nil, err
	}
	if t != 3 || len(b) < 64 {
		return nil, fmt.Errorf("ntlm: want an AUTHENTICATE message, got type %d of %d bytes", t, len(b))
	}
	field := func(at int) ([]byte, error) {
		n := int(binary.LittleEndian.Uint16(b[at:]))
		off := int(binary.LittleEndian.Uint32(b[at+4:]))
		if n == 0 {
			return nil, nil
		}
		if off < 0 || off > len(b) || n > len(b)-off {
			return nil, fmt.Errorf("ntlm: a field of the AUTHENTICATE message (%d bytes at %d) lies outside its %d bytes", n, off, len(b))
		}
		return b[off : off+n], nil
	}
	a := &Authenticate{Flags: binary.LittleEndian.Uint32(b[60:64])}
	var fields [6][]byte
	for i, at := range []int{12, 20, 28, 36, 44, 52} {
		if fields[i], err = field(at); err != nil {
			return nil, err
		}
	}
	a.LMResponse, a.NTResponse, a.EncryptedSessionKey = fields[0], fields[1], fields[5]
	text := func(v []byte) (string, error) {
		if a.Flags&FlagUnicode == 0 {
			return string(v), nil
		}
		if len(v)%2 != 0 {
			return "", errors.New("ntlm: a UTF-16 field has an odd length")
		}
		u := make([]uint16, len(v)/2)
		for i := range u {
			u[i] = binary.LittleEndian.Uint16(v[2*i:])
		}
		return string(utf16.Decode(u)), nil
	}
	if a.Domain, err = text(fields[2]); err != nil {
		return nil, err
	}
	if a.User, err = text(fields[3]); err != nil {
		return nil, err
	}
	if a.Workstation, err = text(fields[4]); err != nil {
		return nil, err
	}
	return a, nil
}

// Errors of Verify, for logs and tests: a client learns only that it was
// refused.
var (
	ErrNotNTLMv2     = errors.New("ntlm: not an NTLMv2 response (LM and NTLMv1 are refused)")
	ErrAnonymous     = errors.New("ntlm: anonymous authentication is refused")
	ErrWrongPassword = errors.New("ntlm: the response does not match the account's password")
	ErrStale         = errors.New("ntlm: the response's time is too far from the server's")
)

// MaxSkew is how far the time in an NTLMv2 response may be from the
// server's: Windows' default allowance for clock skew.
const MaxSkew = 36 * time.Hour

// Verify checks an NTLMv2 response against the NT hash of the password of
// the account the message names, for the server challenge that was sent
// on this connection.
func Verify(a *Authenticate, serverChallenge [8]byte, ntHash [16]byte, now time.Time) error {
	switch {
	case a.User == "" && len(a.NTResponse) == 0:
		return ErrAnonymous
	case len(a.NTResponse) <= 24:
		return ErrNotNTLMv2
	}
	proof, blob := a.NTResponse[:16], a.NTResponse[16:]
	// The blob: RespType 1, HiRespType 1, 6 reserved bytes, the time, the
	// client challenge, 4 reserved bytes, the AV pairs.
	if len(blob) < 28 || blob[0] != 1 || blob[1] != 1 {
		return ErrNotNTLMv2
	}
	ts := binary.LittleEndian.Uint64(blob[8:16])
	if d := now.Sub(fromFileTime(ts)); d > MaxSkew || d < -MaxSkew {
		return ErrStale
	}
	key := NTOWFv2(ntHash, a.User, a.Domain)
	h := hmac.New(md5.New, key)
	h.Write(serverChallenge[:])
	h.Write(blob)
	if !hmac.Equal(h.Sum(nil), proof) {
		return ErrWrongPassword
	}
	return nil
}

// NTHash is the NT one-way function of a password: MD4 of its UTF-16LE
// form.
func NTHash(password string) [16]byte { return md4Sum(utf16le(password)) }

// NTOWFv2 is the NTLMv2 key of an account: HMAC-MD5 keyed with the NT
// hash, of the upper-cased user name and the domain name as the client
// gave them, in UTF-16LE.
func NTOWFv2(ntHash [16]byte, user, domain string) []byte {
	h := hmac.New(md5.New, ntHash[:])
	h.Write(utf16le(strings.ToUpper(user) + domain))
	return h.Sum(nil)
}

func utf16le(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		binary.LittleEndian.PutUint16(b[2*i:], c)
	}
	return b
}

// FileTime is t as a Windows FILETIME: 100-nanosecond intervals since
// 1601-01-01.
func FileTime(t time.Time) uint64 {
	return uint64(t.UnixNano()/100) + 116444736000000000
}

func fromFileTime(ft uint64) time.Time {
	const epochDiff = 116444736000000000
	if ft < epochDiff {
		return time.Time{}
	}
	return time.Unix(0, int64(ft-epochDiff)*100)
}
