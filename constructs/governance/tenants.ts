import { Fn, Op } from 'cdktf';
import { isSlug } from './accountability';
import { isUnresolved, type ProblemCollector } from './errors';
import type { PlanCheck } from './plan-checks';

/**
 * Tenants: whose data an environment and its workloads may serve. The platform team names the
 * tenants of an environment; each workload declares the tenants whose data it handles, a subset.
 *
 * What is enforced:
 * - at synth, a workload's tenants are a subset of its environment's (against a contract whose
 *   tenants are Terraform values, by a precondition at plan: {@link tenantPlanCheck});
 * - at request time, an agent's tool call that names a tenant (header `x-governance-tenant`, put
 *   into Cedar's `context.tenant` by the gateway function) is denied unless the agent serves that
 *   tenant (a Cedar `forbid`, cedar-policies.ts).
 * What is only recorded: the tenants travel as the tag `governance:tenants` and Kubernetes labels
 * `tenant.governance.ai/<tenant>: "true"`, into the report and the inventory. Which rows a model
 * or a tool returns is the backend's business: the library cannot see data.
 */

/** A tenant id: a lowercase slug, at most 32 characters (fits a label key name, a header, a Cedar string). */
export const MAX_TENANT_ID_LENGTH = 32;
/** The keyword for "every tenant of the environment"; not a tenant id. */
export const ALL_TENANTS = 'all';
/** AWS tag values are at most 256 characters (https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html). */
export const MAX_TAG_VALUE_LENGTH = 256;
/** Kubernetes label prefix of the per-tenant labels: `tenant.governance.ai/<tenant>: "true"`. */
export const TENANT_LABEL_PREFIX = 'tenant.governance.ai/';

/** A workload's tenants as written in props: a list of the environment's tenants, or `'all'`. */
export type WorkloadTenants = readonly string[] | typeof ALL_TENANTS;

export function isTenantId(value: unknown): value is string {
  return isSlug(value, MAX_TENANT_ID_LENGTH) && value !== ALL_TENANTS;
}

const TENANT_ALLOWED = `a tenant id: a lowercase slug of letters, digits and dashes (at most ${MAX_TENANT_ID_LENGTH}), not "${ALL_TENANTS}"`;

/**
 * Checks the environment's `tenants`: a list of tenant ids, each once. Returns the list (empty
 * when none is given: the environment serves no tenant and its workloads declare none).
 */
export function checkEnvironmentTenants(problems: ProblemCollector, prop: string, tenants: unknown): string[] {
  if (tenants === undefined) return [];
  if (!Array.isArray(tenants)) {
    problems.add(prop, tenants, 'a list of tenant ids', `wrap the tenant in a list, e.g. ["acme"]`);
    return [];
  }
  const seen = new Set<string>();
  tenants.forEach((t, i) => {
    if (!isTenantId(t)) problems.add(`${prop}[${i}]`, t, TENANT_ALLOWED, 'name the tenant like "acme" or "globex-eu"');
    else if (seen.has(t)) problems.add(`${prop}[${i}]`, t, 'each tenant once', `remove ${prop}[${i}]`);
    else seen.add(t);
  });
  return tenants.filter(isTenantId);
}

/** What a workload needs of its environment to check its tenants. */
export interface TenantEnvironment {
  readonly name: string;
  /** Literal list (a GovernedEnvironment), a token list (a contract: checked at plan), or absent (the environment does not publish tenants). */
  readonly tenants?: readonly string[];
}

/**
 * Checks a workload's `tenants` against its environment. When the environment serves tenants the
 * workload must name its own (a subset, or `'all'`); when it serves none the workload names none.
 * Returns the tenants as given (`'all'` kept), or undefined when the workload names none.
 */
export function checkWorkloadTenants(problems: ProblemCollector, prop: string, tenants: unknown, env: TenantEnvironment | undefined): WorkloadTenants | undefined {
  const envTenants = env?.tenants;
  const envKnown = envTenants !== undefined && !isUnresolved(envTenants);
  if (tenants === undefined) {
    if (envKnown && envTenants.length > 0) {
      problems.add(prop, tenants, `the tenants whose data this workload handles: some of ${env!.name}'s tenants ${JSON.stringify(envTenants)}, or '${ALL_TENANTS}'`, `set ${prop}, e.g. ${JSON.stringify(envTenants.slice(0, 1))}`);
    }
    return undefined;
  }
  if (tenants === ALL_TENANTS) {
    if (envKnown && envTenants.length === 0) problems.add(prop, tenants, `no tenants: environment ${env!.name} serves none`, `remove ${prop}, or ask the platform team to name ${env!.name}'s tenants`);
    return ALL_TENANTS;
  }
  if (!Array.isArray(tenants) || tenants.length === 0) {
    problems.add(prop, tenants, `a non-empty list of tenant ids, or '${ALL_TENANTS}'`, `list the tenants whose data the workload handles, e.g. ["acme"]`);
    return undefined;
  }
  const seen = new Set<string>();
  tenants.forEach((t, i) => {
    const at = `${prop}[${i}]`;
    if (!isTenantId(t)) problems.add(at, t, TENANT_ALLOWED, 'use the tenant id the platform team gave the environment');
    else if (seen.has(t)) problems.add(at, t, 'each tenant once', `remove ${at}`);
    else if (envKnown && !envTenants.includes(t)) {
      problems.add(at, t, envTenants.length ? `one of ${env!.name}'s tenants ${JSON.stringify(envTenants)}` : `no tenants: environment ${env!.name} serves none`, `use one of the environment's tenants, or ask the platform team to add "${t}" to ${env!.name}'s tenants`);
    }
    seen.add(t as string);
  });
  const value = tenantsTagValue(tenants as string[]);
  problems.check(value.length <= MAX_TAG_VALUE_LENGTH, prop, tenants, `tenants whose names fit one AWS tag value (${MAX_TAG_VALUE_LENGTH} characters; these take ${value.length})`, `use '${ALL_TENANTS}' when the workload serves every tenant of the environment, or split it per group of tenants`);
  return [...tenants] as string[];
}

/** The `governance:tenants` tag value: tenant ids sorted and separated by spaces, or `all`. */
export function tenantsTagValue(tenants: WorkloadTenants): string {
  return tenants === ALL_TENANTS ? ALL_TENANTS : [...tenants].sort().join(' ');
}

/** Reads a `governance:tenants` tag value back (inventory, report). */
export function parseTenantsTag(value: unknown): string[] {
  return typeof value === 'string' ? value.split(/\s+/).filter((t) => t !== '') : [];
}

/** One Kubernetes label per tenant, `tenant.governance.ai/<tenant>: "true"`, so selectors can pick a tenant's workloads. */
export function tenantLabels(tenants: WorkloadTenants | undefined): Record<string, string> {
  if (tenants === undefined || tenants === ALL_TENANTS) return {};
  return Object.fromEntries([...tenants].sort().map((t) => [`${TENANT_LABEL_PREFIX}${t}`, 'true']));
}

/** The tenants an agent may act for, for its Cedar policies: a list, or every tenant of the environment. */
export function servedTenants(tenants: WorkloadTenants | undefined, env: TenantEnvironment): readonly string[] | undefined {
  if (tenants === undefined) return [];
  if (tenants !== ALL_TENANTS) return tenants;
  return env.tenants !== undefined && !isUnresolved(env.tenants) ? env.tenants : undefined;
}

/**
 * The plan-time form of {@link checkWorkloadTenants} for an environment whose tenants only
 * Terraform knows (a contract): undefined when nothing is left to check at plan.
 */
export function tenantPlanCheck(path: string, env: TenantEnvironment, tenants: WorkloadTenants | undefined): PlanCheck | undefined {
  if (env.tenants === undefined || !isUnresolved(env.tenants)) return undefined;
  const envList = env.tenants as string[];
  if (tenants === undefined) {
    return { condition: Op.lt(Fn.lengthOf(envList), 1), errorMessage: `${path}: environment ${env.name} serves tenants; declare the tenants whose data this workload handles (tenants).` };
  }
  if (tenants === ALL_TENANTS) {
    return { condition: Op.gte(Fn.lengthOf(envList), 1), errorMessage: `${path}: environment ${env.name} serves no tenants; remove tenants.` };
  }
  return {
    condition: Op.lt(Fn.lengthOf(Fn.setsubtract([...tenants], envList)), 1),
    errorMessage: `${path}: tenants ${JSON.stringify(tenants)} are not all tenants of environment ${env.name}; use the environment's tenants or ask the platform team to add them.`,
  };
}
