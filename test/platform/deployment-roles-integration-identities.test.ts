import { runSimulation } from '@cloud-copilot/iam-simulate';
import { DEPLOYMENT_ROLES_OUTPUT } from '../../constructs/platform/deployment-roles';
import type { DeploymentTeam } from '../../constructs/platform/deployment-teams';
import { environment, only, resources, synth, testStack, type TfJson } from '../support';

/**
 * The attack (SECURITY.md, the gateway design): integration identities (`/governed/<env>/integration/`)
 * hold model and tool access and are trusted by the gateway function role only. A product team's
 * deployment role creates them for its own workloads; a compromised or careless pipeline must not
 * turn that into acting as one: assuming it (even after rewriting its trust to name itself),
 * passing it to a service, or rewriting the trust of another team's. Decided by an IAM evaluator
 * (iam-simulate) on the synthesized policies of the role: its team policies, the platform fences,
 * and the deployer boundary.
 */
const ACCOUNT = '123456789012';
const SRE: DeploymentTeam = { team: 'sre', ci: { kind: 'github-actions', repository: 'example-org/sre-agents', environment: 'dev' }, workloads: ['incident-triage'] };
const SUPPORT: DeploymentTeam = { team: 'customer-support', ci: { kind: 'role', roleArn: `arn:aws:iam::${ACCOUNT}:role/ci/buildkite-support` }, workloads: ['support-chat'] };
const DEPLOY_ROLE = `arn:aws:iam::${ACCOUNT}:role/governed-deploy/dev/dev-euw1-platform-deploy-sre`;
const WORKLOAD_BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/governed/dev/dev-euw1-workload-boundary`;
const INTEGRATION_BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/governed/dev/integration/dev-euw1-integration-boundary`;
const role = (pathAndName: string) => `arn:aws:iam::${ACCOUNT}:role/governed/dev/${pathAndName}`;
const OWN_INTEGRATION = role('integration/dev-euw1-incident-triage-gw');
const OTHER_INTEGRATION = role('integration/dev-euw1-support-chat-gw');
const OWN_WORKLOAD = role('dev-euw1-incident-triage');
const GATEWAY_ROLE = `arn:aws:iam::${ACCOUNT}:role/governed-platform/dev/dev-euw1-platform-gateway`;

let json: TfJson;
let identity: Array<{ name: string; policy: object }>;
let boundary: object;

// Terraform references the simulator cannot know become the values AWS would give them.
const literal = (s: string): object =>
  JSON.parse(
    s
      .replace(/\$\{aws_iam_policy\.env_boundary_policy_[^}]+\.arn\}/g, WORKLOAD_BOUNDARY)
      .replace(/\$\{aws_iam_policy\.env_integration-boundary_policy_[^}]+\.arn\}/g, INTEGRATION_BOUNDARY)
      .replace(/\$\{aws_kms_key\.[^}]+\.arn\}/g, `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1111aaaa-0000-4000-8000-000000000001`)
      .replace(/\$\{[^}]+\}/g, 'resolved-at-apply'),
  );

beforeAll(() => {
  const stack = testStack();
  environment(stack, { accountId: ACCOUNT, deploymentTeams: [SRE, SUPPORT] });
  json = synth(stack);
  const teamPolicies = resources(json, 'aws_iam_policy').filter(([n]) => /deployment-roles_sre_/.test(n) || /deployment-roles_fences_/.test(n));
  identity = teamPolicies.map(([n, r]) => ({ name: n, policy: literal(r.policy) }));
  boundary = literal(only(json, 'aws_iam_policy', 'deployment-roles_boundary_').policy);
});

interface Attempt {
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
  /** The resource's own policy: for sts:AssumeRole, the role's trust policy. */
  resourcePolicy?: object;
}

async function decide(a: Attempt): Promise<string> {
  const result = await runSimulation(
    {
      request: {
        principal: `arn:aws:sts::${ACCOUNT}:assumed-role/dev-euw1-platform-deploy-sre/ci`,
        action: a.action,
        resource: { resource: a.resource, accountId: ACCOUNT },
        contextVariables: { 'aws:PrincipalArn': DEPLOY_ROLE, 'aws:PrincipalAccount': ACCOUNT, 'aws:RequestedRegion': 'eu-west-1', ...a.context },
      },
      identityPolicies: identity,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      permissionBoundaryPolicies: [{ name: 'deployer-boundary', policy: boundary }],
      resourcePolicy: a.resourcePolicy,
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
  return result.overallResult;
}

/** A trust policy the team rewrote to name its own deployment role. */
const TRUSTS_DEPLOY_ROLE = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: DEPLOY_ROLE }, Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'] }] };
const ownedBy = (team: string) => ({ 'aws:ResourceTag/governance:owner': team });

describe("a team's deployment role and integration identities, evaluated", () => {
  test('the platform stack hands over each team its role (output deployment-roles)', () => {
    expect(Object.keys(json.output?.[DEPLOYMENT_ROLES_OUTPUT]?.value ?? {}).sort()).toEqual(['customer-support', 'sre']);
  });
  test('the policies under test are the team\'s four, the fences and the boundary', () => {
    expect(identity.map((p) => p.name.replace(/_[0-9A-F]{8}$/, '')).sort()).toEqual(
      ['env_deployment-roles_fences', 'env_deployment-roles_sre_creation', 'env_deployment-roles_sre_identities', 'env_deployment-roles_sre_lifecycle', 'env_deployment-roles_sre_operations'],
    );
  });
  // Positive controls: what the team's apply needs.
  test('allowed: rewriting the trust of its own integration identity, which carries the integration boundary and its tag', async () => {
    expect(await decide({ action: 'iam:UpdateAssumeRolePolicy', resource: OWN_INTEGRATION, context: { 'iam:PermissionsBoundary': INTEGRATION_BOUNDARY, ...ownedBy('sre') } })).toBe('Allowed');
  });
  test('allowed: passing its own workload role to EKS Pod Identity', async () => {
    expect(await decide({ action: 'iam:PassRole', resource: OWN_WORKLOAD, context: { 'iam:PassedToService': 'pods.eks.amazonaws.com', ...ownedBy('sre') } })).toBe('Allowed');
  });
  // The attacks.
  test('denied: assuming its own integration identity, even after rewriting its trust to name the deployment role', async () => {
    expect(await decide({ action: 'sts:AssumeRole', resource: OWN_INTEGRATION, resourcePolicy: TRUSTS_DEPLOY_ROLE })).toMatch(/Denied/);
  });
  test("denied: assuming another team's integration identity that trusts the deployment role", async () => {
    expect(await decide({ action: 'sts:AssumeRole', resource: OTHER_INTEGRATION, resourcePolicy: TRUSTS_DEPLOY_ROLE })).toMatch(/Denied/);
  });
  test('denied: assuming its own workload role or the gateway function role', async () => {
    expect([
      await decide({ action: 'sts:AssumeRole', resource: OWN_WORKLOAD, resourcePolicy: TRUSTS_DEPLOY_ROLE }),
      await decide({ action: 'sts:AssumeRole', resource: GATEWAY_ROLE, resourcePolicy: TRUSTS_DEPLOY_ROLE }),
    ]).toEqual([expect.stringMatching(/Denied/), expect.stringMatching(/Denied/)]);
  });
  test.each(['lambda.amazonaws.com', 'sagemaker.amazonaws.com', 'bedrock.amazonaws.com', 'pods.eks.amazonaws.com'])('denied: passing its own integration identity to %s', async (service) => {
    expect(await decide({ action: 'iam:PassRole', resource: OWN_INTEGRATION, context: { 'iam:PassedToService': service, ...ownedBy('sre') } })).toMatch(/Denied/);
  });
  test("denied: passing another team's integration identity", async () => {
    expect(await decide({ action: 'iam:PassRole', resource: OTHER_INTEGRATION, context: { 'iam:PassedToService': 'sagemaker.amazonaws.com', ...ownedBy('customer-support') } })).toMatch(/Denied/);
  });
  test("denied: rewriting the trust of another team's integration identity", async () => {
    expect(await decide({ action: 'iam:UpdateAssumeRolePolicy', resource: OTHER_INTEGRATION, context: { 'iam:PermissionsBoundary': INTEGRATION_BOUNDARY, ...ownedBy('customer-support') } })).toMatch(/Denied/);
  });
  test("denied: rewriting the trust of another team's integration identity that carries this team's tag by mistake (names decide, not only tags)", async () => {
    expect(await decide({ action: 'iam:UpdateAssumeRolePolicy', resource: OTHER_INTEGRATION, context: { 'iam:PermissionsBoundary': INTEGRATION_BOUNDARY, ...ownedBy('sre') } })).toMatch(/Denied/);
  });
  test('denied: rewriting the trust of its own integration identity when it does not carry the integration boundary', async () => {
    expect(await decide({ action: 'iam:UpdateAssumeRolePolicy', resource: OWN_INTEGRATION, context: { 'iam:PermissionsBoundary': WORKLOAD_BOUNDARY, ...ownedBy('sre') } })).toMatch(/Denied/);
  });
  test('denied: rewriting the trust of the gateway function role', async () => {
    expect(await decide({ action: 'iam:UpdateAssumeRolePolicy', resource: GATEWAY_ROLE, context: ownedBy('sre') })).toMatch(/Denied/);
  });
});

describe('the environment key and the deployer boundary', () => {
  const keyPolicy = () => JSON.parse(only(json, 'aws_kms_key', 'env_key_').policy).Statement as Array<Record<string, any>>;
  test('the key lets the deployment roles use it through Secrets Manager, SageMaker and CloudWatch Logs only, naming them by aws:PrincipalArn', () => {
    const s = keyPolicy().find((x) => x.Sid === 'DeploymentRolesUseKeyThroughServices')!;
    expect(s.Principal).toEqual({ AWS: `arn:aws:iam::${ACCOUNT}:root` });
    expect(s.Condition.ArnEquals['aws:PrincipalArn']).toEqual([DEPLOY_ROLE, `arn:aws:iam::${ACCOUNT}:role/governed-deploy/dev/dev-euw1-platform-deploy-customer-support`]);
    expect(s.Condition.StringEquals['kms:ViaService']).toEqual(['secretsmanager.eu-west-1.amazonaws.com', 'sagemaker.eu-west-1.amazonaws.com', 'logs.eu-west-1.amazonaws.com']);
  });
  test('the key grants to AWS resources for the deployment roles too', () => {
    expect(keyPolicy().find((x) => x.Sid === 'GrantsOnlyForAwsResources')!.Condition.ArnLike['aws:PrincipalArn']).toEqual(expect.arrayContaining([DEPLOY_ROLE]));
  });
  test('the key waits for no deployment role (it names them by ARN text), so the boundary can name the key', () => {
    expect(only(json, 'aws_kms_key', 'env_key_').policy).not.toMatch(/aws_iam_role\./);
  });
  test('the deployer boundary names the environment key, the rotation function and the policy store themselves, never a pattern of every one', () => {
    const b = JSON.parse(only(json, 'aws_iam_policy', 'deployment-roles_boundary_').policy).Statement as Array<Record<string, any>>;
    expect(b.find((s) => s.Sid === 'KeyViaServices')!.Resource).toMatch(/^\$\{aws_kms_key\.env_key_[^}]+\.arn\}$/);
    expect(b.find((s) => s.Sid === 'Revocation')!.Resource).toMatch(/^\$\{aws_lambda_function\.env_rotation_function_[^}]+\.arn\}$/);
    expect(b.find((s) => s.Sid === 'CedarPolicies')!.Resource).toMatch(/^\$\{aws_verifiedpermissions_policy_store\.[^}]+\.arn\}$/);
  });
  test('the deployer boundary passes workload roles only, never an integration identity', () => {
    const b = JSON.parse(only(json, 'aws_iam_policy', 'deployment-roles_boundary_').policy).Statement as Array<Record<string, any>>;
    const passing = b.filter((s) => s.Effect === 'Allow' && [s.Action].flat().includes('iam:PassRole'));
    expect(passing.flatMap((s) => [s.Resource].flat())).toEqual([`arn:aws:iam::${ACCOUNT}:role/governed/dev/dev-euw1-*`]);
  });
});
