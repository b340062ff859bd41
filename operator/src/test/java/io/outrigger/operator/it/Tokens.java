package io.outrigger.operator.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.outrigger.api.Names;
import io.outrigger.operator.certs.CertificateIssuer;
import io.outrigger.testing.RealKubeApiServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;

/** Service-account tokens for the report tests: minted by the API server, or re-signed by hand. */
public final class Tokens {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Tokens() {}

  public static void serviceAccount(KubernetesClient client, String namespace, String name) {
    client
        .serviceAccounts()
        .inNamespace(namespace)
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .build())
        .createOr(existing -> existing.update());
  }

  /** A token from the TokenRequest API, bound to {@code pod} when given, as the kubelet mints. */
  public static String mint(
      KubernetesClient client, String namespace, String account, String audience, Pod pod) {
    TokenRequestBuilder request =
        new TokenRequestBuilder()
            .withNewSpec()
            .withAudiences(audience)
            .withExpirationSeconds(600L)
            .endSpec();
    if (pod != null) {
      request
          .editSpec()
          .withNewBoundObjectRef()
          .withApiVersion("v1")
          .withKind("Pod")
          .withName(pod.getMetadata().getName())
          .withUid(pod.getMetadata().getUid())
          .endBoundObjectRef()
          .endSpec();
    }
    TokenRequest minted =
        client
            .serviceAccounts()
            .inNamespace(namespace)
            .withName(account)
            .tokenRequest(request.build());
    return minted.getStatus().getToken();
  }

  /** A minted token for audience {@link Names#TOKEN_AUDIENCE}. */
  public static String mint(KubernetesClient client, String namespace, String account, Pod pod) {
    return mint(client, namespace, account, Names.TOKEN_AUDIENCE, pod);
  }

  /**
   * {@code token} with its validity moved to end at {@code expiry}, re-signed with the API server's
   * service-account signing key: the {@code apiserver.key} this run's server wrote into its own
   * directory and signs with. TokenRequest cannot mint a token shorter than 10 minutes; this is how
   * a test gets an expired one the API server itself judges.
   */
  public static String resigned(String token, Instant expiry) throws Exception {
    String[] parts = token.split("\\.");
    Base64.Decoder decoder = Base64.getUrlDecoder();
    ObjectNode claims = (ObjectNode) JSON.readTree(decoder.decode(parts[1]));
    long exp = expiry.getEpochSecond();
    claims.put("exp", exp);
    claims.put("iat", exp - 3600);
    claims.put("nbf", exp - 3600);
    Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
    String unsigned = parts[0] + "." + encoder.encodeToString(JSON.writeValueAsBytes(claims));
    PrivateKey key =
        CertificateIssuer.privateKey(
            Files.readString(RealKubeApiServer.serverDir().resolve("apiserver.key")));
    Signature rs256 = Signature.getInstance("SHA256withRSA");
    rs256.initSign(key);
    rs256.update(unsigned.getBytes(StandardCharsets.US_ASCII));
    return unsigned + "." + encoder.encodeToString(rs256.sign());
  }
}
