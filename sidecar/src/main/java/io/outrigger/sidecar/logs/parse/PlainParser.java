package io.outrigger.sidecar.logs.parse;

/** The whole line is the message. */
final class PlainParser implements LineParser {
  @Override
  public ParsedLine parse(String line) {
    return ParsedLine.plain(line, true);
  }
}
