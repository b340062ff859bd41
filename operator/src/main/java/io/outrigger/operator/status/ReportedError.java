package io.outrigger.operator.status;

import java.time.Instant;

/**
 * One error the policy's sidecars report, with how many pods report it and when it was last seen.
 */
public record ReportedError(String component, String message, int pods, Instant lastSeen) {}
