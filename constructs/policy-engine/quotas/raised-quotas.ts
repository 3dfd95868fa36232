import { publishedContracts } from '../contract-values';
import type { StackModel, TfResource } from '../terraform-json';
import type { QuotaDefinition } from './quota-definition';
import { quotaById, SERVICE_QUOTAS, type QuotaId } from './quota-table';
import { placeOf, type Place } from './scopes';

/**
 * Quotas AWS raised for an estate. The platform declares them on its environment (published in
 * the contract as `serviceQuotas`), or whoever runs `check` passes `--quota <id>=<value>` for
 * quotas raised outside this library. Either way a value is a known id, a quota AWS raises, a
 * whole number above the default and at most the documented maximum.
 */
export type RaisedQuotas = Readonly<Partial<Record<QuotaId, number>>>;

/** One thing wrong with a declaration: the shape ProblemCollector takes. */
export interface RaisedQuotaProblem {
  /** `serviceQuotas["iam.roles-per-account"]` */
  readonly prop: string;
  readonly value: unknown;
  readonly allowed: string;
  readonly fix: string;
}

function knownIds(): string {
  return SERVICE_QUOTAS.filter((q) => q.adjustable).map((q) => q.id).join(', ');
}

/** The problems of one declared value (empty when it is acceptable). */
export function raisedQuotaProblems(id: string, value: unknown, prop = `serviceQuotas["${id}"]`): RaisedQuotaProblem[] {
  const quota = quotaById(id);
  if (!quota) {
    return [{ prop, value: id, allowed: `a quota id of the table (README "Quotas"): ${knownIds()}`, fix: 'use the id of the quota AWS raised, spelled as in the table' }];
  }
  if (!quota.adjustable) {
    return [{ prop, value, allowed: `a quota AWS raises; "${quota.name}" (${quota.service}) is not adjustable`, fix: `remove it: ${quota.increase} ${quota.designChange}` }];
  }
  const max = quota.maximum;
  const ok = typeof value === 'number' && Number.isInteger(value) && value > quota.default && (max === undefined || value <= max);
  if (ok) return [];
  return [
    {
      prop,
      value,
      allowed: `a whole number above the default ${quota.default}${max === undefined ? '' : ` and at most ${max}, the highest AWS raises it to`}`,
      fix: `declare the value AWS applied to "${quota.name}" (the ${quota.increase.split(';')[0]} shows it), or leave ${id} out for the default`,
    },
  ];
}

/** Every problem of a `serviceQuotas` object (a record of id to value). */
export function raisedQuotasProblems(value: unknown, prop = 'serviceQuotas'): RaisedQuotaProblem[] {
  if (value === undefined) return [];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return [{ prop, value, allowed: 'an object of quota id to raised value, e.g. { "iam.roles-per-account": 5000 }', fix: 'pass the quotas AWS raised for this account as an object' }];
  }
  return Object.entries(value).flatMap(([id, v]) => raisedQuotaProblems(id, v, `${prop}["${id}"]`));
}

/**
 * Parses repeated `--quota <id>=<value>` arguments.
 * @throws Error naming the argument, what is allowed and the fix, for the first bad one
 */
export function parseQuotaArguments(args: readonly string[]): RaisedQuotas {
  const out: Record<string, number> = {};
  for (const arg of args) {
    const m = /^([a-z0-9.-]+)=(\d+)$/.exec(arg.trim());
    if (!m) throw new Error(`--quota ${arg}: expected <quota id>=<whole number>, e.g. --quota iam.roles-per-account=5000`);
    const problems = raisedQuotaProblems(m[1], Number(m[2]), `--quota ${m[1]}`);
    if (problems.length) throw new Error(problems.map((p) => `${p.prop}: got ${JSON.stringify(p.value)}; allowed: ${p.allowed}; fix: ${p.fix}`).join('\n'));
    if (m[1] in out && out[m[1]] !== Number(m[2])) throw new Error(`--quota ${m[1]} is given twice with different values (${out[m[1]]} and ${m[2]}); give it once`);
    out[m[1]] = Number(m[2]);
  }
  return out as RaisedQuotas;
}

/** The name environment contracts are published under (platform/environment-contract.ts contractParameterName). */
const CONTRACT_NAME = /^\/governance\/[a-z0-9-]+\/contract$/;

/** A raised quota a platform stack declares in its contract. */
export interface Declaration extends Place {
  readonly quota: QuotaDefinition;
  readonly value: number;
  /** `platform-dev (/governance/dev/contract)` */
  readonly from: string;
}

/** A declaration the counter could not use, reported on the contract parameter. */
export interface DeclarationProblem {
  readonly stack: StackModel;
  readonly resource: TfResource;
  readonly problems: readonly RaisedQuotaProblem[];
}

/**
 * The raised quotas platform stacks publish in their contracts (`serviceQuotas`), with the account
 * and Region of the publishing stack: a declaration applies to quota instances there.
 */
export function declaredQuotas(app: readonly StackModel[]): { declarations: Declaration[]; problems: DeclarationProblem[] } {
  const declarations: Declaration[] = [];
  const problems: DeclarationProblem[] = [];
  for (const stack of app) {
    // A stack that reads an environment's contract is a product stack: it may not lift the limits
    // the whole environment is checked against (AWS would refuse at apply all the same).
    const readsContract = stack.ofType('aws_ssm_parameter').some((p) => p.mode === 'data' && typeof p.values.name === 'string' && CONTRACT_NAME.test(p.values.name));
    for (const { parameter, contract } of publishedContracts(stack)) {
      const declared = contract.serviceQuotas;
      if (declared === undefined || !CONTRACT_NAME.test(parameter)) continue;
      const resource = stack.ofType('aws_ssm_parameter').find((p) => p.mode === 'managed' && p.values.name === parameter)!;
      if (readsContract) {
        problems.push({
          stack,
          resource,
          problems: [{ prop: `${parameter} serviceQuotas`, value: declared, allowed: 'raised quotas declared by the platform stack that publishes the environment contract', fix: 'declare serviceQuotas on the GovernedEnvironment of the platform stack; a stack that reads a contract cannot raise them' }],
        });
        continue;
      }
      const found = raisedQuotasProblems(declared, `${parameter} serviceQuotas`);
      if (found.length) problems.push({ stack, resource, problems: found });
      if (declared === null || typeof declared !== 'object' || Array.isArray(declared)) continue;
      const place = placeOf(stack, resource);
      for (const [id, value] of Object.entries(declared)) {
        const quota = quotaById(id);
        if (!quota || raisedQuotaProblems(id, value).length) continue;
        declarations.push({ quota, value: value as number, from: `${stack.stackName} (${parameter})`, ...place });
      }
    }
  }
  return { declarations, problems };
}
