import { blocks, isConfigured, isObject, isSet, isUnresolvedValue, StackModel, TfResource } from './terraform-json';

/**
 * IAM policy documents as the rules read them. In Terraform JSON a policy is a JSON string: a
 * literal (jsonencode-like, possibly with `${...}` references inside string values, which still
 * parses), a reference to a `data "aws_iam_policy_document"` (resolved from the same stack), or an
 * expression the engine cannot read (cannot-verify).
 */

export interface Condition {
  readonly operator: string;
  readonly key: string;
  readonly values: readonly string[];
}

export interface Statement {
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly actions?: readonly string[];
  readonly notActions?: readonly string[];
  readonly resources?: readonly string[];
  readonly notResources?: readonly string[];
  /** `'*'` for `"Principal": "*"`; otherwise principal type -> identifiers. */
  readonly principals?: '*' | Readonly<Record<string, readonly string[]>>;
  readonly conditions: readonly Condition[];
}

export interface ParsedPolicy {
  readonly statements: readonly Statement[];
}

export type PolicyLookup =
  | { readonly kind: 'document'; readonly document: ParsedPolicy; readonly attribute: string }
  | { readonly kind: 'unresolved'; readonly attribute: string; readonly reason: string }
  | { readonly kind: 'absent'; readonly attribute: string };

function strings(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v.map(String);
  return [String(v)];
}

function conditionsFromJson(v: unknown): Condition[] {
  const out: Condition[] = [];
  if (!isObject(v)) return out;
  for (const [operator, byKey] of Object.entries(v)) {
    if (!isObject(byKey)) continue;
    for (const [key, values] of Object.entries(byKey)) out.push({ operator, key, values: strings(values) ?? [] });
  }
  return out;
}

function principalsFromJson(v: unknown): Statement['principals'] {
  if (v === undefined || v === null) return undefined;
  if (v === '*') return '*';
  if (!isObject(v)) return { Unknown: strings(v) ?? [] };
  const out: Record<string, string[]> = {};
  for (const [type, ids] of Object.entries(v)) out[type] = strings(ids) ?? [];
  return out;
}

/** Parses an IAM policy JSON object (already JSON.parsed) into the statement model. */
export function documentFromJson(json: unknown): ParsedPolicy {
  const obj = isObject(json) ? json : {};
  const raw = Array.isArray(obj.Statement) ? obj.Statement : isObject(obj.Statement) ? [obj.Statement] : [];
  return {
    statements: raw.filter(isObject).map((s) => ({
      sid: typeof s.Sid === 'string' ? s.Sid : undefined,
      effect: s.Effect === 'Deny' ? 'Deny' : 'Allow',
      actions: strings(s.Action),
      notActions: strings(s.NotAction),
      resources: strings(s.Resource),
      notResources: strings(s.NotResource),
      principals: principalsFromJson(s.Principal),
      conditions: conditionsFromJson(s.Condition),
    })),
  };
}

function principalBlocks(v: unknown): Statement['principals'] {
  const list = blocks(v);
  if (list.length === 0) return undefined;
  const out: Record<string, string[]> = {};
  for (const p of list) {
    const type = String(p.type);
    const ids = strings(p.identifiers) ?? [];
    if (type === '*' && ids.includes('*')) return '*';
    out[type] = [...(out[type] ?? []), ...ids];
  }
  return out;
}

/** Converts `data "aws_iam_policy_document"` statement blocks into the statement model. */
export function documentFromDataSource(values: Record<string, unknown>): ParsedPolicy {
  return {
    statements: blocks(values.statement).map((s) => ({
      sid: typeof s.sid === 'string' && s.sid !== '' ? s.sid : undefined,
      effect: s.effect === 'Deny' ? 'Deny' : 'Allow',
      actions: isSet(s.actions) ? strings(s.actions) : undefined,
      notActions: isSet(s.not_actions) ? strings(s.not_actions) : undefined,
      resources: isSet(s.resources) ? strings(s.resources) : undefined,
      notResources: isSet(s.not_resources) ? strings(s.not_resources) : undefined,
      principals: principalBlocks(s.principals),
      conditions: blocks(s.condition).map((c) => ({
        operator: String(c.test),
        key: String(c.variable),
        values: strings(c.values) ?? [],
      })),
    })),
  };
}

const DOCUMENT_REFERENCE = /^\$\{(data\.aws_iam_policy_document\.[A-Za-z0-9_-]+)\.(?:json|minified_json)\}$/;

/**
 * Parsed policies per stack: several rules read the same document, and parsing it once keeps
 * 10,000 resources within the performance budget.
 */
const LOOKUPS = new WeakMap<StackModel, WeakMap<TfResource, Map<string, Map<unknown, PolicyLookup>>>>();

/** Reads the policy in `resource.values[attribute]` (a string) or in a given raw value. */
export function lookupPolicy(model: StackModel, resource: TfResource, attribute: string, raw?: unknown): PolicyLookup {
  let byResource = LOOKUPS.get(model);
  if (!byResource) LOOKUPS.set(model, (byResource = new WeakMap()));
  let byAttribute = byResource.get(resource);
  if (!byAttribute) byResource.set(resource, (byAttribute = new Map()));
  let byRaw = byAttribute.get(attribute);
  if (!byAttribute.has(attribute)) byAttribute.set(attribute, (byRaw = new Map()));
  let lookup = byRaw!.get(raw);
  if (!lookup) byRaw!.set(raw, (lookup = readPolicy(model, resource, attribute, raw)));
  return lookup;
}

function readPolicy(model: StackModel, resource: TfResource, attribute: string, raw?: unknown): PolicyLookup {
  const value = raw === undefined ? resource.values[attribute] : raw;
  if (!isSet(value)) return { kind: 'absent', attribute };
  // In a plan, an unknown policy nobody configured is provider-computed (set by a separate policy resource).
  if (raw === undefined && !isConfigured(model, resource, attribute)) return { kind: 'absent', attribute };
  if (isObject(value)) return { kind: 'document', document: documentFromJson(value), attribute };
  if (typeof value !== 'string') return { kind: 'unresolved', attribute, reason: `${attribute} is not a JSON string` };

  const ref = DOCUMENT_REFERENCE.exec(value.trim());
  let dataAddress = ref?.[1];
  // A plan keeps the reference in its configuration when the document is not known yet.
  if (!dataAddress && isUnresolvedValue(value) && raw === undefined) {
    const refs = [...(resource.references.get(attribute) ?? [])].filter((a) => a.startsWith('data.aws_iam_policy_document.'));
    if (refs.length === 1) dataAddress = refs[0];
  }
  if (dataAddress) {
    const data = model.byAddress(dataAddress);
    if (!data) return { kind: 'unresolved', attribute, reason: `${attribute} refers to ${dataAddress}, which is not in this stack` };
    if (typeof data.values.json === 'string' && !isUnresolvedValue(data.values.json)) {
      try {
        return { kind: 'document', document: documentFromJson(JSON.parse(data.values.json)), attribute };
      } catch {
        // fall through to the statement blocks
      }
    }
    return { kind: 'document', document: documentFromDataSource(data.values), attribute };
  }

  const trimmed = value.trim();
  if (trimmed.startsWith('{')) {
    try {
      return { kind: 'document', document: documentFromJson(JSON.parse(trimmed)), attribute };
    } catch {
      return { kind: 'unresolved', attribute, reason: `${attribute} is not valid JSON` };
    }
  }
  return { kind: 'unresolved', attribute, reason: `${attribute} is an expression (${truncate(value)})` };
}

function truncate(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Identity policies (attached to a principal) carried by a resource, with where they live. */
export const IDENTITY_POLICY_TYPES: Readonly<Record<string, string>> = {
  aws_iam_policy: 'policy',
  aws_iam_role_policy: 'policy',
  aws_iam_user_policy: 'policy',
  aws_iam_group_policy: 'policy',
};

/** Resource-based policies (who may act on the resource). */
export const RESOURCE_POLICY_TYPES: Readonly<Record<string, string>> = {
  aws_s3_bucket_policy: 'policy',
  aws_secretsmanager_secret_policy: 'policy',
  aws_secretsmanager_secret: 'policy',
  aws_kms_key: 'policy',
  aws_vpc_endpoint: 'policy',
  aws_vpc_endpoint_policy: 'policy',
  aws_api_gateway_rest_api: 'policy',
  aws_api_gateway_rest_api_policy: 'policy',
  aws_sqs_queue_policy: 'policy',
  aws_sns_topic_policy: 'policy',
};

const IDENTITY = new WeakMap<StackModel, Map<TfResource, readonly PolicyLookup[]>>();

/** All identity policies of a resource: the policy argument, or aws_iam_role inline_policy blocks. */
export function identityPolicies(model: StackModel, resource: TfResource): readonly PolicyLookup[] {
  // Half a dozen rules ask for the same resource's policies: read them once per stack.
  let byResource = IDENTITY.get(model);
  if (!byResource) IDENTITY.set(model, (byResource = new Map()));
  let lookups = byResource.get(resource);
  if (!lookups) byResource.set(resource, (lookups = readIdentityPolicies(model, resource)));
  return lookups;
}

function readIdentityPolicies(model: StackModel, resource: TfResource): PolicyLookup[] {
  const attr = IDENTITY_POLICY_TYPES[resource.type];
  if (attr) return [lookupPolicy(model, resource, attr)];
  if (resource.type === 'aws_iam_role') {
    // In a plan an unconfigured inline_policy is a provider-computed unknown: no inline policy.
    if (isUnresolvedValue(resource.values.inline_policy) && isConfigured(model, resource, 'inline_policy')) {
      return [{ kind: 'unresolved', attribute: 'inline_policy', reason: 'inline_policy is an expression' }];
    }
    return blocks(resource.values.inline_policy).map((b) => lookupPolicy(model, resource, 'inline_policy', b.policy));
  }
  return [];
}

export function resourcePolicies(model: StackModel, resource: TfResource): PolicyLookup[] {
  const attr = RESOURCE_POLICY_TYPES[resource.type];
  return attr ? [lookupPolicy(model, resource, attr)] : [];
}

/** Does an IAM action pattern (with * and ?) match a concrete action? Case-insensitive, as IAM. */
const PATTERNS = new Map<string, RegExp>();

export function actionMatches(pattern: string, action: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern.toLowerCase() === action.toLowerCase();
  let re = PATTERNS.get(pattern);
  if (!re) {
    re = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 'i');
    PATTERNS.set(pattern, re);
  }
  return re.test(action);
}

export function statementAllows(statement: Statement, action: string): boolean {
  return statement.effect === 'Allow' && (statement.actions ?? []).some((a) => actionMatches(a, action));
}

export function conditionKeys(statement: Statement): string[] {
  return statement.conditions.map((c) => c.key.toLowerCase());
}

/**
 * Folds several lookups into a rule answer: findings from readable documents win; otherwise an
 * unreadable one is cannot-verify. Returns undefined when everything readable was clean.
 */
export function unresolvedReasons(lookups: readonly PolicyLookup[]): string[] {
  return lookups.filter((l): l is Extract<PolicyLookup, { kind: 'unresolved' }> => l.kind === 'unresolved').map((l) => l.reason);
}

export function documents(lookups: readonly PolicyLookup[]): ParsedPolicy[] {
  return lookups.filter((l): l is Extract<PolicyLookup, { kind: 'document' }> => l.kind === 'document').map((l) => l.document);
}

/**
 * Is this aws_iam_policy a permissions boundary rather than a grant? True when a role in the
 * stacks checked together uses it as permissions_boundary, or, for boundaries published to other
 * stacks through the environment contract, when its name or description says "boundary" and no
 * attachment in the stack grants it to a principal (an attached policy is a grant, whatever its name).
 */
export function isPermissionBoundary(policy: TfResource, stack: StackModel, app: readonly StackModel[]): boolean {
  if (policy.type !== 'aws_iam_policy') return false;
  const arn = policy.values.arn;
  for (const s of app) {
    for (const role of s.ofType('aws_iam_role')) {
      if (s === stack && role.references.get('permissions_boundary')?.has(policy.baseAddress)) return true;
      if (typeof arn === 'string' && !isUnresolvedValue(arn) && role.values.permissions_boundary === arn) return true;
    }
  }
  const attached = ['aws_iam_role_policy_attachment', 'aws_iam_policy_attachment', 'aws_iam_user_policy_attachment', 'aws_iam_group_policy_attachment'].some(
    (t) => stack.referencing(t, 'policy_arn', policy).length > 0,
  );
  if (attached) return false;
  return /boundary/i.test(`${String(policy.values.name ?? '')} ${String(policy.values.description ?? '')}`);
}
