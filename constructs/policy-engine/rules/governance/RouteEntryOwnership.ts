import { CONTROLS } from '../../frameworks';
import { cannotVerify, compliant, nonCompliant, notApplicable } from '../../rule-engine';
import { defineRule } from '../../rule-helpers';
import { boolValue, isUnresolvedValue } from '../../terraform-json';

/** Route entries: `/governance/<env>/routes/<workload>` and `/governance/<env>/agents/<agent>` (constructs/governance/gateway-routes.ts). */
const ROUTE_ENTRY = /^\/governance\/[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\/(routes|agents)\/./;

/** A name built from the environment contract's route or agent prefix (a product stack reading the contract live). */
const PREFIX_REFERENCE = /\b(routeParameterPrefix|agentParameterPrefix)\b/;

/** 'yes', 'no', or 'unknown' when the name is an expression that may or may not name a route entry. */
function isRouteEntryName(name: unknown): 'yes' | 'no' | 'unknown' {
  if (typeof name !== 'string') return 'no';
  if (ROUTE_ENTRY.test(name)) return 'yes';
  if (isUnresolvedValue(name)) return PREFIX_REFERENCE.test(name) ? 'yes' : 'unknown';
  return 'no';
}

/**
 * A stack owns the route entries it creates and no others. A route entry carries the workload's
 * consent list (`callers`), its model or endpoint and its revocation, and the gateway function
 * trusts it: with `overwrite = true` a stack that names another team's entry replaces it silently
 * (SSM PutParameter with Overwrite), and an `import` block adopts an existing entry into the stack,
 * which then rewrites or destroys it. Without either, creating a parameter that exists fails
 * (ParameterAlreadyExists), which is the ownership check AWS gives us.
 * Source: https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/ssm_parameter#overwrite,
 * https://developer.hashicorp.com/terraform/language/import
 */
export const RouteEntryOwnership = defineRule({
  id: 'RouteEntryOwnership',
  summary: 'Route entries (SSM parameters under /governance/<env>/routes/ or /governance/<env>/agents/) are created, never taken over: no overwrite = true and no import block.',
  explanation:
    "The gateway function acts on a route entry: its callers list is the callee's consent, its revoked flag the revocation. " +
    "overwrite = true replaces another team's entry without an error, and an import block adopts it; either way a stack " +
    'can add itself as a caller, point the route at its own model or lift a revocation.',
  fix: 'Remove overwrite (the argument is deprecated; a new parameter needs none) and the import block. A route entry is written only by its own workload (GovernedInferenceService, GovernedAgent); to be granted a route, ask its owner for grantInvoke.',
  level: 'error',
  frameworks: [CONTROLS.asiIdentityPrivilege, CONTROLS.asiRogueAgents, CONTROLS.csfRolesAuthorities, CONTROLS.csfLeastPrivilege, CONTROLS.maestroEcosystem],
  types: ['aws_ssm_parameter'],
  evaluate(resource, { stack }) {
    const name = resource.values.name;
    const imported = stack.imports.filter((i) => i.to === resource.address || i.to === resource.baseAddress);
    let entry = isRouteEntryName(name);
    for (const i of imported) if (isRouteEntryName(i.id) === 'yes') entry = 'yes';
    if (entry === 'no') return notApplicable;

    const problems: string[] = [];
    const unknown: string[] = [];
    const shown = typeof name === 'string' ? name : JSON.stringify(name);
    const overwrite = boolValue(resource.values.overwrite);
    if (overwrite === true) problems.push(`overwrite = true on route entry ${shown}: the stack silently replaces an existing entry, its callers (the callee's consent) and its revocation`);
    else if (overwrite === 'unresolved') unknown.push(`overwrite is an expression on route entry ${shown}`);
    for (const i of imported) {
      const id = typeof i.id === 'string' ? i.id : JSON.stringify(i.id);
      problems.push(`an import block adopts the existing parameter ${id} as route entry ${shown}: the stack takes over another workload's entry`);
    }
    if (entry === 'unknown') {
      // The name is an expression: only a problem if it turns out to be a route entry.
      return problems.length || unknown.length ? cannotVerify(`name is an expression; ${[...problems, ...unknown].join('; ')} if it names a route entry`) : notApplicable;
    }
    if (problems.length) return nonCompliant(problems.join('; '));
    if (unknown.length) return cannotVerify(unknown.join('; '));
    return compliant;
  },
});
