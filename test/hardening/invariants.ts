import { DIGEST_PINNED } from '../../constructs/workloads/inference-service-props';
import { MAX_SESSION_SECONDS } from '../../constructs/primitives/workload-identity';
import { K8S_PREFIX, REQUIRED_TAG_KEYS } from '../../constructs/governance/tags';
import { MAX_ROTATION_DAYS, ROTATION_STRATEGY_TAG } from '../../constructs/governance/rotation';
import { NAME_LIMITS } from '../../constructs/governance/names';
import { TAG_KEYS } from '../../constructs/governance/tags';
import { CREDENTIAL_QUERY_PARAMETERS } from '../../constructs/agent-authorization/tool-target-urls';
import { asArray, TODAY, type TfJson } from '../support';
import { executeApiGrantProblem, executeApiPath } from '../../constructs/policy-engine/iam/execute-api';

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
export function policies(json: TfJson): { type: string; where: string; doc?: any; error?: string }[] {
  return allResources(json).flatMap(([type, name, config]) =>
    (['policy', 'assume_role_policy'] as const)
      .filter((attr) => config[attr] !== undefined)
      .map((attr) => {
        const where = `${type}.${name}.${attr}`;
        try {
          return { type, where, doc: JSON.parse(config[attr]) };
        } catch {
          return { type, where, error: `${where} is not a readable policy document: ${String(config[attr]).slice(0, 80)}` };
        }
      }),
  );
}

const ENDPOINT_POLICY_TYPES = new Set(['aws_vpc_endpoint', 'aws_vpc_endpoint_policy']);

/**
 * The one statement allowed to name every principal and action: an interface endpoint's
 * `NeighboursUnchanged`, exactly AWS's default endpoint policy (full access, no condition), which
 * keeps the endpoint harmless to neighbours in the VPC. The statements after it deny the
 * environment's governed identities anything outside the environment (the endpoint tests prove
 * that). The same shape anywhere else, or with anything added or changed, is not exempt.
 */
export function isNeighbourStatement(type: string, s: any): boolean {
  const keys = Object.keys(s).sort().join(',');
  return ENDPOINT_POLICY_TYPES.has(type) && keys === 'Action,Effect,Principal,Resource,Sid' && s.Sid === 'NeighboursUnchanged' && s.Effect === 'Allow' && s.Principal === '*' && s.Action === '*' && s.Resource === '*';
}

/** No Allow statement grants every action, every action of a service, or everything but some (NotAction). */
export function wildcardAllows(json: TfJson): string[] {
  return policies(json).flatMap(({ type, where, doc, error }) => {
    if (error) return [error];
    return asArray<any>(doc.Statement)
      .filter((s) => s.Effect === 'Allow' && !isNeighbourStatement(type, s))
      .flatMap((s) => {
        const bad = asArray<string>(s.Action).filter((a) => a === '*' || a.endsWith(':*'));
        const everythingBut = (['NotAction', 'NotResource'] as const).filter((k) => s[k] !== undefined);
        return [...bad, ...everythingBut].map((a) => `${where} statement ${s.Sid ?? '(no Sid)'} allows ${a}`);
      });
  });
}

/**
 * A product stack reads its environment's periods from the contract the platform published: the
 * exact reference to that contract field is accepted (the platform stack's own invariants check
 * the number); any other unresolved value is a violation.
 */
const fromContract = (value: unknown, field: string) => typeof value === 'string' && new RegExp(`^\\$\\{jsondecode\\(data\\.aws_ssm_parameter\\.[^.]+\\.value\\)\\.${field}\\}$`).test(value);

/**
 * Every secret encrypted with a customer managed key, recoverable, and rotated within the maximum
 * period; except a revoked workload's (its tags say who revoked it and when), which must not rotate
 * (a rotation would mint a fresh credential) and whose gateway keys an invocation of the rotation
 * function revokes at apply.
 */
export function unprotectedSecrets(json: TfJson): string[] {
  const rotations = Object.values(json.resource?.aws_secretsmanager_secret_rotation ?? {});
  const invocations = Object.values(json.resource?.aws_lambda_invocation ?? {});
  return Object.entries(json.resource?.aws_secretsmanager_secret ?? {}).flatMap(([name, s]) => {
    const problems: string[] = [];
    if (typeof s.kms_key_id !== 'string' || s.kms_key_id === '' || s.kms_key_id.includes('alias/aws/')) problems.push('no customer managed key');
    const recovery = s.recovery_window_in_days;
    if (!(recovery >= 7 && recovery <= 30) && !fromContract(recovery, 'secretRecoveryDays')) problems.push(`recovery window ${recovery}`);
    const rotation = rotations.find((r: any) => r.secret_id === `\${aws_secretsmanager_secret.${name}.id}`);
    // In force when its time has come (a scheduled revocation keeps rotating until then).
    const revokedAt = s.tags?.[TAG_KEYS.revokedAt];
    const revoked = typeof revokedAt === 'string' && Date.parse(revokedAt) < Date.parse(`${TODAY}T00:00:00Z`) + 86_400_000;
    if (revoked && rotation) problems.push('revoked, but still rotating (each rotation issues a fresh credential)');
    if (revoked) {
      const revokesKeys = invocations.some((i: any) => {
        const input = JSON.parse(i.input ?? '{}');
        return input.action === 'revoke' && input.secretId === `\${aws_secretsmanager_secret.${name}.arn}`;
      });
      if (s.tags?.[ROTATION_STRATEGY_TAG] === 'api-gateway-key' && !revokesKeys) problems.push('revoked gateway key whose issued keys nothing revokes');
      return problems.map((p) => `aws_secretsmanager_secret.${name}: ${p}`);
    }
    const days = rotation?.rotation_rules?.automatically_after_days;
    if (!rotation) problems.push('no rotation');
    else if (!(days >= 1 && days <= MAX_ROTATION_DAYS) && !fromContract(days, 'secretRotationDays')) problems.push(`rotation every ${days} days`);
    if (!rotation?.rotation_lambda_arn) problems.push('no rotation function');
    return problems.map((p) => `aws_secretsmanager_secret.${name}: ${p}`);
  });
}

/**
 * Every role the library creates carries a permission boundary and sessions of at most one hour:
 * workload roles (`/governed/<env>/`), integration identities (`/governed/<env>/integration/`) and
 * platform roles (`/governed-platform/<env>/`) alike.
 */
export function unboundedRoles(json: TfJson): string[] {
  return Object.entries(json.resource?.aws_iam_role ?? {}).flatMap(([name, r]) => {
    const problems: string[] = [];
    if (r.max_session_duration !== MAX_SESSION_SECONDS) problems.push(`max_session_duration ${r.max_session_duration}`);
    if (typeof r.permissions_boundary !== 'string' || r.permissions_boundary === '') problems.push(`role at path ${r.path} without permission boundary`);
    return problems.map((p) => `aws_iam_role.${name}: ${p}`);
  });
}

/** A principal that is everyone: `"*"`, `{ AWS: "*" }` or a list holding `"*"`. */
function namesEveryone(principal: unknown): boolean {
  if (principal === '*') return true;
  if (principal && typeof principal === 'object') return Object.values(principal).some((v) => asArray<string>(v as string | string[]).includes('*'));
  return false;
}

/** No Allow statement anywhere names every principal (`Principal: "*"`), but an endpoint's neighbour statement. */
export function publicAllows(json: TfJson): string[] {
  return policies(json).flatMap(({ type, where, doc, error }) => {
    if (error) return [error];
    return asArray<any>(doc.Statement)
      .filter((s) => s.Effect === 'Allow' && (namesEveryone(s.Principal) || s.NotPrincipal !== undefined) && !isNeighbourStatement(type, s))
      .map((s) => `${where} statement ${s.Sid ?? '(no Sid)'} allows ${s.NotPrincipal !== undefined ? 'NotPrincipal' : 'Principal "*"'}`);
  });
}

// One implementation of the execute-api grant shape, shared with the ExecuteApiGrantScope rule.
export { executeApiPath };

/**
 * Managed policies used as permissions boundaries: referenced by a role's `permissions_boundary`,
 * or published in the environment contract as a `...BoundaryArn` for product stacks' roles.
 */
function boundaryPolicies(json: TfJson): Set<string> {
  const out = new Set<string>();
  for (const r of Object.values(json.resource?.aws_iam_role ?? {})) {
    const m = /^\$\{(aws_iam_policy\.[^.}]+)\.arn\}$/.exec(String((r as any).permissions_boundary));
    if (m) out.add(`${m[1]}.policy`);
  }
  for (const [, text] of strings(json.resource?.aws_ssm_parameter ?? {}, '')) {
    for (const m of text.matchAll(/"\w*[bB]oundaryArn" = (aws_iam_policy\.[^.\s,}]+)\.arn/g)) out.add(`${m[1]}.policy`);
  }
  return out;
}

/**
 * execute-api ARNs match `*` across `/` (SECURITY.md, decision 2): no granted execute-api resource
 * has a wildcard in its stage or method, or before its last path segment
 * (`.../v1/GET/agents/<a>/tools/*` is the widest a grant may be). Deny statements only narrow and
 * are not held to it. Two kinds of Allow grant nothing by themselves and are exempt: a resource
 * policy's allowance to the API owner's own account (`Principal: { AWS: "arn:aws:iam::<account>:root" }`,
 * which delegates to the account's IAM policies: "you delegate authority to the account",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts),
 * and a permissions boundary (a ceiling: "does not grant permissions on its own",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html). The identity
 * policies those two defer to are the grants this check holds to the rule.
 */
export function executeApiWildcards(json: TfJson): string[] {
  const isAccountDelegation = (s: any) => {
    const p = s.Principal;
    return !!p && typeof p === 'object' && Object.keys(p).join() === 'AWS' && asArray<string>(p.AWS).every((a) => /^arn:aws[a-z-]*:iam::(\d{12}|\$\{[^}]+\}):root$/.test(a));
  };
  const boundaries = boundaryPolicies(json);
  return policies(json).flatMap(({ where, doc, error }) => {
    if (error) return [error];
    if (boundaries.has(where)) return [];
    return asArray<any>(doc.Statement)
      .filter((s) => s.Effect === 'Allow' && !isAccountDelegation(s))
      .flatMap((s) =>
        asArray<string>(s.Resource).flatMap((resource) => {
          const path = typeof resource === 'string' ? executeApiPath(resource) : undefined;
          if (!path) return [];
          const bad = executeApiGrantProblem(path);
          return bad ? [`${where} statement ${s.Sid ?? '(no Sid)'} grants ${resource} with ${bad}`] : [];
        }),
      );
  });
}

/** Every IAM name the stack creates fits AWS's limit (roles 64, policies 128), and is a literal that can be checked. */
export function iamNamesOverLimit(json: TfJson): string[] {
  const limits: [string, string, number][] = [
    ['aws_iam_role', 'name', NAME_LIMITS.iamRole],
    ['aws_iam_policy', 'name', NAME_LIMITS.iamPolicy],
    ['aws_iam_role_policy', 'name', NAME_LIMITS.iamPolicy],
  ];
  return limits.flatMap(([type, attr, limit]) =>
    Object.entries(json.resource?.[type] ?? {}).flatMap(([name, r]) => {
      const value = r[attr];
      if (typeof value !== 'string' || value.includes('${')) return [`${type}.${name}: ${attr} ${JSON.stringify(value)} is not a literal name (its length cannot be checked)`];
      return value.length > limit ? [`${type}.${name}: ${attr} "${value}" has ${value.length} characters (limit ${limit})`] : [];
    }),
  );
}

/** Every string value anywhere in a JSON document, with where it is. */
function strings(value: unknown, where: string): [string, string][] {
  if (typeof value === 'string') return [[where, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${where}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => strings(v, where ? `${where}.${k}` : k));
  return [];
}

/**
 * No URL anywhere in the synthesized JSON carries a credential: no userinfo (`https://user:pass@`),
 * no credential-like query parameter (`?api_key=`, `&token=`, `X-Amz-Signature`, ...). Terraform
 * references inside a URL count as text.
 */
export function credentialsInUrls(json: unknown): string[] {
  const out: string[] = [];
  for (const [where, text] of strings(json, '')) {
    for (const match of text.matchAll(/[a-z][a-z0-9+.-]*:\/\/[^\s"'<>\\`]+/gi)) {
      const found = match[0];
      let url: URL;
      try {
        url = new URL(found.replace(/\$\{[^}]*\}/g, 'tf-ref'));
      } catch {
        // Not parseable as a URL: still no `user:password@` or credential parameter by its text.
        if (/:\/\/[^/?#]*@/.test(found)) out.push(`${where}: URL with userinfo`);
        continue;
      }
      if (url.username || url.password) out.push(`${where}: URL with userinfo (${url.host})`);
      const leaked = [...url.searchParams.keys()].filter((k) => (CREDENTIAL_QUERY_PARAMETERS as readonly string[]).includes(k.toLowerCase()));
      if (leaked.length) out.push(`${where}: URL with credential query parameter(s) ${leaked.join(', ')} (${url.host})`);
    }
  }
  return out;
}

/**
 * No token cdktf failed to resolve: a `${TfToken[...]}` marker, or a reference nested in another
 * (`${${...}}`), which is what a string with an embedded token becomes inside a Terraform function
 * call such as the contract's jsonencode. Terraform would read such text literally (or not parse it).
 */
export function unresolvedTokens(json: unknown): string[] {
  return strings(json, '').flatMap(([where, text]) => (/TfToken\[|\$\{\$\{/.test(text) ? [`${where}: unresolved token in ${JSON.stringify(text.slice(Math.max(0, text.search(/TfToken\[|\$\{\$\{/) - 40), text.search(/TfToken\[|\$\{\$\{/) + 40))}`] : []));
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

/** The cluster DNS peer every governed pod may reach on port 53 (and nothing else on that rule). */
function isClusterDns(peer: any): boolean {
  return peer?.namespace_selector?.match_labels?.['kubernetes.io/metadata.name'] === 'kube-system' && peer?.pod_selector?.match_labels?.['k8s-app'] === 'kube-dns' && peer.ip_block === undefined;
}

/**
 * Issue 11 breaks 2 and 9: a governed pod's egress reaches single addresses only (the environment's
 * interface endpoint IPs, the Pod Identity agent: a /32 or /128 each, no `except`) on listed ports,
 * and the cluster DNS on port 53. A rule with no `to` (every destination), a CIDR wider than one
 * address (the VPC's), a rule with no ports, or a pod or namespace selector (the in-cluster gateway's
 * pods, another workload's) is a way around API Gateway. Every namespace that runs a governed
 * deployment has a default-deny policy for both directions.
 */
export function kubernetesEgressBeyondEndpoints(json: TfJson): string[] {
  const out: string[] = [];
  const policies = Object.entries(json.resource?.kubernetes_network_policy_v1 ?? {}) as [string, any][];
  for (const [name, p] of policies) {
    const where = `kubernetes_network_policy_v1.${name}`;
    asArray<any>(p.spec?.egress).forEach((rule, i) => {
      const peers = asArray<any>(rule.to);
      const ports = asArray<any>(rule.ports);
      if (peers.length === 0) out.push(`${where}: egress rule ${i} has no "to" (every destination)`);
      if (ports.length === 0) out.push(`${where}: egress rule ${i} has no ports (every port)`);
      for (const peer of peers) {
        if (isClusterDns(peer)) {
          if (ports.some((x) => String(x.port) !== '53')) out.push(`${where}: egress rule ${i} opens ports ${ports.map((x) => x.port).join(', ')} to the cluster DNS`);
          continue;
        }
        const cidr = peer.ip_block?.cidr;
        if (typeof cidr !== 'string' || peer.pod_selector !== undefined || peer.namespace_selector !== undefined) {
          out.push(`${where}: egress rule ${i} reaches ${JSON.stringify(peer)}, not a single address`);
        } else if (!/\/(32|128)$/.test(cidr) && !/^\$\{format\("%s\/(32|128)", /.test(cidr)) {
          out.push(`${where}: egress rule ${i} reaches ${cidr}, wider than one address`);
        } else if (asArray(peer.ip_block.except).length > 0) {
          out.push(`${where}: egress rule ${i} reaches ${cidr} with exceptions`);
        }
      }
    });
  }
  const namespaces = new Set(Object.values(json.resource?.kubernetes_deployment_v1 ?? {}).map((d: any) => d.metadata?.namespace));
  for (const ns of namespaces) {
    const denies = policies.some(([, p]) => p.metadata?.namespace === ns && JSON.stringify(p.spec?.pod_selector ?? {}) === '{}' && ['Ingress', 'Egress'].every((t) => asArray(p.spec?.policy_types).includes(t)) && asArray(p.spec?.egress).length === 0 && asArray(p.spec?.ingress).length === 0);
    if (!denies) out.push(`namespace ${String(ns)}: no default-deny network policy for ingress and egress`);
  }
  return out;
}

/** Every invariant at once, labelled. */
export function violations(json: TfJson): string[] {
  return [
    ...untaggedAwsResources(json),
    ...unlabelledKubernetesObjects(json),
    ...wildcardAllows(json),
    ...publicAllows(json),
    ...executeApiWildcards(json),
    ...unprotectedSecrets(json),
    ...unboundedRoles(json),
    ...iamNamesOverLimit(json),
    ...credentialsInUrls(json),
    ...unhardenedKubernetes(json),
    ...kubernetesEgressBeyondEndpoints(json),
    ...unresolvedTokens(json),
  ];
}
