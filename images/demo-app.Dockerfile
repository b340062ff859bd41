# The demo app (examples/demo-app) for examples/demo-app/kubernetes.yaml and the e2e suite.
# Re-pin the bases with: crane digest eclipse-temurin:17-jdk-jammy / eclipse-temurin:17-jre-jammy
FROM eclipse-temurin:17-jdk-jammy@sha256:723151f3fc88ca2060153ee08ab8dbbea7983d6ed6f2622fe440acf178737c94 AS build
COPY examples/demo-app/DemoApp.java examples/demo-app/DemoLoad.java /src/
RUN javac -d /classes /src/DemoApp.java /src/DemoLoad.java

FROM eclipse-temurin:17-jre-jammy@sha256:475d8e96b4b2bfe08999e5e854755c773af1581acdf959a4545d88f0696a2339
COPY --from=build /classes /app
# The log directory exists (and is writable) even when no sidecar shares an emptyDir there.
RUN mkdir -p /var/log/app && chown 10001:10001 /var/log/app
USER 10001:10001
ENV DEMO_BIND=0.0.0.0 DEMO_LOG_FILE=/var/log/app/app.log
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=60", "-cp", "/app", "DemoApp"]
