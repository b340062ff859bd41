package io.outrigger.operator.app;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once admission and reports are served (a Service must not send the API server here before).
 */
@Readiness
@ApplicationScoped
public class OperatorReadiness implements HealthCheck {
  @Inject OperatorLifecycle lifecycle;

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("outrigger-https").status(lifecycle.serving()).build();
  }
}
