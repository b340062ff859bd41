package io.outrigger.operator.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConnectionBookTest {

  @Test
  void withinTheCapNothingIsClosed() {
    ConnectionBook<String> book = new ConnectionBook<>(2);
    assertThat(book.opened("a", 0)).isEmpty();
    assertThat(book.opened("b", 1)).isEmpty();
    assertThat(book.size()).isEqualTo(2);
  }

  @Test
  void atTheCapTheLongestWaitingConnectionMakesRoom() {
    ConnectionBook<String> book = new ConnectionBook<>(2);
    book.opened("loris-1", 0);
    book.opened("loris-2", 1);
    assertThat(book.opened("api-server", 2)).contains("loris-1");
    assertThat(book.size()).isEqualTo(2);
  }

  @Test
  void busyConnectionsAreNeverClosedAndANewOneGoesWhenAllOthersAreBusy() {
    ConnectionBook<String> book = new ConnectionBook<>(2);
    book.opened("a", 0);
    book.opened("b", 1);
    book.busy("a");
    book.busy("b");
    assertThat(book.opened("c", 2)).contains("c");
    assertThat(book.expired(1_000, 10, 100)).isEmpty();
  }

  @Test
  void anAnsweredConnectionWaitsAgainFromItsAnswer() {
    ConnectionBook<String> book = new ConnectionBook<>(2);
    book.opened("keep-alive", 0);
    book.opened("loris", 5);
    book.busy("keep-alive");
    book.answered("keep-alive", 8);
    // The loris has waited longest now, though it opened later.
    assertThat(book.opened("new", 9)).contains("loris");
  }

  @Test
  void connectionsWaitingPastTheDeadlineExpireOldestFirst() {
    ConnectionBook<String> book = new ConnectionBook<>(10);
    book.opened("a", 0);
    book.opened("b", 5);
    book.opened("c", 9);
    assertThat(book.expired(10, 10, 100)).containsExactly("a");
    assertThat(book.expired(15, 10, 100)).containsExactly("b");
    assertThat(book.size()).isEqualTo(1);
  }

  @Test
  void closedConnectionsAreForgotten() {
    ConnectionBook<String> book = new ConnectionBook<>(1);
    book.opened("a", 0);
    book.busy("a");
    book.closed("a");
    assertThat(book.size()).isZero();
    assertThat(book.opened("b", 1)).isEmpty();
    book.answered("a", 2); // a late answer for a closed connection changes nothing
    assertThat(book.size()).isEqualTo(1);
  }

  /**
   * The API server keeps an idle connection 90 s and reuses it for the next pod: closing it after
   * the first-request deadline raced that reuse, and the pod was admitted without a sidecar.
   */
  @Test
  void aKeptAliveConnectionHasItsOwnLongerDeadline() {
    ConnectionBook<String> book = new ConnectionBook<>(10);
    book.opened("api-server", 0);
    book.busy("api-server");
    book.answered("api-server", 5);
    book.opened("loris", 6);

    assertThat(book.expired(16, 10, 120)).as("the new connection only").containsExactly("loris");
    assertThat(book.expired(124, 10, 120)).isEmpty();
    assertThat(book.expired(125, 10, 120)).containsExactly("api-server");
  }

  @Test
  void atTheCapTheLongestWaitingGoesWhicheverItsKind() {
    ConnectionBook<String> book = new ConnectionBook<>(2);
    book.opened("kept", 0);
    book.busy("kept");
    book.answered("kept", 1);
    book.opened("new", 5);
    assertThat(book.opened("next", 6)).contains("kept");
    assertThat(book.opened("after", 7)).contains("new");
  }
}
