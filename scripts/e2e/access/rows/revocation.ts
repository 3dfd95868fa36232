/**
 * Revocation (SECURITY.md "Revocation: the guarantee and its limits"): every role of a revoked
 * workload (its workload identity, its integration identity) is denied everything it was ever
 * granted, with every condition of the grant met (through the right endpoint, with the guardrail,
 * through the right service), in a session issued now and in one issued before the revocation.
 * The requests come from the revoked roles' own Allow statements, so a grant that survives a
 * revocation is tried.
 */
import type { AccessRequest } from '../evaluate';
import { environmentOf, isRevoked, revokedAt } from '../identities';
import { asList, statementsOf, type PolicyWorld, type RoleView, type Statement } from '../policy-world';

const DAY_MS = 86_400_000;

/** Context values that meet an Allow statement's equality conditions: the grant as it was meant to be used. */
function contextMeeting(statement: Statement): Record<string, string> {
  const ctx: Record<string, string> = {};
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    if (!/^(StringEquals|StringLike|ArnEquals|ArnLike)$/.test(operator)) continue;
    for (const [key, value] of Object.entries(keys)) {
      const first = Array.isArray(value) ? value[0] : value;
      if (typeof first === 'string' && key !== 'aws:SourceVpce') ctx[key] = first.replace(/\*/g, 'e2e');
    }
  }
  return ctx;
}

/** The revoked roles of the applied stacks: workload and integration identities tagged as revoked. */
export function revokedRoles(world: PolicyWorld): RoleView[] {
  return world.roles.filter((r) => isRevoked(r) && environmentOf(r) !== undefined);
}

export function revocationRequests(world: PolicyWorld): AccessRequest[] {
  const requests: AccessRequest[] = [];
  for (const role of revokedRoles(world)) {
    const at = revokedAt(role);
    const before = at && !Number.isNaN(Date.parse(at)) ? new Date(Date.parse(at) - DAY_MS).toISOString() : undefined;
    const env = environmentOf(role)!;
    for (const p of role.identityPolicies) {
      for (const s of statementsOf(p.policy)) {
        if (s.Effect !== 'Allow') continue;
        for (const action of asList(s.Action)) {
          if (action.includes('*')) continue;
          for (const resource of asList(s.Resource)) {
            if (resource === '*' || !resource.startsWith('arn:')) continue;
            const concrete = resource.replace(/\*/g, 'e2e');
            const service = action.split(':')[0];
            const endpointService = { 'execute-api': 'execute-api', secretsmanager: 'secretsmanager', logs: 'logs', bedrock: 'bedrock-runtime', sagemaker: 'sagemaker.runtime' }[service];
            const viaEndpoint = endpointService ? world.endpointFor(endpointService, env) : undefined;
            const base = { principal: role, action, resource: concrete, viaEndpoint, context: contextMeeting(s), expected: 'Denied' as const };
            requests.push({ ...base, matrix: `revoked: ${role.name} uses its grant ${p.name} (session issued now)` });
            if (before) requests.push({ ...base, sessionIssuedAt: before, matrix: `revoked: ${role.name} uses its grant ${p.name} (session issued before ${at})` });
          }
        }
      }
    }
  }
  return requests;
}
