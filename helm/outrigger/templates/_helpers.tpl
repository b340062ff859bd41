{{/* The chart's name in labels and names: the chart's own, or nameOverride. */}}
{{- define "outrigger.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 50 | trimSuffix "-" -}}
{{- end -}}

{{/* The base of every name: fullnameOverride, else the release name when it already says the chart's
name, else release-name. */}}
{{- define "outrigger.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- $name := include "outrigger.name" . -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Where the release's namespaced objects go: namespaceOverride, else the release namespace. */}}
{{- define "outrigger.namespace" -}}
{{- default .Release.Namespace .Values.namespaceOverride -}}
{{- end -}}

{{- define "outrigger.operatorName" -}}{{ include "outrigger.fullname" . }}-operator{{- end -}}

{{/* The Service the API server calls and sidecars report to; the operator puts it in its certificate. */}}
{{- define "outrigger.serviceName" -}}{{ include "outrigger.fullname" . }}-webhook{{- end -}}

{{/* The MutatingWebhookConfiguration whose caBundle the operator (or cert-manager) keeps current. */}}
{{- define "outrigger.webhookConfigurationName" -}}{{ include "outrigger.fullname" . }}{{- end -}}

{{/* Fixed by the operator (OperatorNames.WEBHOOK_SECRET, OperatorNames.LEASE). */}}
{{- define "outrigger.operatorSecretName" -}}outrigger-webhook-tls{{- end -}}
{{- define "outrigger.leaseName" -}}outrigger-operator-leader{{- end -}}

{{- define "outrigger.certManagerSecretName" -}}{{ include "outrigger.fullname" . }}-webhook-cert{{- end -}}
{{- define "outrigger.certManagerCertificateName" -}}{{ include "outrigger.fullname" . }}-webhook{{- end -}}

{{/* The Secret holding the webhook's serving certificate and its CA (ca.crt), in either mode. */}}
{{- define "outrigger.webhookSecretName" -}}
{{- if eq .Values.certificates.mode "operator" -}}
{{- include "outrigger.operatorSecretName" . -}}
{{- else -}}
{{- include "outrigger.certManagerSecretName" . -}}
{{- end -}}
{{- end -}}

{{- define "outrigger.serviceAccountName" -}}
{{- default (include "outrigger.operatorName" .) .Values.serviceAccount.name -}}
{{- end -}}

{{- define "outrigger.selectorLabels" -}}
app.kubernetes.io/name: {{ include "outrigger.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end -}}

{{/* Every object's labels; commonLabels last, but never over the chart's own keys. */}}
{{- define "outrigger.labels" -}}
{{- $own := dict
  "helm.sh/chart" (printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_")
  "app.kubernetes.io/name" (include "outrigger.name" .)
  "app.kubernetes.io/instance" .Release.Name
  "app.kubernetes.io/version" .Chart.AppVersion
  "app.kubernetes.io/managed-by" .Release.Service
  "app.kubernetes.io/part-of" "outrigger" -}}
{{- toYaml (merge $own (.Values.commonLabels | default dict)) -}}
{{- end -}}

{{/*
The image reference: registry/repository@digest, else registry/repository:tag (tag defaults to the
appVersion). The registry is the image's own, else global.imageRegistry, else image.registry; none is
put in front of a repository that already starts with a registry host (a first part with a dot or a
port, or localhost: Docker's rule), so a full repository keeps working.
*/}}
{{- define "outrigger.image" -}}
{{- $image := index . 0 -}}
{{- $root := index . 1 -}}
{{- $registry := $image.registry | default ($root.Values.global).imageRegistry | default $root.Values.image.registry -}}
{{- $first := first (splitList "/" $image.repository) -}}
{{- $hasHost := and (gt (len (splitList "/" $image.repository)) 1) (or (contains "." $first) (contains ":" $first) (eq $first "localhost")) -}}
{{- $repository := $image.repository -}}
{{- if and $registry (not $hasHost) -}}
{{- $repository = printf "%s/%s" (trimSuffix "/" $registry) $image.repository -}}
{{- end -}}
{{- if $image.digest -}}
{{- printf "%s@%s" $repository $image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repository (default $root.Chart.AppVersion $image.tag) -}}
{{- end -}}
{{- end -}}

{{/* The sidecar version the webhook writes into outrigger.io/status (pods with another one count as outdated). */}}
{{- define "outrigger.sidecarVersion" -}}
{{- default .Chart.AppVersion .Values.image.sidecar.tag -}}
{{- end -}}

{{- define "outrigger.certDir" -}}/var/run/outrigger/tls{{- end -}}

{{/* Namespaces whose policies this release reconciles: the watched ones, or every namespace. */}}
{{- define "outrigger.clusterWide" -}}
{{- if empty .Values.watchNamespaces -}}true{{- end -}}
{{- end -}}

{{/*
Whether a Prometheus Operator kind is rendered: asked for, and either the API server serves
monitoring.coreos.com/v1 or prometheusOperator.skipCapabilityCheck says to render it anyway (helm
template, GitOps tools that render without a cluster).
*/}}
{{- define "outrigger.prometheusOperator" -}}
{{- $enabled := index . 0 -}}
{{- $root := index . 1 -}}
{{- if and $enabled (or $root.Values.prometheusOperator.skipCapabilityCheck ($root.Capabilities.APIVersions.Has "monitoring.coreos.com/v1")) -}}true{{- end -}}
{{- end -}}
