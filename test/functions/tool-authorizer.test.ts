import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { IsAuthorizedCommand } from '@aws-sdk/client-verifiedpermissions';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { agentPolicies, cedarSchema } from '../../constructs/agent-authorization/cedar-policies';
import { HTTP_METHOD_ACTIONS as TS_METHOD_ACTIONS } from '../../constructs/agent-authorization/tool-grants';
import { IDENTITY_SOURCE } from '../../constructs/primitives/tool-authorizer';
import { AUTHORIZER_ONLY_HEADERS, TOOL_CREDENTIAL_CONTEXT_KEY as ROUTE_CONTEXT_KEY } from '../../constructs/primitives/tool-route';
import { agents, caseName, ENV, MATRIX, parseCall, APPROVER, type MatrixCase } from '../governance/agent-grants.fixture';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createHandler, SECRET_CACHE_MILLIS, TOOL_CREDENTIAL_CONTEXT_KEY } = require('../../functions/tool-authorizer/index.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { HTTP_METHOD_ACTIONS: JS_METHOD_ACTIONS } = require('../../functions/tool-authorizer/route.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { signApproval, APPROVAL_HEADER } = require('../../functions/tool-authorizer/approval-token.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { checkPresignedUrl, IDENTITY_HEADER } = require('../../functions/tool-authorizer/caller-identity.js');

const ACCOUNT = '123456789012';
const roleArn = (agent: string) => `arn:aws:iam::${ACCOUNT}:role/governed/${ENV}/${ENV}-${agent}`;
const APPROVAL_KEY = 'approval-signing-key-for-tests';
const APPROVAL_KEY_ARN = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:prod/triage/approval-key`;
const TICKETING_SECRET_ARN = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:tools/ticketing-AbCdEf`;
const TICKETING_CREDENTIAL = 'Bearer tool-side-token';
const METHOD_BY_ACTION: Record<string, string> = { read: 'GET', write: 'POST', delete: 'DELETE' };
const DAY_MILLIS: Record<string, number> = {
  // 2026-11-16 is a Monday.
  Mon: Date.UTC(2026, 10, 16), Tue: Date.UTC(2026, 10, 17), Wed: Date.UTC(2026, 10, 18), Thu: Date.UTC(2026, 10, 19),
  Fri: Date.UTC(2026, 10, 20), Sat: Date.UTC(2026, 10, 21), Sun: Date.UTC(2026, 10, 22),
};

/** A presigned GetCallerIdentity URL; the fake STS knows which role "signed" it by its signature. */
function presignedUrl(agent: string, overrides: Record<string, string> = {}): string {
  const q = new URLSearchParams({
    Action: 'GetCallerIdentity',
    Version: '2011-06-15',
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `ASIAEXAMPLE/20261117/eu-west-1/sts/aws4_request`,
    'X-Amz-Date': '20261117T100000Z',
    'X-Amz-Expires': '60',
    'X-Amz-SignedHeaders': 'host;x-governance-audience',
    'X-Amz-Signature': `sig-of-${agent}`,
    ...overrides,
  });
  return `https://sts.eu-west-1.amazonaws.com/?${q}`;
}

interface Harness {
  handler: (event: unknown) => Promise<any>;
  vpCalls: any[];
  secretCalls: string[];
  fetchCalls: Array<{ url: string; headers: Record<string, string> }>;
  logs: Array<Record<string, unknown>>;
  clock: { now: number };
}

/**
 * The handler with its SDK clients stubbed at the boundary: Verified Permissions answers by
 * evaluating the generated Cedar policies with the Cedar engine, as the service would; STS and
 * Secrets Manager answer from fixed tables.
 */
function harness(opts: { agent: string; triageRevoked?: boolean; env?: Record<string, string | undefined>; vpFails?: boolean }): Harness {
  const policies = Object.fromEntries(agents({ triageRevoked: opts.triageRevoked }).flatMap(agentPolicies).map((p) => [p.id, p.statement]));
  const vpCalls: any[] = [];
  const secretCalls: string[] = [];
  const fetchCalls: Harness['fetchCalls'] = [];
  const logs: Harness['logs'] = [];
  const clock = { now: DAY_MILLIS.Tue + 10 * 3600_000 };
  const verifiedPermissions = {
    send: async (command: unknown) => {
      if (!(command instanceof IsAuthorizedCommand)) throw new Error('unexpected Verified Permissions command');
      if (opts.vpFails) throw new Error('ThrottlingException: Rate exceeded');
      const input = command.input;
      vpCalls.push(input);
      const context = Object.fromEntries(Object.entries(input.context?.contextMap ?? {}).map(([k, v]: [string, any]) => [k, v.long ?? v.string]));
      const answer = cedar.isAuthorized({
        principal: { type: input.principal!.entityType!, id: input.principal!.entityId! },
        action: { type: input.action!.actionType!, id: input.action!.actionId! },
        resource: { type: input.resource!.entityType!, id: input.resource!.entityId! },
        context,
        schema: cedarSchema() as cedar.Schema,
        validateRequest: true,
        policies: { staticPolicies: policies },
        entities: [],
      });
      if (answer.type !== 'success') throw new Error(`ValidationException: ${JSON.stringify(answer.errors)}`);
      return {
        decision: answer.response.decision.toUpperCase(),
        determiningPolicies: answer.response.diagnostics.reason.map((policyId) => ({ policyId })),
        errors: [],
      };
    },
  };
  const secrets: Record<string, string> = { [APPROVAL_KEY_ARN]: APPROVAL_KEY, [TICKETING_SECRET_ARN]: TICKETING_CREDENTIAL };
  const secretsManager = {
    send: async (command: unknown) => {
      if (!(command instanceof GetSecretValueCommand)) throw new Error('unexpected Secrets Manager command');
      const id = command.input.SecretId!;
      secretCalls.push(id);
      if (!(id in secrets)) throw new Error('ResourceNotFoundException');
      return { SecretString: secrets[id] };
    },
  };
  const fakeFetch = (async (url: string, init: { headers: Record<string, string> }) => {
    fetchCalls.push({ url, headers: init.headers });
    const signature = new URL(url).searchParams.get('X-Amz-Signature') ?? '';
    const agent = signature.replace(/^sig-of-/, '');
    if (!signature.startsWith('sig-of-') || init.headers['x-governance-audience'] !== `${ENV}/agents`) {
      return { ok: false, status: 403, json: async () => ({}) };
    }
    const arn = `arn:aws:sts::${ACCOUNT}:assumed-role/${ENV}-${agent}/session-1`;
    return { ok: true, status: 200, json: async () => ({ GetCallerIdentityResponse: { GetCallerIdentityResult: { Arn: arn, Account: ACCOUNT } } }) };
  }) as unknown as typeof fetch;

  const handler = createHandler({
    verifiedPermissions,
    secretsManager,
    commands: { IsAuthorizedCommand, GetSecretValueCommand },
    fetch: fakeFetch,
    now: () => clock.now,
    env: {
      POLICY_STORE_ID: 'ps-123',
      ENVIRONMENT: ENV,
      AGENT: opts.agent,
      AGENT_ROLE_ARN: roleArn(opts.agent),
      AUDIENCE: `${ENV}/agents`,
      APPROVAL_KEY_SECRET_ARN: APPROVAL_KEY_ARN,
      TOOL_CREDENTIALS: JSON.stringify({ ticketing: TICKETING_SECRET_ARN }),
      ...opts.env,
    },
    log: (r: Record<string, unknown>) => logs.push(r),
  });
  return { handler, vpCalls, secretCalls, fetchCalls, logs, clock };
}

function event(opts: { routeAgent: string; tool: string; action: string; caller: string; day: string; hour: number; approval?: string; identity?: string }) {
  const method = METHOD_BY_ACTION[opts.action];
  return {
    type: 'REQUEST',
    methodArn: `arn:aws:execute-api:eu-west-1:${ACCOUNT}:api123/prod/${method}/agents/${opts.routeAgent}/tools/${opts.tool}/items`,
    resource: `/agents/${opts.routeAgent}/tools/${opts.tool}/{proxy+}`,
    path: `/agents/${opts.routeAgent}/tools/${opts.tool}/items`,
    httpMethod: method,
    headers: {
      'X-Governance-Identity': opts.identity ?? presignedUrl(opts.caller),
      ...(opts.approval ? { 'X-Governance-Approval': opts.approval } : {}),
    },
    requestContext: { requestTimeEpoch: DAY_MILLIS[opts.day] + opts.hour * 3600_000, requestId: 'req-1' },
  };
}

function approvalFor(approvedBy: string, scope: { agent: string; tool: string; action: string }, expSeconds: number, key = APPROVAL_KEY) {
  return signApproval({ id: 'apr-1', approvedBy, ...scope, exp: expSeconds }, key);
}

/** A matrix case as it reaches the gateway: the route belongs to the tool's owner; the caller is the case's agent. */
async function run(c: MatrixCase) {
  const call = parseCall(c);
  if (call.kind !== 'tool') throw new Error('model calls do not pass the tool authorizer');
  const h = harness({ agent: call.owner, triageRevoked: c.revoked });
  const nowSeconds = Math.floor(h.clock.now / 1000);
  const approval = c.approvedBy ? approvalFor(c.approvedBy, { agent: call.owner, tool: call.tool, action: call.action }, nowSeconds + 600) : undefined;
  const result = await h.handler(event({ routeAgent: call.owner, tool: call.tool, action: call.action, caller: c.agent, day: c.day, hour: c.hour, approval }));
  return { result, h };
}

const effect = (result: any) => result.policyDocument.Statement[0].Effect;

describe('tool authorizer: the Cedar matrix through the handler', () => {
  const toolCases = MATRIX.filter((c) => parseCall(c).kind === 'tool');

  it.each(toolCases.map((c) => [caseName(c), c] as const))('%s', async (_name, c) => {
    const { result } = await run(c);
    expect(effect(result)).toBe(c.expected === 'ALLOW' ? 'Allow' : 'Deny');
  });
});

describe('tool authorizer: what it sends and returns', () => {
  const allowedRead = MATRIX[0];

  it('asks Verified Permissions with the agent, the method-derived action, the tool and the request time', async () => {
    const { h } = await run(allowedRead);
    expect(h.vpCalls).toEqual([
      {
        policyStoreId: 'ps-123',
        principal: { entityType: 'Governance::Agent', entityId: 'prod/triage' },
        action: { actionType: 'Governance::Action', actionId: 'read' },
        resource: { entityType: 'Governance::Tool', entityId: 'prod/triage/ticketing' },
        context: { contextMap: { hourUtc: { long: 10 }, dayOfWeek: { string: 'Tue' } } },
      },
    ]);
  });

  it('allows exactly the method ARN it was asked about', async () => {
    const { result } = await run(allowedRead);
    expect(result.policyDocument.Statement).toEqual([{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: expect.stringMatching(/\/GET\/agents\/triage\/tools\/ticketing\/items$/) }]);
  });

  it('hands the tool credential to the integration only on Allow', async () => {
    const { result } = await run(allowedRead);
    expect(result.context.toolCredential).toBe(TICKETING_CREDENTIAL);
  });

  it('does not read the tool credential when it denies', async () => {
    const { result, h } = await run(MATRIX.find((c) => c.call === 'ticketing:read' && c.expected === 'DENY')!);
    expect([result.context.toolCredential, h.secretCalls]).toEqual([undefined, []]);
  });

  it('passes approvedBy and approvalId into the Cedar context when the approval verifies', async () => {
    const { h } = await run(MATRIX.find((c) => c.approvedBy === APPROVER && c.expected === 'ALLOW')!);
    expect(h.vpCalls[0].context.contextMap).toMatchObject({ approvedBy: { string: APPROVER }, approvalId: { string: 'apr-1' } });
  });

  it('logs who approved, the decision and the determining policy, never the credential', async () => {
    const { h } = await run(MATRIX.find((c) => c.approvedBy === APPROVER && c.expected === 'ALLOW')!);
    expect(h.logs).toEqual([
      {
        requestId: 'req-1', route: '/agents/triage/tools/ticketing/{proxy+}', method: 'POST', agent: 'triage', tool: 'ticketing', action: 'write',
        caller: `arn:aws:sts::${ACCOUNT}:assumed-role/prod-triage/session-1`, approvedBy: APPROVER, approvalId: 'apr-1',
        decision: 'ALLOW', determiningPolicies: 'tool.triage.ticketing.write',
      },
    ]);
  });

  it('signs the STS call with the gateway audience header', async () => {
    const { h } = await run(allowedRead);
    expect(h.fetchCalls[0].headers['x-governance-audience']).toBe('prod/agents');
  });

  it('keeps the method-to-action map equal to the one in tool-grants.ts', () => {
    expect(JS_METHOD_ACTIONS).toEqual(TS_METHOD_ACTIONS);
  });

  it('reads the headers the construct names as identity source and strips before the tool', () => {
    expect([`method.request.header.${IDENTITY_HEADER}`, [IDENTITY_HEADER, APPROVAL_HEADER]]).toEqual([IDENTITY_SOURCE, [...AUTHORIZER_ONLY_HEADERS]]);
  });

  it('puts the credential under the context key the integration maps', () => {
    expect(TOOL_CREDENTIAL_CONTEXT_KEY).toBe(ROUTE_CONTEXT_KEY);
  });
});

describe('tool authorizer: denies and fails closed', () => {
  const base = { routeAgent: 'triage', tool: 'ticketing', action: 'write', caller: 'triage', day: 'Tue', hour: 10 };
  const nowSeconds = Math.floor((DAY_MILLIS.Tue + 10 * 3600_000) / 1000);
  const scope = { agent: 'triage', tool: 'ticketing', action: 'write' };

  async function decide(e: object, opts: Parameters<typeof harness>[0] = { agent: 'triage' }) {
    const h = harness(opts);
    const result = await h.handler(e);
    return { result, h };
  }

  it('denies an approval signed with another key', async () => {
    const { result } = await decide(event({ ...base, approval: approvalFor(APPROVER, scope, nowSeconds + 600, 'agent-made-up-key') }));
    expect([effect(result), result.context.reason]).toEqual(['Deny', 'approval token signature does not verify']);
  });

  it('denies an expired approval', async () => {
    const { result } = await decide(event({ ...base, approval: approvalFor(APPROVER, scope, nowSeconds - 1) }));
    expect([effect(result), result.context.reason]).toEqual(['Deny', 'approval token has expired']);
  });

  it('denies an approval minted for another tool', async () => {
    const { result } = await decide(event({ ...base, approval: approvalFor(APPROVER, { ...scope, tool: 'runbooks' }, nowSeconds + 600) }));
    expect([effect(result), result.context.reason]).toEqual(['Deny', 'approval token is for tool "runbooks", not "ticketing"']);
  });

  it('denies an approval that lives longer than an hour', async () => {
    const { result } = await decide(event({ ...base, approval: approvalFor(APPROVER, scope, nowSeconds + 7200) }));
    expect(effect(result)).toBe('Deny');
  });

  it('denies a caller whose STS URL was signed for another audience', async () => {
    const h = harness({ agent: 'triage', env: { AUDIENCE: 'staging/agents' } });
    const result = await h.handler(event({ ...base, action: 'read' }));
    expect([effect(result), result.context.reason]).toEqual(['Deny', 'STS refused the identity (HTTP 403)']);
  });

  it('denies without calling anything when the identity URL is not STS', async () => {
    const { result, h } = await decide(event({ ...base, action: 'read', identity: 'https://evil.example.com/?Action=GetCallerIdentity' }));
    expect([effect(result), h.fetchCalls.length, h.vpCalls.length]).toEqual(['Deny', 0, 0]);
  });

  it('denies a request with no identity header', async () => {
    const e = event({ ...base, action: 'read' });
    e.headers = {} as typeof e.headers;
    const { result } = await decide(e);
    expect([effect(result), result.context.reason]).toEqual(['Deny', 'no x-governance-identity header']);
  });

  it('denies an unknown HTTP method without asking Verified Permissions', async () => {
    const e = { ...event({ ...base, action: 'read' }), httpMethod: 'OPTIONS' };
    const { result, h } = await decide(e);
    expect([effect(result), h.vpCalls.length]).toEqual(['Deny', 0]);
  });

  it('fails closed when Verified Permissions errors', async () => {
    const { result } = await decide(event({ ...base, action: 'read' }), { agent: 'triage', vpFails: true });
    expect([effect(result), result.context.reason]).toEqual(['Deny', 'authorizer error']);
  });

  it('fails closed when it is misconfigured', async () => {
    const { result } = await decide(event({ ...base, action: 'read' }), { agent: 'triage', env: { POLICY_STORE_ID: undefined } });
    expect([effect(result), result.context.reason]).toEqual(['Deny', 'authorizer misconfigured: POLICY_STORE_ID unset']);
  });

  it('fails closed when the tool credential cannot be read', async () => {
    const { result } = await decide(event({ ...base, action: 'read' }), {
      agent: 'triage',
      env: { TOOL_CREDENTIALS: JSON.stringify({ ticketing: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:gone' }) },
    });
    expect([effect(result), result.context.toolCredential]).toEqual(['Deny', undefined]);
  });

  it('denies every call of a revoked agent before asking anyone', async () => {
    const { result, h } = await decide(event({ ...base, action: 'read' }), { agent: 'triage', env: { REVOKED_AT: '2026-11-21T09:00:00Z' } });
    expect([effect(result), result.context.reason, h.fetchCalls.length, h.vpCalls.length]).toEqual(['Deny', 'agent triage was revoked at 2026-11-21T09:00:00Z', 0, 0]);
  });

  it('re-reads a secret after the cache period, so rotation takes effect', async () => {
    const h = harness({ agent: 'triage' });
    await h.handler(event({ ...base, action: 'read' }));
    h.clock.now += SECRET_CACHE_MILLIS + 1;
    await h.handler(event({ ...base, action: 'read', hour: 10 }));
    expect(h.secretCalls).toEqual([TICKETING_SECRET_ARN, TICKETING_SECRET_ARN]);
  });
});

describe('presigned identity URL checks', () => {
  it('accepts a short-lived GetCallerIdentity URL that signs the audience', () => {
    expect(checkPresignedUrl(presignedUrl('triage')).ok).toBe(true);
  });

  it('rejects a URL valid for longer than five minutes', () => {
    expect(checkPresignedUrl(presignedUrl('triage', { 'X-Amz-Expires': '900' }))).toEqual({ ok: false, reason: 'x-governance-identity must expire within 300 seconds' });
  });

  it('rejects a URL that does not sign the audience header', () => {
    expect(checkPresignedUrl(presignedUrl('triage', { 'X-Amz-SignedHeaders': 'host' }))).toEqual({ ok: false, reason: 'x-governance-identity does not sign x-governance-audience' });
  });

  it('rejects a URL calling another STS action', () => {
    expect(checkPresignedUrl(presignedUrl('triage', { Action: 'AssumeRole' }))).toEqual({ ok: false, reason: 'x-governance-identity is not a GetCallerIdentity call' });
  });
});
