/**
 * The gateway function: configuration, routing by the matched template, and the verified caller.
 */
import { ACCOUNT, agentCaller, callerArn, harness, PREFIX, ROUTE_PREFIX, serviceEntries, toolEvent, TUESDAY_10, workloadEvent, bodyOf } from './harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { REQUIRED } = require('../../../functions/gateway/config.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ROUTE_TEMPLATES } = require('../../../functions/gateway/routes.js');

describe('configuration (fail closed)', () => {
  it.each(REQUIRED as string[])('fails when %s is unset: every request is refused with 500 and a log line naming it', async (name) => {
    const h = harness();
    delete h.env[name];
    const response = await h.handler(toolEvent('triage', 'runbooks', 'q'));
    expect([response.statusCode, h.last().reason, bodyOf(response).message]).toEqual([500, `gateway misconfigured: ${name} unset`, 'internal error']);
    expect([h.ssm.calls, h.vpCalls, h.toolRequests]).toEqual([[], [], []]);
  });

  it('fails when APPROVER_KEYS is not JSON', async () => {
    const h = harness();
    h.env.APPROVER_KEYS = '{lead@example.com: key}';
    const response = await h.handler(toolEvent('triage', 'runbooks', 'q'));
    expect([response.statusCode, h.last().reason]).toEqual([500, 'gateway misconfigured: APPROVER_KEYS is not JSON']);
  });

  it('fails when APPROVER_KEYS maps an approver to a key of another partition', async () => {
    const h = harness();
    h.env.APPROVER_KEYS = JSON.stringify({ 'lead@example.com': `arn:aws-cn:kms:cn-north-1:${ACCOUNT}:key/1234` });
    const response = await h.handler(toolEvent('triage', 'runbooks', 'q'));
    expect([response.statusCode, h.last().reason]).toEqual([500, expect.stringMatching(/^gateway misconfigured: APPROVER_KEYS maps lead@example.com to .* not a KMS key ARN in partition aws$/)]);
  });

  it('fails when APPROVER_KEYS names an approver in mixed case (approvals carry lower-case e-mails)', async () => {
    const h = harness();
    h.env.APPROVER_KEYS = JSON.stringify({ 'Lead@Example.com': `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234` });
    const response = await h.handler(toolEvent('triage', 'runbooks', 'q'));
    expect([response.statusCode, h.last().reason]).toEqual([500, 'gateway misconfigured: APPROVER_KEYS names "Lead@Example.com", not a lower-case e-mail']);
  });

  it('fails when ACCOUNT_ID is not 12 digits', async () => {
    const h = harness();
    h.env.ACCOUNT_ID = '1234';
    const response = await h.handler(toolEvent('triage', 'runbooks', 'q'));
    expect([response.statusCode, h.last().reason]).toEqual([500, 'gateway misconfigured: ACCOUNT_ID "1234" is not 12 digits']);
  });

  it('uses the aws partition when PARTITION is unset', async () => {
    const h = harness();
    delete h.env.PARTITION;
    const response = await h.handler(toolEvent('triage', 'runbooks', 'q'));
    expect([response.statusCode, h.stsCalls[0].RoleArn]).toEqual([200, `arn:aws:iam::${ACCOUNT}:role/governed/prod/integration/${PREFIX}triage-gw`]);
  });
});

describe('routing by the matched template', () => {
  it('serves exactly the three route templates of the design', () => {
    expect(Object.values(ROUTE_TEMPLATES)).toEqual([
      '/workloads/{workload}/invoke',
      '/agents/{agent}/models/{model}/invoke',
      '/agents/{agent}/tools/{tool}/{proxy+}',
    ]);
  });

  it('fails when the template is not one it serves (404, nothing asked)', async () => {
    const h = harness();
    const response = await h.handler({ ...toolEvent('triage', 'runbooks', 'q'), resource: '/agents/{agent}/tools/{tool}' });
    expect([response.statusCode, h.last().reason, h.ssm.calls]).toEqual([404, 'route "/agents/{agent}/tools/{tool}" is not served by the gateway function', []]);
  });

  it('fails when a path parameter is not a name (400)', async () => {
    const h = harness();
    const e = toolEvent('triage', 'runbooks', 'q');
    e.pathParameters.agent = '../deployer';
    const response = await h.handler(e);
    expect([response.statusCode, h.last().reason]).toEqual([400, 'path parameter agent "../deployer" is not a name']);
  });

  it('routes by the path parameters, not by the raw path: a raw path naming another tool changes nothing', async () => {
    const h = harness();
    const response = await h.handler(toolEvent('triage', 'runbooks', 'q', { path: '/agents/deployer/tools/kubectl/q' }));
    expect([response.statusCode, h.vpCalls[0].resource.entityId, h.toolRequests[0].url.host]).toEqual([200, 'prod/triage/runbooks', 'runbooks.internal.example.com']);
  });
});

describe('the verified caller', () => {
  it('break 6: a caller ARN of another partition is refused', async () => {
    const h = harness();
    const response = await h.handler(toolEvent('triage', 'runbooks', 'q', { caller: callerArn(`${PREFIX}triage`, 'aws-us-gov') }));
    expect([response.statusCode, h.last().reason]).toEqual([403, `caller arn:aws-us-gov:sts::${ACCOUNT}:assumed-role/${PREFIX}triage/session-1 is in partition aws-us-gov, not aws`]);
    expect([h.ssm.calls, h.vpCalls]).toEqual([[], []]);
  });

  it('break 6: a caller ARN of another account is refused', async () => {
    const h = harness();
    const response = await h.handler(toolEvent('triage', 'runbooks', 'q', { caller: callerArn(`${PREFIX}triage`, 'aws', '210987654321') }));
    expect([response.statusCode, h.last().reason]).toEqual([403, `caller arn:aws:sts::210987654321:assumed-role/${PREFIX}triage/session-1 is in account 210987654321, not ${ACCOUNT}`]);
  });

  it('refuses an IAM user (workload identities are roles)', async () => {
    const h = harness();
    const response = await h.handler(workloadEvent('support-chat', { caller: `arn:aws:iam::${ACCOUNT}:user/ci-bot` }));
    expect([response.statusCode, h.last().reason]).toEqual([403, `caller arn:aws:iam::${ACCOUNT}:user/ci-bot is not an assumed-role session`]);
  });

  it('refuses a request API Gateway did not authenticate (no userArn)', async () => {
    const h = harness();
    const response = await h.handler(workloadEvent('support-chat', { caller: null }));
    expect([response.statusCode, h.last().reason]).toEqual([403, 'no verified caller: requestContext.identity.userArn is empty (the route must use AWS_IAM)']);
  });

  it('on an agent route accepts only the agent\'s own role (another agent\'s role is refused)', async () => {
    const h = harness();
    const response = await h.handler(toolEvent('triage', 'runbooks', 'q', { caller: agentCaller('deployer') }));
    expect([response.statusCode, h.last().reason]).toEqual([403, `caller role ${PREFIX}deployer is not ${PREFIX}triage, the role of agent triage`]);
    expect(h.ssm.calls).toEqual([]);
  });

  it('on a workload route accepts a role the service granted (its route entry names it)', async () => {
    const h = harness();
    const response = await h.handler(workloadEvent('support-chat', { caller: callerArn(`${PREFIX}ticket-summarizer`) }));
    expect([response.statusCode, h.last().caller]).toEqual([200, callerArn(`${PREFIX}ticket-summarizer`)]);
  });

  it('callee consent: a caller whose team granted itself the route in its own policy, but whom the service never granted, is refused', async () => {
    const h = harness();
    const response = await h.handler(workloadEvent('support-chat', { caller: callerArn('any-team-role') }));
    expect([response.statusCode, h.last().reason, h.stsCalls.length]).toEqual([403, 'caller role any-team-role is not one workload support-chat granted', 0]);
  });

  it('a scheduled revocation refuses from its time on, not before', async () => {
    const h = harness();
    const entry = { ...(serviceEntries()['support-chat'] as object), revoked: { at: new Date(TUESDAY_10 + 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'), by: 'secops@example.com', reason: 'INC-1: planned retirement', scheduled: true } };
    h.ssm.parameters.set(`${ROUTE_PREFIX}support-chat`, JSON.stringify(entry));
    const before = await h.handler(workloadEvent('support-chat', { caller: callerArn(`${PREFIX}web-frontend`) }));
    const after = await h.handler(workloadEvent('support-chat', { caller: callerArn(`${PREFIX}web-frontend`), at: TUESDAY_10 + 2 * 3600_000 }));
    expect([before.statusCode, after.statusCode]).toEqual([200, 403]);
  });

  it('passes the caller\'s role name as the source identity of the integration session', async () => {
    const h = harness();
    await h.handler(workloadEvent('support-chat', { caller: callerArn(`${PREFIX}web-frontend`) }));
    expect(h.stsCalls[0].SourceIdentity).toBe(`${PREFIX}web-frontend`);
  });
});
