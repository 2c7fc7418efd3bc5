// Package tlsca is the in-memory certificate authority of one fake server:
// every TLS host the fake serves presents a leaf certificate it signs.
package tlsca

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net"
	"strings"
	"sync"
	"time"
)

// Authority is the in-memory certificate authority of one server. Every TLS
// host the fake serves presents a leaf certificate it signs, so a client that
// trusts only this CA reaches the fake and nothing else, and a client with
// the system roots refuses it.
type Authority struct {
	cert    *x509.Certificate
	key     *ecdsa.PrivateKey
	pool    *x509.CertPool
	leafKey *ecdsa.PrivateKey // one key for every leaf: generating a key per host costs more than it proves

	mu     sync.Mutex
	leaves map[string]*tls.Certificate
}

// New makes a CA with a fresh key, valid from an hour ago for a day.
func New() (*Authority, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("outlooktest: CA key: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "outlooktest in-memory CA", Organization: []string{"outlooktest"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("outlooktest: CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("outlooktest: CA certificate: %w", err)
	}
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("outlooktest: leaf key: %w", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &Authority{cert: cert, key: key, pool: pool, leafKey: leafKey, leaves: map[string]*tls.Certificate{}}, nil
}

// leaf returns the certificate for one host name, creating and caching it on
// first use. Names are not checked against the server's hosts: the dialer
// decides who is reachable, and a certificate for a name nobody can dial harms
// nobody.
func (a *Authority) leaf(name string) (*tls.Certificate, error) {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	if name == "" {
		name = "localhost" // a client that dialled the listener by address sent no SNI
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if c, ok := a.leaves[name]; ok {
		return c, nil
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, fmt.Errorf("outlooktest: serial: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if ip := net.ParseIP(name); ip != nil {
		tmpl.IPAddresses = []net.IP{ip}
	} else {
		tmpl.DNSNames = []string{name}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.cert, &a.leafKey.PublicKey, a.key)
	if err != nil {
		return nil, fmt.Errorf("outlooktest: certificate for %q: %w", name, err)
	}
	c := &tls.Certificate{Certificate: [][]byte{der, a.cert.Raw}, PrivateKey: a.leafKey}
	a.leaves[name] = c
	return c, nil
}

// ServerConfig is the TLS configuration of the listener: SNI picks the leaf.
// HTTP/1.1 only, so that faults can drop a connection by hijacking it.
func (a *Authority) ServerConfig() *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		NextProtos: []string{"http/1.1"},
		GetCertificate: func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
			return a.leaf(hello.ServerName)
		},
	}
}

// Cert returns the CA certificate.
func (a *Authority) Cert() *x509.Certificate { return a.cert }

// Pool returns a pool holding only the CA certificate. Callers must not
// modify it: clone it first.
func (a *Authority) Pool() *x509.CertPool { return a.pool }
