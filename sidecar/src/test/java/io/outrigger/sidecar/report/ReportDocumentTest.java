package io.outrigger.sidecar.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.outrigger.config.SidecarReport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportDocumentTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void statusBecomesTheOperatorsReportWithoutTheReportersOwnState() throws Exception {
    String status =
        """
        {"sidecarVersion":"0.1.0","policy":"shop/checkout",
         "pod":{"name":"checkout-1","namespace":"shop","node":"n1","uid":"u1"},
         "ready":true,
         "config":{"hash":"fedcba9876543210","givenHash":"0123456789abcdef","restartRequired":[]},
         "components":{"proxy":{"state":"ready","listeners":[]},
                       "logs":{"state":"degraded"},
                       "report":{"state":"degraded","failures":3}},
         "counters":{"requests":12,"upstreamFailures":1},
         "errors":[{"component":"logs","message":"forward: connection refused"}]}
        """;

    SidecarReport report = ReportDocument.from(JSON.readTree(status));

    assertThat(report)
        .isEqualTo(
            new SidecarReport(
                "shop",
                "checkout-1",
                "checkout",
                "0123456789abcdef",
                "0.1.0",
                Map.of("proxy", "ready", "logs", "degraded"),
                List.of(new SidecarReport.ComponentError("logs", "forward: connection refused")),
                Map.of("requests", 12L, "upstreamFailures", 1L),
                false));
  }

  @Test
  void fieldsWaitingForARestartSayTheGivenConfigIsNotRunInFull() throws Exception {
    String status =
        """
        {"pod":{"name":"checkout-1","namespace":"shop"},"policy":"shop/checkout",
         "config":{"hash":"fedcba9876543210","givenHash":"0123456789abcdef",
                   "restartRequired":["logs.directory"]}}
        """;
    SidecarReport report = ReportDocument.from(JSON.readTree(status));
    assertThat(report.restartPending()).isTrue();
    assertThat(report.runsConfigInFull()).isFalse();
  }

  @Test
  void countersDoNotMakeAReportNew() throws Exception {
    SidecarReport first =
        ReportDocument.from(JSON.readTree("{\"counters\":{\"requests\":1},\"components\":{}}"));
    SidecarReport later =
        ReportDocument.from(JSON.readTree("{\"counters\":{\"requests\":9},\"components\":{}}"));
    assertThat(first.withoutCounters()).isEqualTo(later.withoutCounters());
  }
}
