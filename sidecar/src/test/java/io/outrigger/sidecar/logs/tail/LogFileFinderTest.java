package io.outrigger.sidecar.logs.tail;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogFileFinderTest {
  @TempDir Path root;

  @Test
  void linksInsideTheLogDirectoryAreFollowedAndLinksOutOfItAreNot() throws Exception {
    Path logs = Files.createDirectories(root.resolve("logs"));
    Path secrets = Files.createDirectories(root.resolve("secrets"));
    Files.writeString(secrets.resolve("token"), "the sidecar's own credential\n");
    Files.createDirectories(secrets.resolve("dir"));
    Files.writeString(secrets.resolve("dir/key.log"), "a private key\n");
    Files.writeString(logs.resolve("app.log"), "line\n");
    Files.createDirectories(logs.resolve("archive"));
    Files.writeString(logs.resolve("archive/old.log"), "old line\n");
    Files.createSymbolicLink(logs.resolve("current.log"), logs.resolve("archive/old.log"));
    Files.createSymbolicLink(logs.resolve("token.log"), secrets.resolve("token"));
    Files.createSymbolicLink(logs.resolve("linked"), secrets.resolve("dir"));

    LogFileFinder.Result result =
        new LogFileFinder(logs, root.resolve("checkpoints")).find(List.of("**.log", "*.log"));

    assertThat(result.byInode().values())
        .extracting(found -> logs.relativize(found.path()).toString())
        .as("the file and the link to a file beside it")
        .containsExactlyInAnyOrder("app.log", "current.log");
    assertThat(result.problems())
        .filteredOn(p -> p.reason().equals("link-outside"))
        .extracting(p -> logs.relativize(p.path()).toString())
        .contains("token.log", "linked/key.log");
  }
}
