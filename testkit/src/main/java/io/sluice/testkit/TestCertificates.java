package io.sluice.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test PKI made with the machine's {@code openssl}: a CA, a server certificate for {@code localhost} and
 * {@code 127.0.0.1} signed by it (with its key, for {@code mariadbd --ssl-cert/--ssl-key}), one for another name,
 * a client certificate signed by it, and a second CA that signed nothing the server shows. Java stores: a JKS trust store of each CA
 * and a PKCS12 client store (certificate, key, CA), all with {@link #PASSWORD}.
 */
public final class TestCertificates {

    public static final String PASSWORD = "changeit-tls";

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** True when {@code openssl} is on this machine. */
    public static boolean available() {
        return LocalMariaDb.findBinary("openssl") != null;
    }

    /** Creates every file in {@code dir}. */
    public static TestCertificates create(Path dir) {
        TestCertificates c = new TestCertificates(dir);
        c.make();
        return c;
    }

    public Path caCertificate() {
        return dir.resolve("ca.pem");
    }

    public Path serverCertificate() {
        return dir.resolve("server.pem");
    }

    public Path serverKey() {
        return dir.resolve("server-key.pem");
    }

    /** A server certificate signed by the same CA for another name only ({@code db.example.invalid}). */
    public Path misnamedServerCertificate() {
        return dir.resolve("misnamed.pem");
    }

    public Path misnamedServerKey() {
        return dir.resolve("misnamed-key.pem");
    }

    /** JKS trust store holding the CA that signed the server certificate. */
    public Path trustStore() {
        return dir.resolve("truststore.jks");
    }

    /** JKS trust store holding only a CA that signed nothing the server shows. */
    public Path otherCaTrustStore() {
        return dir.resolve("other-ca-truststore.jks");
    }

    /** PKCS12 store with the client certificate, its key and the CA. */
    public Path clientStore() {
        return dir.resolve("client.p12");
    }

    /** The subject of the client certificate, for {@code REQUIRE SUBJECT}. */
    public String clientSubject() {
        return "/CN=sluice-client";
    }

    /** {@code mariadbd} options that serve TLS with the server certificate. */
    public List<String> mariadbArgs() {
        return List.of("--ssl-ca=" + caCertificate(), "--ssl-cert=" + serverCertificate(), "--ssl-key=" + serverKey());
    }

    private void make() {
        try {
            Files.createDirectories(dir);
            ca("ca", "/CN=Sluice Test CA");
            ca("other-ca", "/CN=Sluice Other CA");
            signed("server", "/CN=localhost",
                    "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n");
            signed("misnamed", "/CN=db.example.invalid",
                    "subjectAltName=DNS:db.example.invalid\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n");
            signed("client", clientSubject(), "extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n");
            openssl("pkcs12", "-export", "-in", "client.pem", "-inkey", "client-key.pem", "-certfile", "ca.pem",
                    "-name", "client", "-out", "client.p12", "-passout", "pass:" + PASSWORD);
            trustStoreOf(caCertificate(), trustStore());
            trustStoreOf(dir.resolve("other-ca.pem"), otherCaTrustStore());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create test certificates in " + dir, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create test trust stores in " + dir, e);
        }
    }

    private void ca(String name, String subject) {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "3", "-subj", subject,
                "-keyout", name + "-key.pem", "-out", name + ".pem",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    }

    private void signed(String name, String subject, String extensions) throws IOException {
        Files.writeString(dir.resolve(name + ".ext"), extensions);
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-sha256", "-subj", subject, "-keyout", name + "-key.pem",
                "-out", name + ".csr");
        openssl("x509", "-req", "-sha256", "-days", "3", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem",
                "-CAcreateserial", "-extfile", name + ".ext", "-out", name + ".pem");
    }

    private void trustStoreOf(Path caPem, Path store) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("JKS");
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            Certificate ca = CertificateFactory.getInstance("X.509").generateCertificate(in);
            ks.setCertificateEntry("ca", ca);
        }
        try (OutputStream out = Files.newOutputStream(store)) {
            ks.store(out, PASSWORD.toCharArray());
        }
    }

    private void openssl(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(LocalMariaDb.findBinary("openssl"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("openssl could not run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("openssl interrupted", e);
        }
    }
}
