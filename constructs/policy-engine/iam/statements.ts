import type { Principals, Statement } from './policy-document';
import { actionMatches, isBroadResource } from './patterns';

/**
 * What one statement grants, as AWS evaluates it. An Allow with NotAction allows every action the
 * NotAction list does not match (data and model actions included); an Allow with NotResource
 * reaches every resource but the listed ones; an Allow with NotPrincipal trusts every principal
 * but the listed ones.
 * Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html,
 * .../reference_policies_elements_notprincipal.html
 */

const NONE: readonly string[] = [];
const GRANTED = Symbol('grantedActions');
const LOWER = new Map<readonly string[], Map<string, string>>();

/** Does the statement name this action (Action matches it, or NotAction does not)? Effect is not considered. */
export function statementCoversAction(statement: Statement, action: string): boolean {
  if (statement.notActions) return !statement.notActions.some((p) => actionMatches(p, action));
  return (statement.actions ?? []).some((p) => actionMatches(p, action));
}

/** The concrete actions of `klass` an Allow statement grants (empty for Deny), in `klass` order. */
export function grantedActions(statement: Statement, klass: readonly string[]): readonly string[] {
  if (statement.effect !== 'Allow' || (!statement.actions && !statement.notActions)) return NONE;
  // Several rules ask the same statement about the same class: answer once per statement. The
  // answers live on the statement (parsed by policy-document.ts, never user data).
  const holder = statement as Statement & { [GRANTED]?: Map<readonly string[], readonly string[]> };
  const cache = (holder[GRANTED] ??= new Map());
  const cached = cache.get(klass);
  if (cached) return cached;
  let result: readonly string[];
  if (statement.notActions) {
    const granted = klass.filter((a) => statementCoversAction(statement, a));
    result = granted.length ? granted : NONE;
  } else {
    let lower = LOWER.get(klass);
    if (!lower) LOWER.set(klass, (lower = new Map(klass.map((a) => [a.toLowerCase(), a]))));
    let granted: string[] | undefined;
    for (const p of statement.actions ?? []) {
      if (p.includes('*') || p.includes('?')) {
        for (const a of klass) if (actionMatches(p, a) && !granted?.includes(a)) (granted ??= []).push(a);
      } else {
        const a = lower.get(p.toLowerCase());
        if (a && !granted?.includes(a)) (granted ??= []).push(a);
      }
    }
    result = granted && granted.length > 1 ? granted.sort((x, y) => klass.indexOf(x) - klass.indexOf(y)) : granted ?? NONE;
  }
  cache.set(klass, result);
  return result;
}

/** Does the statement reach every resource of some type (a broad Resource pattern, or NotResource)? */
export function reachesEveryResource(statement: Statement): boolean {
  return statement.notResources !== undefined || (statement.resources ?? []).some(isBroadResource);
}

/** The broad Resource patterns of a statement (for messages); `NotResource` when it uses one. */
export function broadResources(statement: Statement): string[] {
  if (statement.notResources !== undefined) return [`NotResource ${statement.notResources.join(', ')}`];
  return (statement.resources ?? []).filter(isBroadResource);
}

function isEveryone(p: Principals | undefined): boolean {
  if (p === undefined) return false;
  if (p === '*') return true;
  return Object.values(p).some((ids) => ids.includes('*'));
}

/** An Allow that trusts every principal: `"*"` (also `{"AWS": "*"}`) or NotPrincipal. */
export function trustsEveryone(statement: Statement): boolean {
  return statement.effect === 'Allow' && (isEveryone(statement.principals) || statement.notPrincipals !== undefined);
}

const ACCOUNT_ROOT = /^(?:arn:aws[a-z-]*:iam::(?:\d{12}|\$\{[^}]+\}):root|\d{12}|\$\{[^}]+\})$/;

/**
 * The statement AWS writes into every key policy it creates by default: the account root may use
 * every kms action on the key, which delegates access to IAM policies. A key policy whose only
 * broad statement is this one is judged as a key with no policy.
 * Source: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
 */
export function isDefaultKeyPolicyStatement(statement: Statement): boolean {
  const p = statement.principals;
  if (statement.effect !== 'Allow' || p === undefined || p === '*' || statement.notPrincipals || statement.notActions || statement.notResources) return false;
  const types = Object.keys(p);
  if (types.length !== 1 || types[0] !== 'AWS' || p.AWS.length === 0 || !p.AWS.every((id) => ACCOUNT_ROOT.test(id))) return false;
  const actions = statement.actions ?? [];
  return actions.length === 1 && actions[0].toLowerCase() === 'kms:*' && (statement.resources ?? []).every((r) => r === '*') && statement.conditions.length === 0;
}

export function conditionKeys(statement: Statement): string[] {
  return statement.conditions.map((c) => c.key.toLowerCase());
}
