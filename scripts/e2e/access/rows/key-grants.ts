/**
 * Grants on the environment key (issue 12 item 3): a grant is a way to use the key, so the key
 * policy lets only AWS services make them, for AWS resources (`kms:GrantIsForAWSResource`), and
 * only when a governed, platform or deployer role asked. A principal with a broad IAM policy
 * (`kms:*`) cannot grant itself the key; the deployer can only through a service; a workload with a
 * team-added `kms:*` cannot at all (its boundary).
 */
import type { AccessRequest } from '../evaluate';
import { DECLARED_DEPLOYERS } from '../expected-grants';
import { environmentsOf, isRevoked, rolesOfKind } from '../identities';
import type { PolicyWorld, RoleView } from '../policy-world';
import { deployer, teamAdded, teamAdmin } from '../principals';

export function keyGrantRequests(world: PolicyWorld, account: string): AccessRequest[] {
  const requests: AccessRequest[] = [];
  for (const env of environmentsOf(world)) {
    const key = world.environmentKey(env);
    if (!key) continue;
    const workload = rolesOfKind(world, 'workload', env).find((r) => !isRevoked(r));
    const principals: Array<{ who: string; role: RoleView; forAwsResource: 'Allowed' | 'Denied'; teamAdds: boolean }> = [
      { who: 'a team administrator (kms:*)', role: teamAdmin(account), forAwsResource: 'Denied', teamAdds: false },
      ...DECLARED_DEPLOYERS.map((arn) => ({ who: 'the deployer (administrator policy)', role: deployer(arn), forAwsResource: 'Allowed' as const, teamAdds: false })),
      ...(workload ? [{ who: 'a workload identity with team-added kms:*', role: workload, forAwsResource: 'Denied' as const, teamAdds: true }] : []),
    ];
    for (const p of principals) {
      for (const forAws of [true, false]) {
        requests.push({
          matrix: `issue 12 item 3: ${p.who} creates a grant on ${env}'s key ${forAws ? 'for an AWS resource' : 'for itself'}`,
          principal: p.role,
          action: 'kms:CreateGrant',
          resource: key.arn,
          context: { 'kms:GrantIsForAWSResource': forAws ? 'true' : 'false' },
          teamAdded: p.teamAdds ? [teamAdded('kms:*', { Effect: 'Allow', Action: 'kms:*', Resource: '*' })] : undefined,
          expected: forAws ? p.forAwsResource : 'Denied',
        });
      }
    }
  }
  return requests;
}
