{{/* The base of every name: the release name when it already says "outrigger", else release-outrigger. */}}
{{- define "outrigger.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
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

{{- define "outrigger.serviceAccountName" -}}
{{- default (include "outrigger.operatorName" .) .Values.serviceAccount.name -}}
{{- end -}}

{{- define "outrigger.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end -}}

{{- define "outrigger.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: outrigger
{{- end -}}

{{/* repository@digest, else repository:tag (tag defaults to the appVersion). */}}
{{- define "outrigger.image" -}}
{{- $image := index . 0 -}}
{{- $appVersion := index . 1 -}}
{{- if $image.digest -}}
{{- printf "%s@%s" $image.repository $image.digest -}}
{{- else -}}
{{- printf "%s:%s" $image.repository (default $appVersion $image.tag) -}}
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
