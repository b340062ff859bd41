package io.outrigger.sidecar.logs.parse;

import io.outrigger.config.SidecarConfig.ParserConfig;

/** Turns one log record's text into fields. Implementations are stateless and thread-safe. */
public interface LineParser {

  /** Never throws: a line that does not match the format comes back plain with parsed=false. */
  ParsedLine parse(String line);

  /** The parser a config asks for; fails with a message naming the field when it is invalid. */
  static LineParser from(ParserConfig config) {
    FieldRoles roles = FieldRoles.from(config);
    return switch (config.format()) {
      case JSON -> new JsonLineParser(roles);
      case LOGFMT -> new LogfmtParser(roles);
      case REGEX -> new RegexLineParser(config.pattern(), roles);
      case PLAIN -> new PlainParser();
    };
  }
}
