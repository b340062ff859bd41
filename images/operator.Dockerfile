# The operator image: the Quarkus fast-jar built by `mvn package` (operator/target/quarkus-app), on a pinned JRE.
# Build from the repository root after `mvn -DskipTests package`: `make images` does both.
# Re-pin the base with: crane digest eclipse-temurin:17-jre-jammy
FROM eclipse-temurin:17-jre-jammy@sha256:475d8e96b4b2bfe08999e5e854755c773af1581acdf959a4545d88f0696a2339

# The chart runs it as 65532 with a read-only root filesystem (/tmp is an emptyDir).
RUN groupadd --system --gid 65532 outrigger \
 && useradd --system --uid 65532 --gid 65532 --home-dir /deployments --shell /usr/sbin/nologin outrigger
WORKDIR /deployments
COPY --chown=65532:65532 operator/target/quarkus-app/lib/ /deployments/lib/
COPY --chown=65532:65532 operator/target/quarkus-app/*.jar /deployments/
COPY --chown=65532:65532 operator/target/quarkus-app/app/ /deployments/app/
COPY --chown=65532:65532 operator/target/quarkus-app/quarkus/ /deployments/quarkus/

USER 65532:65532
EXPOSE 8443 8444 8080
# JAVA_OPTS (the chart's jvmOptions) goes before -jar. Not JAVA_TOOL_OPTIONS: the JVM announces that one on
# stderr, a line that would break the operator's JSON logs.
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["/bin/sh", "-c", "exec java $JAVA_OPTS -jar /deployments/quarkus-run.jar \"$@\"", "--"]
