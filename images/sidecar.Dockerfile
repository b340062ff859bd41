# The sidecar image: the plain jar with its dependencies (sidecar/target), the tuned launcher, and iptables for
# `outrigger-sidecar init` (the init container the webhook adds for iptables interception).
# Build from the repository root after `mvn -DskipTests package`: `make images` does both.
# Re-pin the base with: crane digest eclipse-temurin:17-jre-jammy
FROM eclipse-temurin:17-jre-jammy@sha256:475d8e96b4b2bfe08999e5e854755c773af1581acdf959a4545d88f0696a2339

# iptables (nft and legacy backends; init picks what the node uses). Nothing else is added.
RUN apt-get update \
 && apt-get install -y --no-install-recommends iptables \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 1337 outrigger \
 && useradd --system --uid 1337 --gid 1337 --home-dir /opt/outrigger --shell /usr/sbin/nologin outrigger

# The launcher finds the jar in ../lib and the jar its dependencies in lib/ beside it (manifest Class-Path).
COPY sidecar/bin/outrigger-sidecar /opt/outrigger/bin/outrigger-sidecar
COPY sidecar/target/outrigger-sidecar-*.jar /opt/outrigger/lib/
COPY sidecar/target/lib/ /opt/outrigger/lib/lib/
RUN rm -f /opt/outrigger/lib/*-tests.jar /opt/outrigger/lib/*-sources.jar \
 && chmod 0755 /opt/outrigger/bin/outrigger-sidecar

# The webhook runs `outrigger-sidecar run|wait|init`; it sets the UID (1337, or root for init) itself.
ENV PATH="/opt/outrigger/bin:${PATH}"
USER 1337:1337
EXPOSE 15006 15020
ENTRYPOINT ["outrigger-sidecar"]
CMD ["run"]
