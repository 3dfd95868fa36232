import { blocks, isObject, isSet } from '../terraform-json';

/**
 * IAM policy documents as AWS evaluates them, in one model every rule reads: Action / NotAction,
 * Resource / NotResource, Principal / NotPrincipal, conditions. Built from a policy JSON object or
 * from the statement blocks of a `data "aws_iam_policy_document"`, and merged with
 * `source_policy_documents` / `override_policy_documents` as the AWS provider merges them.
 * Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
 */

export interface Condition {
  readonly operator: string;
  readonly key: string;
  readonly values: readonly string[];
}

/** `'*'` for `"*"` (everyone); otherwise principal type (AWS, Service, Federated, CanonicalUser) -> identifiers. */
export type Principals = '*' | Readonly<Record<string, readonly string[]>>;

export interface Statement {
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly actions?: readonly string[];
  /** NotAction: the statement applies to every action except these. */
  readonly notActions?: readonly string[];
  readonly resources?: readonly string[];
  /** NotResource: the statement applies to every resource except these. */
  readonly notResources?: readonly string[];
  readonly principals?: Principals;
  /** NotPrincipal: the statement applies to every principal except these (in an Allow: trusts everyone else). */
  readonly notPrincipals?: Principals;
  readonly conditions: readonly Condition[];
}

export interface ParsedPolicy {
  readonly statements: readonly Statement[];
  /**
   * Parts of the document the engine could not read (a source or override document given by an
   * expression): rules report what they find in the rest and cannot-verify for these.
   */
  readonly unresolved?: readonly string[];
}

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

function principalsFromJson(v: unknown): Principals | undefined {
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
      sid: typeof s.Sid === 'string' && s.Sid !== '' ? s.Sid : undefined,
      effect: s.Effect === 'Deny' ? 'Deny' : 'Allow',
      actions: strings(s.Action),
      notActions: strings(s.NotAction),
      resources: strings(s.Resource),
      notResources: strings(s.NotResource),
      principals: principalsFromJson(s.Principal),
      notPrincipals: principalsFromJson(s.NotPrincipal),
      conditions: conditionsFromJson(s.Condition),
    })),
  };
}

function principalBlocks(v: unknown): Principals | undefined {
  const list = blocks(v);
  if (list.length === 0) return undefined;
  const out: Record<string, string[]> = {};
  for (const p of list) {
    const type = String(p.type);
    const ids = strings(p.identifiers) ?? [];
    // The provider writes `type = "*", identifiers = ["*"]` as "Principal": "*".
    if (type === '*' && ids.includes('*')) return '*';
    out[type] = [...(out[type] ?? []), ...ids];
  }
  return out;
}

/** The statement blocks of a `data "aws_iam_policy_document"` (without its source and override documents). */
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
      notPrincipals: principalBlocks(s.not_principals),
      conditions: blocks(s.condition).map((c) => ({
        operator: String(c.test),
        key: String(c.variable),
        values: strings(c.values) ?? [],
      })),
    })),
  };
}

/**
 * Merges documents in order as the provider's `aws_iam_policy_document` does: each later
 * document's statement with a non-empty Sid replaces the earlier statement with that Sid in place;
 * statements without a Sid are appended. The order is: source_policy_documents, the document's own
 * statements, override_policy_documents.
 * Source: terraform-provider-aws internal/service/iam/policy_model.go (IAMPolicyDoc.Merge).
 */
export function mergeDocuments(docs: readonly ParsedPolicy[]): ParsedPolicy {
  const statements: Statement[] = [];
  const unresolved: string[] = [];
  const bySid = new Map<string, number>();
  for (const doc of docs) {
    unresolved.push(...(doc.unresolved ?? []));
    for (const s of doc.statements) {
      const at = s.sid === undefined ? undefined : bySid.get(s.sid);
      if (at !== undefined) statements[at] = s;
      else {
        if (s.sid !== undefined) bySid.set(s.sid, statements.length);
        statements.push(s);
      }
    }
  }
  return unresolved.length ? { statements, unresolved } : { statements };
}
