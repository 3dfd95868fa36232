import { contractReadTarget } from '../contract-values';
import { blocks, isUnresolvedValue, StackModel, TfResource } from '../terraform-json';
import type { ScopeInstance, StackResource } from './quota-definition';

/**
 * Where a resource consumes a quota: its account and Region (from the provider it is managed
 * with), or the API, role, key or security group it belongs to (from the reference, literal or
 * contract read that names it). Scope keys are equal when two resources count against the same
 * instance, across every stack checked together.
 */

/** The account key of resources whose provider names no account: one account for all of them. */
export const DEFAULT_ACCOUNT = 'default';
export const UNKNOWN_REGION = 'unknown Region';

export interface Place {
  readonly account: string;
  readonly region: string;
}

const ROLE_ARN_ACCOUNT = /^arn:[a-z-]+:iam::(\d{12}):/;

/**
 * The account and Region a resource is created in. The account is known when the provider pins it
 * (`allowed_account_ids` with one id, or an `assume_role` ARN); otherwise every such stack is taken
 * to be applied in one account, the conservative reading for account quotas.
 */
export function placeOf(stack: StackModel, resource: TfResource): Place {
  return placeScopes(stack, resource).place;
}

interface PlaceScopes {
  readonly place: Place;
  readonly account: ScopeInstance;
  readonly region: ScopeInstance;
}

/** Place, account and Region scopes per provider configuration: thousands of resources share a few. */
const PLACES = new WeakMap<object, PlaceScopes>();

function placeScopes(stack: StackModel, resource: TfResource): PlaceScopes {
  const config = stack.providerConfig(resource);
  const key: object = config ?? stack;
  let found = PLACES.get(key);
  if (!found) {
    const c = config ?? {};
    const region = typeof c.region === 'string' && !isUnresolvedValue(c.region) ? c.region : UNKNOWN_REGION;
    const account = accountOf(c);
    found = {
      place: { account, region },
      account: { key: `account:${account}`, label: describeAccount(account), account, region },
      region: { key: `region:${account}/${region}`, label: `${describeAccount(account)} in ${region}`, account, region },
    };
    PLACES.set(key, found);
  }
  return found;
}

function accountOf(config: Readonly<Record<string, unknown>>): string {
  const allowed = config.allowed_account_ids;
  if (Array.isArray(allowed) && allowed.length === 1 && typeof allowed[0] === 'string' && !isUnresolvedValue(allowed[0])) return allowed[0];
  for (const role of blocks(config.assume_role)) {
    const arn = role.role_arn;
    const m = typeof arn === 'string' ? ROLE_ARN_ACCOUNT.exec(arn) : null;
    if (m) return m[1];
  }
  return DEFAULT_ACCOUNT;
}

function describeAccount(account: string): string {
  return account === DEFAULT_ACCOUNT ? 'the account the stacks are applied with' : `account ${account}`;
}

export function accountScope(stack: StackModel, resource: TfResource): ScopeInstance {
  return placeScopes(stack, resource).account;
}

export function regionScope(stack: StackModel, resource: TfResource): ScopeInstance {
  return placeScopes(stack, resource).region;
}

/** The resource itself as the instance (a role for its trust policy, a key for its policy). */
export function selfScope(stack: StackModel, resource: TfResource, kind: string): ScopeInstance {
  return scopeOfTarget({ stack, resource }, kind);
}

function literalId(resource: TfResource): string | undefined {
  const id = resource.values.id;
  return typeof id === 'string' && id !== '' && !isUnresolvedValue(id) ? id : undefined;
}

function nameOf(resource: TfResource): string | undefined {
  const name = resource.values.name;
  return typeof name === 'string' && !isUnresolvedValue(name) ? name : undefined;
}

const TARGETS = new WeakMap<StackModel, WeakMap<TfResource, Map<string, ScopeInstance>>>();

function scopeOfTarget(target: StackResource, kind: string): ScopeInstance {
  let byResource = TARGETS.get(target.stack);
  if (!byResource) TARGETS.set(target.stack, (byResource = new WeakMap()));
  let byKind = byResource.get(target.resource);
  if (!byKind) byResource.set(target.resource, (byKind = new Map()));
  let scope = byKind.get(kind);
  if (!scope) byKind.set(kind, (scope = targetScope(target, kind)));
  return scope;
}

function targetScope(target: StackResource, kind: string): ScopeInstance {
  const { stack, resource } = target;
  const place = placeOf(stack, resource);
  const id = literalId(resource);
  const name = nameOf(resource);
  return {
    // A plan knows the id of an existing API; a synthesized stack only its address.
    key: id ? `=${id}` : `${stack.stackName}/${resource.baseAddress}`,
    label: `${kind} ${name ?? id ?? resource.baseAddress} (${stack.stackName}: ${resource.baseAddress})`,
    anchor: target,
    ...place,
  };
}

/** Literal id, ARN and name of every resource of a type, across the stacks checked together. */
const LITERALS = new WeakMap<readonly StackModel[], Map<string, Map<string, StackResource>>>();

function literalIndex(app: readonly StackModel[], type: string): Map<string, StackResource> {
  let byType = LITERALS.get(app);
  if (!byType) LITERALS.set(app, (byType = new Map()));
  let index = byType.get(type);
  if (!index) {
    byType.set(type, (index = new Map()));
    for (const stack of app) {
      for (const resource of stack.ofType(type)) {
        if (resource.mode !== 'managed') continue;
        for (const key of ['id', 'arn', 'name']) {
          const v = resource.values[key];
          if (typeof v === 'string' && v !== '' && !isUnresolvedValue(v) && !index.has(v)) index.set(v, { stack, resource });
        }
      }
    }
  }
  return index;
}

const EXPRESSION_ADDRESS = /^([a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z_][A-Za-z0-9_-]*)(?:\.|$)/;

/**
 * The instance a resource's argument points at: the `rest_api_id` of a stage, the `role` of a
 * policy attachment. Followed through references in the same stack, through contract reads to the
 * platform stack that publishes the contract, and through literal ids; otherwise grouped by the
 * literal or expression text itself.
 */
export function referenceScope(app: readonly StackModel[], stack: StackModel, resource: TfResource, attribute: string, targetType: string, kind: string): ScopeInstance {
  const value = resource.values[attribute];
  // A contract read names only its data source: skip scanning it for references.
  const contractRead = typeof value === 'string' && value.startsWith('${jsondecode(data.aws_ssm_parameter.');
  for (const address of contractRead ? [] : resource.references.get(attribute) ?? []) {
    const target = stack.byAddress(address);
    if (target && target.mode === 'managed' && target.type === targetType) return scopeOfTarget({ stack, resource: target }, kind);
  }
  // A fleet names its API by the same contract read a thousand times: resolve each text once per
  // stack and provider configuration.
  const memoKey = `${targetType}\0${kind}\0${typeof value === 'string' ? value : JSON.stringify(value ?? null)}`;
  let byProvider = MEMO.get(app);
  if (!byProvider) MEMO.set(app, (byProvider = new WeakMap()));
  const providerKey = stack.providerConfig(resource) ?? stack;
  let memo = byProvider.get(providerKey);
  if (!memo) byProvider.set(providerKey, (memo = new Map()));
  let scope = memo.get(memoKey);
  if (!scope) memo.set(memoKey, (scope = unreferencedScope(app, stack, resource, value, targetType, kind)));
  return scope;
}

const MEMO = new WeakMap<readonly StackModel[], WeakMap<object, Map<string, ScopeInstance>>>();

function unreferencedScope(app: readonly StackModel[], stack: StackModel, resource: TfResource, value: unknown, targetType: string, kind: string): ScopeInstance {
  const place = placeOf(stack, resource);
  let literal: unknown = value;
  const read = contractReadTarget(app, stack, value);
  if (read?.kind === 'expression') {
    const m = EXPRESSION_ADDRESS.exec(read.expression);
    const target = m && m[1] === targetType ? read.stack.byAddress(`${m[1]}.${m[2]}`) : undefined;
    if (target) return scopeOfTarget({ stack: read.stack, resource: target }, kind);
  }
  if (read?.kind === 'literal') literal = read.value;
  if (read && read.kind !== 'literal') {
    return { key: `contract:${read.parameter}#${read.path}`, label: `the ${kind} the contract ${read.parameter} names at ${read.path}`, ...place };
  }
  if (typeof literal === 'string' && literal !== '' && !isUnresolvedValue(literal)) {
    const target = literalIndex(app, targetType).get(literal);
    if (target) return scopeOfTarget(target, kind);
    return { key: `=${literal}`, label: `${kind} ${literal}`, ...place };
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  return { key: `?${text}`, label: `the ${kind} ${text}`, ...place };
}
