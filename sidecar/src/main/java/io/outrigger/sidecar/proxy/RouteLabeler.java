package io.outrigger.sidecar.proxy;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps a request path to a bounded {@code route} label: the first configured template that matches
 * ({@code /users/{id}}), else {@value #OTHER}. Raw paths are never used as labels: ids in paths
 * would make the series count unbounded.
 */
public final class RouteLabeler {
  public static final String OTHER = "other";
  private static final Pattern PARAM = Pattern.compile("\\{[A-Za-z_][A-Za-z0-9_]*}");

  private record Route(String template, Pattern pattern) {}

  private final List<Route> routes;

  public RouteLabeler(List<String> templates) {
    this.routes = templates.stream().map(t -> new Route(t, compile(t))).toList();
  }

  /** The label for {@code path} (query string already removed or not: it is ignored). */
  public String label(String path) {
    int query = path.indexOf('?');
    String bare = query < 0 ? path : path.substring(0, query);
    for (Route route : routes) {
      if (route.pattern().matcher(bare).matches()) {
        return route.template();
      }
    }
    return OTHER;
  }

  /** A template becomes a regex: literal text quoted, each {param} one path segment. */
  static Pattern compile(String template) {
    StringBuilder regex = new StringBuilder();
    Matcher param = PARAM.matcher(template);
    int last = 0;
    while (param.find()) {
      regex.append(Pattern.quote(template.substring(last, param.start()))).append("[^/]+");
      last = param.end();
    }
    regex.append(Pattern.quote(template.substring(last)));
    return Pattern.compile(regex.toString());
  }
}
