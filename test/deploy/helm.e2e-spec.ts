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
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';

const ROOT = path.resolve(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'helm-check.sh');
const CHART = path.join(ROOT, 'helm', 'skyro-core');
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
    throw new Error(
      `${file} ${args.join(' ')} failed: ${e.message}\n--- stdout ---\n${e.stdout ?? ''}\n--- stderr ---\n${e.stderr ?? ''}`,
    );
  }
}

function render(sets: string[] = []): K8sObject[] {
  const setArgs = sets.flatMap((s) => ['--set', s]);
  const out = run(
    helmBin,
    ['template', RELEASE, CHART, '--kube-version', KUBE_VERSION, '--namespace', NAMESPACE, ...setArgs],
    RENDER_TIMEOUT_MS,
  );
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

function ofKind<T extends K8sObject>(objects: K8sObject[], kind: string): T[] {
  return objects.filter((o) => o.kind === kind) as T[];
}

function one<T extends K8sObject>(objects: K8sObject[], kind: string, predicate: (o: T) => boolean = () => true): T {
  const found = ofKind<T>(objects, kind).filter(predicate);
  if (found.length !== 1) {
    throw new Error(`expected exactly one ${kind}, found ${found.length}: ${found.map((o) => o.metadata.name).join(', ')}`);
  }
  return found[0];
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
    api = deployment.spec.template.spec.containers[0];
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

    it('has resource requests and limits', () => {
      expect(api.resources?.requests?.cpu).toBeDefined();
      expect(api.resources?.requests?.memory).toBeDefined();
      expect(api.resources?.limits?.memory).toBeDefined();
    });
  });

  describe('Service', () => {
    it('is a ClusterIP on port 80 targeting the http port of the API pods only', () => {
      const svc = one<K8sObject & { spec: { type: string; selector: Labels; ports: { port: number; targetPort: string }[] } }>(
        objects,
        'Service',
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
      expect(hpa.spec.behavior?.scaleUp?.policies).toEqual(
        expect.arrayContaining([{ type: 'Percent', value: 100, periodSeconds: 15 }]),
      );
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
      appPolicies = ofKind<NetworkPolicy>(objects, 'NetworkPolicy').filter((np) =>
        selects(np.spec.podSelector.matchLabels, podLabels),
      );
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
            p.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'kong' &&
            p.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'kong',
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
      c = job.spec.template.spec.containers[0];
    });

    it('is a pre-install,pre-upgrade hook that runs dist/src/migrate.js with the app image', () => {
      const ann = job.metadata.annotations ?? {};
      expect(ann['helm.sh/hook']?.split(',').map((s) => s.trim())).toEqual(
        expect.arrayContaining(['pre-install', 'pre-upgrade']),
      );
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
    const hasPlugin = (ing: Ingress, type: string): boolean =>
      pluginNames(ing).some((n) => plugins.find((p) => p.metadata.name === n)?.plugin === type);

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
      expect(jwt.config.key_claim_name).toBe('kid');
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

    it('does not key the JWT routes\' rate limit on the Kong consumer (= token issuer, shared by all users)', () => {
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

    it.each(['/health/live', '/health/ready', '/.well-known/jwks.json', '/v1/auth/login', '/v1/auth/refresh'])(
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
    });

    it('does not expose /metrics through Kong', () => {
      const ing = routeFor(ingresses, '/metrics');
      expect(hasPlugin(ing, 'request-termination')).toBe(true);
    });

    it('adds TLS when enabled', () => {
      const objs = render(['ingress.tls.enabled=true', 'ingress.tls.secretName=api-tls', 'ingress.host=api.example.test']);
      for (const ing of ofKind<Ingress>(objs, 'Ingress')) {
        expect(ing.spec.tls).toEqual([{ hosts: ['api.example.test'], secretName: 'api-tls' }]);
        expect(ing.spec.rules[0].host).toBe('api.example.test');
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
});
