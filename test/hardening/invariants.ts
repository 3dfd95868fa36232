import { DIGEST_PINNED } from '../../constructs/workloads/inference-service-props';
import { MAX_SESSION_SECONDS } from '../../constructs/primitives/workload-identity';
import { K8S_PREFIX, REQUIRED_TAG_KEYS } from '../../constructs/governance/tags';
import { MAX_ROTATION_DAYS } from '../../constructs/governance/rotation';
import { asArray, type TfJson } from '../support';

/**
 * The invariants every synthesized governed stack keeps, whatever the (valid) props. Each check
 * returns violations as readable strings, so a failing property prints what broke and where.
 */

type Resources = [type: string, name: string, config: any][];

function allResources(json: TfJson): Resources {
  return Object.entries(json.resource ?? {}).flatMap(([type, byName]) => Object.entries(byName).map(([name, config]) => [type, name, config] as [string, string, any]));
}

const taggable = new Map<string, boolean>();

/**
 * Whether an AWS resource type takes tags, read from the provider's own class (a `tags` accessor),
 * so a new resource type cannot slip past the check by being unknown. A type whose class cannot be
 * found is an error, never a pass.
 */
export function isTaggableAwsType(type: string): boolean {
  let known = taggable.get(type);
  if (known === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(`@cdktf/provider-aws/lib/${type.slice('aws_'.length).replace(/_/g, '-')}`);
    const cls = Object.values(mod).find((c: any) => typeof c === 'function' && c.tfResourceType === type) as any;
    if (!cls) throw new Error(`no provider class for ${type}`);
    known = Object.getOwnPropertyDescriptor(cls.prototype, 'tags') !== undefined;
    taggable.set(type, known);
  }
  return known;
}

/** Governance tags on every taggable AWS resource (its own tags plus the provider's default tags). */
export function untaggedAwsResources(json: TfJson): string[] {
  const defaults = asArray(json.provider?.aws).flatMap((p: any) => asArray(p.default_tags)).reduce((acc: any, d: any) => ({ ...acc, ...d.tags }), {});
  return allResources(json)
    .filter(([type]) => type.startsWith('aws_') && isTaggableAwsType(type))
    .flatMap(([type, name, config]) => {
      const tags = { ...defaults, ...config.tags };
      const missing = REQUIRED_TAG_KEYS.filter((k) => typeof tags[k] !== 'string' || tags[k] === '');
      return missing.length ? [`${type}.${name} lacks ${missing.join(', ')}`] : [];
    });
}

/** Governance facts on every Kubernetes object (and a Deployment's pod template), as labels or annotations. */
export function unlabelledKubernetesObjects(json: TfJson): string[] {
  const facts = REQUIRED_TAG_KEYS.map((k) => K8S_PREFIX + k.slice('governance:'.length));
  const check = (where: string, metadata: any): string[] => {
    const m = { ...metadata?.labels, ...metadata?.annotations };
    const missing = facts.filter((f) => typeof m[f] !== 'string' || m[f] === '');
    return missing.length ? [`${where} lacks ${missing.join(', ')}`] : [];
  };
  return allResources(json)
    .filter(([type]) => type.startsWith('kubernetes_'))
    .flatMap(([type, name, config]) => [
      ...check(`${type}.${name}`, config.metadata),
      ...(type === 'kubernetes_deployment_v1' ? check(`${type}.${name} pod template`, config.spec?.template?.metadata) : []),
    ]);
}

/** Every policy document in the stack, parsed; an unreadable one is a violation, not a pass. */
export function policies(json: TfJson): { where: string; doc?: any; error?: string }[] {
  return allResources(json).flatMap(([type, name, config]) =>
    (['policy', 'assume_role_policy'] as const)
      .filter((attr) => config[attr] !== undefined)
      .map((attr) => {
        const where = `${type}.${name}.${attr}`;
        try {
          return { where, doc: JSON.parse(config[attr]) };
        } catch {
          return { where, error: `${where} is not a readable policy document: ${String(config[attr]).slice(0, 80)}` };
        }
      }),
  );
}

/** No Allow statement grants every action, every action of a service, or everything but some (NotAction). */
export function wildcardAllows(json: TfJson): string[] {
  return policies(json).flatMap(({ where, doc, error }) => {
    if (error) return [error];
    return asArray<any>(doc.Statement)
      .filter((s) => s.Effect === 'Allow')
      .flatMap((s) => {
        const bad = asArray<string>(s.Action).filter((a) => a === '*' || a.endsWith(':*'));
        const notAction = s.NotAction !== undefined ? ['NotAction'] : [];
        return [...bad, ...notAction].map((a) => `${where} statement ${s.Sid ?? '(no Sid)'} allows ${a}`);
      });
  });
}

/**
 * A product stack reads its environment's periods from the contract the platform published: the
 * exact reference to that contract field is accepted (the platform stack's own invariants check
 * the number); any other unresolved value is a violation.
 */
const fromContract = (value: unknown, field: string) => typeof value === 'string' && new RegExp(`^\\$\\{jsondecode\\(data\\.aws_ssm_parameter\\.[^.]+\\.value\\)\\.${field}\\}$`).test(value);

/** Every secret encrypted with a customer managed key, recoverable, and rotated within the maximum period. */
export function unprotectedSecrets(json: TfJson): string[] {
  const rotations = Object.values(json.resource?.aws_secretsmanager_secret_rotation ?? {});
  return Object.entries(json.resource?.aws_secretsmanager_secret ?? {}).flatMap(([name, s]) => {
    const problems: string[] = [];
    if (typeof s.kms_key_id !== 'string' || s.kms_key_id === '' || s.kms_key_id.includes('alias/aws/')) problems.push('no customer managed key');
    const recovery = s.recovery_window_in_days;
    if (!(recovery >= 7 && recovery <= 30) && !fromContract(recovery, 'secretRecoveryDays')) problems.push(`recovery window ${recovery}`);
    const rotation = rotations.find((r: any) => r.secret_id === `\${aws_secretsmanager_secret.${name}.id}`);
    const days = rotation?.rotation_rules?.automatically_after_days;
    if (!rotation) problems.push('no rotation');
    else if (!(days >= 1 && days <= MAX_ROTATION_DAYS) && !fromContract(days, 'secretRotationDays')) problems.push(`rotation every ${days} days`);
    if (!rotation?.rotation_lambda_arn) problems.push('no rotation function');
    return problems.map((p) => `aws_secretsmanager_secret.${name}: ${p}`);
  });
}

/** Every role: sessions of at most one hour; every workload role (`/governed/<env>/`): a permission boundary too. */
export function unboundedRoles(json: TfJson): string[] {
  return Object.entries(json.resource?.aws_iam_role ?? {}).flatMap(([name, r]) => {
    const problems: string[] = [];
    if (r.max_session_duration !== MAX_SESSION_SECONDS) problems.push(`max_session_duration ${r.max_session_duration}`);
    if (String(r.path).startsWith('/governed/') && !r.permissions_boundary) problems.push('workload role without permission boundary');
    return problems.map((p) => `aws_iam_role.${name}: ${p}`);
  });
}

/** Every Deployment hardened, every Service cluster-internal, every namespace Pod Security restricted. */
export function unhardenedKubernetes(json: TfJson): string[] {
  const out: string[] = [];
  for (const [name, d] of Object.entries(json.resource?.kubernetes_deployment_v1 ?? {})) {
    const where = `kubernetes_deployment_v1.${name}`;
    const pod = d.spec?.template?.spec ?? {};
    const expectPod: [string, unknown, unknown][] = [
      ['automount_service_account_token', pod.automount_service_account_token, false],
      ['security_context.run_as_non_root', pod.security_context?.run_as_non_root, true],
      ['security_context.seccomp_profile.type', pod.security_context?.seccomp_profile?.type, 'RuntimeDefault'],
    ];
    for (const [what, got, want] of expectPod) if (got !== want) out.push(`${where}: pod ${what} is ${JSON.stringify(got)}`);
    const containers = asArray<any>(pod.container);
    if (containers.length === 0) out.push(`${where}: no containers`);
    for (const c of containers) {
      const sc = c.security_context ?? {};
      const expectContainer: [string, unknown, unknown][] = [
        ['allow_privilege_escalation', sc.allow_privilege_escalation, false],
        ['privileged', sc.privileged, false],
        ['read_only_root_filesystem', sc.read_only_root_filesystem, true],
        ['run_as_non_root', sc.run_as_non_root, true],
        ['capabilities.drop', JSON.stringify(sc.capabilities?.drop), '["ALL"]'],
      ];
      for (const [what, got, want] of expectContainer) if (got !== want) out.push(`${where}: container ${c.name} ${what} is ${JSON.stringify(got)}`);
      if (!DIGEST_PINNED.test(c.image)) out.push(`${where}: container ${c.name} image ${c.image} not pinned by digest`);
      if (!c.resources?.limits?.cpu || !c.resources?.limits?.memory) out.push(`${where}: container ${c.name} without limits`);
    }
  }
  for (const [name, s] of Object.entries(json.resource?.kubernetes_service_v1 ?? {})) {
    if (s.spec?.type !== 'ClusterIP') out.push(`kubernetes_service_v1.${name}: type ${s.spec?.type}`);
  }
  for (const [name, n] of Object.entries(json.resource?.kubernetes_namespace_v1 ?? {})) {
    if (n.metadata?.labels?.['pod-security.kubernetes.io/enforce'] !== 'restricted') out.push(`kubernetes_namespace_v1.${name}: Pod Security not restricted`);
  }
  return out;
}

/** Every invariant at once, labelled. */
export function violations(json: TfJson): string[] {
  return [...untaggedAwsResources(json), ...unlabelledKubernetesObjects(json), ...wildcardAllows(json), ...unprotectedSecrets(json), ...unboundedRoles(json), ...unhardenedKubernetes(json)];
}
