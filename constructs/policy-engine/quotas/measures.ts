import { documentFromDataSource, type Condition, type ParsedPolicy, type Statement } from '../iam/policy-document';
import { isConfigured, isObject, isSet, isUnresolvedValue, StackModel, TfResource, UNKNOWN_VALUE } from '../terraform-json';
import type { Contribution, Measure, MeasureContext, Measurement, ScopeInstance, Unmeasured } from './quota-definition';

/**
 * The building blocks the quota table counts with: resources of some types, grouped by a scope,
 * each counting an amount (1 by default); and the size of a policy document, measured the way the
 * service measures it.
 */

/** How much one resource (or one part of it) counts, and, when it is not the resource's, against which instance. */
export interface Amount {
  readonly amount: number;
  readonly estimated?: string;
  readonly note?: string;
  readonly scope?: ScopeInstance;
}

/** How one resource counts: an amount, or why it cannot be measured. `undefined`: it does not count. */
export type Share = Amount | { readonly unmeasured: string; readonly scope?: ScopeInstance } | undefined;

export interface CountSpec {
  readonly types: readonly string[];
  readonly description: string;
  /** The instance a resource counts against (undefined: it does not count, e.g. a rule in the other direction). */
  scope(context: MeasureContext, stack: StackModel, resource: TfResource): ScopeInstance | undefined;
  /** @default - 1 per resource */
  share?(stack: StackModel, resource: TfResource): Share | readonly Share[];
}

const ONE: Amount = { amount: 1 };

/** Counts the managed resources of `types`, each with its share, per scope instance. */
export function countOf(spec: CountSpec): Measure {
  return {
    types: spec.types,
    description: spec.description,
    measure(context: MeasureContext): Measurement {
      const contributions: Contribution[] = [];
      const unmeasured: Unmeasured[] = [];
      for (const stack of context.app) {
        for (const type of spec.types) {
          for (const resource of stack.ofType(type)) {
            if (resource.mode !== 'managed') continue;
            const shares = spec.share ? spec.share(stack, resource) : ONE;
            const add = (share: Share): void => {
              if (share === undefined) return;
              const scope = share.scope ?? spec.scope(context, stack, resource);
              if (!scope) return;
              if ('unmeasured' in share) unmeasured.push({ stack, resource, scope, reason: share.unmeasured });
              else if (share.amount > 0) contributions.push({ stack, resource, scope, amount: share.amount, estimated: share.estimated, note: share.note });
            };
            if (Array.isArray(shares)) for (const share of shares as readonly Share[]) add(share);
            else add(shares as Share);
          }
        }
      }
      return { contributions, unmeasured };
    },
  };
}

/** Several measures as one (a quota counted from more than one kind of resource). */
export function combined(description: string, ...measures: Measure[]): Measure {
  return {
    types: [...new Set(measures.flatMap((m) => m.types))],
    description,
    measure(context) {
      const parts = measures.map((m) => m.measure(context));
      return { contributions: parts.flatMap((p) => p.contributions), unmeasured: parts.flatMap((p) => p.unmeasured) };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Policy sizes

/**
 * How a service measures a policy document. IAM counts characters without white space (IAM and
 * STS quotas page); API Gateway counts the characters of the policy; KMS and Verified Permissions
 * count bytes.
 */
export type SizeUnit = 'characters without white space' | 'characters' | 'bytes';

const DOCUMENT_REFERENCE = /^\$\{(data\.aws_iam_policy_document\.[A-Za-z0-9_-]+)\.(?:json|minified_json)\}$/;
const WHOLE_EXPRESSION = /^\$\{[^}]*\}$/;

/** A policy document from `data "aws_iam_policy_document"` statements, as Terraform renders it. */
function renderDocument(doc: ParsedPolicy): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: doc.statements.map((s: Statement) => ({
      ...(s.sid ? { Sid: s.sid } : {}),
      Effect: s.effect,
      ...(s.actions ? { Action: s.actions } : {}),
      ...(s.notActions ? { NotAction: s.notActions } : {}),
      ...(s.resources ? { Resource: s.resources } : {}),
      ...(s.notResources ? { NotResource: s.notResources } : {}),
      ...(s.principals ? { Principal: s.principals } : {}),
      ...(s.notPrincipals ? { NotPrincipal: s.notPrincipals } : {}),
      ...(s.conditions.length
        ? { Condition: s.conditions.reduce<Record<string, Record<string, readonly string[]>>>((acc, c: Condition) => ({ ...acc, [c.operator]: { ...acc[c.operator], [c.key]: c.values } }), {}) }
        : {}),
    })),
  });
}

/** Characters that are not white space (counted without building a copy of a 10 KB policy). */
function nonWhiteSpace(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!(c === 32 || (c >= 9 && c <= 13) || c === 160 || c === 0xfeff || c === 0x2028 || c === 0x2029 || (c >= 0x2000 && c <= 0x200a) || c === 0x1680 || c === 0x202f || c === 0x205f || c === 0x3000)) n++;
  }
  return n;
}

function measureText(text: string, unit: SizeUnit): number {
  if (unit === 'characters without white space') return nonWhiteSpace(text);
  let minified = text;
  try {
    minified = JSON.stringify(JSON.parse(text));
  } catch {
    // Not JSON (a Cedar statement, or JSON with a reference in a number position): measure as given.
  }
  return unit === 'bytes' ? Buffer.byteLength(minified, 'utf8') : minified.length;
}

const REFERENCES_ESTIMATE = 'references (${...}) counted at the length of their expression; the values are known only at apply';

/**
 * The size of the policy in a resource's argument; nothing when the argument is not set, or is a
 * value the provider computes (a plan's unknown with no configuration behind it, such as the
 * `policy` of an API whose policy is a separate resource).
 */
export function argumentPolicySize(stack: StackModel, resource: TfResource, attribute: string, unit: SizeUnit): Share {
  return isConfigured(stack, resource, attribute) ? policySize(stack, resource.values[attribute], unit) : undefined;
}

/**
 * The size of a policy held in an argument: a JSON string (references inside it counted at the
 * length of their expression, and the size marked as an estimate), a reference to a policy
 * document data source of the same stack (rendered), or an expression that cannot be measured.
 */
export function policySize(stack: StackModel, value: unknown, unit: SizeUnit): Share {
  if (!isSet(value)) return undefined;
  if (isObject(value) || Array.isArray(value)) return { amount: measureText(JSON.stringify(value), unit) };
  if (typeof value !== 'string') return { unmeasured: `the policy is ${JSON.stringify(value)}, not a document` };
  const doc = DOCUMENT_REFERENCE.exec(value);
  if (doc) {
    const data = stack.byAddress(doc[1]);
    if (!data) return { unmeasured: `${doc[1]} is not in the stack` };
    const composed = isSet(data.values.source_policy_documents) || isSet(data.values.override_policy_documents);
    const text = renderDocument(documentFromDataSource(data.values));
    return {
      amount: measureText(text, unit),
      estimated: composed ? `rendered from ${doc[1]} without its source and override documents` : text.includes('${') ? REFERENCES_ESTIMATE : `rendered from ${doc[1]}`,
    };
  }
  if (value === UNKNOWN_VALUE || WHOLE_EXPRESSION.test(value)) return { unmeasured: `the policy is the expression ${value}, known only at apply` };
  return { amount: measureText(value, unit), ...(isUnresolvedValue(value) ? { estimated: REFERENCES_ESTIMATE } : {}) };
}
