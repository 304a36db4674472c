#!/usr/bin/env bash
# Offline validation of the Helm chart helm/skyro-core (no cluster, no Docker).
#
#   scripts/helm-check.sh               lint + render (4 value sets) + validate
#   scripts/helm-check.sh --print-helm  only ensure helm, print its path
#   scripts/helm-check.sh --print-venv  only ensure the validator venv, print its python
#
# Tools (cached in ${SKYRO_CACHE_DIR:-$HOME/.cache/skyro}):
#   helm v3   $SKYRO_HELM_BIN if set, else `helm` on PATH if it is v3, else $CACHE/bin/helm, else built from
#             source with `go install helm.sh/helm/v3/cmd/helm@$SKYRO_HELM_VERSION`
#             (first build: a few minutes).
#   kubernetes-validate (PyPI) in the venv $CACHE/venv-kv: JSON schemas of the
#             Kubernetes API per version, used in strict mode (unknown fields fail).
#
# What is checked (any failure => non-zero exit):
#   1. helm lint --strict with the default (one deployment running every
#      context), "full" (all optional parts on), "minimal" (all optional parts
#      off) and "split" (helm/skyro-core/ci/split-values.yaml: three deployments,
#      one with its own database) value sets.
#   2. helm template for the same four value sets (--kube-version, --namespace).
#   3. Every rendered document validated against the Kubernetes $SKYRO_KUBE_VERSION
#      OpenAPI schema in strict mode. A kind/apiVersion without a schema is an
#      ERROR (kubernetes-validate's CLI only warns), except KongPlugin
#      (a CRD) which gets its own structural check: apiVersion
#      configuration.konghq.com/v1, metadata.name, plugin, config, known top-level
#      fields, and known config keys/values for the plugins this chart uses.
#   4. Consistency: no duplicate YAML keys, no duplicate kind/name, Ingress
#      plugin annotations point at rendered KongPlugins, each Service/PDB/
#      NetworkPolicy selects the pods of exactly one Deployment (and no
#      Deployment's selector matches another's pods), HPA refs are rendered, every
#      Deployment has its own Service, default-deny policy and Kafka egress, sets
#      MODULES, and no context runs in two Deployments; the migration Job's pods
#      are not selected by any Service and the Job has every <CONTEXT>_DATABASE_URL
#      a Deployment has.
#   5. The chart's guards fail as intended (bad values must make helm fail) and
#      the validator itself rejects a known-bad manifest (no silent pass).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CHART="${SKYRO_CHART_DIR:-${ROOT}/helm/skyro-core}"
CACHE_DIR="${SKYRO_CACHE_DIR:-${HOME}/.cache/skyro}"
HELM_VERSION="${SKYRO_HELM_VERSION:-v3.22.0}"
KV_VERSION="${SKYRO_KV_VERSION:-1.37.0}"
KUBE_VERSION="${SKYRO_KUBE_VERSION:-1.33.0}"
RELEASE="skyro"
NAMESPACE="skyro"

log() { printf '[helm-check] %s\n' "$*" >&2; }
die() { printf '[helm-check] FAIL: %s\n' "$*" >&2; exit 1; }

mkdir -p "${CACHE_DIR}/bin"

# Serialise tool installation between concurrent runs (jest + a manual run).
with_lock() {
  if command -v flock >/dev/null 2>&1; then
    (
      flock -w 1800 9 || die "timed out waiting for ${CACHE_DIR}/.install.lock"
      "$@"
    ) 9>"${CACHE_DIR}/.install.lock"
  else
    "$@"
  fi
}

is_helm_v3() { [[ -x "$1" ]] && "$1" version --short 2>/dev/null | grep -q '^v3\.'; }

# The cached binary must be exactly ${HELM_VERSION} (rebuilt when the pin changes).
cached_helm_ok() {
  [[ -x "${CACHE_DIR}/bin/helm" ]] &&
    [[ "$("${CACHE_DIR}/bin/helm" version --template '{{.Version}}' 2>/dev/null)" == "${HELM_VERSION}" ]]
}

build_helm() {
  cached_helm_ok && return 0
  command -v go >/dev/null 2>&1 || die "no helm v3 on PATH or in ${CACHE_DIR}/bin and no Go toolchain to build it"
  log "building helm ${HELM_VERSION} from source (go install; first time takes a few minutes)..."
  local start=${SECONDS} kmaj kmin ldflags
  kmaj="${KUBE_VERSION%%.*}"
  kmin="${KUBE_VERSION#*.}"
  kmin="${kmin%%.*}"
  # Same ldflags as helm's Makefile: real version string, and the default
  # Kubernetes version (otherwise 1.20) set to our target.
  ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=${HELM_VERSION}"
  ldflags+=" -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=${kmaj} -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=${kmin}"
  ldflags+=" -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=${kmaj} -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=${kmin}"
  # Run outside the repo so no go.mod/go.work of the project interferes.
  (cd "${CACHE_DIR}" && GOBIN="${CACHE_DIR}/bin" CGO_ENABLED=0 GOWORK=off \
    go install -trimpath -ldflags "${ldflags}" "helm.sh/helm/v3/cmd/helm@${HELM_VERSION}") ||
    die "go install helm ${HELM_VERSION} failed"
  cached_helm_ok || die "built helm does not report version ${HELM_VERSION}"
  log "helm built in $((SECONDS - start))s"
}

ensure_helm() {
  if [[ -n "${SKYRO_HELM_BIN:-}" ]]; then
    is_helm_v3 "${SKYRO_HELM_BIN}" || die "SKYRO_HELM_BIN=${SKYRO_HELM_BIN} is not a helm v3 binary"
    HELM="${SKYRO_HELM_BIN}"
    return 0
  fi
  local onpath
  onpath="$(command -v helm 2>/dev/null || true)"
  if [[ -n "${onpath}" ]] && is_helm_v3 "${onpath}"; then
    HELM="${onpath}"
    return 0
  fi
  with_lock build_helm
  HELM="${CACHE_DIR}/bin/helm"
}

VENV="${CACHE_DIR}/venv-kv"
kv_ok() {
  [[ -x "${VENV}/bin/python" ]] &&
    "${VENV}/bin/python" - "${KV_VERSION}" <<'PY' >/dev/null 2>&1
import sys
import yaml, kubernetes_validate.utils  # noqa: F401
from kubernetes_validate.version import __version__
sys.exit(0 if __version__ == sys.argv[1] else 1)
PY
}

build_venv() {
  kv_ok && return 0
  command -v python3 >/dev/null 2>&1 || die "python3 is required"
  log "creating venv ${VENV} with kubernetes-validate==${KV_VERSION}..."
  rm -rf "${VENV}"
  python3 -m venv "${VENV}" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
  "${VENV}/bin/python" -m pip install --disable-pip-version-check --no-input -q \
    "kubernetes-validate==${KV_VERSION}" || die "pip install kubernetes-validate==${KV_VERSION} failed"
  kv_ok || die "kubernetes-validate ${KV_VERSION} not importable from ${VENV}"
}

ensure_venv() { with_lock build_venv; }

case "${1:-}" in
  --print-helm) ensure_helm; printf '%s\n' "${HELM}"; exit 0 ;;
  --print-venv) ensure_venv; printf '%s\n' "${VENV}/bin/python"; exit 0 ;;
  "") ;;
  *) die "unknown argument: $1" ;;
esac

T0=${SECONDS}
ensure_helm
ensure_venv
log "helm: ${HELM} ($("${HELM}" version --short)), kubernetes-validate ${KV_VERSION}, target Kubernetes ${KUBE_VERSION}"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/helm-check.XXXXXX")"
trap 'rm -rf "${WORK}"' EXIT

# --- value sets ---------------------------------------------------------------
# "full": every optional part switched on (and non-default branches taken).
cat >"${WORK}/values-full.yaml" <<'EOF'
image:
  digest: sha256:0000000000000000000000000000000000000000000000000000000000000000
imagePullSecrets:
  - name: regcred
config:
  corsOrigins: https://app.skyro.example
  authIssuer: https://api.skyro.example
  authAudience: skyro-api
  kafkaBrokers: kafka-0.kafka:9092,kafka-1.kafka:9092
  otelExporterOtlpEndpoint: http://otel-collector.observability:4318
  extraEnv:
    NODE_OPTIONS: --max-old-space-size=384
# one deployment with every per-entry override
deployments:
  - name: api
    contexts: []
    replicaCount: 4
    autoscaling:
      minReplicas: 4
      maxReplicas: 30
      targetCPUUtilizationPercentage: 60
    pdb:
      unhealthyPodEvictionPolicy: IfHealthyBudget
    resources:
      requests: {cpu: 500m, memory: 384Mi}
      limits: {cpu: "2", memory: 768Mi}
    extraEnv:
      IDENTITY_ARGON2_WORKERS: 2
    busServe: false
    databases:
      identity:
        key: IDENTITY_DATABASE_URL
        optional: false
secrets:
  env:
    - name: JWT_PRIVATE_KEY
      secretName: skyro-jwt
      key: private.pem
    - name: JWT_PUBLIC_KEY
      key: JWT_PUBLIC_KEY
      optional: true
serviceAccount:
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/skyro-core
podAnnotations:
  example.com/team: core
podLabels:
  example.com/tier: backend
priorityClassName: high-priority
nodeSelector:
  kubernetes.io/os: linux
tolerations:
  - key: dedicated
    operator: Equal
    value: api
    effect: NoSchedule
lifecycle:
  useSleepAction: true
topologySpread:
  node:
    whenUnsatisfiable: DoNotSchedule
autoscaling:
  targetMemoryUtilizationPercentage: 80
pdb:
  maxUnavailable: null
  minAvailable: 2
networkPolicy:
  ingress:
    extraFrom:
      - ipBlock:
          cidr: 10.10.0.0/16
  egress:
    dns:
      extraTo:
        - ipBlock:
            cidr: 169.254.20.10/32
    postgres:
      to:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: data
          podSelector:
            matchLabels:
              app.kubernetes.io/name: postgresql
    kafka:
      ports: [9092, 9094]
    otlp:
      enabled: true
    extra:
      - ports:
          - port: 443
            protocol: TCP
        to:
          - ipBlock:
              cidr: 0.0.0.0/0
              except: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16]
ingress:
  tls:
    enabled: true
    secretName: skyro-core-tls
  annotations:
    konghq.com/read-timeout: "60000"
kong:
  plugins:
    rateLimiting:
      limitBy: header
      headerName: authorization
      policy: redis
      redis:
        host: redis-master.data.svc.cluster.local
        ssl: true
        sslVerify: true
        serverName: redis-master.data.svc.cluster.local
      extraConfig:
        hour: 20000
    prometheus:
      enabled: true
EOF

# "minimal": every optional part switched off.
cat >"${WORK}/values-minimal.yaml" <<'EOF'
serviceAccount:
  create: false
metrics:
  enabled: false
topologySpread:
  enabled: false
autoscaling:
  enabled: false
pdb:
  enabled: false
migrations:
  enabled: false
networkPolicy:
  enabled: false
ingress:
  enabled: false
kong:
  plugins:
    rateLimiting: {enabled: false}
    rateLimitingPublic: {enabled: false}
    jwt: {enabled: false}
    correlationId: {enabled: false}
    prometheus: {enabled: false}
    blockPaths: {enabled: false}
EOF

# "split": three deployments (helm/skyro-core/ci/split-values.yaml, also rendered
# by test/deploy/helm.e2e-spec.ts).
cp "${CHART}/ci/split-values.yaml" "${WORK}/values-split.yaml"

SETS=(default full minimal split)
values_args() {
  case "$1" in
    default) ;;
    *) printf '%s\n' "-f" "${WORK}/values-$1.yaml" ;;
  esac
}

# --- 1+2: lint and render -----------------------------------------------------
for set in "${SETS[@]}"; do
  mapfile -t VARGS < <(values_args "${set}")
  log "helm lint --strict (${set} values)"
  "${HELM}" lint "${CHART}" --strict --quiet --kube-version "${KUBE_VERSION}" --namespace "${NAMESPACE}" "${VARGS[@]}" \
    >"${WORK}/lint-${set}.log" 2>&1 || { cat "${WORK}/lint-${set}.log" >&2; die "helm lint failed (${set} values)"; }
  log "helm template (${set} values)"
  "${HELM}" template "${RELEASE}" "${CHART}" --kube-version "${KUBE_VERSION}" --namespace "${NAMESPACE}" "${VARGS[@]}" \
    >"${WORK}/rendered-${set}.yaml" 2>"${WORK}/template-${set}.log" ||
    { cat "${WORK}/template-${set}.log" >&2; die "helm template failed (${set} values)"; }
  [[ -s "${WORK}/rendered-${set}.yaml" ]] || die "helm template rendered nothing (${set} values)"
done

# --- 5a: the chart's own guards must reject bad values -------------------------
expect_render_failure() {
  local why="$1"; shift
  if "${HELM}" template "${RELEASE}" "${CHART}" --kube-version "${KUBE_VERSION}" "$@" >/dev/null 2>&1; then
    die "helm template should have failed: ${why} ($*)"
  fi
}
expect_render_failure "no secret name" --set secrets.existingSecret=
expect_render_failure "PDB with both minAvailable and maxUnavailable" --set pdb.minAvailable=2
expect_render_failure "redis rate limiting without host" --set kong.plugins.rateLimiting.policy=redis
expect_render_failure "maxReplicas < minReplicas" --set autoscaling.minReplicas=5 --set autoscaling.maxReplicas=4
expect_render_failure "misspelt value key (values.schema.json)" --set autoscaling.minReplica=3
expect_render_failure "shutdown grace longer than the pod grace period" --set config.shutdownGraceMs=60000
expect_render_failure "TLS without secret name" --set ingress.tls.enabled=true --set ingress.tls.secretName=
# deployments / contexts
K=(--set config.kafkaBrokers=kafka:9092)
expect_render_failure "context in two deployments" "${K[@]}" \
  --set-json 'deployments=[{"name":"api","contexts":["identity","accounts","ledger"]},{"name":"ledger","contexts":["ledger"]}]'
expect_render_failure "context in no deployment" "${K[@]}" \
  --set-json 'deployments=[{"name":"api","contexts":["identity"]},{"name":"ledger","contexts":["ledger"]}]'
expect_render_failure "unknown context" "${K[@]}" --set-json 'deployments=[{"name":"api","contexts":["identity","accounts","ledger","ledgr"]}]'
expect_render_failure "two 'rest' deployments" "${K[@]}" --set-json 'deployments=[{"name":"api"},{"name":"other"}]'
# every context values.yaml knows, as a JSON list (the chart gains one per new context)
ALL_CONTEXTS=$(node -e 'const y=require("yaml");const v=y.parse(require("fs").readFileSync(process.argv[1],"utf8"));process.stdout.write(JSON.stringify(Object.keys(v.contexts)))' "$CHART/values.yaml")
expect_render_failure "'rest' deployment left with no context" "${K[@]}" \
  --set-json "deployments=[{\"name\":\"api\"},{\"name\":\"all\",\"contexts\":$ALL_CONTEXTS}]"
expect_render_failure "duplicate deployment name" "${K[@]}" --set-json 'deployments=[{"name":"api"},{"name":"api","contexts":["ledger"]}]'
expect_render_failure "reserved deployment name" "${K[@]}" --set-json 'deployments=[{"name":"api"},{"name":"migrate","contexts":["ledger"]}]'
expect_render_failure "database of a context the deployment does not run" "${K[@]}" \
  --set-json 'deployments=[{"name":"api","databases":{"ledger":{"key":"url"}}},{"name":"ledger","contexts":["ledger"]}]'
expect_render_failure "several deployments without Kafka" --set-json 'deployments=[{"name":"api"},{"name":"ledger","contexts":["ledger"]}]'
expect_render_failure "several deployments without Kafka egress" "${K[@]}" --set networkPolicy.egress.kafka.enabled=false \
  --set-json 'deployments=[{"name":"api"},{"name":"ledger","contexts":["ledger"]}]'
expect_render_failure "path owned by two contexts" --set-json 'contexts={"ledger":{"paths":["/v1/ledger","/v1/accounts"]}}'
expect_render_failure "context owning the catch-all" --set-json 'contexts={"ledger":{"paths":["/"]}}'
expect_render_failure "config.modules (replaced by deployments)" --set config.modules=identity
expect_render_failure "MODULES in extraEnv" --set config.extraEnv.MODULES=identity
expect_render_failure "misspelt deployments[] key (values.schema.json)" --set-json 'deployments=[{"name":"api","replicas":3}]'
expect_render_failure "database URL in extraEnv" --set-json 'deployments=[{"name":"api","extraEnv":{"LEDGER_DATABASE_URL":"postgres://x"}}]'

# --- 3+4(+5b): validate -------------------------------------------------------
cat >"${WORK}/validate.py" <<'PY'
"""Validate helm-rendered manifests. Exit 1 on any error."""
import collections
import re
import sys

import yaml
from kubernetes_validate import utils as kv

KUBE_VERSION = sys.argv[1]
FILES = sys.argv[2:]

DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")

# KongPlugin (configuration.konghq.com/v1) top-level fields, per the KIC CRD.
KONGPLUGIN_FIELDS = {"apiVersion", "kind", "metadata", "plugin", "config", "configFrom",
                     "configPatches", "consumerRef", "disabled", "protocols", "ordering",
                     "instance_name"}
# Config keys of the Kong (OSS 3.x) plugins used by the chart: a typo is an error.
RL_PERIODS = ("second", "minute", "hour", "day", "month", "year")
PLUGIN_CONFIG_KEYS = {
    "rate-limiting": set(RL_PERIODS) | {
        "limit_by", "header_name", "path", "policy", "fault_tolerant", "redis",
        "hide_client_headers", "error_code", "error_message", "sync_rate",
        # pre-3.6 flat redis fields (deprecated, still accepted)
        "redis_host", "redis_port", "redis_password", "redis_username", "redis_ssl",
        "redis_ssl_verify", "redis_server_name", "redis_timeout", "redis_database"},
    "jwt": {"uri_param_names", "cookie_names", "header_names", "key_claim_name",
            "secret_is_base64", "claims_to_verify", "anonymous", "run_on_preflight",
            "maximum_expiration", "realm"},
    "correlation-id": {"header_name", "generator", "echo_downstream"},
    "prometheus": {"per_consumer", "status_code_metrics", "ai_metrics", "latency_metrics",
                   "bandwidth_metrics", "upstream_health_metrics", "wasm_metrics"},
    "request-termination": {"status_code", "message", "content_type", "body", "echo",
                            "trigger", "echo_trigger"},
}
RL_REDIS_KEYS = {"host", "port", "password", "username", "database", "ssl", "ssl_verify",
                 "server_name", "timeout", "cloud_authentication"}


class UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate mapping keys (the API server does too)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def is_bool(v):
    return isinstance(v, bool)


def check_kongplugin(doc):
    errs = []
    if doc.get("apiVersion") != "configuration.konghq.com/v1":
        errs.append(f"apiVersion must be configuration.konghq.com/v1, got {doc.get('apiVersion')!r}")
    name = (doc.get("metadata") or {}).get("name")
    if not isinstance(name, str) or not name or len(name) > 253 or not DNS1123_SUBDOMAIN.match(name):
        errs.append(f"metadata.name missing or not a DNS-1123 subdomain: {name!r}")
    extra = set(doc) - KONGPLUGIN_FIELDS
    if extra:
        errs.append(f"unknown top-level fields {sorted(extra)}")
    plugin = doc.get("plugin")
    if not isinstance(plugin, str) or not plugin:
        errs.append("plugin must be a non-empty string")
        return errs
    if ("config" in doc) == ("configFrom" in doc):
        errs.append("exactly one of config / configFrom is required")
    cfg = doc.get("config")
    if "config" in doc and not isinstance(cfg, dict):
        errs.append("config must be a mapping")
        return errs
    if cfg is None:
        return errs
    allowed = PLUGIN_CONFIG_KEYS.get(plugin)
    if allowed is not None:
        unknown = set(cfg) - allowed
        if unknown:
            errs.append(f"unknown {plugin} config keys {sorted(unknown)}")
    if plugin == "rate-limiting":
        periods = [p for p in RL_PERIODS if p in cfg]
        if not periods:
            errs.append("rate-limiting needs at least one of " + "/".join(RL_PERIODS))
        for p in periods:
            if not isinstance(cfg[p], (int, float)) or is_bool(cfg[p]) or cfg[p] <= 0:
                errs.append(f"rate-limiting config.{p} must be a number > 0")
        values = [cfg[p] for p in periods]
        if values != sorted(values):
            errs.append("rate-limiting limits must not decrease with longer periods")
        if cfg.get("limit_by", "consumer") not in {"consumer", "credential", "ip", "service",
                                                   "header", "path", "consumer-group"}:
            errs.append(f"rate-limiting limit_by invalid: {cfg.get('limit_by')!r}")
        if cfg.get("policy", "local") not in {"local", "cluster", "redis"}:
            errs.append(f"rate-limiting policy invalid: {cfg.get('policy')!r}")
        if cfg.get("policy") == "redis":
            redis = cfg.get("redis") or {}
            if not isinstance(redis, dict) or not (redis.get("host") or cfg.get("redis_host")):
                errs.append("rate-limiting policy=redis requires config.redis.host")
            if isinstance(redis, dict) and set(redis) - RL_REDIS_KEYS:
                errs.append(f"unknown rate-limiting redis keys {sorted(set(redis) - RL_REDIS_KEYS)}")
        for b in ("fault_tolerant", "hide_client_headers"):
            if b in cfg and not is_bool(cfg[b]):
                errs.append(f"rate-limiting {b} must be a boolean")
    elif plugin == "jwt":
        ctv = cfg.get("claims_to_verify", [])
        if not isinstance(ctv, list) or any(c not in ("exp", "nbf") for c in ctv):
            errs.append(f"jwt claims_to_verify must be a subset of [exp, nbf]: {ctv!r}")
        if "key_claim_name" in cfg and (not isinstance(cfg["key_claim_name"], str) or not cfg["key_claim_name"]):
            errs.append("jwt key_claim_name must be a non-empty string")
        for b in ("run_on_preflight", "secret_is_base64"):
            if b in cfg and not is_bool(cfg[b]):
                errs.append(f"jwt {b} must be a boolean")
        for lst in ("uri_param_names", "cookie_names", "header_names"):
            if lst in cfg and (not isinstance(cfg[lst], list) or not all(isinstance(x, str) for x in cfg[lst])):
                errs.append(f"jwt {lst} must be a list of strings")
        me = cfg.get("maximum_expiration", 0)
        if not isinstance(me, (int, float)) or not 0 <= me <= 31536000:
            errs.append("jwt maximum_expiration must be within [0, 31536000]")
        if me and "exp" not in ctv:
            errs.append("jwt maximum_expiration > 0 requires exp in claims_to_verify")
    elif plugin == "correlation-id":
        if cfg.get("generator", "uuid#counter") not in ("uuid", "uuid#counter", "tracker"):
            errs.append(f"correlation-id generator invalid: {cfg.get('generator')!r}")
        if "echo_downstream" in cfg and not is_bool(cfg["echo_downstream"]):
            errs.append("correlation-id echo_downstream must be a boolean")
        if not isinstance(cfg.get("header_name", "Kong-Request-ID"), str):
            errs.append("correlation-id header_name must be a string")
    elif plugin == "prometheus":
        for k, v in cfg.items():
            if not is_bool(v):
                errs.append(f"prometheus {k} must be a boolean")
    elif plugin == "request-termination":
        sc = cfg.get("status_code", 503)
        if not isinstance(sc, int) or is_bool(sc) or not 100 <= sc <= 599:
            errs.append("request-termination status_code must be an integer in [100, 599]")
        if cfg.get("message") and (cfg.get("body") or cfg.get("content_type")):
            errs.append("request-termination message cannot be combined with body/content_type")
    return errs


def selector_matches(selector, labels):
    return all(labels.get(k) == v for k, v in (selector or {}).items())


def consistency(docs, errors):
    """Cross-document checks on one render."""
    by_kind = collections.defaultdict(dict)
    seen = set()
    for src, d in docs:
        key = (d.get("kind"), d["metadata"].get("name"))
        if key in seen:
            errors.append(f"{src}: duplicate {key[0]}/{key[1]}")
        seen.add(key)
        by_kind[d.get("kind")][d["metadata"].get("name")] = d

    # env var names unique per container
    for kind in ("Deployment", "Job"):
        for name, d in by_kind.get(kind, {}).items():
            for c in d["spec"]["template"]["spec"].get("containers", []):
                names = [e["name"] for e in c.get("env", [])]
                dups = {n for n in names if names.count(n) > 1}
                if dups:
                    errors.append(f"{kind}/{name} container {c['name']}: duplicate env {sorted(dups)}")

    deployments = by_kind.get("Deployment", {})
    pod_labels = {n: d["spec"]["template"]["metadata"].get("labels", {}) for n, d in deployments.items()}
    for n, d in deployments.items():
        sel = d["spec"]["selector"].get("matchLabels", {})
        if not selector_matches(sel, pod_labels[n]):
            errors.append(f"Deployment/{n}: selector does not match its pod labels")
        # overlapping selectors: controllers and HPAs would count each other's pods
        for other, labels in pod_labels.items():
            if other != n and selector_matches(sel, labels):
                errors.append(f"Deployment/{n}: selector also matches the pods of Deployment/{other}")
        pod = d["spec"]["template"]["spec"]
        for c in pod.get("containers", []):
            for ef in c.get("envFrom", []):
                ref = ef.get("configMapRef")
                if ref and ref["name"] not in by_kind.get("ConfigMap", {}):
                    errors.append(f"Deployment/{n}: envFrom configMap {ref['name']} is not rendered")
        sa = pod.get("serviceAccountName")
        if sa and sa != "default" and sa not in by_kind.get("ServiceAccount", {}):
            errors.append(f"Deployment/{n}: serviceAccount {sa} is not rendered")

    def selects_app(sel):
        return any(selector_matches(sel, pl) for pl in pod_labels.values())

    def selected_deployments(sel):
        return sorted(n for n, pl in pod_labels.items() if sel and selector_matches(sel, pl))

    job_pod_labels = [j["spec"]["template"]["metadata"].get("labels", {})
                      for j in by_kind.get("Job", {}).values()]
    services = by_kind.get("Service", {})
    for n, s in services.items():
        sel = s["spec"].get("selector", {})
        sd = selected_deployments(sel)
        if len(sd) != 1:
            errors.append(f"Service/{n}: selector must match the pods of exactly one Deployment, matches {sd}")
        if any(selector_matches(sel, jl) for jl in job_pod_labels):
            errors.append(f"Service/{n}: selector also matches migration Job pods")
    for n, p in by_kind.get("PodDisruptionBudget", {}).items():
        sd = selected_deployments(p["spec"]["selector"].get("matchLabels", {}))
        if len(sd) != 1:
            errors.append(f"PodDisruptionBudget/{n}: selector must match the pods of exactly one Deployment, matches {sd}")
    for n, h in by_kind.get("HorizontalPodAutoscaler", {}).items():
        ref = h["spec"]["scaleTargetRef"]
        if ref.get("kind") != "Deployment" or ref.get("name") not in deployments:
            errors.append(f"HorizontalPodAutoscaler/{n}: scaleTargetRef {ref} is not rendered")
    policies = by_kind.get("NetworkPolicy", {})
    for n, np_ in policies.items():
        sel = np_["spec"]["podSelector"].get("matchLabels", {})
        if not selects_app(sel) and not any(selector_matches(sel, jl) for jl in job_pod_labels):
            errors.append(f"NetworkPolicy/{n}: podSelector matches no pods of this release")
        elif len(selected_deployments(sel)) > 1:
            errors.append(f"NetworkPolicy/{n}: podSelector matches several Deployments {selected_deployments(sel)}")

    # every Deployment: own Service, MODULES, default deny and the same egress
    # (Kafka is the only way between Deployments); a context in one Deployment only
    egress_of = {}
    context_owner = {}
    rest_deployments = {}
    db_envs = set()
    for n, d in deployments.items():
        labels = pod_labels[n]
        if not any(selector_matches(s["spec"].get("selector", {}), labels) for s in services.values()):
            errors.append(f"Deployment/{n}: no Service selects its pods")
        env = {e["name"]: e for c in d["spec"]["template"]["spec"].get("containers", []) for e in c.get("env", [])}
        modules = (env.get("MODULES") or {}).get("value")
        if not modules:
            errors.append(f"Deployment/{n}: no MODULES env")
        elif modules == "all" and len(deployments) > 1:
            errors.append(f"Deployment/{n}: MODULES=all next to other Deployments (contexts would run twice)")
        elif modules.startswith("all,"):
            # "all but these": the other Deployments' contexts, checked once all are known
            rest_deployments[n] = {m.strip()[1:] for m in modules.split(",")[1:] if m.strip().startswith("-")}
        else:
            for ctx in [m.strip() for m in modules.split(",") if m.strip()]:
                if ctx in context_owner:
                    errors.append(f"context {ctx} runs in Deployment/{context_owner[ctx]} and Deployment/{n}")
                context_owner[ctx] = n
        db_envs |= {k for k in env if k.endswith("_DATABASE_URL")}
        if policies:
            mine = [p for p in policies.values()
                    if selector_matches(p["spec"]["podSelector"].get("matchLabels", {}), labels)]
            if not any(set(p["spec"].get("policyTypes", [])) >= {"Ingress", "Egress"}
                       and not p["spec"].get("ingress") and not p["spec"].get("egress") for p in mine):
                errors.append(f"Deployment/{n}: no default-deny NetworkPolicy selects its pods")
            egress_of[n] = sorted({str(pt.get("port")) for p in mine
                                   for r in p["spec"].get("egress", []) for pt in r.get("ports", [])})
    if len({tuple(v) for v in egress_of.values()}) > 1:
        errors.append(f"Deployments have different egress ports (each needs Kafka, Postgres, ...): {egress_of}")
    if len(rest_deployments) > 1:
        errors.append(f"several Deployments run 'all but ...': {sorted(rest_deployments)}")
    for n, excluded in rest_deployments.items():
        if excluded != set(context_owner):
            errors.append(f"Deployment/{n}: MODULES leaves out {sorted(excluded)} but the other Deployments run {sorted(context_owner)}")

    jobs = by_kind.get("Job", {})
    for n, j in jobs.items():
        sa = j["spec"]["template"]["spec"].get("serviceAccountName")
        if sa and sa != "default" and sa not in by_kind.get("ServiceAccount", {}):
            errors.append(f"Job/{n}: serviceAccount {sa} is not rendered")
        job_env = {e["name"] for c in j["spec"]["template"]["spec"]["containers"] for e in c.get("env", [])}
        missing = db_envs - job_env
        if missing:
            errors.append(f"Job/{n}: migrations lack {sorted(missing)} that Deployments use")

    plugins = by_kind.get("KongPlugin", {})
    for n, ing in by_kind.get("Ingress", {}).items():
        ann = (ing["metadata"].get("annotations") or {}).get("konghq.com/plugins", "")
        for ref in [x.strip() for x in ann.split(",") if x.strip()]:
            if ref not in plugins:
                errors.append(f"Ingress/{n}: konghq.com/plugins references missing KongPlugin {ref}")
        for rule in ing["spec"].get("rules", []):
            for path in rule.get("http", {}).get("paths", []):
                svc = path["backend"]["service"]
                if svc["name"] not in services:
                    errors.append(f"Ingress/{n}: backend service {svc['name']} is not rendered")
                elif svc["port"].get("number") not in [p["port"] for p in services[svc["name"]]["spec"]["ports"]]:
                    errors.append(f"Ingress/{n}: backend port {svc['port']} not exposed by Service")
    return by_kind


def main():
    errors = []
    total = validated = kong_checked = 0
    kinds = collections.Counter()
    for path in FILES:
        try:
            with open(path) as fh:
                raw = [d for d in yaml.load_all(fh, Loader=UniqueKeyLoader) if d]
        except yaml.YAMLError as e:
            errors.append(f"{path}: YAML error: {e}")
            continue
        docs = []
        for i, doc in enumerate(raw):
            total += 1
            src = f"{path}#{i}"
            if not isinstance(doc, dict) or "kind" not in doc or "apiVersion" not in doc \
                    or not isinstance(doc.get("metadata"), dict) or not doc["metadata"].get("name"):
                errors.append(f"{src}: not a Kubernetes object (kind/apiVersion/metadata.name)")
                continue
            kinds[doc["kind"]] += 1
            where = f"{src} {doc['kind']}/{doc['metadata']['name']}"
            if doc["kind"] == "KongPlugin" or doc["apiVersion"].startswith("configuration.konghq.com/"):
                for e in check_kongplugin(doc):
                    errors.append(f"{where}: {e}")
                kong_checked += 1
            else:
                try:
                    kv.validate(doc, KUBE_VERSION, strict=True)
                    validated += 1
                except kv.ValidationError as e:
                    loc = ".".join(str(p) for p in e.path)
                    errors.append(f"{where}: schema error at {loc or '<root>'}: {e.message}")
                except kv.SchemaNotFoundError as e:
                    errors.append(f"{where}: {e.message} (unknown kind/apiVersion)")
                except (kv.InvalidSchemaError, kv.VersionNotSupportedError) as e:
                    errors.append(f"{where}: {getattr(e, 'message', e)}")
            docs.append((src, doc))
        try:
            consistency(docs, errors)
        except (KeyError, TypeError, AttributeError) as e:
            errors.append(f"{path}: consistency check crashed on malformed object: {e!r}")

    for e in errors:
        print(f"ERROR {e}")
    print(f"documents: {total}; kinds: " + ", ".join(f"{k}={v}" for k, v in sorted(kinds.items())))
    print(f"schema-validated (Kubernetes {KUBE_VERSION}, strict): {validated}; KongPlugin checked: {kong_checked}; errors: {len(errors)}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
PY

PY="${VENV}/bin/python"

# 5b: the validator must reject known-bad input, or a broken venv/schema set
# could make everything "pass".
cat >"${WORK}/bad-schema.yaml" <<'EOF'
# strict mode: misspelt field must be rejected
apiVersion: apps/v1
kind: Deployment
metadata: {name: bad-field}
spec:
  selector: {matchLabels: {app: bad}}
  template:
    metadata: {labels: {app: bad}}
    spec:
      containers:
        - name: bad
          image: bad
          securityContext: {readOnlyRootFilesytem: true}
---
# wrong type must be rejected
apiVersion: apps/v1
kind: Deployment
metadata: {name: bad-type}
spec:
  replicas: "three"
  selector: {matchLabels: {app: bad}}
  template:
    metadata: {labels: {app: bad}}
    spec:
      containers:
        - {name: bad, image: bad}
EOF
cat >"${WORK}/bad-kind.yaml" <<'EOF'
apiVersion: autoscaling/v2beta1
kind: HorizontalPodAutoscaler
metadata: {name: bad}
spec: {}
EOF
cat >"${WORK}/bad-kong.yaml" <<'EOF'
apiVersion: configuration.konghq.com/v1
kind: KongPlugin
metadata: {name: bad}
plugin: rate-limiting
config:
  limitBy: ip
EOF
# Two Deployments whose selectors overlap, one Service for both, a context in
# both, different egress, a Deployment without MODULES, a Job without the DB URL.
cat >"${WORK}/bad-split.yaml" <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata: {name: a}
spec:
  selector: {matchLabels: {app: x}}
  template:
    metadata: {labels: {app: x, part: a}}
    spec:
      containers:
        - name: api
          image: img
          env:
            - {name: MODULES, value: "identity,ledger"}
            - name: LEDGER_DATABASE_URL
              valueFrom: {secretKeyRef: {name: s, key: url}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: b}
spec:
  selector: {matchLabels: {app: x, part: b}}
  template:
    metadata: {labels: {app: x, part: b}}
    spec:
      containers:
        - {name: api, image: img, env: [{name: MODULES, value: ledger}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: c}
spec:
  selector: {matchLabels: {app: c}}
  template:
    metadata: {labels: {app: c}}
    spec:
      containers:
        - {name: api, image: img}
---
apiVersion: v1
kind: Service
metadata: {name: x}
spec:
  selector: {app: x}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: a-egress}
spec:
  podSelector: {matchLabels: {app: x, part: a}}
  policyTypes: [Egress]
  egress: [{ports: [{port: 9092, protocol: TCP}]}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
spec:
  template:
    metadata: {labels: {app: migrate}}
    spec:
      restartPolicy: Never
      containers:
        - {name: migrate, image: img}
EOF
# file:minimum number of ERROR lines expected
for spec in bad-schema:2 bad-kind:1 bad-kong:2 bad-split:10; do
  bad="${spec%%:*}" want="${spec##*:}"
  if "${PY}" "${WORK}/validate.py" "${KUBE_VERSION}" "${WORK}/${bad}.yaml" >"${WORK}/${bad}.log" 2>&1; then
    cat "${WORK}/${bad}.log" >&2
    die "validator self-test: ${bad}.yaml was accepted"
  fi
  got="$(grep -c '^ERROR ' "${WORK}/${bad}.log" || true)"
  if (( got < want )); then
    cat "${WORK}/${bad}.log" >&2
    die "validator self-test: ${bad}.yaml reported ${got} errors, expected >= ${want}"
  fi
done
log "validator self-test ok (rejects schema errors, unknown apiVersions, bad KongPlugins, inconsistent deployments)"

STATUS=0
for set in "${SETS[@]}"; do
  log "validating ${set} render"
  if ! "${PY}" "${WORK}/validate.py" "${KUBE_VERSION}" "${WORK}/rendered-${set}.yaml" >"${WORK}/validate-${set}.log" 2>&1; then
    STATUS=1
  fi
  sed "s/^/  [${set}] /" "${WORK}/validate-${set}.log"
done
[[ ${STATUS} -eq 0 ]] || die "manifest validation failed (see ERROR lines above)"

# Sanity on the default render: the core objects are there.
for kind in Deployment Service ServiceAccount ConfigMap HorizontalPodAutoscaler PodDisruptionBudget \
  NetworkPolicy Job Ingress KongPlugin; do
  grep -q "^kind: ${kind}\$" "${WORK}/rendered-default.yaml" || die "default render has no ${kind}"
done

printf 'helm-check: OK (chart %s, %d value sets, %ds)\n' "${CHART#"${ROOT}"/}" "${#SETS[@]}" "$((SECONDS - T0))"
