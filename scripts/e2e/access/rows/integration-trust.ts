/**
 * Who may act as an integration identity (SECURITY.md "Identities"): only the environment's
 * gateway function role, and only with a source identity (the caller it acts for, recorded in
 * CloudTrail). Not the same role without one, not the rotation role, not another environment's
 * gateway function, not a workload identity with a team-added `sts:AssumeRole *`.
 */
import type { AccessRequest } from '../evaluate';
import { environmentsOf, gatewayFunctionRole, isRevoked, rolesOfKind, rotationRole } from '../identities';
import type { PolicyWorld, RoleView } from '../policy-world';
import { teamAdded } from '../principals';

export function integrationTrustRequests(world: PolicyWorld): AccessRequest[] {
  const requests: AccessRequest[] = [];
  const envs = environmentsOf(world);
  for (const env of envs) {
    const gateway = gatewayFunctionRole(world, env);
    const rotation = rotationRole(world, env);
    const sts = world.endpointFor('sts', env);
    const caller = rolesOfKind(world, 'workload', env).find((r) => !isRevoked(r));
    const sourceIdentity = caller?.arn ?? `arn:aws:iam::123456789012:role/governed/${env}/caller`;
    for (const identity of rolesOfKind(world, 'integration', env)) {
      const assume = (matrix: string, principal: RoleView, withSource: boolean, expected: 'Allowed' | 'Denied', extra: Partial<AccessRequest> = {}): AccessRequest => ({
        matrix,
        principal,
        action: 'sts:AssumeRole',
        resource: identity.arn,
        context: withSource ? { 'sts:SourceIdentity': sourceIdentity } : {},
        expected,
        ...extra,
      });
      if (gateway) {
        requests.push(assume('gateway function role assumes an integration identity with a source identity', gateway, true, 'Allowed'));
        requests.push({ ...assume('gateway function role sets the source identity on an integration identity', gateway, true, 'Allowed'), action: 'sts:SetSourceIdentity' });
        requests.push(assume('gateway function role assumes an integration identity without a source identity', gateway, false, 'Denied'));
      }
      if (rotation) requests.push(assume('the rotation role assumes an integration identity', rotation, true, 'Denied'));
      for (const other of envs.filter((e) => e !== env)) {
        const otherGateway = gatewayFunctionRole(world, other);
        if (otherGateway) requests.push(assume(`${other}'s gateway function role assumes a ${env} integration identity`, otherGateway, true, 'Denied'));
      }
      if (caller) {
        requests.push(
          assume('a workload identity (team-added sts:AssumeRole *) assumes an integration identity', caller, true, 'Denied', {
            viaEndpoint: sts,
            teamAdded: [teamAdded('sts:AssumeRole *', { Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'], Resource: '*' })],
          }),
        );
      }
    }
  }
  return requests;
}
