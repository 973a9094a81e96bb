package dev.dctwin.pipeline.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of a test's own, from Debian's binaries ({@code /usr/lib/postgresql/<v>/bin},
 * which services.sh installs for the shared one): TLS with the test's server certificate, only TLS
 * connections from 127.0.0.0/8 (it listens on 127.0.0.1 and 127.0.0.2, the second a name that the
 * certificate does not carry), scram-sha-256 with a random password for {@code postgres}. As root
 * it runs as {@code nobody}, since PostgreSQL refuses root. The shared server on 5432 is left
 * alone.
 */
public final class PrivatePostgres implements AutoCloseable {
  private static final String UNPRIVILEGED_USER = "nobody";

  private final Path dir;
  private final Path bin;
  private final boolean asRoot;
  private final int port;
  private final String password = "pg-" + UUID.randomUUID();

  private PrivatePostgres(Path dir, Path bin, boolean asRoot, int port) {
    this.dir = dir;
    this.bin = bin;
    this.asRoot = asRoot;
    this.port = port;
  }

  /** The newest {@code bin} folder of Debian's PostgreSQL; fails in CI, skips locally, if none. */
  private static Path binaries() throws IOException {
    Path root = Path.of("/usr/lib/postgresql");
    List<Path> versions = new ArrayList<>();
    if (Files.isDirectory(root)) {
      try (Stream<Path> children = Files.list(root)) {
        children.filter(v -> Files.isExecutable(v.resolve("bin/postgres"))).forEach(versions::add);
      }
    }
    LocalServices.require(
        "PostgreSQL's server binaries in /usr/lib/postgresql/<version>/bin (services.sh installs"
            + " them)",
        !versions.isEmpty());
    versions.sort(
        Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString().split("\\.")[0])));
    return versions.get(versions.size() - 1).resolve("bin");
  }

  public static PrivatePostgres start(TestCertificates certificates)
      throws IOException, InterruptedException {
    Path bin = binaries();
    // Not under the test's temporary folder: the server's user must be able to reach it.
    Path dir = Files.createTempDirectory("dctwin-pg-tls-");
    boolean asRoot = "root".equals(System.getProperty("user.name"));
    PrivatePostgres postgres = new PrivatePostgres(dir, bin, asRoot, freePort());
    try {
      postgres.initialize(certificates);
      return postgres;
    } catch (IOException | InterruptedException | RuntimeException e) {
      postgres.close();
      throw e;
    }
  }

  private void initialize(TestCertificates certificates) throws IOException, InterruptedException {
    Path passwordFile = dir.resolve("password");
    Files.writeString(passwordFile, password + "\n");
    Files.copy(certificates.serverCertificatePem(), dir.resolve("server.crt"));
    Files.copy(
        certificates.serverKeyPem(), dir.resolve("server.key"), StandardCopyOption.COPY_ATTRIBUTES);
    for (String secret : List.of("password", "server.key")) {
      Files.setPosixFilePermissions(
          dir.resolve(secret), PosixFilePermissions.fromString("rw-------"));
    }
    if (asRoot) {
      handOver();
    }
    Path data = dir.resolve("data");
    run(
        "initdb",
        "-A",
        "scram-sha-256",
        "-U",
        "postgres",
        "--pwfile=" + passwordFile,
        "-E",
        "UTF-8",
        "-D",
        data.toString());
    Files.writeString(
        data.resolve("postgresql.conf"),
        String.join(
            "\n",
            "",
            "listen_addresses = '127.0.0.1,127.0.0.2'",
            "port = " + port,
            "unix_socket_directories = '" + dir + "'",
            "ssl = on",
            "ssl_cert_file = '" + dir.resolve("server.crt") + "'",
            "ssl_key_file = '" + dir.resolve("server.key") + "'",
            "fsync = off",
            ""),
        java.nio.file.StandardOpenOption.APPEND);
    Files.writeString(
        data.resolve("pg_hba.conf"),
        "local all all scram-sha-256\nhostssl all all 127.0.0.0/8 scram-sha-256\n");
    run(
        "pg_ctl",
        "-D",
        data.toString(),
        "-l",
        dir.resolve("postgres.log").toString(),
        "-w",
        "-t",
        "60",
        "start");
  }

  public int port() {
    return port;
  }

  /** The password of {@code postgres}, made for this server. */
  public String password() {
    return password;
  }

  /** Gives the folder to the unprivileged user that runs the server. */
  private void handOver() throws IOException {
    UserPrincipal user =
        dir.getFileSystem()
            .getUserPrincipalLookupService()
            .lookupPrincipalByName(UNPRIVILEGED_USER);
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path folder, BasicFileAttributes attrs)
              throws IOException {
            Files.setOwner(folder, user);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.setOwner(file, user);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private void run(String... command) throws IOException, InterruptedException {
    List<String> line = new ArrayList<>();
    if (asRoot) {
      line.addAll(List.of("runuser", "-u", UNPRIVILEGED_USER, "--"));
    }
    line.add(bin.resolve(command[0]).toString());
    line.addAll(List.of(command).subList(1, command.length));
    Process process =
        new ProcessBuilder(line).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException(command[0] + " failed: " + output.strip());
    }
  }

  @Override
  public void close() {
    Path data = dir.resolve("data");
    if (Files.exists(data.resolve("postmaster.pid"))) {
      try {
        run("pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "stop");
      } catch (IOException e) {
        System.err.println("could not stop the private PostgreSQL: " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // A temporary folder left behind.
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
