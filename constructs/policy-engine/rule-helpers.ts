import type { FrameworkControl } from './frameworks';
import { documents, ParsedPolicy, PolicyLookup, unresolvedReasons } from './iam';
import { cannotVerify, compliant, nonCompliant, Rule, RuleContext, RuleLevel, RuleOutcome } from './rule-engine';
import type { TfResource } from './terraform-json';

/** What a rule file declares; `types` is the list of resource types the rule reads. */
export interface RuleDefinition {
  readonly id: string;
  readonly summary: string;
  readonly explanation: string;
  readonly fix: string;
  readonly level: RuleLevel;
  readonly frameworks: readonly FrameworkControl[];
  readonly types: readonly string[] | ((type: string) => boolean);
  evaluate(resource: TfResource, context: RuleContext): RuleOutcome;
}

export function defineRule(def: RuleDefinition): Rule {
  const { types, ...rest } = def;
  const appliesTo = typeof types === 'function' ? types : ((set: Set<string>) => (t: string) => set.has(t))(new Set(types));
  return { ...rest, appliesTo };
}

/**
 * Folds policy documents into one outcome: problems found in readable documents make it
 * non-compliant; otherwise any unreadable document makes it cannot-verify; else compliant.
 * `check` returns one message per problem (and may return 'unresolved: ...' entries for parts of a
 * readable document it could not decide).
 */
export function judgePolicies(lookups: readonly PolicyLookup[], check: (doc: ParsedPolicy) => string[]): RuleOutcome {
  const problems: string[] = [];
  const unknown = unresolvedReasons(lookups);
  for (const doc of documents(lookups)) {
    for (const p of check(doc)) {
      if (p.startsWith(UNRESOLVED_PREFIX)) unknown.push(p.slice(UNRESOLVED_PREFIX.length));
      else problems.push(p);
    }
  }
  if (problems.length) return nonCompliant(problems.join('; '));
  if (unknown.length) return cannotVerify(unknown.join('; '));
  return compliant;
}

export const UNRESOLVED_PREFIX = 'unresolved: ';

export function describeStatement(sid: string | undefined, index: number): string {
  return sid ? `statement "${sid}"` : `statement ${index + 1}`;
}

export function quote(v: unknown): string {
  return JSON.stringify(v);
}
