import * as fs from 'fs';
import * as path from 'path';
import type { Problem } from '../governance/errors';
import { contractRevision } from './contract-revision';
import { CONTRACT_FLOORS, ENVIRONMENT_CONTRACT, retentionFloor, type EnvironmentContract } from './contract-schema';

/**
 * The pinned copy of an environment contract: a JSON file in a product repository, written by
 * `cdktf-ai-governance contract export` from the platform's published contract and committed.
 * Synth reads it (the contract's values become literals in the product stack, so the rules can
 * verify them); plan re-checks the live contract against it (see contract-postconditions.ts).
 *
 * The file is the published contract itself, keys sorted as Terraform's jsonencode sorts them,
 * two-space indented: a re-export shows as a readable diff in review.
 */

/** Where a product repository keeps its pinned contracts, relative to the app's working directory. */
export const CONTRACTS_DIRECTORY = 'contracts';

/** `contracts/<env>.json`: the default pinned copy of an environment's contract. */
export function defaultContractFile(envName: string): string {
  return path.join(CONTRACTS_DIRECTORY, `${envName}.json`);
}

/** The command that pins an environment's contract (for fixes in error messages). */
export function exportCommand(envName: string, file = defaultContractFile(envName)): string {
  return (
    `aws ssm get-parameter --name /governance/${envName}/contract --query Parameter.Value --output text ` +
    `| npx cdktf-ai-governance contract export --env ${envName} -o ${file}`
  );
}

const REEXPORT = 'export it again from the live contract instead of editing it';

/**
 * A contract read and checked: `contract` (typed, unknown fields dropped) and `raw` (as published,
 * every field: what a pinned file holds) when there is no problem.
 */
export interface ContractReading {
  readonly contract?: EnvironmentContract;
  readonly raw?: Record<string, unknown>;
  readonly problems: readonly Problem[];
}

/**
 * Reads a contract from text: the raw SSM parameter value, a pinned file, `terraform output -raw
 * contract`, `terraform output -json contract` (a JSON string) or `terraform output -json` (every
 * output). Validates every field, the revision against the content, the floors (log retention,
 * rotation) and, when given, the environment name. `source` names the input in problems.
 */
export function parseContract(text: string, source: string, expectedEnv?: string): ContractReading {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const head = text.trim().slice(0, 60);
    return {
      problems: [{ prop: source, value: head || '(empty)', allowed: `the contract as JSON (${(e as Error).message})`, fix: 'pass the parameter value itself: aws ssm get-parameter ... --query Parameter.Value --output text, or terraform output -json contract' }],
    };
  }
  // terraform output -json contract: the JSON text as a JSON string.
  if (typeof value === 'string') return parseContract(value, source, expectedEnv);
  // terraform output -json: every output, each { value, type, sensitive }.
  const outputs = value as { contract?: { value?: unknown } } | null;
  if (outputs && typeof outputs === 'object' && !Array.isArray(outputs) && outputs.contract && typeof outputs.contract === 'object' && 'value' in outputs.contract) {
    const inner = outputs.contract.value;
    return typeof inner === 'string' ? parseContract(inner, `${source} (output "contract")`, expectedEnv) : checkContract(inner, `${source} (output "contract")`, expectedEnv);
  }
  return checkContract(value, source, expectedEnv);
}

/** Validates a parsed contract (see {@link parseContract}). */
export function checkContract(value: unknown, source: string, expectedEnv?: string): ContractReading {
  const parsed = ENVIRONMENT_CONTRACT.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue): Problem => {
      const at = issue.path.map(String).join('.');
      const given = issue.path.reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined), value);
      return {
        prop: at ? `${source}: ${at}` : source,
        value: given,
        allowed: at ? issue.message : 'an environment contract object (the value of /governance/<env>/contract)',
        fix:
          given === undefined
            ? 'the platform stack publishes this field from cdktf-ai-governance of this version on: upgrade the platform repository, apply it, then export the contract again'
            : `the contract must come from a platform stack's published parameter: ${REEXPORT}`,
      };
    });
    return { problems };
  }
  const contract = parsed.data;
  const problems: Problem[] = [];
  const computed = contractRevision(value as Record<string, unknown>);
  if (computed !== contract.revision) {
    problems.push({ prop: `${source}: revision`, value: contract.revision, allowed: `the SHA-256 of the contract's own content, ${computed}`, fix: `the contract was changed after the platform published it: ${REEXPORT}` });
  }
  if (expectedEnv !== undefined && contract.name !== expectedEnv) {
    problems.push({ prop: `${source}: name`, value: contract.name, allowed: `the contract of environment "${expectedEnv}"`, fix: `pin ${expectedEnv}'s contract (/governance/${expectedEnv}/contract), or target environment "${contract.name}"` });
  }
  problems.push(...floorProblems(contract, source));
  return problems.length ? { problems } : { contract, raw: value as Record<string, unknown>, problems };
}

/** The floors every contract must respect (the same the live contract is held to at plan). */
export function floorProblems(contract: Pick<EnvironmentContract, 'name' | 'production' | 'logRetentionDays' | 'secretRotationDays' | 'accountability'>, source: string): Problem[] {
  const problems: Problem[] = [];
  const floor = retentionFloor(contract.production);
  const ask = `ask the platform team (${contract.accountability.approver}) to`;
  if (contract.logRetentionDays < floor) {
    problems.push({ prop: `${source}: logRetentionDays`, value: contract.logRetentionDays, allowed: `at least ${floor} days in ${contract.production ? 'a production environment' : contract.name}`, fix: `${ask} set logRetentionDays to ${floor} or more on the platform stack and apply it, then export the contract again` });
  }
  if (contract.secretRotationDays > CONTRACT_FLOORS.maxRotationDays) {
    problems.push({ prop: `${source}: secretRotationDays`, value: contract.secretRotationDays, allowed: `at most ${CONTRACT_FLOORS.maxRotationDays} days`, fix: `${ask} rotate secrets at least every ${CONTRACT_FLOORS.maxRotationDays} days, then export the contract again` });
  }
  return problems;
}

/** Reads a pinned contract file; problems name the file (as given) and each field. */
export function readContractFile(file: string, expectedEnv: string): ContractReading {
  const absolute = path.resolve(file);
  if (!fs.existsSync(absolute)) {
    return {
      problems: [{ prop: 'contract.file', value: file, allowed: `a pinned contract file (${absolute} does not exist)`, fix: `pin the contract: ${exportCommand(expectedEnv, file)}, and commit the file` }],
    };
  }
  return parseContract(fs.readFileSync(absolute, 'utf8'), file, expectedEnv);
}

/** The pinned file's text: the published contract (every field), keys sorted at every level, two-space indent, final newline. */
export function formatContract(contract: Record<string, unknown>): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  return `${JSON.stringify(sorted(contract), null, 2)}\n`;
}
