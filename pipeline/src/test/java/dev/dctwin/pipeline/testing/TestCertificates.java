package dev.dctwin.pipeline.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Certificates a test makes for itself with the JDK's keytool: a certificate authority, a server
 * certificate it signs for {@code localhost} and {@code 127.0.0.1}, and a second authority that
 * signed nothing (a wrong root). Each in the forms the services and clients read: PEM for
 * PostgreSQL and Mosquitto, a PKCS12 key store for Kafka, trust stores for Java clients. Valid for
 * two days; nothing is written outside {@code dir}.
 */
public final class TestCertificates {
  private final Path dir;
  private final String storePassword = "store-" + UUID.randomUUID();

  private TestCertificates(Path dir) {
    this.dir = dir;
  }

  /** Makes everything in {@code dir}; takes a few seconds (one keytool JVM per step). */
  public static TestCertificates create(Path dir) throws IOException, InterruptedException {
    TestCertificates certificates = new TestCertificates(dir);
    try {
      certificates.make();
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot make the test's certificates", e);
    }
    return certificates;
  }

  private void make() throws IOException, InterruptedException, GeneralSecurityException {
    keytool("-genkeypair", "-alias", "ca", "-dname", "CN=dctwin test CA", "-ext", "bc:c")
        .at("ca.p12");
    keytool("-genkeypair", "-alias", "other", "-dname", "CN=dctwin other CA", "-ext", "bc:c")
        .at("other-ca.p12");
    keytool("-genkeypair", "-alias", "server", "-dname", "CN=localhost").at("server.p12");
    keytool("-certreq", "-alias", "server", "-file", path("server.csr")).at("server.p12");
    keytool(
            "-gencert",
            "-alias",
            "ca",
            "-infile",
            path("server.csr"),
            "-outfile",
            path("server.crt"),
            "-rfc",
            "-ext",
            "SAN=dns:localhost,ip:127.0.0.1",
            "-ext",
            "EKU=serverAuth",
            "-ext",
            "KU=digitalSignature,keyEncipherment")
        .at("ca.p12");

    Certificate ca = load("ca.p12").getCertificate("ca");
    Certificate other = load("other-ca.p12").getCertificate("other");
    Certificate server;
    try (InputStream in = Files.newInputStream(dir.resolve("server.crt"))) {
      server = CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    KeyStore serverStore = load("server.p12");
    Key key = serverStore.getKey("server", storePassword.toCharArray());
    serverStore.setKeyEntry(
        "server", key, storePassword.toCharArray(), new Certificate[] {server, ca});
    store(serverStore, "server.p12");
    pem("ca.pem", "CERTIFICATE", ca.getEncoded());
    pem("other-ca.pem", "CERTIFICATE", other.getEncoded());
    pem("server.pem", "CERTIFICATE", server.getEncoded());
    pem("server.key", "PRIVATE KEY", key.getEncoded());
    Files.setPosixFilePermissions(
        dir.resolve("server.key"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    trustStore("truststore.jks", ca);
    trustStore("other-truststore.jks", other);
  }

  /** The authority's certificate (PEM). */
  public Path caPem() {
    return dir.resolve("ca.pem");
  }

  /** An authority that signed nothing here (PEM): a wrong root for the server. */
  public Path otherCaPem() {
    return dir.resolve("other-ca.pem");
  }

  /** The server's certificate (PEM), for localhost and 127.0.0.1. */
  public Path serverCertificatePem() {
    return dir.resolve("server.pem");
  }

  /** The server's private key (unencrypted PKCS#8 PEM, mode 0600). */
  public Path serverKeyPem() {
    return dir.resolve("server.key");
  }

  /** The server's key and certificate chain (PKCS12, {@link #storePassword()}). */
  public Path serverKeyStore() {
    return dir.resolve("server.p12");
  }

  /**
   * A JKS trust store with the authority, readable without a password (JKS keeps certificates
   * unencrypted; a PKCS12 store made by keytool would look empty without its password).
   */
  public Path trustStore() {
    return dir.resolve("truststore.jks");
  }

  /** A trust store with the other authority only. */
  public Path otherTrustStore() {
    return dir.resolve("other-truststore.jks");
  }

  public String storePassword() {
    return storePassword;
  }

  private String path(String name) {
    return dir.resolve(name).toString();
  }

  private KeyStore load(String name) throws IOException {
    try (InputStream in = Files.newInputStream(dir.resolve(name))) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, storePassword.toCharArray());
      return store;
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  private void store(KeyStore store, String name) throws IOException {
    try (OutputStream out = Files.newOutputStream(dir.resolve(name))) {
      store.store(out, storePassword.toCharArray());
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  private void trustStore(String name, Certificate authority) throws IOException {
    try {
      KeyStore store = KeyStore.getInstance("JKS");
      store.load(null, null);
      store.setCertificateEntry("ca", authority);
      store(store, name);
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  private void pem(String name, String type, byte[] der) throws IOException {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    Files.writeString(
        dir.resolve(name),
        "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n",
        StandardCharsets.US_ASCII);
  }

  private Keytool keytool(String... arguments) {
    return new Keytool(List.of(arguments));
  }

  /** One keytool command on a PKCS12 store of {@link #dir}. */
  private final class Keytool {
    private final List<String> arguments;

    Keytool(List<String> arguments) {
      this.arguments = arguments;
    }

    void at(String store) throws IOException, InterruptedException {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
      command.addAll(arguments);
      if (arguments.get(0).equals("-genkeypair")) {
        command.addAll(List.of("-keyalg", "RSA", "-keysize", "2048"));
      }
      if (!arguments.get(0).equals("-certreq")) {
        command.addAll(List.of("-validity", "2"));
      }
      command.addAll(
          List.of("-keystore", path(store), "-storetype", "PKCS12", "-storepass", storePassword));
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IOException("keytool " + arguments.get(0) + " failed: " + output.strip());
      }
    }
  }
}
