package io.outrigger.operator.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatusBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.api.model.authentication.UserInfoBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.outrigger.api.Names;
import io.outrigger.api.policy.EffectivePolicy;
import io.outrigger.api.policy.PolicyResolver;
import io.outrigger.api.v1alpha1.ObservabilityPolicy;
import io.outrigger.api.v1alpha1.spec.ObservabilityPolicySpec;
import io.outrigger.api.v1alpha1.status.ObservabilityPolicyStatus;
import io.outrigger.api.v1alpha1.status.SidecarErrorSummary;
import io.outrigger.config.ReportAnswer;
import io.outrigger.config.SidecarConfigCodec;
import io.outrigger.config.SidecarReport;
import io.outrigger.operator.status.ReportedError;
import io.outrigger.webhook.InjectionStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ReportIntakeTest {
  private static final String REPORT =
      """
      {"namespace": "shop", "pod": "web-1", "policy": "web",
       "errors": [{"component": "logs", "message": "cannot read /var/log/app.log"}]}
      """;
  private static final TokenReviewer.Identity SHOP_WEB_1 =
      new TokenReviewer.Identity("shop", "web", Optional.of("web-1"));
  private static final TokenReviewer.Identity OTHER_POD =
      new TokenReviewer.Identity("shop", "web", Optional.of("web-2"));

  /**
   * @param injectedFrom the policy in the reported pod's {@code outrigger.io/status}; "" for a pod
   *     without one, null for no pod, "!" for a failing pod lookup
   */
  record Case(
      String name,
      String authorization,
      Optional<TokenReviewer.Identity> identity,
      boolean apiServerDown,
      String body,
      int status,
      String injectedFrom) {
    Case(
        String name,
        String authorization,
        Optional<TokenReviewer.Identity> identity,
        boolean apiServerDown,
        String body,
        int status) {
      this(name, authorization, identity, apiServerDown, body, status, "web");
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "valid token for the pod", "Bearer t", Optional.of(SHOP_WEB_1), false, REPORT, 202),
        new Case(
            "token not bound to a pod, same namespace",
            "bearer t",
            Optional.of(new TokenReviewer.Identity("shop", "web", Optional.empty())),
            false,
            REPORT,
            403),
        new Case(
            "report for a policy the pod was not injected from",
            "Bearer t",
            Optional.of(SHOP_WEB_1),
            false,
            REPORT,
            403,
            "db"),
        new Case(
            "pod without an injection status",
            "Bearer t",
            Optional.of(SHOP_WEB_1),
            false,
            REPORT,
            403,
            ""),
        new Case("pod gone", "Bearer t", Optional.of(SHOP_WEB_1), false, REPORT, 403, null),
        new Case(
            "pod cannot be read now", "Bearer t", Optional.of(SHOP_WEB_1), false, REPORT, 503, "!"),
        new Case(
            "more components than any sidecar has",
            "Bearer t",
            Optional.of(SHOP_WEB_1),
            false,
            withField("components", manyEntries(ReportBounds.MAX_COMPONENTS + 1, "\"ready\"")),
            400),
        new Case(
            "more counters than any sidecar has",
            "Bearer t",
            Optional.of(SHOP_WEB_1),
            false,
            withField("counters", manyEntries(ReportBounds.MAX_COUNTERS + 1, "1")),
            400),
        new Case(
            "a component name longer than a name",
            "Bearer t",
            Optional.of(SHOP_WEB_1),
            false,
            withField(
                "components", "{\"" + "c".repeat(ReportBounds.MAX_KEY + 1) + "\": \"ready\"}"),
            400),
        new Case(
            "a component state longer than a state",
            "Bearer t",
            Optional.of(SHOP_WEB_1),
            false,
            withField(
                "components", "{\"proxy\": \"" + "r".repeat(ReportBounds.MAX_VALUE + 1) + "\"}"),
            400),
        new Case(
            "a policy name longer than any Kubernetes name",
            "Bearer t",
            Optional.of(SHOP_WEB_1),
            false,
            "{\"namespace\": \"shop\", \"pod\": \"web-1\", \"policy\": \""
                + "p".repeat(ReportBounds.MAX_NAME + 1)
                + "\"}",
            400),
        new Case("JSON null", "Bearer t", Optional.of(SHOP_WEB_1), false, "null", 400),
        new Case("no header", null, Optional.of(SHOP_WEB_1), false, REPORT, 401),
        new Case("basic auth", "Basic dTpw", Optional.of(SHOP_WEB_1), false, REPORT, 401),
        new Case("empty bearer", "Bearer  ", Optional.of(SHOP_WEB_1), false, REPORT, 401),
        new Case("refused by TokenReview", "Bearer t", Optional.empty(), false, REPORT, 401),
        new Case("API server unreachable", "Bearer t", Optional.empty(), true, REPORT, 503),
        new Case(
            "token of another namespace",
            "Bearer t",
            Optional.of(new TokenReviewer.Identity("bank", "web", Optional.empty())),
            false,
            REPORT,
            403),
        new Case("token of another pod", "Bearer t", Optional.of(OTHER_POD), false, REPORT, 403),
        new Case("not JSON", "Bearer t", Optional.of(SHOP_WEB_1), false, "{", 400),
        new Case(
            "no policy named",
            "Bearer t",
            Optional.of(SHOP_WEB_1),
            false,
            "{\"namespace\": \"shop\", \"pod\": \"web-1\"}",
            400));
  }

  private static String withField(String field, String json) {
    return "{\"namespace\": \"shop\", \"pod\": \"web-1\", \"policy\": \"web\", \""
        + field
        + "\": "
        + json
        + "}";
  }

  private static String manyEntries(int n, String value) {
    return IntStream.range(0, n)
        .mapToObj(i -> "\"k" + i + "\": " + value)
        .collect(Collectors.joining(", ", "{", "}"));
  }

  /** The pods the intake looks reported pods up in: web-1 injected from {@code injectedFrom}. */
  private static ReportIntake.Pods pods(String injectedFrom) {
    return (namespace, name) -> {
      if ("!".equals(injectedFrom)) {
        throw new KubernetesClientException("connection refused");
      }
      if (injectedFrom == null || !"shop".equals(namespace) || !"web-1".equals(name)) {
        return Optional.empty();
      }
      Map<String, String> annotations =
          injectedFrom.isEmpty()
              ? Map.of()
              : Map.of(
                  Names.STATUS,
                  new InjectionStatus("0.1.0", injectedFrom, "h", "native", "iptables").toJson());
      return Optional.of(
          new PodBuilder()
              .withNewMetadata()
              .withName(name)
              .withNamespace(namespace)
              .withAnnotations(annotations)
              .endMetadata()
              .build());
    };
  }

  private static ReportIntake intake(
      Case c, ReportStore store, List<String> reported, AtomicReference<Integer> counted) {
    return new ReportIntake(
        token -> {
          if (c.apiServerDown()) {
            throw new KubernetesClientException("connection refused");
          }
          return c.identity();
        },
        pods(c.injectedFrom()),
        (namespace, name) ->
            namespace.equals("shop") && name.equals("web") ? Optional.of(WEB) : Optional.empty(),
        () -> Optional.of(CA),
        store,
        (namespace, policy) -> reported.add(namespace + "/" + policy),
        counted::set);
  }

  private static final String CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  private static final EffectivePolicy WEB = PolicyResolver.resolve(policy("shop", "web"));

  private static ObservabilityPolicy policy(String namespace, String name) {
    ObservabilityPolicy policy = new ObservabilityPolicy();
    policy.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    policy.setSpec(new ObservabilityPolicySpec());
    return policy;
  }

  private static ReportAnswer acceptedWith(String body) throws Exception {
    Case c = new Case("config", "Bearer t", Optional.of(SHOP_WEB_1), false, body, 202);
    ReportIntake.Answer answer =
        intake(
                c,
                new ReportStore(Duration.ofMinutes(1), InstantSource.system()),
                new ArrayList<>(),
                new AtomicReference<>())
            .accept(c.authorization(), c.body().getBytes(StandardCharsets.UTF_8));
    assertThat(answer.status()).as(answer.message()).isEqualTo(202);
    assertThat(answer.contentType()).isEqualTo(ReportIntake.Answer.JSON);
    return new ObjectMapper().readValue(answer.message(), ReportAnswer.class);
  }

  /** The answer is how a policy edit reaches a running sidecar (ADR 0010). */
  @org.junit.jupiter.api.Test
  void aSidecarGivenAnotherConfigIsAnsweredWithThePolicysOwn() throws Exception {
    ReportAnswer answer = acceptedWith(withField("configHash", "\"0123456789abcdef\""));
    assertThat(answer.configHash()).isEqualTo(WEB.configHash());
    assertThat(SidecarConfigCodec.readJson(answer.config(), "answer")).isEqualTo(WEB.sidecar());
    assertThat(SidecarConfigCodec.hash(SidecarConfigCodec.readJson(answer.config(), "answer")))
        .isEqualTo(WEB.configHash());
    assertThat(answer.reportCa()).isEqualTo(CA);
  }

  @org.junit.jupiter.api.Test
  void aSidecarRunningThePolicysConfigIsNotSentItAgain() throws Exception {
    ReportAnswer answer = acceptedWith(withField("configHash", "\"" + WEB.configHash() + "\""));
    assertThat(answer.configHash()).isEqualTo(WEB.configHash());
    assertThat(answer.config()).isNull();
    assertThat(answer.reportCa()).as("a rotated CA reaches it all the same").isEqualTo(CA);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void answers(Case c) {
    ReportStore store = new ReportStore(Duration.ofMinutes(1), InstantSource.system());
    List<String> reported = new ArrayList<>();
    AtomicReference<Integer> counted = new AtomicReference<>();
    ReportIntake intake = intake(c, store, reported, counted);

    ReportIntake.Answer answer =
        intake.accept(c.authorization(), c.body().getBytes(StandardCharsets.UTF_8));

    assertThat(answer.status()).as(answer.message()).isEqualTo(c.status());
    assertThat(counted.get()).isEqualTo(c.status());
    boolean accepted = c.status() == 202;
    assertThat(store.size()).isEqualTo(accepted ? 1 : 0);
    assertThat(reported).isEqualTo(accepted ? List.of("shop/web") : List.of());
  }

  /** A standby hands the leader only what it would have accepted itself (issue 19 item 1). */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void onlyAuthenticatedReportsAreForwarded(Case c) {
    ReportStore store = new ReportStore(Duration.ofMinutes(1), InstantSource.system());
    List<String> forwarded = new ArrayList<>();
    ReportIntake.Answer answer =
        intake(c, store, new ArrayList<>(), new AtomicReference<>())
            .accept(
                c.authorization(),
                c.body().getBytes(StandardCharsets.UTF_8),
                (authorization, body) -> {
                  forwarded.add(authorization);
                  return Optional.of(new ReportIntake.Answer(202, "taken by the leader"));
                });
    // The policy is the leader's to check (it holds the pods); everything before is checked here,
    // so the cases refused only for their pod's policy are forwarded.
    boolean authenticated = c.status() == 202 || !"web".equals(c.injectedFrom());
    assertThat(forwarded).hasSize(authenticated ? 1 : 0);
    assertThat(answer.status()).isEqualTo(authenticated ? 202 : c.status());
    assertThat(store.size()).as("a forwarded report is not stored here").isZero();
  }

  @org.junit.jupiter.api.Test
  void longMessagesAreCutAndErrorsCappedInsteadOfRefused() {
    ReportStore store = new ReportStore(Duration.ofMinutes(1), InstantSource.system());
    String errors =
        IntStream.range(0, ReportBounds.MAX_ERRORS + 10)
            .mapToObj(
                i ->
                    "{\"component\": \"logs\", \"message\": \"e"
                        + i
                        + " "
                        + "x".repeat(5000)
                        + "\"}")
            .collect(Collectors.joining(", ", "[", "]"));
    Case c =
        new Case(
            "long", "Bearer t", Optional.of(SHOP_WEB_1), false, withField("errors", errors), 202);
    ReportIntake.Answer answer =
        intake(c, store, new ArrayList<>(), new AtomicReference<>())
            .accept(c.authorization(), c.body().getBytes(StandardCharsets.UTF_8));
    assertThat(answer.status()).as(answer.message()).isEqualTo(202);
    List<ReportedError> kept = store.summarize("shop", "web").errors();
    assertThat(kept).hasSize(ReportBounds.MAX_ERRORS);
    assertThat(kept)
        .allSatisfy(e -> assertThat(e.message()).hasSize(ReportBounds.MAX_MESSAGE).endsWith("…"));
  }

  @org.junit.jupiter.api.Test
  void theStoreWarmsUpForHalfItsTtlFromItsFirstSummary() {
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    ReportStore store = new ReportStore(Duration.ofSeconds(90), now::get);
    now.set(now.get().plusSeconds(600)); // a standby for ten minutes: no summaries asked
    assertThat(store.warmingUp()).as("not summarized yet").isTrue();
    store.summarize("shop", "web"); // the first reconcile, on becoming leader
    now.set(now.get().plusSeconds(44));
    assertThat(store.warmingUp()).isTrue();
    now.set(now.get().plusSeconds(1));
    assertThat(store.warmingUp()).as("every sidecar has reported by now").isFalse();
  }

  /** The census counts a pod up to date by what its sidecar runs in full (ADR 0010). */
  @org.junit.jupiter.api.Test
  void theSummaryTellsWhichConfigEachSidecarRunsInFull() {
    ReportStore store = new ReportStore(Duration.ofMinutes(1), InstantSource.system());
    store.put(
        new SidecarReport("shop", "web-1", "web", "h2", "1", Map.of(), List.of(), Map.of(), false));
    store.put(
        new SidecarReport("shop", "web-2", "web", "h2", "1", Map.of(), List.of(), Map.of(), true));
    store.put(new SidecarReport("shop", "web-3", "web", "h1", "1", Map.of(), List.of(), Map.of()));
    store.put(new SidecarReport("shop", "web-4", "web", "", "1", Map.of(), List.of(), Map.of()));
    assertThat(store.summarize("shop", "web").running())
        .as("web-2 waits for a restart; web-4 names no config")
        .isEqualTo(Map.of("web-1", "h2", "web-3", "h1"));
  }

  @org.junit.jupiter.api.Test
  void whatTheStatusShowsIsReadBackAsASummary() {
    ObservabilityPolicyStatus status = new ObservabilityPolicyStatus();
    status.setLastReportTime("2026-01-01T10:00:00Z");
    SidecarErrorSummary error = new SidecarErrorSummary();
    error.setComponent("metrics");
    error.setMessage("connection refused");
    error.setPods(3);
    error.setLastSeen("2026-01-01T09:59:30Z");
    SidecarErrorSummary handEdited = new SidecarErrorSummary();
    handEdited.setComponent("logs");
    handEdited.setMessage("x");
    handEdited.setLastSeen("yesterday");
    status.setSidecarErrors(List.of(error, handEdited));

    ReportSummary shown = ReportSummary.shownIn(status);
    assertThat(shown.errors())
        .containsExactly(
            new ReportedError(
                "metrics", "connection refused", 3, Instant.parse("2026-01-01T09:59:30Z")));
    assertThat(shown.lastReport()).contains(Instant.parse("2026-01-01T10:00:00Z"));
    assertThat(ReportSummary.shownIn(null)).isEqualTo(ReportSummary.NONE);
    assertThat(ReportSummary.shownIn(new ObservabilityPolicyStatus()))
        .isEqualTo(ReportSummary.NONE);
  }

  @org.junit.jupiter.api.Test
  void theStoreGroupsErrorsByComponentAndMessageAndForgetsSilentPods() {
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    ReportStore store = new ReportStore(Duration.ofSeconds(90), now::get);
    SidecarReport.ComponentError refused =
        new SidecarReport.ComponentError("metrics", "connection refused");
    SidecarReport.ComponentError full = new SidecarReport.ComponentError("logs", "buffer full");
    store.put(report("a", List.of(refused, refused)));
    now.set(now.get().plusSeconds(60));
    store.put(report("b", List.of(refused, full)));
    store.put(
        new SidecarReport("shop", "c", "other", null, null, Map.of(), List.of(full), Map.of()));

    ReportSummary summary = store.summarize("shop", "web");
    assertThat(summary.errors())
        .containsExactly(
            new ReportedError("metrics", "connection refused", 2, now.get()),
            new ReportedError("logs", "buffer full", 1, now.get()));
    assertThat(summary.lastReport()).contains(now.get());

    now.set(now.get().plusSeconds(60)); // a: 120 s silent, b: 60 s
    assertThat(store.expire()).containsExactly("shop/web");
    assertThat(store.summarize("shop", "web").errors())
        .extracting(ReportedError::pods)
        .containsExactly(1, 1);
    assertThat(store.summarize("shop", "nobody")).isEqualTo(ReportSummary.NONE);
  }

  /** Issue 19 item 8: an answer without audiences was taken as one for {@code outrigger}. */
  @org.junit.jupiter.api.Test
  void aTokenReviewAnswerMustNameTheOutriggerAudience() {
    UserInfo web =
        new UserInfoBuilder()
            .withUsername("system:serviceaccount:shop:web")
            .addToExtra("authentication.kubernetes.io/pod-name", List.of("web-1"))
            .build();
    assertThat(TokenReviewer.accepted(review(true, List.of("outrigger"), web)))
        .contains(SHOP_WEB_1);
    assertThat(TokenReviewer.accepted(review(true, List.of(), web))).as("empty").isEmpty();
    assertThat(TokenReviewer.accepted(review(true, null, web))).as("none").isEmpty();
    assertThat(TokenReviewer.accepted(review(true, List.of("api"), web))).as("another").isEmpty();
    assertThat(TokenReviewer.accepted(review(false, List.of("outrigger"), web))).isEmpty();
    assertThat(TokenReviewer.accepted(null)).isEmpty();
  }

  private static TokenReviewStatus review(boolean authenticated, List<String> aud, UserInfo user) {
    return new TokenReviewStatusBuilder()
        .withAuthenticated(authenticated)
        .withAudiences(aud)
        .withUser(user)
        .build();
  }

  @org.junit.jupiter.api.Test
  void aServiceAccountUserIsAnIdentityAndOtherUsersAreNot() {
    assertThat(
            TokenReviewer.identity(
                new UserInfoBuilder()
                    .withUsername("system:serviceaccount:shop:web")
                    .withExtra(Map.of(TokenReviewer.POD_NAME_EXTRA, List.of("web-1")))
                    .build()))
        .contains(SHOP_WEB_1);
    assertThat(TokenReviewer.identity(new UserInfoBuilder().withUsername("admin").build()))
        .isEmpty();
    assertThat(
            TokenReviewer.identity(
                new UserInfoBuilder().withUsername("system:serviceaccount:shop").build()))
        .isEmpty();
  }

  @org.junit.jupiter.api.Test
  void aPolicyReconcilesAtMostOncePerInterval() {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    Duration five = Duration.ofSeconds(5);
    assertThat(StatusThrottle.delay(Optional.empty(), t, five)).isZero();
    assertThat(StatusThrottle.delay(Optional.of(t), t.plusSeconds(2), five))
        .isEqualTo(Duration.ofSeconds(3));
    assertThat(StatusThrottle.delay(Optional.of(t), t.plusSeconds(9), five)).isZero();
  }

  private static SidecarReport report(String pod, List<SidecarReport.ComponentError> errors) {
    return new SidecarReport("shop", pod, "web", "h", "1", Map.of(), errors, Map.of());
  }
}
