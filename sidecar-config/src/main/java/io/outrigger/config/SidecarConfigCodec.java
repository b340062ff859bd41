package io.outrigger.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads and writes {@link SidecarConfig} documents (JSON or YAML) and computes their hash.
 *
 * <p>A document may leave any field out: it is laid over {@link SidecarConfig#defaults()}, so a
 * standalone file can say only what differs. Unknown fields are refused, because in a hand-written
 * file they are typos.
 */
public final class SidecarConfigCodec {

  private static final ObjectMapper JSON = configure(JsonMapper.builder().build());
  private static final ObjectMapper YAML = configure(new ObjectMapper(new YAMLFactory()));

  private SidecarConfigCodec() {}

  private static ObjectMapper configure(ObjectMapper mapper) {
    SimpleModule durations = new SimpleModule("outrigger-durations");
    durations.addSerializer(Duration.class, new DurationSerializer());
    durations.addDeserializer(Duration.class, new DurationDeserializer());
    return mapper
        .registerModule(durations)
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
        .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
        .configure(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS, true)
        .configure(MapperFeature.ALLOW_COERCION_OF_SCALARS, false)
        // Stable bytes for the same config, so the hash only changes when the config does.
        .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  }

  /** Reads a JSON document; {@code source} names it in error messages. */
  public static SidecarConfig readJson(String document, String source) {
    return read(JSON, document, source);
  }

  /** Reads a YAML document (JSON is YAML too); {@code source} names it in error messages. */
  public static SidecarConfig readYaml(String document, String source) {
    return read(YAML, document, source);
  }

  /** Canonical JSON: field order fixed by the records, map keys sorted. */
  public static String toCompactJson(SidecarConfig config) {
    try {
      return JSON.writeValueAsString(config);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a SidecarConfig always serialises", e);
    }
  }

  /** Canonical JSON, indented for people. */
  public static String toJson(SidecarConfig config) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a SidecarConfig always serialises", e);
    }
  }

  /**
   * First 16 hex digits of the SHA-256 of {@link #toJson}: what the operator and sidecars compare.
   */
  public static String hash(SidecarConfig config) {
    // Every admission writes the hash into the pod's status annotation: remember it per config
    // (records compare by value, and weak keys let configs of deleted policies go).
    synchronized (HASHES) {
      String known = HASHES.get(config);
      if (known != null) {
        return known;
      }
    }
    String hash = computeHash(config);
    synchronized (HASHES) {
      HASHES.put(config, hash);
    }
    return hash;
  }

  private static final Map<SidecarConfig, String> HASHES = new java.util.WeakHashMap<>();

  private static String computeHash(SidecarConfig config) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(toJson(config).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static SidecarConfig read(ObjectMapper mapper, String document, String source) {
    JsonNode given;
    try {
      given = mapper.readTree(document);
    } catch (JsonProcessingException e) {
      throw new InvalidConfigException(
          source,
          locationOf(e),
          "",
          "not valid " + formatName(mapper) + ": " + e.getOriginalMessage());
    }
    if (given == null || given.isMissingNode() || given.isNull()) {
      given = mapper.createObjectNode();
    }
    if (!given.isObject()) {
      throw new InvalidConfigException(source, "", "", "the document must be an object");
    }
    JsonNode merged = overlay(JSON.valueToTree(SidecarConfig.defaults()), given);
    SidecarConfig config;
    try {
      config = JSON.treeToValue(merged, SidecarConfig.class);
    } catch (JsonMappingException e) {
      throw new InvalidConfigException(source, "", fieldPath(e), reason(e));
    } catch (JsonProcessingException e) {
      throw new InvalidConfigException(source, "", "", e.getOriginalMessage());
    }
    if (config.schemaVersion() != SidecarConfig.SCHEMA_VERSION) {
      throw new InvalidConfigException(
          source,
          "",
          "schemaVersion",
          "unsupported version "
              + config.schemaVersion()
              + " (this sidecar reads "
              + SidecarConfig.SCHEMA_VERSION
              + ")");
    }
    return config;
  }

  /**
   * Defaults of the optional sections, which are absent (off) in {@link SidecarConfig#defaults()}:
   * when a document turns one on, it is laid over these, so {@code scrape: {port: 9100}} gets the
   * default path, interval and timeout.
   */
  private static final Map<String, String> SECTION_DEFAULTS =
      Map.of(
          "/metrics/scrape",
          "{\"path\":\""
              + Defaults.METRICS_PATH
              + "\",\"scheme\":\"http\",\"interval\":\""
              + Defaults.SCRAPE_INTERVAL
              + "\",\"timeout\":\""
              + Defaults.SCRAPE_TIMEOUT
              + "\"}",
          "/metrics/pushgateway",
          "{\"interval\":\"" + Defaults.PUSH_INTERVAL + "\"}",
          "/metrics/remoteWrite",
          "{\"interval\":\""
              + Defaults.PUSH_INTERVAL
              + "\",\"queueCapacity\":"
              + Defaults.REMOTE_WRITE_QUEUE
              + "}",
          "/metrics/otlp",
          "{\"interval\":\"" + Defaults.PUSH_INTERVAL + "\"}",
          "/metrics/statsd",
          "{\"port\":" + Defaults.STATSD_PORT + "}",
          "/logs/multiline",
          "{\"flushTimeout\":\""
              + Defaults.MULTILINE_FLUSH
              + "\",\"maxLines\":"
              + Defaults.MULTILINE_MAX_LINES
              + "}",
          "/logs/outputs/forward",
          "{\"port\":"
              + Defaults.FORWARD_PORT
              + ",\"tag\":\""
              + Defaults.FORWARD_TAG
              + "\",\"requireAck\":true,\"tls\":false}",
          "/logs/outputs/loki",
          "{\"labels\":{}}");

  /** Lays {@code given} over {@code base}: objects merge field by field, anything else replaces. */
  static JsonNode overlay(JsonNode base, JsonNode given) {
    return overlay(base, given, "");
  }

  private static JsonNode overlay(JsonNode base, JsonNode given, String path) {
    if ((base == null || base.isNull()) && given.isObject() && SECTION_DEFAULTS.containsKey(path)) {
      try {
        base = JSON.readTree(SECTION_DEFAULTS.get(path));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("section defaults are valid JSON", e);
      }
    }
    if (!(base instanceof ObjectNode baseObject) || !given.isObject()) {
      return given;
    }
    ObjectNode result = baseObject.deepCopy();
    Iterator<Map.Entry<String, JsonNode>> fields = given.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      result.set(
          field.getKey(),
          overlay(result.get(field.getKey()), field.getValue(), path + "/" + field.getKey()));
    }
    return result;
  }

  private static String fieldPath(JsonMappingException e) {
    return e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining("."))
        .replace(".[", "[");
  }

  private static String reason(JsonMappingException e) {
    Throwable cause = e.getCause();
    if (cause instanceof IllegalArgumentException) {
      return cause.getMessage();
    }
    String message = e.getOriginalMessage();
    // Jackson's messages end with a long hint about the Java type; the first sentence is what a
    // user needs.
    int cut = message.indexOf(" at [Source");
    return cut > 0 ? message.substring(0, cut) : message;
  }

  private static String locationOf(JsonProcessingException e) {
    return e.getLocation() == null
        ? ""
        : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
  }

  private static String formatName(ObjectMapper mapper) {
    return mapper == YAML ? "YAML" : "JSON";
  }

  private static final class DurationSerializer extends JsonSerializer<Duration> {
    @Override
    public void serialize(Duration value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      gen.writeString(DurationText.format(value));
    }
  }

  private static final class DurationDeserializer extends JsonDeserializer<Duration> {
    @Override
    public Duration deserialize(JsonParser parser, DeserializationContext context)
        throws IOException {
      if (!parser.currentToken().isScalarValue() || parser.currentToken().isNumeric()) {
        throw JsonMappingException.from(
            parser,
            "a duration is a string like 500ms, 30s or 1m30s",
            new IllegalArgumentException("a duration is a string like 500ms, 30s or 1m30s"));
      }
      try {
        return DurationText.parse(parser.getText());
      } catch (IllegalArgumentException e) {
        throw JsonMappingException.from(parser, e.getMessage(), e);
      }
    }
  }
}
