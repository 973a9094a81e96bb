package dev.dctwin.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds references to documents that do not exist in the repository: the check behind {@link
 * DocumentReferencesTest}.
 *
 * <p>What is a reference:
 *
 * <ul>
 *   <li>in Markdown, the target of a link {@code [text](target)} that is neither a URL nor an
 *       anchor, resolved against the folder of the Markdown file, as a Markdown viewer does;
 *   <li>in Markdown, Java comments (not code: strings in code are data), shell scripts, poms,
 *       Terraform files, flags files, YAML, properties, SQL and Dockerfiles, a mention of a file
 *       ending in one of {@link #EXTENSIONS}, either a path with a {@code /} or a bare {@code
 *       <name>.md}. It is resolved against the referring file's folder and each folder above it up
 *       to the repository root (so against the module root and the repository root too), and must
 *       exist in one of them.
 * </ul>
 *
 * <p>A reference that leaves the repository (an absolute path, or {@code ../} past the root) is
 * dead even if the file exists on this machine: the repository must carry every document it cites.
 *
 * <p>Not references: URLs, values of command-line flags ({@code --input=/data/x.jsonl}: data the
 * user passes, not a document), glob patterns ({@code *.jsonl}), placeholders ({@code <path>},
 * {@code ${...}}, upper-case folders such as {@code DIR/x.jsonl}), generated outputs (any path
 * through a {@code target} folder, and the names in {@link #GENERATED}), and bare names with other
 * extensions than {@code .md} ({@code cluster.sh}, {@code local.flags}), which are too often
 * someone else's file or code.
 *
 * <p>Not scanned: {@code .git}, {@code target}, {@code node_modules} and {@code .terraform}
 * folders, and {@code fixtures} folders (the test trees of other checkers, some broken on purpose).
 */
final class DocumentReferences {

  /** The file extensions of path mentions that are checked. */
  static final String EXTENSIONS = "md|sql|flags|sh|yaml|yml|properties|jsonl|tf";

  /** Names of files the project writes, never commits: {@code bench} writes {@code report.md}. */
  static final Set<String> GENERATED = Set.of("report.md");

  private static final Set<String> SKIPPED_FOLDERS =
      Set.of(".git", "target", "node_modules", ".terraform", "fixtures");

  private static final Set<String> WHOLE_TEXT_SUFFIXES =
      Set.of(
          ".md",
          ".sh",
          ".xml",
          ".tf",
          ".flags",
          ".yaml",
          ".yml",
          ".properties",
          ".sql",
          ".example");

  /**
   * A path mention: not glued to a preceding path, word, glob or placeholder character, and not
   * followed by more of a path or a longer extension.
   */
  private static final Pattern MENTION =
      Pattern.compile(
          "(?<![\\w./*$<>{}@%:-])((?:\\.{1,2}/|/)?[\\w.-]+(?:/[\\w.-]+)*\\.(?:"
              + EXTENSIONS
              + "))(?![\\w/-]|\\.\\w)");

  private static final Pattern MARKDOWN_LINK =
      Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");

  private static final Pattern URL = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://\\S*");

  private static final Pattern FLAG_BEFORE = Pattern.compile("--[\\w.-]+=$");

  private static final Pattern PLACEHOLDER_FOLDER = Pattern.compile("[A-Z][A-Z0-9_]*");

  private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:.*");

  /** A reference that does not resolve: where it is, and what it points at. */
  record DeadReference(Path file, int line, String target, String why) {
    /** {@code file:line -> target}, the file relative to {@code root}. */
    String describe(Path root) {
      String where = root.relativize(file).toString().replace('\\', '/');
      return where + ":" + line + " -> " + target + (why.isEmpty() ? "" : " (" + why + ")");
    }
  }

  private DocumentReferences() {}

  /**
   * The repository root above {@code start}: the nearest folder with a {@code .git} (a folder, or a
   * file in a git worktree), else the topmost folder whose {@code pom.xml} lists {@code <modules>}.
   */
  static Path repositoryRoot(Path start) throws IOException {
    Path absolute = start.toAbsolutePath().normalize();
    for (Path dir = absolute; dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve(".git"))) {
        return dir;
      }
    }
    Path parentPom = null;
    for (Path dir = absolute; dir != null; dir = dir.getParent()) {
      Path pom = dir.resolve("pom.xml");
      if (Files.isRegularFile(pom) && Files.readString(pom).contains("<modules>")) {
        parentPom = dir;
      }
    }
    if (parentPom == null) {
      throw new IllegalStateException("no repository root above " + absolute);
    }
    return parentPom;
  }

  /** Every dead reference in the text files under {@code root}, in file and line order. */
  static List<DeadReference> find(Path root) throws IOException {
    Path normalRoot = root.toAbsolutePath().normalize();
    List<Path> files = new ArrayList<>();
    Files.walkFileTree(
        normalRoot,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            boolean skipped =
                !dir.equals(normalRoot) && SKIPPED_FOLDERS.contains(dir.getFileName().toString());
            return skipped ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (attrs.isRegularFile()) {
              files.add(file);
            }
            return FileVisitResult.CONTINUE;
          }
        });
    files.sort(null);
    List<DeadReference> dead = new ArrayList<>();
    for (Path file : files) {
      String text = scannedText(file);
      if (text != null) {
        scan(normalRoot, file, text, dead);
      }
    }
    return dead;
  }

  /**
   * The part of {@code file} in which references are looked for, lines kept in place; null if the
   * file is not scanned.
   */
  static String scannedText(Path file) throws IOException {
    String name = file.getFileName().toString();
    if (name.endsWith(".java")) {
      return javaComments(read(file));
    }
    for (String suffix : WHOLE_TEXT_SUFFIXES) {
      if (name.endsWith(suffix)) {
        return read(file);
      }
    }
    if (name.equals("Dockerfile")) {
      return read(file);
    }
    if (!name.contains(".") && Files.size(file) < 1_000_000) {
      String text = read(file);
      return text.startsWith("#!") ? text : null;
    }
    return null;
  }

  private static String read(Path file) throws IOException {
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
  }

  private static void scan(Path root, Path file, String text, List<DeadReference> dead) {
    boolean markdown = file.getFileName().toString().endsWith(".md");
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = blankUrls(lines[i]);
      if (markdown) {
        Matcher link = MARKDOWN_LINK.matcher(line);
        StringBuilder withoutLinks = new StringBuilder(line);
        while (link.find()) {
          checkLink(root, file, i + 1, link.group(1), dead);
          // The link is the reference; its text may name the file in any way.
          for (int c = link.start(); c < link.end(); c++) {
            withoutLinks.setCharAt(c, ' ');
          }
        }
        line = withoutLinks.toString();
      }
      Matcher mention = MENTION.matcher(line);
      while (mention.find()) {
        String before = line.substring(0, mention.start());
        checkMention(root, file, i + 1, mention.group(1), before, dead);
      }
    }
  }

  private static String blankUrls(String line) {
    Matcher url = URL.matcher(line);
    StringBuilder blanked = new StringBuilder(line);
    while (url.find()) {
      for (int i = url.start(); i < url.end(); i++) {
        blanked.setCharAt(i, ' ');
      }
    }
    return blanked.toString();
  }

  private static void checkLink(
      Path root, Path file, int line, String target, List<DeadReference> dead) {
    if (target.startsWith("#") || SCHEME.matcher(target).matches() || isPlaceholder(target)) {
      return;
    }
    String path = target.replaceFirst("[#?].*$", "");
    if (path.isEmpty()) {
      return;
    }
    Path resolved =
        path.startsWith("/")
            ? Path.of(path).normalize()
            : file.getParent().resolve(path).normalize();
    if (!resolved.startsWith(root)) {
      dead.add(new DeadReference(file, line, target, "outside the repository"));
    } else if (!Files.exists(resolved)) {
      dead.add(new DeadReference(file, line, target, ""));
    }
  }

  private static void checkMention(
      Path root, Path file, int line, String target, String before, List<DeadReference> dead) {
    if (FLAG_BEFORE.matcher(before).find() || isPlaceholder(target) || isGenerated(target)) {
      return;
    }
    if (!target.contains("/") && !target.endsWith(".md")) {
      return;
    }
    if (target.startsWith("/")) {
      Path resolved = Path.of(target).normalize();
      if (!resolved.startsWith(root)) {
        dead.add(new DeadReference(file, line, target, "outside the repository"));
      } else if (!Files.exists(resolved)) {
        dead.add(new DeadReference(file, line, target, ""));
      }
      return;
    }
    boolean escapes = false;
    for (Path dir = file.getParent(); dir != null && dir.startsWith(root); dir = dir.getParent()) {
      Path resolved = dir.resolve(target).normalize();
      if (!resolved.startsWith(root)) {
        escapes = true;
      } else if (Files.exists(resolved)) {
        return;
      }
    }
    dead.add(new DeadReference(file, line, target, escapes ? "outside the repository" : ""));
  }

  /** {@code <path>}, {@code ${x}/a.md}, {@code DIR/a.jsonl}, {@code *.md}: not a real path. */
  private static boolean isPlaceholder(String target) {
    if (target.contains("<") || target.contains("$") || target.contains("*")) {
      return true;
    }
    String[] segments = target.split("/");
    for (int i = 0; i < segments.length - 1; i++) {
      if (PLACEHOLDER_FOLDER.matcher(segments[i]).matches()) {
        return true;
      }
    }
    return false;
  }

  private static boolean isGenerated(String target) {
    String[] segments = target.split("/");
    for (int i = 0; i < segments.length - 1; i++) {
      if (segments[i].equals("target")) {
        return true;
      }
    }
    return GENERATED.contains(segments[segments.length - 1]) && segments.length == 1;
  }

  /**
   * The comments of a Java source, everything else blanked out; line breaks stay, so that line
   * numbers are kept. Strings, characters and text blocks are code.
   */
  static String javaComments(String source) {
    StringBuilder out = new StringBuilder(source.length());
    int n = source.length();
    int i = 0;
    while (i < n) {
      char c = source.charAt(i);
      char next = i + 1 < n ? source.charAt(i + 1) : '\0';
      if (c == '/' && next == '/') {
        int end = source.indexOf('\n', i);
        end = end < 0 ? n : end;
        out.append(source, i, end);
        i = end;
      } else if (c == '/' && next == '*') {
        int end = source.indexOf("*/", i + 2);
        end = end < 0 ? n : end + 2;
        out.append(source, i, end);
        i = end;
      } else if (source.startsWith("\"\"\"", i)) {
        int end = source.indexOf("\"\"\"", i + 3);
        while (end > 0 && source.charAt(end - 1) == '\\') {
          end = source.indexOf("\"\"\"", end + 1);
        }
        end = end < 0 ? n : end + 3;
        blank(source, i, end, out);
        i = end;
      } else if (c == '"' || c == '\'') {
        int end = i + 1;
        while (end < n && source.charAt(end) != c && source.charAt(end) != '\n') {
          end += source.charAt(end) == '\\' ? 2 : 1;
        }
        end = Math.min(end + 1, n);
        blank(source, i, end, out);
        i = end;
      } else {
        out.append(c == '\n' ? '\n' : ' ');
        i++;
      }
    }
    return out.toString();
  }

  private static void blank(String source, int from, int to, StringBuilder out) {
    for (int i = from; i < to; i++) {
      out.append(source.charAt(i) == '\n' ? '\n' : ' ');
    }
  }
}
