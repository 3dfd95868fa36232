/**
 * The gateway function's own role: what permissions.js grants, and that it covers every call the
 * function makes with its own clients (model and tool calls use integration sessions instead).
 */
import { ACCOUNT, agentModelEvent, approve, harness, MODEL_KEY, toolEvent, workloadEvent } from './harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { GATEWAY_PERMISSIONS, gatewayStatements } = require('../../../functions/gateway/permissions.js');

const props = {
  region: 'eu-west-1',
  accountId: ACCOUNT,
  roleNamePrefix: 'prod-euw1-',
  integrationRolePath: '/governed/prod/integration/',
  routeParameterPrefix: '/governance/prod/routes/',
  agentParameterPrefix: '/governance/prod/agents/',
  policyStoreId: 'ps-prod',
  approvalTableArn: `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/prod-approvals`,
  approverKeyArns: [`arn:aws:kms:eu-west-1:${ACCOUNT}:key/00000001-0000-4000-8000-000000000001`],
};

describe('the gateway function\'s own permissions', () => {
  it('cover every call the function makes with its own clients', async () => {
    const h = harness();
    await h.handler(toolEvent('triage', 'ticketing', 'tickets', { method: 'POST', headers: { 'X-Governance-Approval': approve({}) } }));
    await h.handler(workloadEvent('support-chat'));
    await h.handler(agentModelEvent('triage', MODEL_KEY));
    const made = [
      ['GetParameter', h.ssm.calls], ['AssumeRole', h.stsCalls], ['IsAuthorized', h.vpCalls], ['PutItem', h.ddb.calls], ['Verify', h.kmsCalls],
    ].filter(([, calls]) => (calls as unknown[]).length > 0).map(([name]) => name);
    const covered = GATEWAY_PERMISSIONS.flatMap((p: { calls: string[] }) => p.calls);
    expect([made, made.filter((name) => !covered.includes(name))]).toEqual([['GetParameter', 'AssumeRole', 'IsAuthorized', 'PutItem', 'Verify'], []]);
  });

  it('grant no model or tool action: those belong to the integration sessions', () => {
    const actions = gatewayStatements(props).flatMap((s: { actions: string[] }) => s.actions);
    expect(actions.filter((a: string) => /^(bedrock|sagemaker|secretsmanager|lambda):/.test(a))).toEqual([]);
  });

  it('name exactly the entries, the integration roles, the policy store, the table and the approver keys', () => {
    expect(gatewayStatements(props).map((s: any) => [s.sid, s.resources, s.conditions])).toEqual([
      ['ReadRouteEntries', [`arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/governance/prod/routes/*`, `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/governance/prod/agents/*`], []],
      ['AssumeIntegrationRoles', [`arn:aws:iam::${ACCOUNT}:role/governed/prod/integration/prod-euw1-*-gw`], [{ test: 'Null', variable: 'sts:SourceIdentity', values: ['false'] }]],
      ['DecideToolCalls', [`arn:aws:verifiedpermissions::${ACCOUNT}:policy-store/ps-prod`], []],
      ['RecordUsedApprovals', [props.approvalTableArn], []],
      ['VerifyApprovals', props.approverKeyArns, []],
    ]);
  });

  it('grant kms:Verify on nothing when there are no approvers', () => {
    expect(gatewayStatements({ ...props, approverKeyArns: [] }).map((s: any) => s.sid)).not.toContain('VerifyApprovals');
  });
});
