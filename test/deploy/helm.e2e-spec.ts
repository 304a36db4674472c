/**
 * Deployment checks for the Helm chart helm/skyro-core.
 *
 * 1. Runs scripts/helm-check.sh (helm lint, helm template with three value sets,
 *    strict Kubernetes 1.33 schema validation, KongPlugin checks). The first run
 *    on a machine may build helm from source (a few minutes), hence the long
 *    timeouts; later runs take seconds.
 * 2. Renders the chart itself and asserts the properties the platform relies on
 *    (autoscaling, disruption budget, probes, pod security, network isolation,
 *    migration hook, Kong auth/rate limiting routing).
 * 3. Renders the deployment shapes: the default (one deployment running every
 *    context) and "split" (helm/skyro-core/ci/split-values.yaml: primary running
 *    the rest, identity+accounts, ledger with its own database), and asserts that
 *    each deployment's objects select only its pods, MODULES, that Kong routes
 *    every context prefix to the Service of the deployment running it, database
 *    secrets, Kafka egress everywhere, and that bad context assignments fail.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import * as fs from 'node:fs';
import { CONTEXTS } from '@modules';

const ROOT = path.resolve(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'helm-check.sh');
const CHART = path.join(ROOT, 'helm', 'skyro-core');
const SPLIT_VALUES = path.join(CHART, 'ci', 'split-values.yaml');
const RELEASE = 'skyro';
const NAMESPACE = 'skyro';
const KUBE_VERSION = '1.33.0';
/** Covers a first-time `go install` of helm plus venv creation. */
const TOOLS_TIMEOUT_MS = 15 * 60 * 1000;
const RENDER_TIMEOUT_MS = 60 * 1000;

type Labels = Record<string, string>;

interface Meta {
  name: string;
  labels?: Labels;
  annotations?: Labels;
}

/** ingress.websocket.paths: their backend is the owning deployment's WebSocket Service, <name>-ws (long Kong timeouts). */
const WEBSOCKET_PATHS = ['/v1/realtime'];

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: Meta;
  [key: string]: unknown;
}

interface Probe {
  httpGet?: { path: string; port: string | number };
  periodSeconds?: number;
  failureThreshold?: number;
}

interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  privileged?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
  seccompProfile?: { type: string };
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
}

interface EnvFrom {
  configMapRef?: { name: string };
  secretRef?: { name: string };
}

interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  envFrom?: EnvFrom[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  securityContext?: SecurityContext;
  volumeMounts?: { name: string; mountPath: string }[];
  lifecycle?: {
    preStop?: { exec?: { command: string[] }; sleep?: { seconds: number } };
  };
  resources?: { requests?: Labels; limits?: Labels };
}

interface PodSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  securityContext?: SecurityContext;
  terminationGracePeriodSeconds?: number;
  containers: Container[];
  volumes?: { name: string; emptyDir?: Record<string, unknown> }[];
  topologySpreadConstraints?: { topologyKey: string; labelSelector?: { matchLabels?: Labels } }[];
}

interface PodTemplate {
  metadata: { labels?: Labels; annotations?: Labels };
  spec: PodSpec;
}

interface Deployment extends K8sObject {
  spec: {
    replicas?: number;
    selector: { matchLabels: Labels };
    strategy?: { type: string; rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string } };
    template: PodTemplate;
  };
}

interface Job extends K8sObject {
  spec: { backoffLimit?: number; activeDeadlineSeconds?: number; template: PodTemplate };
}

interface Hpa extends K8sObject {
  spec: {
    scaleTargetRef: { apiVersion: string; kind: string; name: string };
    minReplicas: number;
    maxReplicas: number;
    metrics: {
      type: string;
      resource?: { name: string; target: { type: string; averageUtilization?: number } };
    }[];
    behavior?: {
      scaleUp?: { stabilizationWindowSeconds?: number; policies?: { type: string; value: number; periodSeconds: number }[] };
      scaleDown?: { stabilizationWindowSeconds?: number; policies?: { type: string; value: number; periodSeconds: number }[] };
    };
  };
}

interface Pdb extends K8sObject {
  spec: { minAvailable?: number | string; maxUnavailable?: number | string; selector: { matchLabels: Labels } };
}

interface Peer {
  podSelector?: { matchLabels?: Labels };
  namespaceSelector?: { matchLabels?: Labels };
  ipBlock?: { cidr: string };
}

interface NpPort {
  port?: number | string;
  protocol?: string;
}

interface NetworkPolicy extends K8sObject {
  spec: {
    podSelector: { matchLabels?: Labels };
    policyTypes?: string[];
    ingress?: { from?: Peer[]; ports?: NpPort[] }[];
    egress?: { to?: Peer[]; ports?: NpPort[] }[];
  };
}

interface Ingress extends K8sObject {
  spec: {
    ingressClassName?: string;
    tls?: { hosts: string[]; secretName: string }[];
    rules: {
      host: string;
      http: {
        paths: { path: string; pathType: string; backend: { service: { name: string; port: { number: number } } } }[];
      };
    }[];
  };
}

interface KongPlugin extends K8sObject {
  plugin: string;
  config: Record<string, unknown>;
}

let helmBin = '';

function run(file: string, args: string[], timeout: number): string {
  try {
    return execFileSync(file, args, {
      cwd: ROOT,
      encoding: 'utf8',
      timeout,
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(' ')} failed: ${e.message}\n--- stdout ---\n${e.stdout ?? ''}\n--- stderr ---\n${e.stderr ?? ''}`);
  }
}

function templateArgs(sets: string[], extra: string[]): string[] {
  const setArgs = sets.flatMap((s) => ['--set', s]);
  return ['template', RELEASE, CHART, '--kube-version', KUBE_VERSION, '--namespace', NAMESPACE, ...setArgs, ...extra];
}

/** `extra`: further helm args, e.g. ['-f', SPLIT_VALUES] or ['--set-json', 'deployments=[...]']. */
function render(sets: string[] = [], extra: string[] = []): K8sObject[] {
  const out = run(helmBin, templateArgs(sets, extra), RENDER_TIMEOUT_MS);
  const objects: K8sObject[] = [];
  for (const doc of parseAllDocuments(out)) {
    if (doc.errors.length > 0) {
      throw new Error(`rendered YAML does not parse: ${doc.errors.map((e) => e.message).join('; ')}`);
    }
    const obj = doc.toJS() as K8sObject | null;
    if (obj) objects.push(obj);
  }
  return objects;
}

/** helm template must fail; returns its error output. */
function renderError(sets: string[] = [], extra: string[] = []): string {
  try {
    execFileSync(helmBin, templateArgs(sets, extra), {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: RENDER_TIMEOUT_MS,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const e = err as Error & { stderr?: string };
    return e.stderr ?? e.message;
  }
  throw new Error(`helm template ${[...sets, ...extra].join(' ')} should have failed`);
}

function ofKind<T extends K8sObject>(objects: K8sObject[], kind: string): T[] {
  return objects.filter((o) => o.kind === kind) as T[];
}

function one<T extends K8sObject>(objects: K8sObject[], kind: string, predicate: (o: T) => boolean = () => true): T {
  const found = ofKind<T>(objects, kind).filter(predicate);
  if (found.length !== 1) {
    throw new Error(`expected exactly one ${kind}, found ${found.length}: ${found.map((o) => o.metadata.name).join(', ')}`);
  }
  return found[0]!;
}

/** label selector (matchLabels) matches the labels */
function selects(selector: Labels | undefined, labels: Labels | undefined): boolean {
  const sel = selector ?? {};
  const lab = labels ?? {};
  return Object.keys(sel).length > 0 && Object.entries(sel).every(([k, v]) => lab[k] === v);
}

function pluginNames(ing: Ingress): string[] {
  return (ing.metadata.annotations?.['konghq.com/plugins'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Kubernetes "Prefix" path match (element-wise). */
function prefixMatches(prefix: string, requestPath: string): boolean {
  if (prefix === '/') return true;
  const p = prefix.replace(/\/+$/, '');
  return requestPath === p || requestPath.startsWith(`${p}/`);
}

/** Which Ingress Kong routes a request path to: longest matching prefix wins. */
function routeFor(ingresses: Ingress[], requestPath: string): Ingress {
  let best: { ing: Ingress; len: number } | undefined;
  for (const ing of ingresses) {
    for (const rule of ing.spec.rules) {
      for (const p of rule.http.paths) {
        if (prefixMatches(p.path, requestPath) && (!best || p.path.length > best.len)) {
          best = { ing, len: p.path.length };
        }
      }
    }
  }
  if (!best) throw new Error(`no Ingress routes ${requestPath}`);
  return best.ing;
}

/** The Ingress and backend Service Kong uses for a request path (longest matching prefix). */
function backendFor(ingresses: Ingress[], requestPath: string): { ing: Ingress; service: string } {
  let best: { ing: Ingress; service: string; len: number } | undefined;
  for (const ing of ingresses) {
    for (const rule of ing.spec.rules) {
      for (const p of rule.http.paths) {
        if (prefixMatches(p.path, requestPath) && (!best || p.path.length > best.len)) {
          best = { ing, service: p.backend.service.name, len: p.path.length };
        }
      }
    }
  }
  if (!best) throw new Error(`no Ingress routes ${requestPath}`);
  return best;
}

function envOf(d: Deployment | Job): Record<string, EnvVar> {
  return Object.fromEntries((d.spec.template.spec.containers[0]!.env ?? []).map((e) => [e.name, e]));
}

/** The chart's default `contexts` map (values.yaml): context -> path prefixes it owns. */
function valuesContexts(file: string): Record<string, string[]> {
  const values = parse(fs.readFileSync(file, 'utf8')) as { contexts?: Record<string, { paths?: string[] } | null> };
  return Object.fromEntries(Object.entries(values.contexts ?? {}).map(([k, v]) => [k, v?.paths ?? []]));
}

function portsOf(rules: { ports?: NpPort[] }[] | undefined): (number | string | undefined)[] {
  return (rules ?? []).flatMap((r) => (r.ports ?? []).map((p) => p.port));
}

function hookWeight(o: K8sObject): number {
  return Number(o.metadata.annotations?.['helm.sh/hook-weight'] ?? '0');
}

function expectRestricted(sc: SecurityContext | undefined, pod: SecurityContext | undefined): void {
  expect(sc).toBeDefined();
  expect(sc?.runAsNonRoot ?? pod?.runAsNonRoot).toBe(true);
  expect(sc?.runAsUser ?? pod?.runAsUser).toBe(10001);
  expect(sc?.readOnlyRootFilesystem).toBe(true);
  expect(sc?.allowPrivilegeEscalation).toBe(false);
  expect(sc?.privileged ?? false).toBe(false);
  expect(sc?.capabilities?.drop).toContain('ALL');
  expect(sc?.capabilities?.add ?? []).toEqual([]);
  expect((sc?.seccompProfile ?? pod?.seccompProfile)?.type).toBe('RuntimeDefault');
}

describe('helm chart helm/skyro-core', () => {
  let objects: K8sObject[];
  let deployment: Deployment;
  let api: Container;
  let podLabels: Labels;

  beforeAll(() => {
    // Ensures a helm v3 binary (may build it with `go install` the first time).
    helmBin = run('bash', [SCRIPT, '--print-helm'], TOOLS_TIMEOUT_MS).trim().split('\n').pop() ?? '';
    expect(helmBin).not.toBe('');
    objects = render();
    deployment = one<Deployment>(objects, 'Deployment');
    api = deployment.spec.template.spec.containers[0]!;
    podLabels = deployment.spec.template.metadata.labels ?? {};
  }, TOOLS_TIMEOUT_MS + RENDER_TIMEOUT_MS);

  it(
    'passes scripts/helm-check.sh (lint, render, strict schema validation, KongPlugin checks)',
    () => {
      const out = run('bash', [SCRIPT], TOOLS_TIMEOUT_MS);
      expect(out).toMatch(/helm-check: OK/);
      expect(out).not.toMatch(/^\s*(\[\w+\] )?ERROR /m);
      expect(out).toMatch(/schema-validated \(Kubernetes 1\.33\.0, strict\): [1-9]\d*/);
    },
    TOOLS_TIMEOUT_MS,
  );

  it('creates no Secret (secrets come from an existing Secret)', () => {
    expect(ofKind(objects, 'Secret')).toHaveLength(0);
  });

  describe('Deployment', () => {
    it('runs the API container on port 3000 named http', () => {
      expect(deployment.spec.template.spec.containers).toHaveLength(1);
      expect(api.ports).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'http', containerPort: 3000 })]));
      expect(api.command).toBeUndefined(); // image ENTRYPOINT/CMD: dumb-init node dist/src/main.js
    });

    it('has startup, liveness and readiness probes on the health endpoints', () => {
      expect(api.startupProbe?.httpGet).toEqual({ path: '/health/startup', port: 'http' });
      expect(api.livenessProbe?.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(api.readinessProbe?.httpGet).toEqual({ path: '/health/ready', port: 'http' });
      const startupBudget = (api.startupProbe?.periodSeconds ?? 10) * (api.startupProbe?.failureThreshold ?? 3);
      expect(startupBudget).toBeGreaterThanOrEqual(110);
      expect(startupBudget).toBeLessThanOrEqual(180);
    });

    it('runs restricted: non-root 10001, read-only root fs, no privilege escalation, drop ALL', () => {
      const podSc = deployment.spec.template.spec.securityContext;
      expect(podSc?.runAsNonRoot).toBe(true);
      expect(podSc?.seccompProfile?.type).toBe('RuntimeDefault');
      expectRestricted(api.securityContext, podSc);
      // writable /tmp because the root fs is read-only
      const tmp = api.volumeMounts?.find((m) => m.mountPath === '/tmp');
      expect(tmp).toBeDefined();
      const vol = deployment.spec.template.spec.volumes?.find((v) => v.name === tmp?.name);
      expect(vol?.emptyDir).toBeDefined();
    });

    it('does not mount a service account token', () => {
      const spec = deployment.spec.template.spec;
      expect(spec.automountServiceAccountToken).toBe(false);
      const sa = one<K8sObject>(objects, 'ServiceAccount', (o) => o.metadata.name === spec.serviceAccountName);
      expect(sa.automountServiceAccountToken).toBe(false);
    });

    it('drains gracefully: preStop sleep then SIGTERM within a 40s grace period', () => {
      expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBe(40);
      const preStop = api.lifecycle?.preStop;
      const sleep = preStop?.sleep?.seconds ?? Number(preStop?.exec?.command?.[1]);
      expect(preStop?.exec?.command?.[0] ?? 'sleep').toBe('sleep');
      expect(sleep).toBe(5);
      // the app's own drain (SHUTDOWN_GRACE_MS) must finish before the kubelet's SIGKILL
      const cm = one<K8sObject>(objects, 'ConfigMap');
      const appGraceSeconds = Number((cm.data as Labels).SHUTDOWN_GRACE_MS) / 1000;
      expect(sleep + appGraceSeconds).toBeLessThan(deployment.spec.template.spec.terminationGracePeriodSeconds ?? 30);
    });

    it('rolls out without reducing capacity and leaves replicas to the HPA', () => {
      expect(deployment.spec.strategy?.type).toBe('RollingUpdate');
      expect(deployment.spec.strategy?.rollingUpdate?.maxUnavailable).toBe(0);
      expect(deployment.spec.strategy?.rollingUpdate?.maxSurge).toBe('25%');
      expect(deployment.spec.replicas).toBeUndefined();
      expect(selects(deployment.spec.selector.matchLabels, podLabels)).toBe(true);
    });

    it('spreads pods over zones and nodes', () => {
      const keys = (deployment.spec.template.spec.topologySpreadConstraints ?? []).map((t) => t.topologyKey);
      expect(keys).toEqual(expect.arrayContaining(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']));
      for (const t of deployment.spec.template.spec.topologySpreadConstraints ?? []) {
        expect(selects(t.labelSelector?.matchLabels, podLabels)).toBe(true);
      }
    });

    it('is scraped by Prometheus on port 3000 /metrics', () => {
      const ann = deployment.spec.template.metadata.annotations ?? {};
      expect(ann['prometheus.io/scrape']).toBe('true');
      expect(ann['prometheus.io/port']).toBe('3000');
      expect(ann['prometheus.io/path']).toBe('/metrics');
    });

    it('gets config from the ConfigMap and secrets from the existing Secret', () => {
      const cmName = api.envFrom?.find((e) => e.configMapRef)?.configMapRef?.name;
      const cm = one<K8sObject>(objects, 'ConfigMap', (o) => o.metadata.name === cmName);
      const data = cm.data as Labels;
      expect(data).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0', PORT: '3000', LOG_LEVEL: 'info' });
      // behind Kong; migrations run in the hook Job, not in every booting pod
      expect(data).toMatchObject({ TRUST_PROXY: 'true', DATABASE_MIGRATE_ON_BOOT: 'false' });
      expect(Object.keys(data)).not.toEqual(expect.arrayContaining(['DATABASE_URL']));
      expect(data.BODY_LIMIT_BYTES).toMatch(/^\d+$/);
      expect(api.envFrom?.find((e) => e.secretRef)?.secretRef?.name).toBe('skyro-core-secrets');
    });

    it('runs every context (MODULES=all) as the single default deployment', () => {
      expect(deployment.metadata.name).toBe('skyro-skyro-core');
      expect(envOf(deployment).MODULES?.value).toBe('all');
      expect(envOf(deployment).BUS_SERVE).toBeUndefined(); // nobody else to serve: the app default
      expect(podLabels['app.kubernetes.io/component']).toBe('api');
    });

    it('has resource requests and limits', () => {
      expect(api.resources?.requests?.cpu).toBeDefined();
      expect(api.resources?.requests?.memory).toBeDefined();
      expect(api.resources?.limits?.memory).toBeDefined();
    });
  });

  describe('Service', () => {
    it('is a ClusterIP on port 80 targeting the http port of the API pods only', () => {
      // (The WebSocket Service, <name>-ws, selects the same pods: tested with the Kong routes.)
      const svc = one<K8sObject & { spec: { type: string; selector: Labels; ports: { port: number; targetPort: string }[] } }>(
        objects,
        'Service',
        (s) => !s.metadata.name.endsWith('-ws'),
      );
      expect(svc.spec.type).toBe('ClusterIP');
      expect(svc.spec.ports).toEqual([expect.objectContaining({ port: 80, targetPort: 'http' })]);
      expect(selects(svc.spec.selector, podLabels)).toBe(true);
      const job = one<Job>(objects, 'Job');
      expect(selects(svc.spec.selector, job.spec.template.metadata.labels)).toBe(false);
    });
  });

  describe('HorizontalPodAutoscaler', () => {
    it('scales the Deployment 3..20 on 70% CPU, up fast and down slowly', () => {
      const hpa = one<Hpa>(objects, 'HorizontalPodAutoscaler');
      expect(hpa.apiVersion).toBe('autoscaling/v2');
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
      expect(hpa.spec.minReplicas).toBe(3);
      expect(hpa.spec.maxReplicas).toBe(20);
      const cpu = hpa.spec.metrics.find((m) => m.type === 'Resource' && m.resource?.name === 'cpu');
      expect(cpu?.resource?.target).toEqual({ type: 'Utilization', averageUtilization: 70 });
      expect(hpa.spec.behavior?.scaleUp?.stabilizationWindowSeconds).toBe(0);
      expect(hpa.spec.behavior?.scaleUp?.policies).toEqual(expect.arrayContaining([{ type: 'Percent', value: 100, periodSeconds: 15 }]));
      expect(hpa.spec.behavior?.scaleDown?.stabilizationWindowSeconds).toBe(300);
      expect(hpa.spec.behavior?.scaleDown?.policies).toEqual([{ type: 'Percent', value: 10, periodSeconds: 60 }]);
    });

    it('is omitted (and replicas set) when autoscaling is disabled', () => {
      const objs = render(['autoscaling.enabled=false']);
      expect(ofKind(objs, 'HorizontalPodAutoscaler')).toHaveLength(0);
      expect(one<Deployment>(objs, 'Deployment').spec.replicas).toBe(3);
    });
  });

  describe('PodDisruptionBudget', () => {
    it('protects the API pods', () => {
      const pdb = one<Pdb>(objects, 'PodDisruptionBudget');
      expect(pdb.apiVersion).toBe('policy/v1');
      expect(selects(pdb.spec.selector.matchLabels, podLabels)).toBe(true);
      const ok = pdb.spec.maxUnavailable === 1 || (typeof pdb.spec.minAvailable === 'number' && pdb.spec.minAvailable >= 2);
      expect(ok).toBe(true);
    });
  });

  describe('NetworkPolicy', () => {
    let appPolicies: NetworkPolicy[];

    beforeAll(() => {
      appPolicies = ofKind<NetworkPolicy>(objects, 'NetworkPolicy').filter((np) => selects(np.spec.podSelector.matchLabels, podLabels));
    });

    it('denies all ingress and egress of the API pods by default', () => {
      const deny = appPolicies.filter(
        (np) =>
          (np.spec.policyTypes ?? []).includes('Ingress') &&
          (np.spec.policyTypes ?? []).includes('Egress') &&
          (np.spec.ingress ?? []).length === 0 &&
          (np.spec.egress ?? []).length === 0,
      );
      expect(deny).toHaveLength(1);
    });

    it('allows ingress to port 3000 only from Kong (and Prometheus)', () => {
      const rules = appPolicies.flatMap((np) => np.spec.ingress ?? []);
      const kong = rules.find((r) =>
        (r.from ?? []).some(
          (p) =>
            p.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'kong' && p.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'kong',
        ),
      );
      expect(kong).toBeDefined();
      expect(portsOf([kong ?? {}])).toEqual(expect.arrayContaining(['http']));
      for (const r of rules) {
        expect((r.from ?? []).length).toBeGreaterThan(0); // no "from anywhere" rule
        for (const p of r.ports ?? []) expect([3000, 'http']).toContain(p.port);
      }
    });

    it('allows egress to DNS, Postgres, Redis and Kafka', () => {
      const egress = appPolicies.flatMap((np) => np.spec.egress ?? []);
      const ports = portsOf(egress);
      expect(ports).toEqual(expect.arrayContaining([53, 5432, 6379, 9092]));
      const dns = egress.find((r) => (r.ports ?? []).some((p) => p.port === 53 && p.protocol === 'UDP'));
      expect(dns?.to?.some((p) => p.podSelector?.matchLabels?.['k8s-app'] === 'kube-dns')).toBe(true);
      for (const r of egress) {
        expect((r.ports ?? []).length).toBeGreaterThan(0); // no "any port" egress
      }
    });

    it('lets the migration Job pods reach Postgres and DNS', () => {
      const job = one<Job>(objects, 'Job');
      const jobPolicies = ofKind<NetworkPolicy>(objects, 'NetworkPolicy').filter((np) =>
        selects(np.spec.podSelector.matchLabels, job.spec.template.metadata.labels),
      );
      expect(jobPolicies.length).toBeGreaterThan(0);
      const ports = portsOf(jobPolicies.flatMap((np) => np.spec.egress ?? []));
      expect(ports).toEqual(expect.arrayContaining([53, 5432]));
      // the hook policy must exist before the Job runs
      for (const np of jobPolicies) {
        expect(np.metadata.annotations?.['helm.sh/hook']).toContain('pre-install');
        expect(hookWeight(np)).toBeLessThan(hookWeight(job));
      }
    });

    it('can be switched off', () => {
      expect(ofKind(render(['networkPolicy.enabled=false']), 'NetworkPolicy')).toHaveLength(0);
    });
  });

  describe('migration Job', () => {
    let job: Job;
    let c: Container;

    beforeAll(() => {
      job = one<Job>(objects, 'Job');
      c = job.spec.template.spec.containers[0]!;
    });

    it('is a pre-install,pre-upgrade hook that runs dist/src/migrate.js with the app image', () => {
      const ann = job.metadata.annotations ?? {};
      expect(ann['helm.sh/hook']?.split(',').map((s) => s.trim())).toEqual(expect.arrayContaining(['pre-install', 'pre-upgrade']));
      expect(ann['helm.sh/hook-delete-policy']).toContain('before-hook-creation');
      expect([...(c.command ?? []), ...(c.args ?? [])]).toEqual(expect.arrayContaining(['node', 'dist/src/migrate.js']));
      expect(c.image).toBe(api.image);
      expect(job.spec.backoffLimit).toBeDefined();
      expect(job.spec.activeDeadlineSeconds).toBeGreaterThan(0);
    });

    it('runs with the same restricted security context', () => {
      expectRestricted(c.securityContext, job.spec.template.spec.securityContext);
      expect(job.spec.template.spec.automountServiceAccountToken).toBe(false);
    });

    it('works on first install: no dependency on non-hook chart resources', () => {
      // pre-install hooks run before the ConfigMap/ServiceAccount of the chart exist
      expect((c.envFrom ?? []).filter((e) => e.configMapRef)).toHaveLength(0);
      expect(c.envFrom?.find((e) => e.secretRef)?.secretRef?.name).toBe('skyro-core-secrets');
      const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
      const cm = one<K8sObject>(objects, 'ConfigMap');
      expect(env).toMatchObject(cm.data as Labels);
      const saName = job.spec.template.spec.serviceAccountName;
      if (saName && saName !== 'default') {
        const sa = one<K8sObject>(objects, 'ServiceAccount', (o) => o.metadata.name === saName);
        expect(sa.metadata.annotations?.['helm.sh/hook']).toContain('pre-install');
        expect(hookWeight(sa)).toBeLessThan(hookWeight(job));
      }
    });
  });

  describe('Kong', () => {
    let plugins: KongPlugin[];
    let ingresses: Ingress[];

    const pluginByType = (type: string): KongPlugin[] => plugins.filter((p) => p.plugin === type);
    const hasPlugin = (ing: Ingress, type: string): boolean => pluginNames(ing).some((n) => plugins.find((p) => p.metadata.name === n)?.plugin === type);

    beforeAll(() => {
      plugins = ofKind<KongPlugin>(objects, 'KongPlugin');
      ingresses = ofKind<Ingress>(objects, 'Ingress');
    });

    it('defines rate-limiting and jwt KongPlugins', () => {
      for (const p of plugins) expect(p.apiVersion).toBe('configuration.konghq.com/v1');
      const rl = pluginByType('rate-limiting');
      expect(rl.length).toBeGreaterThanOrEqual(1);
      for (const p of rl) expect(Number(p.config.minute)).toBeGreaterThan(0);
      const jwt = one<KongPlugin>(objects, 'KongPlugin', (p) => p.plugin === 'jwt');
      expect(jwt.config.claims_to_verify).toContain('exp');
      // ES256 access tokens: the Kong jwt credential's key is the issuer (AUTH_ISSUER)
      expect(jwt.config.key_claim_name).toBe('iss');
      expect(jwt.config.run_on_preflight).toBe(false);
      const cid = one<KongPlugin>(objects, 'KongPlugin', (p) => p.plugin === 'correlation-id');
      expect(cid.config).toMatchObject({ header_name: 'X-Request-Id', echo_downstream: true });
    });

    it('routes through Kong ingresses whose plugin annotations reference existing KongPlugins', () => {
      expect(ingresses.length).toBeGreaterThanOrEqual(2);
      for (const ing of ingresses) {
        expect(ing.spec.ingressClassName).toBe('kong');
        expect(ing.metadata.annotations?.['konghq.com/strip-path']).toBe('false');
        expect(ing.metadata.annotations?.['konghq.com/protocols']).toBe('https');
        for (const name of pluginNames(ing)) {
          expect(plugins.map((p) => p.metadata.name)).toContain(name);
        }
      }
    });

    it('protects the API with rate limiting + JWT', () => {
      const main = routeFor(ingresses, '/v1/accounts');
      const names = pluginNames(main);
      expect(names).toContain(`${deployment.metadata.name}-rate-limiting`);
      expect(names).toContain(`${deployment.metadata.name}-jwt`);
      expect(hasPlugin(main, 'jwt')).toBe(true);
      expect(hasPlugin(main, 'rate-limiting')).toBe(true);
    });

    it("does not key the JWT routes' rate limit on the Kong consumer (= token issuer, shared by all users)", () => {
      const main = routeFor(ingresses, '/v1/accounts');
      const limits = pluginNames(main)
        .map((n) => plugins.find((p) => p.metadata.name === n))
        .filter((p): p is KongPlugin => p?.plugin === 'rate-limiting');
      expect(limits.length).toBeGreaterThan(0);
      for (const p of limits) {
        // Kong's default limit_by is "consumer", so it must be set explicitly
        expect(['ip', 'header', 'path', 'service']).toContain(p.config.limit_by);
      }
    });

    it.each(['/health/live', '/health/ready', '/.well-known/jwks.json', '/v1/auth/login', '/v1/auth/refresh', '/v1/notifications/callbacks/twilio'])(
      'serves public route %s with rate limiting but without JWT',
      (p) => {
        const ing = routeFor(ingresses, p);
        expect(hasPlugin(ing, 'jwt')).toBe(false);
        expect(hasPlugin(ing, 'rate-limiting')).toBe(true);
      },
    );

    it('does not treat look-alike paths as public', () => {
      expect(hasPlugin(routeFor(ingresses, '/v1/authorizations'), 'jwt')).toBe(true);
      expect(hasPlugin(routeFor(ingresses, '/healthz-admin'), 'jwt')).toBe(true);
      expect(hasPlugin(routeFor(ingresses, '/v1/notifications/devices'), 'jwt')).toBe(true);
      expect(hasPlugin(routeFor(ingresses, '/v1/notifications/callbacksx'), 'jwt')).toBe(true);
    });

    it('routes the WebSocket endpoint without Kong JWT (the app authenticates the first message), rate limited, to a Service with long timeouts', () => {
      const { ing, service } = backendFor(ingresses, '/v1/realtime');
      expect(hasPlugin(ing, 'jwt')).toBe(false);
      expect(hasPlugin(ing, 'rate-limiting')).toBe(true);
      const ws = one<K8sObject & { metadata: { annotations?: Record<string, string> }; spec: { selector: Record<string, string> } }>(
        objects,
        'Service',
        (s) => s.metadata.name === service,
      );
      expect(Number(ws.metadata.annotations?.['konghq.com/read-timeout'])).toBeGreaterThanOrEqual(3_600_000);
      expect(Number(ws.metadata.annotations?.['konghq.com/write-timeout'])).toBeGreaterThanOrEqual(3_600_000);
      // the same pods as the deployment's own Service; other routes keep that Service and its timeouts
      const main = one<K8sObject & { spec: { selector: Record<string, string> } }>(objects, 'Service', (s) => s.metadata.name === deployment.metadata.name);
      expect(ws.spec.selector).toEqual(main.spec.selector);
      expect(backendFor(ingresses, '/v1/accounts').service).toBe(deployment.metadata.name);
    });

    it('does not expose /metrics through Kong', () => {
      const ing = routeFor(ingresses, '/metrics');
      expect(hasPlugin(ing, 'request-termination')).toBe(true);
    });

    it('adds TLS when enabled', () => {
      const objs = render(['ingress.tls.enabled=true', 'ingress.tls.secretName=api-tls', 'ingress.host=api.example.test']);
      for (const ing of ofKind<Ingress>(objs, 'Ingress')) {
        expect(ing.spec.tls).toEqual([{ hosts: ['api.example.test'], secretName: 'api-tls' }]);
        expect(ing.spec.rules[0]!.host).toBe('api.example.test');
      }
    });

    it('switches rate limiting to Redis and toggles plugins from values', () => {
      const objs = render([
        'kong.plugins.rateLimiting.policy=redis',
        'kong.plugins.rateLimiting.redis.host=redis.data.svc',
        'kong.plugins.jwt.enabled=false',
        'kong.plugins.prometheus.enabled=true',
      ]);
      const rl = one<KongPlugin>(objs, 'KongPlugin', (p) => p.metadata.name.endsWith('-rate-limiting'));
      expect(rl.config).toMatchObject({ policy: 'redis', redis: { host: 'redis.data.svc', port: 6379 } });
      const ks = ofKind<KongPlugin>(objs, 'KongPlugin');
      expect(ks.some((p) => p.plugin === 'jwt')).toBe(false);
      expect(ks.some((p) => p.plugin === 'prometheus')).toBe(true);
      for (const ing of ofKind<Ingress>(objs, 'Ingress')) {
        expect(pluginNames(ing).some((n) => n.endsWith('-jwt'))).toBe(false);
      }
    });

    it('renders no Kong objects when the ingress and plugins are disabled', () => {
      const objs = render([
        'ingress.enabled=false',
        'kong.plugins.rateLimiting.enabled=false',
        'kong.plugins.rateLimitingPublic.enabled=false',
        'kong.plugins.jwt.enabled=false',
        'kong.plugins.correlationId.enabled=false',
        'kong.plugins.blockPaths.enabled=false',
      ]);
      expect(ofKind(objs, 'Ingress')).toHaveLength(0);
      expect(ofKind(objs, 'KongPlugin')).toHaveLength(0);
    });
  });
  describe('contexts and deployments', () => {
    const BASE = 'skyro-skyro-core';
    const KAFKA = ['--set', 'config.kafkaBrokers=kafka:9092'];
    const deployments = (objs: K8sObject[]): Deployment[] => ofKind<Deployment>(objs, 'Deployment');
    const byName = <T extends K8sObject>(objs: K8sObject[], kind: string, name: string): T => one<T>(objs, kind, (o) => o.metadata.name === name);
    const labelsOf = (d: Deployment): Labels => d.spec.template.metadata.labels ?? {};
    const policiesOf = (objs: K8sObject[], d: Deployment): NetworkPolicy[] =>
      ofKind<NetworkPolicy>(objs, 'NetworkPolicy').filter((np) => selects(np.spec.podSelector.matchLabels, labelsOf(d)));

    const defaultContexts = valuesContexts(path.join(CHART, 'values.yaml'));
    const splitContexts = { ...defaultContexts, ...valuesContexts(SPLIT_VALUES) };

    it('values.yaml maps every context to the path prefixes it owns, each prefix owned once', () => {
      expect(Object.keys(defaultContexts)).toEqual(expect.arrayContaining(['identity', 'accounts', 'ledger']));
      expect(defaultContexts.identity).toEqual(
        expect.arrayContaining(['/v1/auth', '/v1/users', '/v1/sessions', '/v1/admin/users', '/v1/audit-log', '/.well-known']),
      );
      expect(defaultContexts.accounts).toEqual(expect.arrayContaining(['/v1/accounts', '/v1/admin/accounts', '/v1/interest-rates']));
      expect(defaultContexts.ledger).toEqual(['/v1/ledger']);
      const all = Object.values(defaultContexts).flat();
      expect(new Set(all).size).toBe(all.length);
      for (const p of all) expect(p).toMatch(/^\/[^\s]*[^/]$/);
    });

    it("values.yaml routes exactly the prefixes each listed context's manifest declares (contexts not listed run in the primary, behind its catch-all)", () => {
      const declared = Object.fromEntries(CONTEXTS.map((c) => [c.name, [...(c.routes ?? [])].sort()]));
      for (const [name, paths] of Object.entries(defaultContexts)) expect({ name, paths: [...paths].sort() }).toEqual({ name, paths: declared[name] });
    });

    it('default shape: every context prefix reaches the single Service, with the public ones JWT-free', () => {
      const ingresses = ofKind<Ingress>(objects, 'Ingress');
      const svc = one<K8sObject>(objects, 'Service', (s) => !s.metadata.name.endsWith('-ws')).metadata.name;
      for (const [ctx, prefixes] of Object.entries(defaultContexts)) {
        for (const prefix of prefixes) {
          for (const p of [prefix, `${prefix}/x`]) {
            expect({ ctx, p, service: backendFor(ingresses, p).service }).toEqual({ ctx, p, service: svc + (WEBSOCKET_PATHS.includes(prefix) ? '-ws' : '') });
          }
        }
      }
    });

    describe('split shape (ci/split-values.yaml)', () => {
      let objs: K8sObject[];
      let ingresses: Ingress[];
      let plugins: KongPlugin[];
      // customers and ledger run what they list; the primary runs every other context
      // (payments and cards of the split values, and any context the code gained since)
      const listed: Record<string, string> = { identity: `${BASE}-customers`, accounts: `${BASE}-customers`, ledger: `${BASE}-ledger` };
      const owner: Record<string, string> = Object.fromEntries(Object.keys(splitContexts).map((c) => [c, listed[c] ?? BASE]));
      const hasPlugin = (ing: Ingress, type: string): boolean => pluginNames(ing).some((n) => plugins.find((p) => p.metadata.name === n)?.plugin === type);

      beforeAll(() => {
        objs = render([], ['-f', SPLIT_VALUES]);
        ingresses = ofKind<Ingress>(objs, 'Ingress');
        plugins = ofKind<KongPlugin>(objs, 'KongPlugin');
      }, RENDER_TIMEOUT_MS);

      it('renders a Deployment, Service, PDB and (when autoscaled) HPA per deployment, each selecting only its pods', () => {
        const ds = deployments(objs);
        expect(ds.map((d) => d.metadata.name).sort()).toEqual([BASE, `${BASE}-customers`, `${BASE}-ledger`]);
        // the primary keeps the single-deployment names and (immutable) selector
        expect(byName<Deployment>(objs, 'Deployment', BASE).spec.selector).toEqual(deployment.spec.selector);
        const job = one<Job>(objs, 'Job');
        for (const d of ds) {
          const name = d.metadata.name;
          const labels = labelsOf(d);
          // a label naming the deployment, part of its selector
          const entry = name === BASE ? 'api' : name.slice(BASE.length + 1);
          expect(labels['app.kubernetes.io/component']).toBe(entry);
          expect(d.spec.selector.matchLabels['app.kubernetes.io/component']).toBe(entry);
          const others = ds.filter((o) => o !== d);
          for (const o of others) expect(selects(d.spec.selector.matchLabels, labelsOf(o))).toBe(false);

          const svc = byName<K8sObject & { spec: { selector: Labels } }>(objs, 'Service', name);
          expect(selects(svc.spec.selector, labels)).toBe(true);
          for (const o of others) expect(selects(svc.spec.selector, labelsOf(o))).toBe(false);
          expect(selects(svc.spec.selector, job.spec.template.metadata.labels)).toBe(false);

          const pdb = byName<Pdb>(objs, 'PodDisruptionBudget', name);
          expect(selects(pdb.spec.selector.matchLabels, labels)).toBe(true);
          for (const o of others) expect(selects(pdb.spec.selector.matchLabels, labelsOf(o))).toBe(false);

          for (const t of d.spec.template.spec.topologySpreadConstraints ?? []) {
            expect(selects(t.labelSelector?.matchLabels, labels)).toBe(true);
            for (const o of others) expect(selects(t.labelSelector?.matchLabels, labelsOf(o))).toBe(false);
          }
          for (const np of ofKind<NetworkPolicy>(objs, 'NetworkPolicy')) {
            const mine = selects(np.spec.podSelector.matchLabels, labels);
            if (mine) for (const o of others) expect(selects(np.spec.podSelector.matchLabels, labelsOf(o))).toBe(false);
          }
        }
        // per-entry overrides over the global values
        const hpas = ofKind<Hpa>(objs, 'HorizontalPodAutoscaler');
        expect(hpas.map((h) => h.spec.scaleTargetRef.name).sort()).toEqual([BASE, `${BASE}-customers`]);
        for (const h of hpas) expect(h.metadata.name).toBe(h.spec.scaleTargetRef.name);
        const customersHpa = byName<Hpa>(objs, 'HorizontalPodAutoscaler', `${BASE}-customers`);
        expect([customersHpa.spec.minReplicas, customersHpa.spec.maxReplicas]).toEqual([2, 10]);
        expect(byName<Hpa>(objs, 'HorizontalPodAutoscaler', BASE).spec.minReplicas).toBe(3);
        const ledger = byName<Deployment>(objs, 'Deployment', `${BASE}-ledger`);
        expect(ledger.spec.replicas).toBe(2); // autoscaling off for this entry
        expect(ledger.spec.template.spec.containers[0]!.resources?.limits?.memory).toBe('768Mi');
        expect(byName<Pdb>(objs, 'PodDisruptionBudget', `${BASE}-ledger`).spec).toMatchObject({ minAvailable: 1 });
        expect(byName<Pdb>(objs, 'PodDisruptionBudget', `${BASE}-ledger`).spec.maxUnavailable).toBeUndefined();
        expect(envOf(ledger).LEDGER_COMMIT_CONCURRENCY?.value).toBe('4');
        expect(envOf(ledger).DATABASE_POOL_MAX?.value).toBe('1048576');
      });

      it('sets MODULES per deployment (the primary runs the contexts nobody else lists) and serves the bus', () => {
        const modules = Object.fromEntries(deployments(objs).map((d) => [d.metadata.name, envOf(d).MODULES?.value]));
        // The primary runs all but the others' contexts: the listed ones, and any context the
        // code gained that `contexts` does not list yet.
        expect(modules).toEqual({
          [BASE]: 'all,-accounts,-identity,-ledger',
          [`${BASE}-customers`]: 'identity,accounts',
          [`${BASE}-ledger`]: 'ledger',
        });
        for (const d of deployments(objs)) expect(envOf(d).BUS_SERVE?.value).toBe('true');
        // every context runs in exactly one deployment
        const explicit = Object.values(modules).filter((m) => !m?.startsWith('all'));
        const running = explicit.flatMap((m) => (m ?? '').split(','));
        const primary = Object.keys(splitContexts).filter((c) => !running.includes(c));
        expect(primary).toEqual(expect.arrayContaining(['cards', 'payments']));
        expect(primary.sort()).toEqual(
          Object.keys(owner)
            .filter((c) => owner[c] === BASE)
            .sort(),
        );
      });

      it('routes each context prefix to the Service of the deployment running it', () => {
        for (const [ctx, prefixes] of Object.entries(splitContexts)) {
          expect(prefixes.length).toBeGreaterThan(0);
          for (const prefix of prefixes) {
            for (const p of [prefix, `${prefix}/some/thing`]) {
              expect({ ctx, p, service: backendFor(ingresses, p).service }).toEqual({
                ctx,
                p,
                service: owner[ctx]! + (WEBSOCKET_PATHS.includes(prefix) ? '-ws' : ''),
              });
            }
          }
        }
        // look-alikes and unknown paths: the primary's catch-all, with JWT
        for (const p of ['/v1/ledgers', '/v1/accountsx', '/v1/unknown']) {
          const b = backendFor(ingresses, p);
          expect({ p, service: b.service }).toEqual({ p, service: BASE });
          expect(hasPlugin(b.ing, 'jwt')).toBe(true);
        }
      });

      it('keeps public identity routes JWT-free on the deployment running identity, health on the primary, /metrics blocked', () => {
        for (const p of ['/v1/auth/login', '/v1/auth/token', '/.well-known/jwks.json']) {
          const b = backendFor(ingresses, p);
          expect({ p, service: b.service }).toEqual({ p, service: `${BASE}-customers` });
          expect(hasPlugin(b.ing, 'jwt')).toBe(false);
          expect(hasPlugin(b.ing, 'rate-limiting')).toBe(true);
        }
        for (const p of ['/v1/users/me', '/v1/ledger/accounts', '/v1/payments']) {
          expect(hasPlugin(backendFor(ingresses, p).ing, 'jwt')).toBe(true);
        }
        const health = backendFor(ingresses, '/health/ready');
        expect(health.service).toBe(BASE);
        expect(hasPlugin(health.ing, 'jwt')).toBe(false);
        expect(hasPlugin(backendFor(ingresses, '/metrics').ing, 'request-termination')).toBe(true);
        // still four Ingresses (by plugins: JWT, public, blocked, WebSocket), whatever the number of deployments
        expect(ingresses.map((i) => i.metadata.name).sort()).toEqual([BASE, `${BASE}-blocked`, `${BASE}-public`, `${BASE}-websocket`]);
      });

      it('gives the ledger deployment (and the migration Job, no one else) its own LEDGER_DATABASE_URL', () => {
        const ref = { secretKeyRef: { name: 'skyro-ledger-db', key: 'url' } };
        const ledger = byName<Deployment>(objs, 'Deployment', `${BASE}-ledger`);
        expect(envOf(ledger).LEDGER_DATABASE_URL?.valueFrom).toEqual(ref);
        for (const d of deployments(objs).filter((x) => x !== ledger)) {
          expect(envOf(d).LEDGER_DATABASE_URL).toBeUndefined();
        }
        const job = one<Job>(objs, 'Job');
        const jobEnv = envOf(job);
        expect(jobEnv.LEDGER_DATABASE_URL?.valueFrom).toEqual(ref);
        // migrate.js migrates every context: no MODULES, the shared Secret (DATABASE_URL) too
        expect(jobEnv.MODULES).toBeUndefined();
        expect(job.spec.template.spec.containers[0]!.envFrom?.find((e) => e.secretRef)?.secretRef?.name).toBe('skyro-core-secrets');
      });

      it('isolates every deployment: default deny, ingress only from Kong/Prometheus, egress to DNS, Postgres, Redis and Kafka', () => {
        for (const d of deployments(objs)) {
          const nps = policiesOf(objs, d);
          const deny = nps.filter(
            (np) =>
              (np.spec.policyTypes ?? []).includes('Ingress') &&
              (np.spec.policyTypes ?? []).includes('Egress') &&
              (np.spec.ingress ?? []).length === 0 &&
              (np.spec.egress ?? []).length === 0,
          );
          expect(deny).toHaveLength(1);
          const egress = nps.flatMap((np) => np.spec.egress ?? []);
          expect({ d: d.metadata.name, ports: portsOf(egress) }).toEqual({
            d: d.metadata.name,
            ports: expect.arrayContaining([53, 5432, 6379, 9092]),
          });
          const ingress = nps.flatMap((np) => np.spec.ingress ?? []);
          expect(ingress.length).toBeGreaterThan(0);
          for (const r of ingress) {
            // Kong (and Prometheus) only: deployments never call each other over HTTP
            expect((r.from ?? []).length).toBeGreaterThan(0);
            for (const peer of r.from ?? []) {
              expect(peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name']).toMatch(/^(kong|monitoring)$/);
            }
            for (const p of r.ports ?? []) expect([3000, 'http']).toContain(p.port);
          }
        }
      });
    });

    describe('lifting the ledger out (README example)', () => {
      const LIFT = [
        '--set-json',
        'deployments=[{"name":"api","contexts":[]},{"name":"ledger","contexts":["ledger"],"databases":{"ledger":{"secretName":"skyro-ledger-db","key":"url"}}}]',
      ];
      let objs: K8sObject[];

      beforeAll(() => {
        objs = render([], [...KAFKA, ...LIFT]);
      }, RENDER_TIMEOUT_MS);

      it('is a values change: the monolith keeps its objects, the ledger gets its own and its route', () => {
        const main = byName<Deployment>(objs, 'Deployment', BASE);
        expect(main.spec.selector).toEqual(deployment.spec.selector);
        expect(envOf(main).MODULES?.value).toBe('all,-ledger');
        const ledger = byName<Deployment>(objs, 'Deployment', `${BASE}-ledger`);
        expect(envOf(ledger).MODULES?.value).toBe('ledger');
        expect(envOf(ledger).LEDGER_DATABASE_URL?.valueFrom?.secretKeyRef).toEqual({ name: 'skyro-ledger-db', key: 'url' });
        const ingresses = ofKind<Ingress>(objs, 'Ingress');
        expect(backendFor(ingresses, '/v1/ledger/transactions').service).toBe(`${BASE}-ledger`);
        expect(backendFor(ingresses, '/v1/accounts/123').service).toBe(BASE);
        expect(backendFor(ingresses, '/v1/auth/login').service).toBe(BASE);
        // every object of the single-deployment render still exists under the same name
        const names = (o: K8sObject[]): string[] => o.map((x) => `${x.kind}/${x.metadata.name}`);
        expect(names(objs)).toEqual(expect.arrayContaining(names(objects)));
      });
    });

    describe('validation', () => {
      const deps = (json: string): string[] => ['--set-json', `deployments=${json}`];

      it.each([
        [
          'a context listed in two deployments',
          deps('[{"name":"api","contexts":["identity","accounts","ledger"]},{"name":"ledger","contexts":["ledger"]}]'),
          /context "ledger" is listed in deployments "api" and "ledger"/,
        ],
        [
          'a context in no deployment',
          deps('[{"name":"api","contexts":["identity","accounts"]}]'),
          /context\(s\) ([a-z_]+, )*ledger(, [a-z_]+)* run in no deployment/,
        ],
        [
          'a context in no deployment (split)',
          deps('[{"name":"api","contexts":["identity"]},{"name":"ledger","contexts":["ledger"]}]'),
          /context\(s\) ([a-z_]+, )*accounts(, [a-z_]+)* run in no deployment/,
        ],
        ['an unknown context', deps('[{"name":"api","contexts":["identity","accounts","ledger","ledgr"]}]'), /unknown context "ledgr"/],
        ['two deployments running "the rest"', deps('[{"name":"api"},{"name":"other","contexts":[]}]'), /at most one may/],
      ] as [string, string[], RegExp][])('fails on %s', (_why, args, message) => {
        expect(renderError([], [...KAFKA, ...args])).toMatch(message);
      });

      it('fails on several deployments without Kafka (their only link)', () => {
        expect(renderError([], deps('[{"name":"api"},{"name":"ledger","contexts":["ledger"]}]'))).toMatch(/need Kafka/);
      });

      it('lets one deployment with an empty context list run the rest', () => {
        const objs = render([], [...KAFKA, ...deps('[{"name":"api","contexts":["identity","accounts"]},{"name":"rest","contexts":[]}]')]);
        expect(deployments(objs).map((d) => envOf(d).MODULES?.value)).toEqual(['identity,accounts', 'all,-accounts,-identity']);
      });
    });
  });
});
