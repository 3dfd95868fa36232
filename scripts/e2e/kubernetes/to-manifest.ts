/**
 * Turns the Kubernetes resources of a synthesized stack (Terraform kubernetes provider shape:
 * snake_case keys, repeated blocks under singular names such as `container` and `port`, numbers
 * as strings in places) into Kubernetes manifests (camelCase, plural list fields, integers).
 *
 * The offline mirror holds no kubernetes provider plugin, so Terraform cannot validate these
 * objects here; the manifests are validated against the Kubernetes OpenAPI schemas instead.
 * Whatever this mapping gets wrong shows up as a schema or unknown-field error, never as a pass.
 */
import type { Block } from '../terraform-json';

export interface ManifestKind {
  apiVersion: string;
  kind: string;
}

/** Terraform resource type (without a `_v1`/`_v2` suffix) -> Kubernetes kind. */
const KINDS: Record<string, ManifestKind> = {
  kubernetes_namespace: { apiVersion: 'v1', kind: 'Namespace' },
  kubernetes_service_account: { apiVersion: 'v1', kind: 'ServiceAccount' },
  kubernetes_service: { apiVersion: 'v1', kind: 'Service' },
  kubernetes_config_map: { apiVersion: 'v1', kind: 'ConfigMap' },
  kubernetes_secret: { apiVersion: 'v1', kind: 'Secret' },
  kubernetes_resource_quota: { apiVersion: 'v1', kind: 'ResourceQuota' },
  kubernetes_limit_range: { apiVersion: 'v1', kind: 'LimitRange' },
  kubernetes_pod: { apiVersion: 'v1', kind: 'Pod' },
  kubernetes_deployment: { apiVersion: 'apps/v1', kind: 'Deployment' },
  kubernetes_stateful_set: { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  kubernetes_daemon_set: { apiVersion: 'apps/v1', kind: 'DaemonSet' },
  kubernetes_daemonset: { apiVersion: 'apps/v1', kind: 'DaemonSet' },
  kubernetes_job: { apiVersion: 'batch/v1', kind: 'Job' },
  kubernetes_cron_job: { apiVersion: 'batch/v1', kind: 'CronJob' },
  kubernetes_network_policy: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
  kubernetes_ingress: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
  kubernetes_role: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role' },
  kubernetes_role_binding: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding' },
  kubernetes_cluster_role: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' },
  kubernetes_cluster_role_binding: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding' },
  kubernetes_pod_disruption_budget: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' },
  kubernetes_horizontal_pod_autoscaler_v2: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' },
  kubernetes_priority_class: { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass' },
};

export function kindFor(type: string): ManifestKind | undefined {
  return KINDS[type] ?? KINDS[type.replace(/_v1$/, '')];
}

/** Arguments of the Terraform resource that are not part of the Kubernetes object. */
const TERRAFORM_ONLY = new Set([
  '//', 'count', 'for_each', 'provider', 'depends_on', 'lifecycle', 'timeouts', 'connection', 'provisioner',
  'wait_for_rollout', 'wait_for_load_balancer', 'wait_for_default_secret', 'wait_for_completion',
]);

/** Always-repeated blocks whose Kubernetes field is plural. */
const PLURAL = new Map([
  ['container', 'containers'],
  ['init_container', 'initContainers'],
  ['ephemeral_container', 'ephemeralContainers'],
  ['volume_mount', 'volumeMounts'],
  ['volume_device', 'volumeDevices'],
  ['topology_spread_constraint', 'topologySpreadConstraints'],
  ['readiness_gate', 'readinessGates'],
  ['image_pull_secret', 'imagePullSecrets'],
  ['http_header', 'httpHeaders'],
  ['node_selector_term', 'nodeSelectorTerms'],
  ['subject', 'subjects'],
  ['toleration', 'tolerations'],
]);

/** Block names that are plural in Kubernetes only where they repeat (a list); otherwise singular. */
const PLURAL_WHEN_LIST = new Map([
  ['port', 'ports'],
  ['volume', 'volumes'],
  ['secret', 'secrets'],
  ['rule', 'rules'],
  ['option', 'options'],
  ['path', 'paths'],
]);

/** Fields whose value is a string map: keys are data (label keys), never renamed. */
const STRING_MAPS = new Set([
  'labels', 'annotations', 'match_labels', 'node_selector', 'limits', 'requests', 'data', 'binary_data',
  'string_data', 'hard', 'parameters', 'default', 'default_request', 'max', 'min', 'max_limit_request_ratio',
]);

/** Fields the provider types as strings that Kubernetes types as integers or int-or-string. */
const NUMBER_FROM_STRING = new Set([
  'replicas', 'port', 'target_port', 'container_port', 'max_surge', 'max_unavailable', 'min_available',
  'run_as_user', 'run_as_group', 'fs_group',
]);

/** File modes the provider takes as octal strings ("0644"); Kubernetes takes the integer. */
const OCTAL_FROM_STRING = new Set(['default_mode', 'mode']);

/** Single nested blocks: if they arrive as a one-element list (raw Terraform JSON), unwrap them. */
const SINGLE_BLOCKS = new Set([
  'metadata', 'spec', 'template', 'selector', 'security_context', 'resources', 'strategy', 'rolling_update',
  'capabilities', 'seccomp_profile', 'se_linux_options', 'readiness_probe', 'liveness_probe', 'startup_probe',
  'http_get', 'tcp_socket', 'exec', 'grpc', 'value_from', 'secret_key_ref', 'config_map_key_ref', 'field_ref',
  'resource_field_ref', 'config_map_ref', 'secret_ref', 'empty_dir', 'config_map', 'persistent_volume_claim',
  'affinity', 'node_affinity', 'pod_affinity', 'pod_anti_affinity', 'ip_block', 'namespace_selector',
  'pod_selector', 'dns_config', 'role_ref', 'lifecycle', 'post_start', 'pre_stop', 'job_template',
]);

export function camelCase(snake: string): string {
  return snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The value of a Terraform expression, or undefined when it cannot be known here. */
export type ReferenceResolver = (expression: string) => unknown;

export interface ConversionNote {
  path: string;
  note: string;
}

class Converter {
  readonly notes: ConversionNote[] = [];
  constructor(private readonly resolve: ReferenceResolver) {}

  value(key: string, value: unknown, path: string): unknown {
    if (SINGLE_BLOCKS.has(key) && Array.isArray(value)) {
      if (value.length !== 1) throw new Error(`${path}: block "${key}" has ${value.length} entries; Kubernetes allows one`);
      return this.value(key, value[0], path);
    }
    if (typeof value === 'string') return this.scalar(key, value, path);
    if (Array.isArray(value)) return value.map((v, i) => this.value(key, v, `${path}[${i}]`));
    if (value && typeof value === 'object') {
      const entries = Object.entries(value as Record<string, unknown>);
      if (STRING_MAPS.has(key) || (key === 'selector' && isServiceSelector(value as Record<string, unknown>))) {
        return Object.fromEntries(entries.map(([k, v]) => [k, typeof v === 'string' ? String(this.interpolate(v, `${path}.${k}`)) : v]));
      }
      return this.object(entries, path);
    }
    return value;
  }

  object(entries: Array<[string, unknown]>, path: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) {
      if (TERRAFORM_ONLY.has(k) || v === undefined || v === null) continue;
      const name = PLURAL.get(k) ?? (Array.isArray(v) ? PLURAL_WHEN_LIST.get(k) : undefined) ?? camelCase(k);
      out[name] = this.value(k, v, `${path}.${name}`);
    }
    return out;
  }

  scalar(key: string, value: string, path: string): unknown {
    const s = this.interpolate(value, path);
    if (typeof s !== 'string') return s;
    if (OCTAL_FROM_STRING.has(key) && /^0[0-7]+$/.test(s)) return parseInt(s, 8);
    return NUMBER_FROM_STRING.has(key) && /^\d+$/.test(s) ? Number(s) : s;
  }

  interpolateDeep(value: unknown, path: string): unknown {
    if (typeof value === 'string') return this.interpolate(value, path);
    if (Array.isArray(value)) return value.map((v, i) => this.interpolateDeep(v, `${path}[${i}]`));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.interpolateDeep(v, `${path}.${k}`)]));
    }
    return value;
  }

  /**
   * Resolves `${...}` references. A value that is one whole reference takes the referenced value
   * as it is (a label map from the environment contract); an unresolvable one becomes a visible
   * placeholder and a note.
   */
  interpolate(value: string, path: string): unknown {
    if (!value.includes('${')) return value;
    const expressions = expressionsIn(value);
    if (expressions.length === 1 && value === `\${${expressions[0]}}`) {
      const resolved = this.resolve(expressions[0].trim());
      if (resolved !== undefined) return resolved;
    }
    let out = value;
    for (const expression of expressions) {
      const resolved = this.resolve(expression.trim());
      const text = resolved === undefined ? undefined : typeof resolved === 'string' ? resolved : JSON.stringify(resolved);
      if (text === undefined) this.notes.push({ path, note: `reference \${${expression}} cannot be resolved; placeholder used` });
      out = out.replace(`\${${expression}}`, text ?? 'e2e-unresolved');
    }
    return out;
  }
}

/** The `${...}` expressions of a Terraform string, braces balanced (jsondecode({...}) included). */
export function expressionsIn(value: string): string[] {
  const found: string[] = [];
  for (let i = value.indexOf('${'); i >= 0; i = value.indexOf('${', i + 1)) {
    if (i > 0 && value[i - 1] === '$') continue;
    let depth = 1;
    let j = i + 2;
    for (; j < value.length && depth > 0; j++) {
      if (value[j] === '{') depth++;
      else if (value[j] === '}') depth--;
    }
    if (depth === 0) found.push(value.slice(i + 2, j - 1));
  }
  return found;
}

/** A Service's `selector` is a label map; a workload's is a LabelSelector block. */
function isServiceSelector(value: Record<string, unknown>): boolean {
  return !('match_labels' in value) && !('match_expressions' in value) && Object.values(value).every((v) => typeof v === 'string');
}

export interface Manifest {
  address: string;
  manifest: Record<string, unknown>;
  notes: ConversionNote[];
}

/**
 * Resolves references between Kubernetes objects of the same stack, e.g. a Deployment's
 * `${kubernetes_service_account_v1.sa.metadata[0].name}`: the value is in the configuration.
 */
export function resolverFor(blocks: readonly Block[], evaluated: ReadonlyMap<string, unknown> = new Map()): ReferenceResolver {
  const byAddress = new Map(blocks.map((b) => [b.address, b]));
  return (expression) => {
    const m = /^([a-z0-9_]+\.[A-Za-z0-9_-]+)\.metadata(?:\[0\]|\.0)?\.(name|namespace)$/.exec(expression);
    if (m) {
      const target = byAddress.get(m[1]);
      const metadata = target?.body.metadata;
      const meta = (Array.isArray(metadata) ? metadata[0] : metadata) as Record<string, unknown> | undefined;
      const v = meta?.[m[2]];
      if (typeof v === 'string' && !v.includes('${')) return v;
    }
    return evaluated.get(expression);
  };
}

/** Expressions in Kubernetes blocks that only Terraform can evaluate (e.g. values from the contract). */
export function expressionsToEvaluate(blocks: readonly Block[]): string[] {
  const local = resolverFor(blocks);
  const found = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') for (const e of expressionsIn(v)) if (local(e.trim()) === undefined) found.add(e.trim());
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (k !== '//') walk(x);
  };
  for (const b of blocks) walk(b.body);
  return [...found];
}

export function toManifest(block: Block, resolve: ReferenceResolver): Manifest {
  const converter = new Converter(resolve);
  if (block.type === 'kubernetes_manifest') {
    // Already in manifest shape: only references are resolved.
    const manifest = converter.interpolateDeep(block.body.manifest, `${block.address}.manifest`);
    return { address: block.address, manifest: manifest as Record<string, unknown>, notes: converter.notes };
  }
  const kind = kindFor(block.type);
  if (!kind) {
    throw new Error(
      `${block.address}: no manifest mapping for Terraform type ${block.type}; add it to KINDS in scripts/e2e/kubernetes/to-manifest.ts`,
    );
  }
  const body = converter.object(Object.entries(block.body), block.address);
  return { address: block.address, manifest: { apiVersion: kind.apiVersion, kind: kind.kind, ...body }, notes: converter.notes };
}
