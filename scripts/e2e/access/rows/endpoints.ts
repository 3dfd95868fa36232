/**
 * The environment's interface endpoints are shared with the VPC's other tenants (issue 16 item 6):
 * private DNS sends every SDK in the VPC through them, so a neighbour that is not governed must
 * keep doing what its own IAM policy allows (assume its role, write its logs, read its secret),
 * while a governed role is clamped to its environment's resources: it cannot read another
 * environment's secret or assume a role through them, even with a team-added statement.
 */
import type { AccessRequest } from '../evaluate';
import { environmentsOf, isRevoked, rolesOfKind, workloadOf } from '../identities';
import type { PolicyWorld } from '../policy-world';
import { neighbourResources, neighbourRole, teamAdded } from '../principals';

export function endpointRequests(world: PolicyWorld, account: string, region: string): AccessRequest[] {
  const requests: AccessRequest[] = [];
  const envs = environmentsOf(world);
  const neighbour = neighbourRole(account, region);
  const own = neighbourResources(account, region);
  for (const env of envs) {
    const sts = world.endpointFor('sts', env);
    const logs = world.endpointFor('logs', env);
    const secrets = world.endpointFor('secretsmanager', env);
    if (sts) requests.push({ matrix: `issue 16 item 6: a neighbour assumes its own role through ${env}'s STS endpoint`, principal: neighbour, action: 'sts:AssumeRole', resource: own.role, resourcePolicy: own.roleTrust, viaEndpoint: sts, expected: 'Allowed' });
    if (logs) requests.push({ matrix: `issue 16 item 6: a neighbour writes its own logs through ${env}'s Logs endpoint`, principal: neighbour, action: 'logs:PutLogEvents', resource: own.logStream, viaEndpoint: logs, expected: 'Allowed' });
    if (secrets) requests.push({ matrix: `issue 16 item 6: a neighbour reads its own secret through ${env}'s Secrets Manager endpoint`, principal: neighbour, action: 'secretsmanager:GetSecretValue', resource: own.secret, viaEndpoint: secrets, expected: 'Allowed' });

    const other = envs.find((e) => e !== env) ?? `not-${env}`;
    for (const role of rolesOfKind(world, 'workload', env).filter((r) => !isRevoked(r))) {
      if (secrets) {
        requests.push({
          matrix: `issue 16 item 6: a governed role reads ${other}'s secret through ${env}'s Secrets Manager endpoint (team-added secretsmanager:GetSecretValue *)`,
          principal: role,
          action: 'secretsmanager:GetSecretValue',
          resource: `arn:aws:secretsmanager:${region}:${account}:secret:governed/${other}/${workloadOf(role)}/service-token-AbC123`,
          viaEndpoint: secrets,
          teamAdded: [teamAdded('secretsmanager:GetSecretValue *', { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' })],
          expected: 'Denied',
        });
      }
      if (sts) {
        requests.push({
          matrix: `issue 16 item 6: a governed role assumes a role through ${env}'s STS endpoint (team-added sts:AssumeRole *, the role trusts the account)`,
          principal: role,
          action: 'sts:AssumeRole',
          resource: own.role,
          resourcePolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }] },
          viaEndpoint: sts,
          teamAdded: [teamAdded('sts:AssumeRole *', { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' })],
          expected: 'Denied',
        });
      }
    }
  }
  return requests;
}
