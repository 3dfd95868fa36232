import { blocks, isConfigured, isObject, isSet, isUnresolvedValue, StackModel, TfResource } from '../terraform-json';
import { awsManagedPolicy, isAwsManagedPolicyArn } from './managed-policies';
import { documentFromDataSource, documentFromJson, mergeDocuments, ParsedPolicy } from './policy-document';
import { isDefaultKeyPolicyStatement } from './statements';

/**
 * Where the policies of a resource live and how they are read. In Terraform JSON a policy is a
 * JSON string: a literal (possibly with `${...}` references inside string values, which still
 * parses), a reference to a `data "aws_iam_policy_document"` (resolved from the same stack, with
 * its source and override documents merged), an AWS managed policy attached by ARN (read from its
 * document), or an expression the engine cannot read (cannot-verify, never a pass).
 */

export type PolicyLookup =
  | { readonly kind: 'document'; readonly document: ParsedPolicy; readonly attribute: string }
  | { readonly kind: 'unresolved'; readonly attribute: string; readonly reason: string }
  | { readonly kind: 'absent'; readonly attribute: string };

const DOCUMENT_REFERENCE = /^\$\{(data\.aws_iam_policy_document\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?)\.(?:json|minified_json)\}$/;

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
  if (!byRaw) byAttribute.set(attribute, (byRaw = new Map()));
  let lookup = byRaw.get(raw);
  if (!lookup) byRaw.set(raw, (lookup = readPolicy(model, resource, attribute, raw)));
  return lookup;
}

function readPolicy(model: StackModel, resource: TfResource, attribute: string, raw?: unknown): PolicyLookup {
  const value = raw === undefined ? resource.values[attribute] : raw;
  if (!isSet(value)) return { kind: 'absent', attribute };
  // In a plan, an unknown policy nobody configured is provider-computed (set by a separate policy resource).
  if (raw === undefined && !isConfigured(model, resource, attribute)) return { kind: 'absent', attribute };
  if (isObject(value)) return { kind: 'document', document: documentFromJson(value), attribute };
  if (typeof value !== 'string') return { kind: 'unresolved', attribute, reason: `${attribute} is not a policy document` };

  let dataAddress = DOCUMENT_REFERENCE.exec(value.trim())?.[1];
  // In a plan a policy from a data source is often unknown; the configuration says which one it is.
  if (!dataAddress && isUnresolvedValue(value) && raw === undefined) {
    const refs = [...(resource.references.get(attribute) ?? [])].filter((a) => a.startsWith('data.aws_iam_policy_document.') || /^module\..*\.data\.aws_iam_policy_document\./.test(a));
    if (refs.length === 1) dataAddress = refs[0];
  }
  if (dataAddress) return dataDocument(model, dataAddress, attribute, new Set());
  return documentFromString(model, value, attribute, new Set());
}

function documentFromString(model: StackModel, value: string, attribute: string, seen: Set<string>): PolicyLookup {
  const reference = DOCUMENT_REFERENCE.exec(value.trim())?.[1];
  if (reference) return dataDocument(model, reference, attribute, seen);
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

/**
 * A `data "aws_iam_policy_document"`: its rendered `json` when known (a plan), else its statements
 * with `source_policy_documents` before and `override_policy_documents` after, merged as the
 * provider merges them.
 */
function dataDocument(model: StackModel, address: string, attribute: string, seen: Set<string>): PolicyLookup {
  const data = model.byAddress(address);
  if (!data) return { kind: 'unresolved', attribute, reason: `${attribute} refers to ${address}, which is not in this stack` };
  if (seen.has(address)) return { kind: 'unresolved', attribute, reason: `${address} refers to itself through its source documents` };
  if (typeof data.values.json === 'string' && !isUnresolvedValue(data.values.json)) {
    try {
      return { kind: 'document', document: documentFromJson(JSON.parse(data.values.json)), attribute };
    } catch {
      // fall through to the statement blocks
    }
  }
  const next = new Set(seen).add(address);
  const part = (v: unknown, role: string): ParsedPolicy => {
    if (typeof v !== 'string') return { statements: [], unresolved: [`${address} ${role} is not a policy document`] };
    const lookup = documentFromString(model, v, attribute, next);
    if (lookup.kind === 'document') return lookup.document;
    return { statements: [], unresolved: [`${address} ${role}: ${lookup.kind === 'unresolved' ? lookup.reason : 'absent'}`] };
  };
  const list = (attr: string): ParsedPolicy[] => {
    const v = data.values[attr];
    if (v === undefined || v === null) return [];
    if (isUnresolvedValue(v)) return [{ statements: [], unresolved: [`${address} ${attr} is an expression`] }];
    return Array.isArray(v) ? v.map((x) => part(x, attr)) : [part(v, attr)];
  };
  const own = isUnresolvedValue(data.values.statement)
    ? { statements: [], unresolved: [`${address} statement is an expression`] }
    : documentFromDataSource(data.values);
  return { kind: 'document', document: mergeDocuments([...list('source_policy_documents'), own, ...list('override_policy_documents')]), attribute };
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

/** Attachments of a managed policy by ARN to a principal. */
export const POLICY_ATTACHMENT_TYPES: Readonly<Record<string, string>> = {
  aws_iam_role_policy_attachment: 'policy_arn',
  aws_iam_user_policy_attachment: 'policy_arn',
  aws_iam_group_policy_attachment: 'policy_arn',
  aws_iam_policy_attachment: 'policy_arn',
};

/** Every resource type that grants identity permissions: roles (inline and managed_policy_arns), policies, attachments. */
export const IDENTITY_POLICY_HOLDERS: readonly string[] = ['aws_iam_role', ...Object.keys(IDENTITY_POLICY_TYPES), ...Object.keys(POLICY_ATTACHMENT_TYPES)];

/** Resource-based policies (who may act on the resource). */
export const RESOURCE_POLICY_TYPES: Readonly<Record<string, string>> = {
  aws_s3_bucket_policy: 'policy',
  aws_secretsmanager_secret_policy: 'policy',
  aws_secretsmanager_secret: 'policy',
  aws_kms_key: 'policy',
  aws_kms_key_policy: 'policy',
  aws_vpc_endpoint: 'policy',
  aws_vpc_endpoint_policy: 'policy',
  aws_api_gateway_rest_api: 'policy',
  aws_api_gateway_rest_api_policy: 'policy',
  aws_sqs_queue_policy: 'policy',
  aws_sns_topic_policy: 'policy',
};

const IDENTITY = new WeakMap<StackModel, Map<TfResource, readonly PolicyLookup[]>>();

/**
 * All identity policies a resource grants: the policy argument; an aws_iam_role's inline_policy
 * blocks and managed_policy_arns; an attachment's policy_arn. A customer managed policy of the
 * same stack is judged where it is defined (the aws_iam_policy), not again at each attachment.
 */
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
  const arnAttr = POLICY_ATTACHMENT_TYPES[resource.type];
  if (arnAttr) return attachedPolicies(model, resource, arnAttr);
  if (resource.type === 'aws_iam_role') {
    const out: PolicyLookup[] = [];
    // In a plan an unconfigured inline_policy is a provider-computed unknown: no inline policy.
    if (isUnresolvedValue(resource.values.inline_policy) && isConfigured(model, resource, 'inline_policy')) {
      out.push({ kind: 'unresolved', attribute: 'inline_policy', reason: 'inline_policy is an expression' });
    } else {
      out.push(...blocks(resource.values.inline_policy).map((b) => lookupPolicy(model, resource, 'inline_policy', b.policy)));
    }
    out.push(...attachedPolicies(model, resource, 'managed_policy_arns'));
    return out;
  }
  return [];
}

/** Policies attached by ARN: AWS managed ones from their documents; ones of this stack skipped; others cannot-verify. */
function attachedPolicies(model: StackModel, resource: TfResource, attribute: string): PolicyLookup[] {
  const value = resource.values[attribute];
  if (!isConfigured(model, resource, attribute)) return [];
  const inStack = new Set([...(resource.references.get(attribute) ?? [])].filter((a) => model.byAddress(a)?.type === 'aws_iam_policy'));
  const arns = Array.isArray(value) ? value : [value];
  const out: PolicyLookup[] = [];
  for (const arn of arns) {
    if (isAwsManagedPolicyArn(arn)) {
      const document = awsManagedPolicy(arn);
      out.push(document ? { kind: 'document', document, attribute } : { kind: 'unresolved', attribute, reason: `${arn} is an AWS managed policy the engine does not hold a document for` });
    } else if (typeof arn === 'string' && isUnresolvedValue(arn)) {
      if (inStack.size === 0) out.push({ kind: 'unresolved', attribute, reason: `${attribute} is an expression (${truncate(arn)})` });
    } else if (typeof arn === 'string' && !model.ofType('aws_iam_policy').some((p) => p.values.arn === arn)) {
      out.push({ kind: 'unresolved', attribute, reason: `${attribute} ${arn} is a policy outside this stack` });
    }
  }
  return out;
}

const RESOURCE = new WeakMap<StackModel, Map<TfResource, PolicyLookup[]>>();

/**
 * Resource-based policies of a resource. In a key policy, the statement AWS writes by default
 * (account root, kms:*) delegates to IAM and is judged as no policy.
 */
export function resourcePolicies(model: StackModel, resource: TfResource): PolicyLookup[] {
  const attr = RESOURCE_POLICY_TYPES[resource.type];
  if (!attr) return [];
  let byResource = RESOURCE.get(model);
  if (!byResource) RESOURCE.set(model, (byResource = new Map()));
  let lookups = byResource.get(resource);
  if (!lookups) {
    const lookup = lookupPolicy(model, resource, attr);
    const isKey = resource.type === 'aws_kms_key' || resource.type === 'aws_kms_key_policy';
    lookups = [
      isKey && lookup.kind === 'document'
        ? { ...lookup, document: { ...lookup.document, statements: lookup.document.statements.filter((s) => !isDefaultKeyPolicyStatement(s)) } }
        : lookup,
    ];
    byResource.set(resource, lookups);
  }
  return lookups;
}

/** Reasons the unreadable lookups give, with the unreadable parts of readable documents. */
export function unresolvedReasons(lookups: readonly PolicyLookup[]): string[] {
  const out: string[] = [];
  for (const l of lookups) {
    if (l.kind === 'unresolved') out.push(l.reason);
    else if (l.kind === 'document' && l.document.unresolved) out.push(...l.document.unresolved);
  }
  return out;
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
  const attached = Object.keys(POLICY_ATTACHMENT_TYPES).some((t) => stack.referencing(t, 'policy_arn', policy).length > 0);
  if (attached) return false;
  return /boundary/i.test(`${String(policy.values.name ?? '')} ${String(policy.values.description ?? '')}`);
}
