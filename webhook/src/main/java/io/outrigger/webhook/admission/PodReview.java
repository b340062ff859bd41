package io.outrigger.webhook.admission;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.outrigger.webhook.PodJson;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The fields of an AdmissionReview request the handler reads: who to answer, what kind of object
 * and operation, where, and the pod.
 *
 * <p>Two ways in. {@link #read(byte[])} is the fast path for the review the API server sends: one
 * streaming pass over the bytes, with the pod read straight into the model. Building a Jackson tree
 * of the whole review and then converting its {@code object} into the model cost three times as
 * much for a large pod, and it is most of an admission. Anything unusual (a field of the wrong
 * type, a pod the model refuses, a missing uid, trailing bytes) makes the fast path give up and
 * {@link #of(JsonNode)} take the tree the handler always used, so every error keeps its message.
 *
 * <p>Both read the pod without {@code metadata.managedFields} ({@link #POD_READER}).
 */
record PodReview(
    String uid,
    boolean dryRun,
    String group,
    String kind,
    String operation,
    String namespace,
    Pod parsedPod,
    JsonNode object) {

  /**
   * Reads the pod without {@code metadata.managedFields}: the API server's record of which client
   * set which field, about half the bytes of a pod a controller made (8.7 of 17 KB for the
   * benchmark's Deployment pod). The webhook neither reads nor changes it, so keeping it out of the
   * model keeps it out of the injector's copy, both renderings and the diff, and the patch cannot
   * touch it; the API server keeps the stored pod's own.
   */
  static final ObjectReader POD_READER =
      PodJson.MAPPER
          .copy()
          .addMixIn(ObjectMeta.class, WithoutManagedFields.class)
          .readerFor(Pod.class);

  @JsonIgnoreProperties({"managedFields"})
  private interface WithoutManagedFields {}

  /**
   * The request's pod: read already on the fast path, converted from the tree otherwise.
   *
   * @throws IllegalArgumentException when the request has no object or it is not a pod
   */
  Pod pod() {
    if (parsedPod != null) {
      return parsedPod;
    }
    if (object == null || !object.isObject()) {
      throw new IllegalArgumentException("request has no object");
    }
    try {
      return POD_READER.readValue(object);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a Pod: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("reading a tree does no I/O", e);
    }
  }

  /** From the {@code request} of a review already checked to have a textual uid. */
  static PodReview of(JsonNode request) {
    JsonNode kind = request.path("kind");
    return new PodReview(
        request.get("uid").asText(),
        request.path("dryRun").asBoolean(false),
        kind.path("group").asText(""),
        kind.path("kind").asText(""),
        request.path("operation").asText("CREATE"),
        request.path("namespace").asText(""),
        null,
        request.get("object"));
  }

  /** The review read in one pass, or {@code null} when the tree path must decide. */
  static PodReview read(byte[] body) {
    try (JsonParser parser = PodJson.MAPPER.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      String apiVersion = null;
      String kind = null;
      PodReview request = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (field) {
          case "apiVersion" -> apiVersion = text(parser);
          case "kind" -> kind = text(parser);
          case "request" -> {
            if (value != JsonToken.START_OBJECT) {
              return null;
            }
            request = readRequest(parser);
          }
          default -> parser.skipChildren();
        }
      }
      boolean wellFormed =
          parser.currentToken() == JsonToken.END_OBJECT
              && parser.nextToken() == null
              && AdmissionHandler.API_VERSION.equals(apiVersion)
              && AdmissionHandler.KIND.equals(kind)
              && request != null
              && request.uid() != null
              && !request.uid().isEmpty();
      return wellFormed ? request : null;
    } catch (IOException | RuntimeException e) {
      // Not JSON, or a pod the model refuses: the tree path says which, with its message.
      return null;
    }
  }

  private static PodReview readRequest(JsonParser parser) throws IOException {
    String uid = null;
    boolean dryRun = false;
    String group = "";
    String kind = "";
    String operation = "CREATE";
    String namespace = "";
    Pod pod = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      switch (field) {
        case "uid" -> uid = value == JsonToken.VALUE_STRING ? parser.getText() : null;
        case "dryRun" -> dryRun = bool(value);
        case "operation" -> operation = text(parser);
        case "namespace" -> namespace = text(parser);
        case "kind" -> {
          if (value != JsonToken.START_OBJECT) {
            throw new IllegalArgumentException("kind is not an object");
          }
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String part = parser.currentName();
            parser.nextToken();
            switch (part) {
              case "group" -> group = text(parser);
              case "kind" -> kind = text(parser);
              default -> parser.skipChildren();
            }
          }
        }
        case "object" -> {
          if (value != JsonToken.START_OBJECT) {
            throw new IllegalArgumentException("object is not a JSON object");
          }
          pod = POD_READER.readValue(parser);
        }
        default -> parser.skipChildren();
      }
    }
    return new PodReview(uid, dryRun, group, kind, operation, namespace, pod, null);
  }

  /** A string value; anything else sends the review down the tree path. */
  private static String text(JsonParser parser) throws IOException {
    if (parser.currentToken() != JsonToken.VALUE_STRING) {
      throw new IllegalArgumentException("not a string: " + parser.currentName());
    }
    return parser.getText();
  }

  private static boolean bool(JsonToken value) {
    return switch (value) {
      case VALUE_TRUE -> true;
      case VALUE_FALSE, VALUE_NULL -> false;
      default -> throw new IllegalArgumentException("dryRun is not a boolean");
    };
  }
}
