package dev.dctwin.docs;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * Every reference to a document in the repository points at a file of the repository (issue 17):
 * see {@link DocumentReferences} for what counts as a reference and how it is resolved.
 */
@RunWith(JUnit4.class)
public class DocumentReferencesTest {
  @Rule public final TemporaryFolder temporary = new TemporaryFolder();

  @Test
  public void theRepositoryHasNoDeadReferences() throws IOException {
    Path root = DocumentReferences.repositoryRoot(Path.of(""));
    List<String> dead =
        DocumentReferences.find(root).stream().map(reference -> reference.describe(root)).toList();
    assertThat(
        "references to documents that are not in the repository (fix the reference, or add the"
            + " document to the repository):\n  "
            + String.join("\n  ", dead)
            + "\n",
        dead,
        empty());
  }

  @Test
  public void findsTheDeadReferencesOfASmallTree() throws IOException {
    Path outside = temporary.newFolder("shared", "design").toPath();
    Files.writeString(outside.resolve("ordered-join.md"), "# the contract, outside the repository");
    Path root = temporary.newFolder("repo").toPath();
    Files.createDirectory(root.resolve(".git"));
    Path module = Files.createDirectories(root.resolve("mod/src/main/java/x"));
    Files.writeString(root.resolve("mod/CONTRACT.md"), "# a contract");
    Files.writeString(root.resolve("mod/run.sh"), "#!/bin/sh\n");
    Files.writeString(
        root.resolve("README.md"),
        String.join(
            "\n",
            "# Title",
            "Good: [CONTRACT.md](mod/CONTRACT.md#pairs), `mod/run.sh`, mod/CONTRACT.md.",
            "Dead: see `../shared/design/ordered-join.md` and [gone](docs/gone.md).",
            "Not references: https://example.org/a/b.md, *.jsonl, <path>/x.md, DIR/x.jsonl,",
            "${HOME}/x.md, `run --input=/data/in.jsonl --out=out/x.jsonl`, target/report.md.",
            "Bare names: NOWHERE.md is checked, cluster.sh is not."));
    Files.writeString(
        module.resolve("A.java"),
        String.join(
            "\n",
            "package x;",
            "",
            "/** The join of {@code shared/design/ordered-join.md}, see CONTRACT.md. */",
            "class A {",
            "  String s = \"docs/in-a-string.md\"; // docs/wire-format.md",
            "  char c = '\"'; /* mod/run.sh */",
            "}"));

    List<String> dead =
        DocumentReferences.find(root).stream().map(reference -> reference.describe(root)).toList();

    assertThat(
        dead,
        containsInAnyOrder(
            "README.md:3 -> ../shared/design/ordered-join.md (outside the repository)",
            "README.md:3 -> docs/gone.md",
            "README.md:6 -> NOWHERE.md",
            "mod/src/main/java/x/A.java:3 -> shared/design/ordered-join.md",
            "mod/src/main/java/x/A.java:5 -> docs/wire-format.md"));
  }

  @Test
  public void theRootIsTheFolderWithGitElseTheParentPom() throws IOException {
    Path root = temporary.newFolder("tree").toPath();
    Files.writeString(root.resolve("pom.xml"), "<project><modules></modules></project>");
    Path module = Files.createDirectories(root.resolve("mod/src"));
    Files.writeString(root.resolve("mod/pom.xml"), "<project></project>");
    assertThat(DocumentReferences.repositoryRoot(module), equalTo(root));

    Files.writeString(root.resolve("mod/.git"), "gitdir: elsewhere");
    assertThat(DocumentReferences.repositoryRoot(module), equalTo(root.resolve("mod")));
  }

  @Test
  public void javaCommentsKeepLinesAndDropCode() {
    String source = "a = \"/* no */\"; // yes\n/* two\nlines */ b = '/';\n\"\"\"\n// text\n\"\"\";";
    String comments = DocumentReferences.javaComments(source);
    assertThat(comments.length(), equalTo(source.length()));
    assertThat(
        comments.lines().map(String::strip).toList(),
        contains("// yes", "/* two", "lines */", "", "", ""));
  }
}
