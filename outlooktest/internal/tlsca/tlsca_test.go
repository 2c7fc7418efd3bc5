package tlsca

import (
	"crypto/tls"
	"crypto/x509"
	"testing"
)

func TestLeavesVerifyAgainstThePool(t *testing.T) {
	a, err := New()
	if err != nil {
		t.Fatal(err)
	}
	cfg := a.ServerConfig()
	if cfg.MinVersion != tls.VersionTLS12 || len(cfg.NextProtos) != 1 || cfg.NextProtos[0] != "http/1.1" {
		t.Errorf("server config: min %x, protocols %v; want TLS 1.2 and HTTP/1.1 only", cfg.MinVersion, cfg.NextProtos)
	}
	for _, name := range []string{"graph.microsoft.com", "Mail.Contoso.com.", "127.0.0.1", ""} {
		c, err := cfg.GetCertificate(&tls.ClientHelloInfo{ServerName: name})
		if err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		leaf, err := x509.ParseCertificate(c.Certificate[0])
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"graph.microsoft.com": "graph.microsoft.com", "Mail.Contoso.com.": "mail.contoso.com", "127.0.0.1": "127.0.0.1", "": "localhost"}[name]
		if _, err := leaf.Verify(x509.VerifyOptions{DNSName: want, Roots: a.Pool()}); err != nil {
			t.Errorf("the leaf for %q does not verify for %s: %v", name, want, err)
		}
		if _, err := leaf.Verify(x509.VerifyOptions{DNSName: "evil.example", Roots: a.Pool()}); err == nil {
			t.Errorf("the leaf for %q verifies for another name", name)
		}
		if again, _ := cfg.GetCertificate(&tls.ClientHelloInfo{ServerName: name}); again != c {
			t.Errorf("the leaf for %q was made again, not cached", name)
		}
	}
	if !a.Cert().IsCA {
		t.Error("Cert is not a CA certificate")
	}
	other, _ := New()
	c, _ := other.ServerConfig().GetCertificate(&tls.ClientHelloInfo{ServerName: "graph.microsoft.com"})
	leaf, _ := x509.ParseCertificate(c.Certificate[0])
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: "graph.microsoft.com", Roots: a.Pool()}); err == nil {
		t.Error("another authority's leaf verifies against this pool")
	}
}
