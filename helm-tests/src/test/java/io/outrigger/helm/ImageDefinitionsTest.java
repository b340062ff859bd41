package io.outrigger.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The image definitions (built by {@code make images} where a container engine exists, not here):
 * every base image pinned by digest, and every file they copy produced by the build or in the repo.
 */
class ImageDefinitionsTest {
  private static final Pattern FROM = Pattern.compile("(?m)^FROM\\s+(\\S+)");
  private static final Pattern COPY =
      Pattern.compile("(?m)^COPY\\s+(?:--chown=\\S+\\s+)?(\\S+)\\s+\\S+$");

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"operator", "sidecar", "demo-app"})
  void basesArePinnedByDigestAndEveryCopiedFileExists(String image) throws IOException {
    String dockerfile = Files.readString(Repo.root().resolve("images/" + image + ".Dockerfile"));

    Matcher from = FROM.matcher(dockerfile);
    int bases = 0;
    while (from.find()) {
      bases++;
      assertThat(from.group(1)).as("base image pinned").matches(".+@sha256:[0-9a-f]{64}");
    }
    assertThat(bases).isPositive();

    Matcher copy = COPY.matcher(dockerfile);
    while (copy.find()) {
      String source = copy.group(1);
      if (source.startsWith("--from=")) {
        continue;
      }
      assertThat(matches(source))
          .as("%s copies %s, which the build makes or the repo has", image, source)
          .isNotEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"sidecar"})
  void theSidecarImageCarriesIptablesForItsInitCommand(String image) throws IOException {
    String dockerfile = Files.readString(Repo.root().resolve("images/" + image + ".Dockerfile"));

    assertThat(dockerfile).containsPattern("apt-get install[^\\n]*\\biptables\\b");
    assertThat(dockerfile).contains("ENV PATH=\"/opt/outrigger/bin:");
  }

  /** Files under the repository root matching a COPY source (a trailing slash: a directory). */
  private static List<Path> matches(String source) throws IOException {
    Path root = Repo.root();
    if (source.endsWith("/")) {
      Path dir = root.resolve(source);
      return Files.isDirectory(dir) ? List.of(dir) : List.of();
    }
    Path parent = root.resolve(source).getParent();
    String glob = Path.of(source).getFileName().toString();
    if (!Files.isDirectory(parent)) {
      return List.of();
    }
    try (var files = Files.newDirectoryStream(parent, glob)) {
      return java.util.stream.StreamSupport.stream(files.spliterator(), false).toList();
    }
  }
}
