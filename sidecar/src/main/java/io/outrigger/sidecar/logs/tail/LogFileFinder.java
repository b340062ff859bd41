package io.outrigger.sidecar.logs.tail;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the files the glob patterns match. Patterns are absolute or relative to the log directory
 * ({@code *.log}, {@code /var/log/app/**}{@code /*.json}). Symbolic links are followed (Kubernetes
 * log directories are full of them) as long as they stay inside the directory the pattern names:
 * the app writes that directory, and a link out of it would make the sidecar ship files the app
 * cannot read itself (the sidecar's service-account token, its TLS key). A link loop, a link out, a
 * FIFO, a directory, a file that cannot be read are reported as {@link Problem}s and skipped, never
 * fatal.
 */
final class LogFileFinder {
  private static final int MAX_DEPTH = 16;

  /** A regular file a pattern matched, identified by its inode. */
  record Found(Path path, String inode, long size) {}

  /** Why a matched path is not tailed; {@code reason} is a bounded metric label. */
  record Problem(Path path, String reason, String message) {}

  record Result(Map<String, Found> byInode, List<Problem> problems) {}

  private final Path directory;
  private final Path excluded;

  /**
   * @param excluded a directory never searched (where the checkpoint lives)
   */
  LogFileFinder(Path directory, Path excluded) {
    this.directory = directory.toAbsolutePath().normalize();
    this.excluded = excluded.toAbsolutePath().normalize();
  }

  Result find(List<String> patterns) {
    Map<String, Found> byInode = new LinkedHashMap<>();
    List<Problem> problems = new ArrayList<>();
    for (String pattern : patterns) {
      Path absolute = directory.resolve(pattern).normalize();
      Path base = staticBase(absolute);
      PathMatcher matcher = base.getFileSystem().getPathMatcher("glob:" + absolute);
      int depth =
          absolute.toString().contains("**") ? MAX_DEPTH : base.relativize(absolute).getNameCount();
      if (!Files.isDirectory(base)) {
        continue;
      }
      Path realBase;
      try {
        realBase = base.toRealPath();
      } catch (IOException e) {
        problems.add(problem(base, e));
        continue;
      }
      try {
        Files.walkFileTree(
            base,
            EnumSet.of(FileVisitOption.FOLLOW_LINKS),
            depth,
            new SimpleFileVisitor<>() {
              @Override
              public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return dir.normalize().startsWith(excluded)
                    ? FileVisitResult.SKIP_SUBTREE
                    : FileVisitResult.CONTINUE;
              }

              @Override
              public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (!matcher.matches(file)) {
                  return FileVisitResult.CONTINUE;
                }
                if (attrs.isSymbolicLink()) {
                  // The walk could not follow it: say why (a loop, a missing target).
                  try {
                    Files.readAttributes(file, BasicFileAttributes.class);
                    problems.add(new Problem(file, "error", "the link could not be followed"));
                  } catch (IOException e) {
                    problems.add(problem(file, e));
                  }
                } else if (!attrs.isRegularFile()) {
                  problems.add(
                      new Problem(
                          file,
                          "not-a-regular-file",
                          attrs.isDirectory()
                              ? "a directory matches the pattern; only regular files are tailed"
                              : "not a regular file (FIFO, socket or device); only regular files"
                                  + " are tailed"));
                } else if (!Files.isReadable(file)) {
                  problems.add(new Problem(file, "unreadable", "permission denied"));
                } else if (outside(file, realBase)) {
                  problems.add(
                      new Problem(
                          file,
                          "link-outside",
                          "a symbolic link out of " + realBase + ": not followed"));
                } else {
                  Object key = attrs.fileKey();
                  String inode = key != null ? key.toString() : file.toString();
                  byInode.putIfAbsent(inode, new Found(file, inode, attrs.size()));
                }
                return FileVisitResult.CONTINUE;
              }

              @Override
              public FileVisitResult visitFileFailed(Path file, IOException e) {
                if (e instanceof NoSuchFileException && !Files.isSymbolicLink(file)) {
                  return FileVisitResult.CONTINUE; // deleted while we looked: the next scan knows
                }
                if (!matcher.matches(file) && !(e instanceof FileSystemLoopException)) {
                  return FileVisitResult.CONTINUE;
                }
                problems.add(problem(file, e));
                return FileVisitResult.CONTINUE;
              }
            });
      } catch (IOException e) {
        problems.add(problem(base, e));
      }
    }
    return new Result(byInode, problems);
  }

  /**
   * The regular files directly in {@code dir}, matched by a pattern or not: where the copy of a
   * truncated file is looked for when no pattern matches it (copytruncate with {@code app.log}).
   */
  List<Found> siblings(Path dir) {
    List<Found> found = new ArrayList<>();
    if (dir == null || dir.toAbsolutePath().normalize().startsWith(excluded)) {
      return found;
    }
    try (var entries = Files.newDirectoryStream(dir)) {
      for (Path file : entries) {
        try {
          BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
          if (attrs.isRegularFile() && attrs.fileKey() != null && Files.isReadable(file)) {
            found.add(new Found(file, attrs.fileKey().toString(), attrs.size()));
          }
        } catch (IOException e) {
          // Gone or unreadable: not a copy we can read.
        }
      }
    } catch (IOException e) {
      // The directory is gone: nothing to look at.
    }
    return found;
  }

  /** Whether {@code file}, its links resolved, lies outside {@code realBase}. */
  static boolean outside(Path file, Path realBase) {
    try {
      return !file.toRealPath().startsWith(realBase);
    } catch (IOException e) {
      return true; // gone or unresolvable since the walk saw it: not something to tail
    }
  }

  private static Problem problem(Path file, IOException e) {
    if (e instanceof FileSystemLoopException) {
      return new Problem(file, "symlink-loop", "a directory link loops back: not followed");
    }
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    if (message.contains("Too many levels of symbolic links")) {
      return new Problem(file, "symlink-loop", "symbolic links loop: " + message);
    }
    if (e instanceof NoSuchFileException) {
      return new Problem(file, "dangling-symlink", "the link's target does not exist");
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return new Problem(file, "unreadable", "permission denied");
    }
    return new Problem(file, "error", message);
  }

  /** The longest leading part of an absolute glob without glob characters. */
  static Path staticBase(Path absoluteGlob) {
    Path base = absoluteGlob.getRoot();
    for (Path part : absoluteGlob) {
      String name = part.toString();
      if (name.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{')) {
        break;
      }
      base = base.resolve(name);
    }
    return base.equals(absoluteGlob) ? absoluteGlob.getParent() : base;
  }
}
