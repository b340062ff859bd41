package io.outrigger.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The operator's answer to an accepted report ({@code 202}, JSON): besides the word, what the
 * sidecar should run and trust now. This is how a policy edit and a rotated CA reach running
 * sidecars: the operator writes nothing into the pods' namespaces (docs/adr/0010).
 *
 * @param message {@code accepted}
 * @param configHash the hash of the policy's rendered config now; null when the policy cannot be
 *     resolved (invalid, or not seen yet): the sidecar keeps what it runs
 * @param config the rendered config document (compact JSON), only when {@code configHash} differs
 *     from the one reported
 * @param reportCa the PEM bundle that signs the report endpoint, when the operator has one
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReportAnswer(String message, String configHash, String config, String reportCa) {}
