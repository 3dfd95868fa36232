import { ProblemCollector } from '../../constructs/governance/errors';
import { teamPolicies, type DeploymentFacts } from '../../constructs/platform/deployment-role-policy';
import { checkDeploymentTeams, claimsOutsideTeams, type DeploymentTeam } from '../../constructs/platform/deployment-teams';

const github = { kind: 'github-actions' as const, repository: 'example-org/sre-agents', environment: 'dev' };
const sre: DeploymentTeam = { team: 'sre', ci: github, workloads: ['incident-triage'] };
const facts: DeploymentFacts = {
  envName: 'dev', region: 'eu-west-1', accountId: '123456789012', iamNamePrefix: 'dev-euw1-', rolePath: '/governed/dev/', integrationRolePath: '/governed/dev/integration/',
  permissionBoundaryArn: 'arn:aws:iam::123456789012:policy/governed/dev/dev-euw1-workload-boundary',
  integrationBoundaryArn: 'arn:aws:iam::123456789012:policy/governed/dev/integration/dev-euw1-integration-boundary',
  kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/k', contractParameterArn: 'arn:aws:ssm:eu-west-1:123456789012:parameter/governance/dev/contract',
  rotationFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:rotation', policyStoreArn: 'arn:aws:verifiedpermissions::123456789012:policy-store/s',
  auditArchiveBucket: 'archive', vpcId: 'vpc-0abc1234',
};

function problemsOf(teams: unknown): string {
  const problems = new ProblemCollector('platform-dev/environment/deployment-roles');
  checkDeploymentTeams(problems, 'deploymentTeams', teams as DeploymentTeam[], 'dev-euw1-');
  try {
    problems.throwIfAny();
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}

describe('deployment team entries', () => {
  test('a valid entry has no problem', () => expect(problemsOf([sre])).toBe(''));
  test('fails when the CI identity form is unknown', () => {
    expect(problemsOf([{ ...sre, ci: { kind: 'jenkins', url: 'https://ci.example.com' } }])).toMatch(/deploymentTeams\[0\]\.ci\.kind: got "jenkins"; allowed: one of "github-actions", "gitlab", "role"/);
  });
  test('fails when a team is listed twice', () => {
    expect(problemsOf([sre, { ...sre, workloads: ['triage-prototype'] }])).toMatch(/deploymentTeams\[1\]\.team: got "sre"; allowed: one entry per team \(it is already deploymentTeams\[0\]\)/);
  });
  test('fails when the team slug is not a valid slug', () => {
    expect(problemsOf([{ ...sre, team: 'SRE Team' }])).toMatch(/deploymentTeams\[0\]\.team: got "SRE Team"; allowed: a lowercase slug/);
  });
  test('fails when a GitHub identity is pinned to neither an environment nor a ref', () => {
    expect(problemsOf([{ ...sre, ci: { kind: 'github-actions', repository: 'example-org/sre-agents' } }])).toMatch(/a GitHub environment or a Git ref to pin the role to/);
  });
  test('fails when two teams own the same workload name', () => {
    expect(problemsOf([sre, { team: 'risk-ml', ci: github, workloads: ['incident-triage'] }])).toMatch(/names no other team owns/);
  });
  test('fails when a workload of the app is owned by a team without an entry', () => {
    expect(claimsOutsideTeams('dev', [sre], [{ environment: 'dev', workload: 'support-chat', team: 'customer-support', kind: 'GovernedInferenceService', path: 'product-dev/support-chat' }])[0]).toMatch(
      /workload "support-chat" is owned by team "customer-support", which has no deployment team entry/,
    );
  });
});

describe('deployment role policies', () => {
  const p = teamPolicies(sre, facts);
  const statement = (sid: string) => Object.values(p).flat().find((s) => s.Sid === sid)!;
  test('roles are created only with the environment boundary of their path', () => {
    expect(statement('CreateOwnWorkloadRolesWithWorkloadBoundary').Condition?.StringEquals?.['iam:PermissionsBoundary']).toBe(facts.permissionBoundaryArn);
    expect(statement('CreateOwnIntegrationRolesWithIntegrationBoundary').Condition?.StringEquals?.['iam:PermissionsBoundary']).toBe(facts.integrationBoundaryArn);
  });
  test('roles are created only under the team\'s own names', () => {
    expect(statement('CreateOwnWorkloadRolesWithWorkloadBoundary').Resource).toEqual([
      'arn:aws:iam::123456789012:role/governed/dev/dev-euw1-incident-triage',
      'arn:aws:iam::123456789012:role/governed/dev/dev-euw1-incident-triage-bedrock',
    ]);
  });
  test('creation needs the governance tags with the team as owner', () => {
    const c = statement('CreateOwnResourcesTagged').Condition!;
    expect(c.StringEquals).toEqual({ 'aws:RequestTag/governance:owner': 'sre', 'aws:RequestTag/governance:environment': 'dev' });
    expect(c.Null).toEqual({ 'aws:RequestTag/governance:workload': 'false' });
  });
  test('changes need the team\'s own tag on the resource', () => {
    expect(statement('ManageOwnResources').Condition?.StringEquals).toEqual({ 'aws:ResourceTag/governance:owner': 'sre' });
  });
  test('secrets are created only with the environment key', () => {
    expect(statement('CreateOwnSecretsTaggedWithTheEnvironmentKey').Condition?.StringEquals?.['secretsmanager:KmsKeyArn']).toBe(facts.kmsKeyArn);
  });
  test('roles are passed only to the runtimes that need them', () => {
    expect(statement('PassOwnRolesToTheirRuntimes').Condition?.StringEquals?.['iam:PassedToService']).toEqual(['sagemaker.amazonaws.com', 'pods.eks.amazonaws.com', 'bedrock.amazonaws.com']);
  });
});
