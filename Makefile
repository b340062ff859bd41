# Outrigger: the targets people know. `make test` is what CI runs (.ci/run).
MVN ?= mvn -B -ntp
CRD_FILE := observabilitypolicies.outrigger.io-v1.yml

.PHONY: build run run-operator test deps apiserver fmt lint crds helm-lint docs images e2e bench clean help

## build: compile and package every module, no tests
build:
	$(MVN) -DskipTests package

## run: the demo app with the sidecar in front of it, standalone (prints the URLs and curl commands to try)
run:
	bash hack/run-demo.sh

## run-operator: the operator against the current kubeconfig (applies the CRD; see docs/operator.md)
run-operator:
	$(MVN) -q -DskipTests -pl operator -am package
	kubectl apply --server-side -f crds/$(CRD_FILE)
	kubectl create namespace $${OUTRIGGER_NAMESPACE:-outrigger-system} --dry-run=client -o yaml | kubectl apply -f -
	OUTRIGGER_NAMESPACE=$${OUTRIGGER_NAMESPACE:-outrigger-system} \
	OUTRIGGER_CERTIFICATES_DIR=$${OUTRIGGER_CERTIFICATES_DIR:-/tmp/outrigger-operator/tls} \
	OUTRIGGER_CERTIFICATES_IP_ADDRESSES=$${OUTRIGGER_CERTIFICATES_IP_ADDRESSES:-127.0.0.1} \
	QUARKUS_LOG_CONSOLE_JSON_ENABLED=$${QUARKUS_LOG_CONSOLE_JSON_ENABLED:-false} \
	java -jar operator/target/quarkus-app/quarkus-run.jar

## test: install test dependencies, build the real Kubernetes binaries (cached), run every tier; prints each phase's time
test:
	MVN="$(MVN)" bash hack/test.sh

## deps: the Debian packages the tests need
deps:
	bash hack/test-deps.sh

## apiserver: build (once) and cache Kubernetes 1.20.2 (kube-apiserver, kubelet, scheduler, controller-manager, kube-proxy), etcd, kubectl under ~/.cache/outrigger
apiserver:
	bash hack/kube-apiserver.sh

## fmt: format Java sources (google-java-format via Spotless)
fmt:
	$(MVN) spotless:apply

## lint: check formatting
lint:
	$(MVN) spotless:check

## crds: regenerate crds/$(CRD_FILE) from the CR classes and copy it into the chart (commit both)
crds:
	$(MVN) -q -DskipTests -pl crds -am process-test-classes
	cp crds/target/classes/META-INF/fabric8/$(CRD_FILE) crds/$(CRD_FILE)
	cp crds/$(CRD_FILE) helm/outrigger/files/crds/$(CRD_FILE)

## helm-lint: helm lint and template of the chart for every tested values set (helm-java; no helm binary)
helm-lint:
	$(MVN) -pl helm-tests -am verify -DskipITs -Dspotless.check.skip=true \
	  -Dtest='Chart*Test' -Dsurefire.failIfNoSpecifiedTests=false

## docs: regenerate docs/reference/ (CRD reference from the schema; labels, annotations and ports from the code)
docs:
	$(MVN) -q -pl helm-tests -am verify -DskipITs -Dspotless.check.skip=true \
	  -Dtest=ReferenceDocsTest -Dsurefire.failIfNoSpecifiedTests=false -Doutrigger.regenerate=true

## images: operator, sidecar and demo-app images (needs docker or podman; REGISTRY, VERSION, PUSH=true; not in CI)
images:
	bash images/build.sh

## e2e: the e2e tier on a Kind cluster (needs kind and docker); make test runs the same tests on this machine's node
e2e:
	MVN="$(MVN)" bash hack/e2e-kind.sh

## bench: the proxy benchmark against nginx and HAProxy (bench/proxy.sh; installs wrk, nginx, haproxy)
bench:
	bash bench/proxy.sh

clean:
	$(MVN) -q clean

help:
	@grep -E '^## ' Makefile | sed 's/^## //'
