/**
 * Route entries: read from SSM, validated strictly, cached at most 30 seconds, and a revoked entry
 * refuses everything before anything else is asked.
 */
import {
  ACCOUNT, AGENT_PREFIX, agentEntries, AwsError, GRANTED_CALLERS, harness, integrationRole, REGION, ROUTE_PREFIX, serviceEntries, toolEvent, workloadEvent, agentModelEvent, MODEL_KEY,
} from './harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ENTRY_CACHE_MILLIS } = require('../../../functions/gateway/route-entries.js');

function withAgentEntry(mutate: (entry: any) => void) {
  const h = harness();
  const entry = agentEntries().triage;
  mutate(entry);
  h.ssm.parameters.set(`${AGENT_PREFIX}triage`, JSON.stringify(entry));
  return h;
}

function withServiceEntry(name: string, mutate: (entry: any) => void) {
  const h = harness();
  const entry = serviceEntries()[name] as any;
  mutate(entry);
  h.ssm.parameters.set(`${ROUTE_PREFIX}${name}`, JSON.stringify(entry));
  return h;
}

describe('reading route entries', () => {
  it('reads the agent entry from AGENT_PARAMETER_PREFIX and the service entry from ROUTE_PARAMETER_PREFIX', async () => {
    const h = harness();
    await h.handler(toolEvent('triage', 'runbooks', 'q'));
    await h.handler(workloadEvent('support-chat'));
    expect(h.ssm.calls).toEqual([`${AGENT_PREFIX}triage`, `${ROUTE_PREFIX}support-chat`]);
  });

  it('fails when there is no entry: 404', async () => {
    const h = harness();
    const response = await h.handler(workloadEvent('unknown-service'));
    expect([response.statusCode, h.last().reason]).toEqual([404, `no route entry for workload unknown-service (${ROUTE_PREFIX}unknown-service)`]);
  });

  it('fails when the entry is not JSON: 500', async () => {
    const h = harness();
    h.ssm.parameters.set(`${ROUTE_PREFIX}support-chat`, '{schema: 1');
    const response = await h.handler(workloadEvent('support-chat'));
    expect([response.statusCode, h.last().reason]).toEqual([500, `route entry ${ROUTE_PREFIX}support-chat is not JSON`]);
  });

  it('fails when SSM fails: 500, nothing called', async () => {
    const h = harness();
    h.ssm.fail = new AwsError('ThrottlingException', 'Rate exceeded');
    const response = await h.handler(workloadEvent('support-chat'));
    expect([response.statusCode, h.last().reason, h.stsCalls]).toEqual([500, 'gateway error: ThrottlingException: Rate exceeded', []]);
  });

  it('caches an entry for at most 30 seconds', async () => {
    const h = harness();
    await h.handler(toolEvent('triage', 'runbooks', 'q'));
    h.clock.now += ENTRY_CACHE_MILLIS - 1;
    await h.handler(toolEvent('triage', 'runbooks', 'q', { at: h.clock.now }));
    h.clock.now += 2;
    await h.handler(toolEvent('triage', 'runbooks', 'q', { at: h.clock.now }));
    expect([ENTRY_CACHE_MILLIS, h.ssm.calls.length]).toEqual([30_000, 2]);
  });
});

describe('revocation in the route entry', () => {
  it('a revoked agent is refused before anything else is asked (403)', async () => {
    const h = harness({ triageRevoked: true });
    const response = await h.handler(toolEvent('triage', 'runbooks', 'q'));
    expect([response.statusCode, h.last().reason]).toEqual([403, 'agent triage was revoked at 2026-11-16T09:00:00Z by ciso@example.com']);
    expect([h.vpCalls, h.stsCalls, h.kmsCalls, h.toolRequests]).toEqual([[], [], [], []]);
  });

  it('a revoked agent\'s model route is refused too', async () => {
    const h = harness({ triageRevoked: true });
    const response = await h.handler(agentModelEvent('triage', MODEL_KEY));
    expect([response.statusCode, h.stsCalls]).toEqual([403, []]);
  });

  it('a revoked workload is refused (403) without a session', async () => {
    const h = withServiceEntry('support-chat', (e) => (e.revoked = { at: '2026-11-30T10:00:00Z', by: 'secops-oncall@example.com', reason: 'leaked key' }));
    const response = await h.handler(workloadEvent('support-chat'));
    expect([response.statusCode, h.last().reason, h.stsCalls]).toEqual([403, 'workload support-chat was revoked at 2026-11-30T10:00:00Z by secops-oncall@example.com', []]);
  });

  it('a revocation written to the entry takes effect once the 30-second cache expires', async () => {
    const h = harness();
    expect((await h.handler(toolEvent('triage', 'runbooks', 'q'))).statusCode).toBe(200);
    const entry = agentEntries().triage;
    entry.revoked = { at: '2026-11-17T10:00:10Z', by: 'ciso@example.com', reason: 'incident' };
    h.ssm.parameters.set(`${AGENT_PREFIX}triage`, JSON.stringify(entry));
    h.clock.now += ENTRY_CACHE_MILLIS;
    expect((await h.handler(toolEvent('triage', 'runbooks', 'q', { at: h.clock.now }))).statusCode).toBe(403);
  });
});

describe('strict validation of entries (fails closed with 500)', () => {
  const cases: Array<[string, () => ReturnType<typeof harness>, () => object, RegExp]> = [
    ['the schema is not 1', () => withAgentEntry((e) => (e.schema = 2)), () => toolEvent('triage', 'runbooks', 'q'), /entry\.schema is 2, not 1$/],
    ['the entry names another agent', () => withAgentEntry((e) => (e.agent = 'deployer')), () => toolEvent('triage', 'runbooks', 'q'), /entry\.agent is "deployer", not "triage"$/],
    ['the entry has an unknown property', () => withAgentEntry((e) => (e.allowEverything = true)), () => toolEvent('triage', 'runbooks', 'q'), /entry has the unknown property "allowEverything"$/],
    ['a tool has an unknown target kind', () => withAgentEntry((e) => (e.tools.runbooks.target = { kind: 'governed-service', service: 'x' })), () => toolEvent('triage', 'runbooks', 'q'), /entry\.tools\["runbooks"\]\.target\.kind "governed-service" is not http or lambda$/],
    ['a Lambda tool has a credential', () => withAgentEntry((e) => (e.tools.runbooks = { target: { kind: 'lambda', functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:x' }, credential: { secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:x', header: 'Authorization' } })), () => toolEvent('triage', 'runbooks', 'q'), /credential is .*, not null$/],
    ['a credential header is one the gateway writes', () => withAgentEntry((e) => (e.tools.runbooks.credential.header = 'X-Governance-Approved-By')), () => toolEvent('triage', 'runbooks', 'q'), /header "X-Governance-Approved-By" is a header the gateway or HTTP reserves$/],
    ['a credential secret is in another account', () => withAgentEntry((e) => (e.tools.runbooks.credential.secretArn = 'arn:aws:secretsmanager:eu-west-1:210987654321:secret:x')), () => toolEvent('triage', 'runbooks', 'q'), /secretArn .* is not a Secrets Manager secret ARN of account 123456789012 in eu-west-1$/],
    ['a model ARN is in another Region', () => withAgentEntry((e) => (e.models[MODEL_KEY].modelArn = e.models[MODEL_KEY].modelArn.replace('eu-west-1', 'us-east-1'))), () => agentModelEvent('triage', MODEL_KEY), /modelArn .* is not a Bedrock model ARN in aws eu-west-1$/],
    ['a model ARN names another model than modelId', () => withAgentEntry((e) => (e.models[MODEL_KEY].modelId = 'anthropic.claude-3-haiku-20240307-v1:0')), () => agentModelEvent('triage', MODEL_KEY), /modelArn does not name model anthropic\.claude-3-haiku-20240307-v1:0$/],
    ['the guardrail is missing', () => withAgentEntry((e) => delete e.guardrail), () => agentModelEvent('triage', MODEL_KEY), /entry\.guardrail is missing$/],
    ['a tenant is not a name', () => withAgentEntry((e) => (e.tenants = ['Acme Corp'])), () => toolEvent('triage', 'runbooks', 'q'), /entry\.tenants\[0\] "Acme Corp" is not a tenant name/],
    ['revoked is not { at, by, reason }', () => withAgentEntry((e) => (e.revoked = true)), () => toolEvent('triage', 'runbooks', 'q'), /entry\.revoked is not an object$/],
    ['a service entry has an unknown kind', () => withServiceEntry('support-chat', (e) => (e.kind = 'openai')), () => workloadEvent('support-chat'), /entry\.kind "openai" is not bedrock, sagemaker or kubernetes$/],
    ['a SageMaker entry names another endpoint than its ARN', () => withServiceEntry('fraud-scoring', (e) => (e.endpointName = 'prod-other')), () => workloadEvent('fraud-scoring'), /endpointArn does not name endpoint prod-other$/],
    ['a SageMaker entry carries a Bedrock field', () => withServiceEntry('fraud-scoring', (e) => (e.modelId = 'x')), () => workloadEvent('fraud-scoring'), /entry has the unknown property "modelId"$/],
  ];

  it.each(cases)('fails when %s', async (_name, make, event, reason) => {
    const h = make();
    const response = await h.handler(event());
    expect([response.statusCode, h.last().reason]).toEqual([500, expect.stringMatching(reason)]);
    expect([h.stsCalls, h.vpCalls, h.toolRequests]).toEqual([[], [], []]);
  });

  it('serves none of a kubernetes workload through /invoke (404)', async () => {
    const h = harness();
    const response = await h.handler(workloadEvent('ticket-summarizer'));
    expect([response.statusCode, h.last().reason, h.stsCalls]).toEqual([404, 'workload ticket-summarizer is served in the cluster, not by /invoke', []]);
  });
});

describe('break 8: tool targets in the entry', () => {
  const cases: Array<[string, string, string, string]> = [
    ['user info', 'https://bot:s3cr3t@tickets.example.com/api', 'the tool URL carries user info (a credential in the URL)', 's3cr3t'],
    ['localhost with a credential in the query', 'https://localhost:8443/admin?api_key=abc123', 'the tool URL has a query; configure the base URL only', 'abc123'],
    ['the instance metadata address', 'https://169.254.169.254/latest/meta-data', 'the tool URL host 169.254.169.254 is an IP literal (link-local (incl. the instance metadata service)); name the tool by a DNS name', 'meta-data'],
    ['plain HTTP', 'http://tickets.example.com/api', 'the tool URL uses http, not https', 'never'],
  ];

  it.each(cases)('break 8: a tool URL with %s is refused when the entry is read', async (_name, url, reason, neverLogged) => {
    const h = withAgentEntry((e) => (e.tools.runbooks.target.url = url));
    const response = await h.handler(toolEvent('triage', 'runbooks', 'q'));
    expect([response.statusCode, h.last().reason]).toEqual([500, `route entry ${AGENT_PREFIX}triage is invalid: entry.tools["runbooks"].target.url: ${reason}`]);
    expect([h.logs.join('\n').includes(neverLogged), response.body.includes(neverLogged), h.toolRequests]).toEqual([false, false, []]);
  });
});

describe('shadow workload: an entry reaches only what its own workload owns', () => {
  const ENDPOINT = (name: string) => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/${name}`;
  const shadow = (endpointName: string, endpointArn = ENDPOINT(endpointName.toLowerCase())) => ({
    schema: 1, workload: 'growth-shadow', kind: 'sagemaker', endpointName, endpointArn, tenants: [], callers: GRANTED_CALLERS, revoked: null,
  });
  function withShadow(entry: object) {
    const h = harness();
    h.ssm.parameters.set(`${ROUTE_PREFIX}growth-shadow`, JSON.stringify(entry));
    return h;
  }

  it('shadow workload: fails when a shadow workload\'s SageMaker entry names another team\'s endpoint, even with its own integration identity granted on it (500, no session)', async () => {
    const h = withShadow(shadow('prod-fraud-scoring'));
    const response = await h.handler(workloadEvent('growth-shadow'));
    expect([response.statusCode, h.last().reason, h.last().decision]).toEqual([500,
      `route entry ${ROUTE_PREFIX}growth-shadow is invalid: entry.endpointName "prod-fraud-scoring" is not "prod-growth-shadow", the endpoint of workload growth-shadow in environment prod`, 'DENY']);
    expect([h.stsCalls, h.awsCalls]).toEqual([[], []]);
  });

  it('shadow workload: fails when the endpoint differs only in case from another team\'s', async () => {
    const h = withShadow(shadow('Prod-Fraud-Scoring'));
    const response = await h.handler(workloadEvent('growth-shadow'));
    expect([response.statusCode, h.last().reason]).toEqual([500, expect.stringMatching(/entry\.endpointName "Prod-Fraud-Scoring" is not "prod-growth-shadow"/)]);
  });

  it('shadow workload: fails when the endpoint ARN is in another account or Region', async () => {
    for (const arn of [ENDPOINT('prod-growth-shadow').replace(ACCOUNT, '210987654321'), ENDPOINT('prod-growth-shadow').replace(REGION, 'us-east-1')]) {
      const h = withShadow(shadow('prod-growth-shadow', arn));
      const response = await h.handler(workloadEvent('growth-shadow'));
      expect([response.statusCode, h.stsCalls]).toEqual([500, []]);
    }
  });

  it('calls the workload\'s own endpoint <env>-<workload> with its own integration identity', async () => {
    const h = withShadow(shadow('prod-growth-shadow'));
    const response = await h.handler(workloadEvent('growth-shadow'));
    expect([response.statusCode, h.stsCalls[0].RoleArn, h.awsCalls[0].input.EndpointName]).toEqual([200, integrationRole('growth-shadow'), 'prod-growth-shadow']);
  });

  it('shadow workload: fails when an entry names an integration role: the role is derived from the entry\'s name, never read from it', async () => {
    const h = withServiceEntry('fraud-scoring', (e) => (e.integrationRoleArn = integrationRole('support-chat')));
    const response = await h.handler(workloadEvent('fraud-scoring'));
    expect([response.statusCode, h.last().reason, h.stsCalls]).toEqual([500, `route entry ${ROUTE_PREFIX}fraud-scoring is invalid: entry has the unknown property "integrationRoleArn"`, []]);
  });

  it.each([
    ['a service', () => withServiceEntry('support-chat', (e) => (e.guardrail = { ...e.guardrail, version: 'DRAFT' })), () => workloadEvent('support-chat'), 'support-chat', ROUTE_PREFIX],
    ['an agent', () => withAgentEntry((e) => (e.guardrail = { ...e.guardrail, version: 'DRAFT' })), () => agentModelEvent('triage', MODEL_KEY), 'triage', AGENT_PREFIX],
  ])('shadow workload: fails when %s entry names the guardrail\'s DRAFT, which its owner can edit at any time (500, no session)', async (_kind, make, event, name, prefix) => {
    const h = make();
    const response = await h.handler(event());
    expect([response.statusCode, h.last().reason, h.stsCalls]).toEqual([500, `route entry ${prefix}${name} is invalid: entry.guardrail.version "DRAFT" is not a published guardrail version (never DRAFT)`, []]);
  });

  it('shadow workload: the integration role assumed is <ROLE_NAME_PREFIX><name>-gw under INTEGRATION_ROLE_PATH, for services and agents alike', async () => {
    const h = harness();
    await h.handler(workloadEvent('fraud-scoring'));
    await h.handler(agentModelEvent('triage', MODEL_KEY));
    await h.handler(toolEvent('deployer', 'kubectl', 'pods'));
    expect(h.stsCalls.map((c) => c.RoleArn)).toEqual([integrationRole('fraud-scoring'), integrationRole('triage'), integrationRole('deployer')]);
  });
});
