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
Selector of one deployment's pods: app.kubernetes.io/component is the name of
the deployments[] entry ("api" for the default single deployment, exactly the
selector of chart 0.1.0, so upgrades keep the immutable Deployment selector).
It keeps every Service, PDB, HPA, NetworkPolicy and spread constraint on its own
deployment's pods, and never matches the migration Job's pods (component=migrate,
a reserved name). Usage: include "skyro-core.selectorLabels" (list $ $d)
*/}}
{{- define "skyro-core.selectorLabels" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: {{ include "skyro-core.name" $root }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/component: {{ (index . 1).component }}
{{- end -}}

{{/* Labels of one deployment's objects. Usage: include "skyro-core.deploymentLabels" (list $ $d) */}}
{{- define "skyro-core.deploymentLabels" -}}
{{ include "skyro-core.commonLabels" (index . 0) }}
app.kubernetes.io/component: {{ (index . 1).component }}
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
{{- with .Values.config.authIssuer }}
AUTH_ISSUER: {{ . | toString | quote }}
{{- end }}
{{- with .Values.config.authAudience }}
AUTH_AUDIENCE: {{ . | toString | quote }}
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


{{/*
The deployment plan: validates .Values.contexts / .Values.deployments and
returns them resolved, as YAML (callers: `include "skyro-core.plan" . | fromYaml`):

  primary: <object name of deployments[0]>
  owners:  {<context>: <object name of the deployment running it>}
  paths:   {<path prefix>: <context owning it>}
  deployments:
    - name, component, fullname (object name), primary (bool), contexts (list),
      modules (MODULES value), busServe ("" = app default), replicaCount,
      autoscaling, pdb, resources (global values with the entry's overrides),
      extraEnv (map), databases (list of {context, env, secretName, key, optional})

Rules (each violation is a `fail` with a message naming the values to fix):
  - deployments[0] is the primary: its objects are named <fullname> (the names
    of the single-deployment chart), it gets Kong's catch-all "/" and every
    public/blocked path no context owns (/health, /metrics). Others: <fullname>-<name>.
  - Every context of .Values.contexts runs in exactly one deployment. At most one
    entry may leave `contexts` empty: it runs every context no other entry lists
    (MODULES=all,-<each context another entry runs>; MODULES=all when it is the only
    deployment), including contexts the code has that `contexts` does not list yet.
  - A path prefix belongs to at most one context and is never a protectedPaths entry.
*/}}
{{- define "skyro-core.plan" -}}
{{- $v := .Values -}}
{{- $base := include "skyro-core.fullname" . -}}
{{- if $v.config.modules -}}
{{- fail "config.modules was replaced by deployments[].contexts: list the contexts per deployment (an empty list runs all contexts no other deployment runs)" -}}
{{- end -}}
{{- $contexts := $v.contexts | default dict -}}
{{- $ctxNames := keys $contexts | sortAlpha -}}
{{- range $c := $ctxNames -}}
{{- if not (regexMatch "^[a-z][a-z0-9_]*$" $c) -}}
{{- fail (printf "contexts.%s: a context name is lower-case letters, digits and _ (it becomes %s_DATABASE_URL)" $c (upper $c)) -}}
{{- end -}}
{{- end -}}
{{- /* path prefix -> owning context */ -}}
{{- $paths := dict -}}
{{- range $c := $ctxNames -}}
{{- range $p := ((index $contexts $c).paths | default list) -}}
{{- if not (hasPrefix "/" $p) -}}
{{- fail (printf "contexts.%s.paths: %q must start with /" $c $p) -}}
{{- end -}}
{{- if has $p $v.ingress.protectedPaths -}}
{{- fail (printf "contexts.%s.paths: %q is an ingress.protectedPaths entry (Kong's catch-all to the primary deployment); a context owns more specific prefixes" $c $p) -}}
{{- end -}}
{{- if hasKey $paths $p -}}
{{- fail (printf "contexts: path %q is claimed by both %q and %q; a path prefix belongs to one context" $p (index $paths $p) $c) -}}
{{- end -}}
{{- $_ := set $paths $p $c -}}
{{- end -}}
{{- end -}}
{{- $deps := $v.deployments | default list -}}
{{- if not $deps -}}
{{- fail "deployments: at least one entry {name, contexts} is required" -}}
{{- end -}}
{{- $split := gt (len $deps) 1 -}}
{{- /* pass 1: names, explicit context lists */ -}}
{{- $owner := dict -}}
{{- $names := dict -}}
{{- $rest := list -}}
{{- range $i, $d := $deps -}}
{{- $n := toString ($d.name | default "") -}}
{{- if not (regexMatch "^[a-z]([-a-z0-9]*[a-z0-9])?$" $n) -}}
{{- fail (printf "deployments[%d].name %q: lower-case letters, digits and -, starting with a letter (a DNS label)" $i $n) -}}
{{- end -}}
{{- if eq $n "migrate" -}}
{{- fail (printf "deployments[%d].name: \"migrate\" is reserved for the migration Job's pods" $i) -}}
{{- end -}}
{{- if hasKey $names $n -}}
{{- fail (printf "deployments: the name %q is used twice" $n) -}}
{{- end -}}
{{- $_ := set $names $n $i -}}
{{- $list := $d.contexts | default list -}}
{{- if not $list -}}
{{- $rest = append $rest $n -}}
{{- end -}}
{{- $mine := dict -}}
{{- range $c := $list -}}
{{- if not (hasKey $contexts $c) -}}
{{- fail (printf "deployments[%d] (%s): unknown context %q; known contexts (values `contexts`): %s" $i $n $c (join ", " $ctxNames)) -}}
{{- end -}}
{{- if hasKey $mine $c -}}
{{- fail (printf "deployments[%d] (%s): context %q is listed twice" $i $n $c) -}}
{{- end -}}
{{- $_ := set $mine $c true -}}
{{- if hasKey $owner $c -}}
{{- fail (printf "context %q is listed in deployments %q and %q: a context runs in exactly one deployment (remove it from one of them)" $c (index $owner $c) $n) -}}
{{- end -}}
{{- $_ := set $owner $c $n -}}
{{- end -}}
{{- end -}}
{{- if gt (len $rest) 1 -}}
{{- fail (printf "deployments %s all leave contexts empty (= every context no other deployment runs); at most one may" (join ", " $rest)) -}}
{{- end -}}
{{- /* pass 2: unlisted contexts go to the "rest" entry, or nowhere = error */ -}}
{{- $unlisted := list -}}
{{- range $c := $ctxNames -}}
{{- if not (hasKey $owner $c) -}}
{{- $unlisted = append $unlisted $c -}}
{{- end -}}
{{- end -}}
{{- if $rest -}}
{{- range $c := $unlisted -}}
{{- $_ := set $owner $c (first $rest) -}}
{{- end -}}
{{- if and $split (not $unlisted) -}}
{{- fail (printf "deployment %q runs no context: its contexts are empty (= the rest) but every context is listed by another deployment" (first $rest)) -}}
{{- end -}}
{{- else if $unlisted -}}
{{- fail (printf "context(s) %s run in no deployment: add each to one deployment's contexts (or leave one deployment's contexts empty to run all contexts the others do not)" (join ", " $unlisted)) -}}
{{- end -}}
{{- /* pass 3: resolve each entry */ -}}
{{- $secretName := include "skyro-core.secretName" . -}}
{{- $secretEnvNames := list -}}
{{- range $v.secrets.env }}{{ $secretEnvNames = append $secretEnvNames .name }}{{ end -}}
{{- $reserved := list "MODULES" "BUS_SERVE" -}}
{{- range $k, $_ := ($v.config.extraEnv | default dict) -}}
{{- if or (has $k $reserved) (hasSuffix "DATABASE_URL" $k) -}}
{{- fail (printf "config.extraEnv.%s: set by the chart (MODULES/BUS_SERVE from deployments[]; database URLs are secrets: secrets.existingSecret or deployments[].databases)" $k) -}}
{{- end -}}
{{- end -}}
{{- $out := list -}}
{{- $owners := dict -}}
{{- range $i, $d := $deps -}}
{{- $n := toString $d.name -}}
{{- $full := ternary $base (printf "%s-%s" $base $n) (eq $i 0) -}}
{{- if gt (len $full) 63 -}}
{{- fail (printf "deployments[%d]: object name %q is longer than 63 characters (a Service name is a DNS label): shorten the name or fullnameOverride" $i $full) -}}
{{- end -}}
{{- $ctxs := list -}}
{{- range $c := $ctxNames }}{{ if eq (index $owner $c) $n }}{{ $ctxs = append $ctxs $c }}{{ end }}{{ end -}}
{{- if $d.contexts }}{{ $ctxs = $d.contexts }}{{ end -}}
{{- range $c := $ctxs }}{{ $_ := set $owners $c $full }}{{ end -}}
{{- /* The entry with no list runs "all but the others'": a context added to the code but not
       to `contexts` runs there, its paths reaching it through the catch-all. */ -}}
{{- $modules := join "," $ctxs -}}
{{- if not $d.contexts -}}
{{- $others := list -}}
{{- range $c := keys $owner | sortAlpha }}{{ if ne (index $owner $c) $n }}{{ $others = append $others (printf "-%s" $c) }}{{ end }}{{ end -}}
{{- $modules = join "," (prepend $others "all") -}}
{{- end -}}
{{- $busServe := "" -}}
{{- if hasKey $d "busServe" -}}
{{- if not (kindIs "invalid" $d.busServe) }}{{ $busServe = toString $d.busServe }}{{ end -}}
{{- else if $split -}}
{{- $busServe = "true" -}}
{{- end -}}
{{- /* per-entry overrides: shallow, key by key (a null value overrides too) */ -}}
{{- $as := deepCopy $v.autoscaling -}}
{{- range $k, $x := ($d.autoscaling | default dict) }}{{ $_ := set $as $k $x }}{{ end -}}
{{- $pdb := deepCopy $v.pdb -}}
{{- range $k, $x := ($d.pdb | default dict) }}{{ $_ := set $pdb $k $x }}{{ end -}}
{{- $extraEnv := dict -}}
{{- range $k, $x := ($d.extraEnv | default dict) -}}
{{- /* values arrive as float64: 1048576 must not become 1.048576e+06 */ -}}
{{- if and (kindIs "float64" $x) (eq (float64 (int64 $x)) $x) }}{{ $x = int64 $x }}{{ end -}}
{{- $_ := set $extraEnv $k (toString $x) -}}
{{- end -}}
{{- range $k, $_ := $extraEnv -}}
{{- if or (has $k $reserved) (hasSuffix "DATABASE_URL" $k) -}}
{{- fail (printf "deployments[%d] (%s).extraEnv.%s: set by the chart (MODULES/BUS_SERVE from contexts/busServe; database URLs via databases:)" $i $n $k) -}}
{{- end -}}
{{- if has $k $secretEnvNames -}}
{{- fail (printf "deployments[%d] (%s).extraEnv.%s is also a secrets.env entry" $i $n $k) -}}
{{- end -}}
{{- end -}}
{{- $dbs := list -}}
{{- range $c := keys ($d.databases | default dict) | sortAlpha -}}
{{- $db := index $d.databases $c -}}
{{- if not (has $c $ctxs) -}}
{{- fail (printf "deployments[%d] (%s).databases.%s: this deployment does not run context %q (it runs: %s)" $i $n $c $c (join ", " $ctxs)) -}}
{{- end -}}
{{- $env := printf "%s_DATABASE_URL" (upper $c) -}}
{{- if has $env $secretEnvNames -}}
{{- fail (printf "deployments[%d] (%s).databases.%s: %s is also a secrets.env entry; set it in one place" $i $n $c $env) -}}
{{- end -}}
{{- $entry := dict "context" $c "env" $env "secretName" ($db.secretName | default $secretName) "key" ($db.key | default $env) -}}
{{- if hasKey $db "optional" }}{{ $_ := set $entry "optional" $db.optional }}{{ end -}}
{{- $dbs = append $dbs $entry -}}
{{- end -}}
{{- $r := dict "name" $n "component" $n "fullname" $full "primary" (eq $i 0) "contexts" $ctxs "modules" $modules "busServe" $busServe -}}
{{- $_ := set $r "replicaCount" (hasKey $d "replicaCount" | ternary $d.replicaCount $v.replicaCount) -}}
{{- $_ := set $r "autoscaling" $as -}}
{{- $_ := set $r "pdb" $pdb -}}
{{- $_ := set $r "resources" ($d.resources | default $v.resources) -}}
{{- $_ := set $r "extraEnv" $extraEnv -}}
{{- $_ := set $r "databases" $dbs -}}
{{- $out = append $out $r -}}
{{- end -}}
{{- if and $split .Values.networkPolicy.enabled (not .Values.networkPolicy.egress.kafka.enabled) -}}
{{- fail "networkPolicy.egress.kafka.enabled=false with several deployments: deployments reach each other only over Kafka" -}}
{{- end -}}
{{- if and $split (not $v.config.kafkaBrokers) (not (hasKey ($v.config.extraEnv | default dict) "KAFKA_BROKERS")) -}}
{{- fail "several deployments need Kafka (config.kafkaBrokers): contexts running elsewhere are reached over the Kafka request/reply bus" -}}
{{- end -}}
{{- toYaml (dict "primary" (first $out).fullname "owners" $owners "paths" $paths "deployments" $out) -}}
{{- end -}}

{{/*
Container env a deployment gets on top of the ConfigMap and the Secret: MODULES,
BUS_SERVE, its contexts' database URLs (secretKeyRef) and its extraEnv.
Usage: include "skyro-core.deploymentEnv" $d   ($d: an entry of the plan)
*/}}
{{- define "skyro-core.deploymentEnv" -}}
- name: MODULES
  value: {{ .modules | quote }}
{{- with .busServe }}
- name: BUS_SERVE
  value: {{ . | quote }}
{{- end }}
{{- include "skyro-core.databaseEnv" .databases }}
{{- range $k, $x := .extraEnv }}
- name: {{ $k }}
  value: {{ $x | toString | quote }}
{{- end }}
{{- end -}}

{{/* <CONTEXT>_DATABASE_URL secretKeyRefs. Usage: include "skyro-core.databaseEnv" $listOfDatabases */}}
{{- define "skyro-core.databaseEnv" -}}
{{- range . }}
- name: {{ .env }}
  valueFrom:
    secretKeyRef:
      name: {{ .secretName }}
      key: {{ .key }}
      {{- if hasKey . "optional" }}
      optional: {{ .optional }}
      {{- end }}
{{- end }}
{{- end -}}

{{/*
Object name of the deployment serving a request path: the deployment running the
context that owns the longest matching path prefix (Kubernetes "Prefix"
semantics: element-wise), else the primary. Usage: include "skyro-core.routeOwner" (list $plan "/v1/auth")
*/}}
{{- define "skyro-core.routeOwner" -}}
{{- $plan := index . 0 -}}
{{- $path := index . 1 -}}
{{- $best := "" -}}
{{- range $prefix, $ctx := $plan.paths -}}
{{- $p := trimSuffix "/" $prefix -}}
{{- if or (eq $p "") (eq $p (trimSuffix "/" $path)) (hasPrefix (printf "%s/" $p) $path) -}}
{{- if gt (len $prefix) (len $best) }}{{ $best = $prefix }}{{ end -}}
{{- end -}}
{{- end -}}
{{- if $best -}}
{{- index $plan.owners (index $plan.paths $best) -}}
{{- else -}}
{{- $plan.primary -}}
{{- end -}}
{{- end -}}
