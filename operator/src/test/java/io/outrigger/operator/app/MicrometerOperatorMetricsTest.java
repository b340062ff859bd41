package io.outrigger.operator.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.outrigger.webhook.admission.AdmissionMetrics;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What the operator's /q/metrics shows of the webhook: the series the chart's dashboard reads. */
class MicrometerOperatorMetricsTest {

  @Test
  void admissionsAreCountedByResultAndTheirLatencyIsAHistogramWithTheWebhooksBuckets() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    AdmissionMetrics admissions = new AdmissionMetrics();
    new MicrometerOperatorMetrics(registry).bind(admissions);

    admissions.record(AdmissionMetrics.Result.INJECTED, false, TimeUnit.MICROSECONDS.toNanos(700));
    admissions.record(AdmissionMetrics.Result.SKIPPED, true, TimeUnit.MILLISECONDS.toNanos(30));

    String text = registry.scrape();
    assertThat(text)
        .contains(
            "outrigger_webhook_admissions_total{dry_run=\"false\",result=\"injected\"} 1.0",
            "outrigger_webhook_admissions_total{dry_run=\"true\",result=\"skipped\"} 1.0",
            "outrigger_webhook_admission_duration_seconds_bucket{dry_run=\"false\",le=\"5.0E-4\"} 0",
            "outrigger_webhook_admission_duration_seconds_bucket{dry_run=\"false\",le=\"0.001\"} 1",
            "outrigger_webhook_admission_duration_seconds_bucket{dry_run=\"true\",le=\"0.025\"} 0",
            "outrigger_webhook_admission_duration_seconds_bucket{dry_run=\"true\",le=\"0.05\"} 1",
            "outrigger_webhook_admission_duration_seconds_count{dry_run=\"false\"} 1");
  }
}
