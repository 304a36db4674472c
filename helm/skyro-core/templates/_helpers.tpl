{{/* vim: set filetype=mustache: */}}

{{- define "skyro-core.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Fully qualified app name. Truncated to 52 chars so that "<fullname>-rate-limiting-public"
style derived names stay within the 63 char DNS label limit.
*/}}
{{- define "skyro-core.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 52 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "skyro-core.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels shared by every object (no component). */}}
{{- define "skyro-core.commonLabels" -}}
helm.sh/chart: {{ include "skyro-core.chart" . }}
app.kubernetes.io/name: {{ include "skyro-core.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ (.Values.image.tag | default .Chart.AppVersion) | toString | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: skyro
{{- end -}}

{{/* Labels of the API workload and its satellites. */}}
{{- define "skyro-core.labels" -}}
{{ include "skyro-core.commonLabels" . }}
app.kubernetes.io/component: api
{{- end -}}

{{/*
Selector of the API pods. Includes component=api so that the migration Job's
pods (component=migrate) are never selected by the Service, PDB or policies.
*/}}
{{- define "skyro-core.selectorLabels" -}}
app.kubernetes.io/name: {{ include "skyro-core.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: api
{{- end -}}

{{- define "skyro-core.migrateSelectorLabels" -}}
app.kubernetes.io/name: {{ include "skyro-core.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: migrate
{{- end -}}

{{- define "skyro-core.migrateLabels" -}}
{{ include "skyro-core.commonLabels" . }}
app.kubernetes.io/component: migrate
{{- end -}}

{{- define "skyro-core.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "skyro-core.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "skyro-core.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository ((.Values.image.tag | default .Chart.AppVersion) | toString) -}}
{{- end -}}
{{- end -}}

{{- define "skyro-core.secretName" -}}
{{- required "secrets.existingSecret must name an existing Secret (DATABASE_URL, REDIS_URL, ...)" .Values.secrets.existingSecret -}}
{{- end -}}

{{/*
Non-secret runtime configuration as a flat map of strings. Single source of
truth for the ConfigMap (API pods) and the migration Job's inline env.
Numbers go through int64 so that 1048576 does not render as 1.048576e+06.
*/}}
{{- define "skyro-core.configData" -}}
NODE_ENV: "production"
HOST: "0.0.0.0"
PORT: {{ .Values.containerPort | int64 | toString | quote }}
LOG_LEVEL: {{ .Values.config.logLevel | toString | quote }}
BODY_LIMIT_BYTES: {{ .Values.config.bodyLimitBytes | int64 | toString | quote }}
TRUST_PROXY: {{ .Values.config.trustProxy | toString | quote }}
SHUTDOWN_GRACE_MS: {{ .Values.config.shutdownGraceMs | int64 | toString | quote }}
{{- if .Values.migrations.enabled }}
{{- /* the pre-install/pre-upgrade Job migrates; pods must not race it on boot */}}
DATABASE_MIGRATE_ON_BOOT: "false"
{{- end }}
{{- with .Values.config.modules }}
MODULES: {{ . | toString | quote }}
{{- end }}
{{- with .Values.config.corsOrigins }}
CORS_ORIGINS: {{ . | toString | quote }}
{{- end }}
{{- with .Values.config.kafkaBrokers }}
KAFKA_BROKERS: {{ . | toString | quote }}
{{- end }}
{{- with .Values.config.otelExporterOtlpEndpoint }}
OTEL_EXPORTER_OTLP_ENDPOINT: {{ . | toString | quote }}
{{- end }}
{{- range $k, $v := .Values.config.extraEnv }}
{{ $k }}: {{ $v | toString | quote }}
{{- end }}
{{- end -}}

{{/* envFrom (existing Secret) + individual secretKeyRefs, shared by API and Job. */}}
{{- define "skyro-core.secretEnvFrom" -}}
- secretRef:
    name: {{ include "skyro-core.secretName" . }}
{{- end -}}

{{- define "skyro-core.secretEnv" -}}
{{- $default := include "skyro-core.secretName" . -}}
{{- range .Values.secrets.env }}
- name: {{ required "secrets.env[].name is required" .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .secretName | default $default }}
      key: {{ required "secrets.env[].key is required" .key }}
      {{- if hasKey . "optional" }}
      optional: {{ .optional }}
      {{- end }}
{{- end }}
{{- end -}}

{{/* Name of a KongPlugin resource. Usage: include "skyro-core.kongPluginName" (list . "jwt") */}}
{{- define "skyro-core.kongPluginName" -}}
{{- printf "%s-%s" (include "skyro-core.fullname" (index . 0)) (index . 1) -}}
{{- end -}}

{{/* Plugins attached to every Kong route of this release (besides auth/rate limiting). */}}
{{- define "skyro-core.kongCommonPlugins" -}}
{{- $p := list -}}
{{- if .Values.kong.plugins.correlationId.enabled -}}
{{- $p = append $p (include "skyro-core.kongPluginName" (list . "correlation-id")) -}}
{{- end -}}
{{- if .Values.kong.plugins.prometheus.enabled -}}
{{- $p = append $p (include "skyro-core.kongPluginName" (list . "prometheus")) -}}
{{- end -}}
{{- join "," $p -}}
{{- end -}}

{{/*
One NetworkPolicyPeer (as a one-item YAML list) from an object with optional
namespaceSelector / podSelector. Both set = pods matching podSelector in the
namespaces matching namespaceSelector (AND). Usage: include "skyro-core.peer" $obj
*/}}
{{- define "skyro-core.peer" -}}
{{- $peer := dict -}}
{{- with .namespaceSelector }}{{ $_ := set $peer "namespaceSelector" . }}{{ end -}}
{{- with .podSelector }}{{ $_ := set $peer "podSelector" . }}{{ end -}}
{{- if not $peer }}{{ fail "networkPolicy: a peer needs a namespaceSelector and/or podSelector" }}{{ end -}}
{{- toYaml (list $peer) -}}
{{- end -}}

{{/* NetworkPolicy egress rule allowing DNS (UDP+TCP 53) to the cluster resolver. */}}
{{- define "skyro-core.dnsEgressRule" -}}
{{- $dns := .Values.networkPolicy.egress.dns -}}
{{- $peer := dict -}}
{{- with $dns.namespaceSelector }}{{ $_ := set $peer "namespaceSelector" . }}{{ end -}}
{{- with $dns.podSelector }}{{ $_ := set $peer "podSelector" . }}{{ end -}}
{{- $to := list -}}
{{- if $peer }}{{ $to = append $to $peer }}{{ end -}}
{{- $to = concat $to ($dns.extraTo | default list) -}}
- ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
  {{- with $to }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}

{{/* Egress rule for one dependency (postgres/redis/kafka/otlp). Usage: include "skyro-core.depEgressRule" $dep */}}
{{- define "skyro-core.depEgressRule" -}}
- ports:
    {{- range .ports }}
    - port: {{ . | int }}
      protocol: TCP
    {{- end }}
  {{- with .to }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}

