/**
 * Principals the examples do not create but the threat model is about: a neighbour application in
 * the environment's VPC (its SDK resolves to the environment's endpoints), a team administrator
 * with broad IAM policies, the platform's deployer role, and statements a team adds to a governed
 * role. They are evaluated against the applied policies like any applied role; their own policies
 * are written here, plainly, so a reader sees what each attack starts from.
 */
import type { NamedPolicy, PolicyDoc, RoleView, Statement } from './policy-world';

export const doc = (...Statement: Statement[]): PolicyDoc => ({ Version: '2012-10-17', Statement });

/** A statement a team adds to a role's own policies: the attack a permission boundary or resource policy must stop. */
export function teamAdded(name: string, ...statements: Statement[]): NamedPolicy {
  return { name: `team-added ${name}`, policy: doc(...statements) };
}

function hypotheticalRole(account: string, name: string, policies: NamedPolicy[]): RoleView {
  return {
    address: `hypothetical ${name}`,
    arn: `arn:aws:iam::${account}:role/${name}`,
    name,
    path: '/',
    tags: {},
    identityPolicies: policies,
  };
}

/** What the neighbour application owns: a role it assumes, a log group, a secret. */
export function neighbourResources(account: string, region: string): { role: string; roleTrust: PolicyDoc; logStream: string; secret: string } {
  return {
    role: `arn:aws:iam::${account}:role/neighbour-app-batch`,
    roleTrust: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:role/neighbour-app` }, Action: 'sts:AssumeRole' }),
    logStream: `arn:aws:logs:${region}:${account}:log-group:/neighbour/app:log-stream:web-1`,
    secret: `arn:aws:secretsmanager:${region}:${account}:secret:neighbour/app/db-password-AbC123`,
  };
}

/**
 * Another team's application in the same VPC, not governed: its IAM policy lets it assume its
 * batch role, write its logs and read its database password. The environment's endpoints must
 * not change what it can do (issue 16 item 6); it also tries the gateway with a broad grant.
 */
export function neighbourRole(account: string, region: string): RoleView {
  const own = neighbourResources(account, region);
  return hypotheticalRole(account, 'neighbour-app', [
    {
      name: 'neighbour-app',
      policy: doc(
        { Sid: 'AssumeOwnBatchRole', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: own.role },
        { Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: `arn:aws:logs:${region}:${account}:log-group:/neighbour/app:*` },
        { Sid: 'ReadOwnSecret', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: `arn:aws:secretsmanager:${region}:${account}:secret:neighbour/app/*` },
        // Broad, as such policies often are: the gateway's resource policy must still refuse it.
        { Sid: 'InvokeAnyApi', Effect: 'Allow', Action: 'execute-api:Invoke', Resource: '*' },
      ),
    },
  ]);
}

/** A team administrator of the account, not governed and without a boundary: `secretsmanager:*`, `kms:*`, `execute-api:*`. */
export function teamAdmin(account: string): RoleView {
  return hypotheticalRole(account, 'team-admin', [
    {
      name: 'team-admin (broad)',
      policy: doc({ Sid: 'Broad', Effect: 'Allow', Action: ['secretsmanager:*', 'kms:*', 'execute-api:*', 'logs:*', 's3:*'], Resource: '*' }),
    },
  ]);
}

/** The platform's deployer (a declared `deployerRoleArns` entry) with an administrator's IAM policy. */
export function deployer(arn: string): RoleView {
  const name = arn.split('/').pop()!;
  return { ...hypotheticalRole(arn.split(':')[4], name, [{ name: `${name} (administrator)`, policy: doc({ Sid: 'Administrator', Effect: 'Allow', Action: '*', Resource: '*' }) }]), arn };
}
