package io.outrigger.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouteLabelerTest {
  private final RouteLabeler routes =
      new RouteLabeler(
          List.of("/users/{id}", "/users/{id}/orders/{orderId}", "/health", "/a.b/{x}"));

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "/users/42, /users/{id}",
    "/users/42?full=1, /users/{id}",
    "/users/42/orders/7, /users/{id}/orders/{orderId}",
    "/health, /health",
    "/healthz, other",
    "/users/, other",
    "/users/1/2, other",
    "/a.b/z, /a.b/{x}",
    "/aXb/z, other",
    "/, other"
  })
  void labelsAreTemplatesOrOther(String path, String label) {
    assertThat(routes.label(path)).isEqualTo(label);
  }
}
