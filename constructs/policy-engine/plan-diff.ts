import { identitiesOf } from './report';
import { evaluateApp, Finding, Rule, StackEvaluation } from './rule-engine';
import { TAG_KEYS } from '../governance/tags';
import { blocks, ExceptionRecord, fromPlanJson, isObject, StackModel } from './terraform-json';

/**
 * The governance diff of a plan: what the change does to access and controls, for a pull-request
 * comment. Permissions are compared per role (before = prior state, after = planned values);
 * "weakened or exposed" is every rule finding the plan introduces, which covers rotation,
 * logging and encryption turned down and anything made public, with the same rules as synth.
 */

export interface PermissionChange {
  readonly role: string;
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

export interface TagChange {
  readonly address: string;
  readonly key: string;
  readonly before: string | null;
  readonly after: string | null;
}

export interface ResourceAction {
  readonly address: string;
  readonly actions: readonly string[];
}

export interface PlanDiff {
  readonly changes: readonly ResourceAction[];
  readonly permissions: readonly PermissionChange[];
  readonly tags: readonly TagChange[];
  /** Findings present after the change and not before (weakened controls, new exposure). */
  readonly introduced: readonly Finding[];
  /** Findings present before and gone after. */
  readonly resolved: readonly Finding[];
  /** Exceptions in the synthesized stack that the base did not have. */
  readonly exceptionsAdded: readonly ExceptionRecord[];
}

function permissionLines(stack: StackModel): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const identity of identitiesOf(stack)) {
    const lines = new Set<string>();
    for (const p of identity.permissions) {
      const cond = p.conditions.length ? ` when ${p.conditions.join(' and ')}` : '';
      for (const a of p.actions) for (const r of p.resources.length ? p.resources : ['(no resource)']) lines.add(`${p.effect} ${a} on ${r}${cond}`);
    }
    out.set(identity.address, lines);
  }
  return out;
}

function text(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

const key = (f: Finding): string => `${f.ruleId} ${f.address}`;

export function planDiff(
  plan: unknown,
  rules: readonly Rule[],
  options: { now?: Date; synth?: StackModel; baseExceptions?: readonly ExceptionRecord[]; stackName?: string; strict?: boolean } = {},
): { after: StackModel; before: StackModel; diff: PlanDiff; evaluation: StackEvaluation } {
  const after = fromPlanJson(plan, options.stackName, options.synth, 'after');
  const before = fromPlanJson(plan, options.stackName, options.synth, 'before');
  const now = options.now ?? new Date();
  // The planned side with the caller's strictness: the review's findings (introduced/resolved compare rule and address only).
  const [afterEval] = evaluateApp([after], rules, { now, strict: options.strict });
  const [beforeEval] = evaluateApp([before], rules, { now });
  const beforeKeys = new Set(beforeEval.findings.map(key));
  const afterKeys = new Set(afterEval.findings.map(key));

  const changes: ResourceAction[] = [];
  for (const rc of blocks((plan as Record<string, unknown>).resource_changes)) {
    const change = isObject(rc.change) ? rc.change : {};
    const actions = Array.isArray(change.actions) ? change.actions.map(String) : [];
    if (actions.length && !(actions.length === 1 && (actions[0] === 'no-op' || actions[0] === 'read'))) changes.push({ address: String(rc.address), actions });
  }

  const beforePerms = permissionLines(before);
  const afterPerms = permissionLines(after);
  const permissions: PermissionChange[] = [];
  for (const role of new Set([...beforePerms.keys(), ...afterPerms.keys()])) {
    const b = beforePerms.get(role) ?? new Set<string>();
    const a = afterPerms.get(role) ?? new Set<string>();
    const added = [...a].filter((x) => !b.has(x));
    const removed = [...b].filter((x) => !a.has(x));
    if (added.length || removed.length) permissions.push({ role, added, removed });
  }

  const governanceKeys = new Set<string>(Object.values(TAG_KEYS));
  const tags: TagChange[] = [];
  for (const r of before.resources) {
    const next = after.byAddress(r.address);
    if (!next || r.mode !== 'managed') continue;
    for (const k of governanceKeys) {
      const was = text(r.effectiveTags[k]);
      const now_ = text(next.effectiveTags[k]);
      if (was !== now_) tags.push({ address: r.address, key: k, before: was, after: now_ });
    }
  }

  const base = new Set((options.baseExceptions ?? []).map((e) => `${e.ruleId} ${e.constructPath} ${e.expires}`));
  return {
    after,
    before,
    evaluation: afterEval,
    diff: {
      changes,
      permissions,
      tags,
      introduced: afterEval.findings.filter((f) => !beforeKeys.has(key(f)) && f.address !== '-'),
      resolved: beforeEval.findings.filter((f) => !afterKeys.has(key(f)) && f.address !== '-'),
      exceptionsAdded: after.exceptions.filter((e) => !base.has(`${e.ruleId} ${e.constructPath} ${e.expires}`)),
    },
  };
}
