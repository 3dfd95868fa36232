/**
 * Governed secrets (issue 12 item 3, SECURITY.md "Identities"):
 *  - a workload identity reads its own secrets and no other workload's (through the environment's
 *    Secrets Manager endpoint); an integration identity reads none; the rotation role reads all;
 *  - nothing but the rotation role writes a value or moves a stage: not the owner, not another
 *    workload, not the gateway function, even with a team-added `secretsmanager:*`, and not an
 *    administrator of the account (the secret's own policy denies).
 */
import type { AccessRequest } from '../evaluate';
import { DECLARED_DEPLOYERS } from '../expected-grants';
import { environmentsOf, gatewayFunctionRole, isRevoked, kindOf, rolesOfKind, rotationRole, workloadOf } from '../identities';
import type { PolicyWorld, RoleView, SecretView } from '../policy-world';
import { deployer, teamAdded, teamAdmin } from '../principals';
import { TAG_KEYS } from '../../../../constructs/governance/tags';

const VALUE_WRITES = ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'] as const;
const regionOf = (arn: string) => arn.split(':')[3];
const secretsManagerAll = () => teamAdded('secretsmanager:*', { Effect: 'Allow', Action: 'secretsmanager:*', Resource: '*' });

function decryptRow(matrix: string, role: RoleView, secret: SecretView): AccessRequest[] {
  if (!secret.kmsKeyArn) return [];
  return [
    {
      matrix: `${matrix} (decrypt through Secrets Manager)`,
      principal: role,
      action: 'kms:Decrypt',
      resource: secret.kmsKeyArn,
      context: { 'kms:ViaService': `secretsmanager.${regionOf(secret.arn)}.amazonaws.com` },
      expected: 'Allowed',
    },
  ];
}

export function secretRequests(world: PolicyWorld, account: string): AccessRequest[] {
  const requests: AccessRequest[] = [];
  for (const env of environmentsOf(world)) {
    const secrets = world.secrets.filter((s) => s.tags[TAG_KEYS.environment] === env && s.tags[TAG_KEYS.workload] !== undefined);
    if (secrets.length === 0) continue;
    const endpoint = world.endpointFor('secretsmanager', env);
    const workloads = rolesOfKind(world, 'workload', env).filter((r) => !isRevoked(r));
    const rotation = rotationRole(world, env);
    const gateway = gatewayFunctionRole(world, env);
    for (const secret of secrets) {
      const owner = secret.tags[TAG_KEYS.workload];
      // Reads.
      for (const role of workloads) {
        const mine = workloadOf(role) === owner;
        const matrix = mine ? 'workload reads its own secret' : "workload reads another workload's secret";
        requests.push({ matrix, principal: role, action: 'secretsmanager:GetSecretValue', resource: secret.arn, viaEndpoint: endpoint, expected: mine ? 'Allowed' : 'Denied' });
        if (mine) requests.push(...decryptRow(matrix, role, secret));
      }
      for (const role of rolesOfKind(world, 'integration', env).filter((r) => !isRevoked(r))) {
        requests.push({ matrix: 'integration identity reads a governed secret', principal: role, action: 'secretsmanager:GetSecretValue', resource: secret.arn, expected: 'Denied' });
      }
      if (rotation) requests.push({ matrix: 'rotation role reads a governed secret of its environment', principal: rotation, action: 'secretsmanager:GetSecretValue', resource: secret.arn, expected: 'Allowed' });

      // Value writes: the rotation role only.
      for (const action of VALUE_WRITES) {
        if (rotation) requests.push({ matrix: `issue 12 item 3: the rotation role writes a governed secret (${action})`, principal: rotation, action, resource: secret.arn, expected: 'Allowed' });
        const writers: Array<{ who: string; role: RoleView; broad: boolean }> = [
          ...workloads.map((role) => ({ who: workloadOf(role) === owner ? 'its owner' : 'another workload', role, broad: true })),
          ...(gateway ? [{ who: 'the gateway function role', role: gateway, broad: true }] : []),
          { who: 'a team administrator (secretsmanager:*)', role: teamAdmin(account), broad: false },
          ...DECLARED_DEPLOYERS.map((arn) => ({ who: 'the deployer (administrator policy)', role: deployer(arn), broad: false })),
        ];
        for (const w of writers) {
          requests.push({
            matrix: `issue 12 item 3: ${w.who}${w.broad ? ' with team-added secretsmanager:*' : ''} writes a governed secret (${action})`,
            principal: w.role,
            action,
            resource: secret.arn,
            // Workload identities call from the VPC, through the environment's endpoint.
            viaEndpoint: kindOf(w.role) === 'workload' ? endpoint : undefined,
            teamAdded: w.broad ? [secretsManagerAll()] : undefined,
            expected: 'Denied',
          });
        }
      }
    }
  }
  return requests;
}

