package ntlm

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"testing"
	"time"
)

// RFC 1320's test suite.
func TestMD4(t *testing.T) {
	for in, want := range map[string]string{
		"":                           "31d6cfe0d16ae931b73c59d7e0c089c0",
		"a":                          "bde52cb31de33e46245e05fbdbd6fb24",
		"abc":                        "a448017aaf21d8525fc10ae87aa6729d",
		"message digest":             "d9130a8164549fe818874806e1c7014b",
		"abcdefghijklmnopqrstuvwxyz": "d79e1c308aa5bbcdeea8ed63df412da9",
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789":                   "043f8582f241db351ce627e153e7f0e4",
		"12345678901234567890123456789012345678901234567890123456789012345678901234567890": "e33b4ddc9c38f2199c3e7b164fcc0536",
	} {
		got := md4Sum([]byte(in))
		if hex.EncodeToString(got[:]) != want {
			t.Errorf("MD4(%q) = %x; want %s", in, got, want)
		}
	}
}

// MS-NLMP 4.2.2.1.2 and 4.2.4: the NT hash of "Password", and the NTLMv2
// key and proof for user "User", domain "Domain", with the document's
// challenges, time 0 and AV pairs.
func TestNTLMv2Vectors(t *testing.T) {
	h := NTHash("Password")
	if got := hex.EncodeToString(h[:]); got != "a4f49c406510bdcab6824ee7c30fd852" {
		t.Fatalf("NTHash(Password) = %s", got)
	}
	key := NTOWFv2(h, "User", "Domain")
	if got := hex.EncodeToString(key); got != "0c868a403bfd7a93a3001ef22ef02e3f" {
		t.Fatalf("NTOWFv2 = %s", got)
	}
	server, _ := hex.DecodeString("0123456789abcdef")
	var blob bytes.Buffer
	blob.Write([]byte{1, 1, 0, 0, 0, 0, 0, 0})
	blob.Write(make([]byte, 8)) // time 0
	blob.Write(bytes.Repeat([]byte{0xaa}, 8))
	blob.Write(make([]byte, 4))
	av, _ := hex.DecodeString("02000c0044006f006d00610069006e0001000c0053006500720076006500720000000000")
	blob.Write(av)
	blob.Write(make([]byte, 4))
	m := hmac.New(md5.New, key)
	m.Write(server)
	m.Write(blob.Bytes())
	if got := hex.EncodeToString(m.Sum(nil)); got != "68cd0ab851e51c96aabc927bebef6a1c" {
		t.Fatalf("NTProofStr = %s", got)
	}
}

// authenticate builds an AUTHENTICATE message the way a client does.
func authenticate(user, domain, password string, challenge [8]byte, when time.Time) []byte {
	var blob bytes.Buffer
	blob.Write([]byte{1, 1, 0, 0, 0, 0, 0, 0})
	binary.Write(&blob, binary.LittleEndian, FileTime(when))
	blob.Write([]byte("clientch"))
	blob.Write(make([]byte, 4))
	blob.Write([]byte{0, 0, 0, 0})
	key := NTOWFv2(NTHash(password), user, domain)
	m := hmac.New(md5.New, key)
	m.Write(challenge[:])
	m.Write(blob.Bytes())
	nt := append(m.Sum(nil), blob.Bytes()...)
	fields := [][]byte{make([]byte, 24), nt, utf16le(domain), utf16le(user), utf16le("WS"), nil}
	msg := make([]byte, 64)
	copy(msg, signature)
	binary.LittleEndian.PutUint32(msg[8:], 3)
	off := 64
	for i, f := range fields {
		putField(msg[12+8*i:], len(f), off)
		off += len(f)
	}
	binary.LittleEndian.PutUint32(msg[60:], FlagUnicode|FlagNTLM)
	for _, f := range fields {
		msg = append(msg, f...)
	}
	return msg
}

func TestVerify(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	ch := [8]byte{1, 2, 3, 4, 5, 6, 7, 8}
	ntHash := NTHash("S3cret!")
	for _, tc := range []struct {
		name string
		msg  []byte
		want error
	}{
		{"right password", authenticate("svc", "CONTOSO", "S3cret!", ch, now), nil},
		{"UPN", authenticate("svc@contoso.com", "", "S3cret!", ch, now), nil},
		{"wrong password", authenticate("svc", "CONTOSO", "guess", ch, now), ErrWrongPassword},
		{"other challenge", authenticate("svc", "CONTOSO", "S3cret!", [8]byte{9}, now), ErrWrongPassword},
		{"stale", authenticate("svc", "CONTOSO", "S3cret!", ch, now.Add(-48*time.Hour)), ErrStale},
	} {
		a, err := ParseAuthenticate(tc.msg)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if err := Verify(a, ch, ntHash, now); err != tc.want {
			t.Errorf("%s: Verify = %v; want %v", tc.name, err, tc.want)
		}
	}
	a, _ := ParseAuthenticate(authenticate("svc", "CONTOSO", "S3cret!", ch, now))
	a.NTResponse = a.NTResponse[:24] // an NTLMv1 response
	if err := Verify(a, ch, ntHash, now); err != ErrNotNTLMv2 {
		t.Errorf("NTLMv1: Verify = %v; want ErrNotNTLMv2", err)
	}
}

func TestChallengeRoundTrip(t *testing.T) {
	neg := []byte("NTLMSSP\x00\x01\x00\x00\x00\x07\x82\x08\xa2" + string(make([]byte, 16)))
	n, err := ParseNegotiate(neg)
	if err != nil {
		t.Fatal(err)
	}
	ch := [8]byte{1, 2, 3, 4, 5, 6, 7, 8}
	msg := Challenge(n, Target{"CONTOSO", "MAIL", "contoso.com", "mail.contoso.com"}, ch, time.Now())
	if typ, err := MessageType(msg); err != nil || typ != 2 {
		t.Fatalf("Challenge: type %d, %v", typ, err)
	}
	if !bytes.Equal(msg[24:32], ch[:]) {
		t.Errorf("server challenge not at offset 24")
	}
	flags := binary.LittleEndian.Uint32(msg[20:])
	if flags&(FlagKeyExchange|FlagLMKey) != 0 || flags&FlagTargetInfo == 0 {
		t.Errorf("flags %#x: want target info, no key exchange, no LM key", flags)
	}
}

func TestParseRefusesFieldsOutside(t *testing.T) {
	msg := authenticate("svc", "CONTOSO", "x", [8]byte{}, time.Now())
	binary.LittleEndian.PutUint32(msg[24:], 1<<20) // the NT response's offset
	if _, err := ParseAuthenticate(msg); err == nil {
		t.Error("ParseAuthenticate took a field outside the message")
	}
}
