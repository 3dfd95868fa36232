/**
 * Which headers cross the gateway, and what the decision log never carries.
 */
import { AGENT_PREFIX, agentEntries, approve, harness, KUBECTL_FN, RUNBOOKS_CREDENTIAL, TICKETING_CREDENTIAL, toolEvent, workloadEvent } from './harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { FORWARDED_REQUEST_HEADERS, RETURNED_RESPONSE_HEADERS } = require('../../../functions/gateway/headers.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { redact, describeError } = require('../../../functions/gateway/decision-log.js');

/** Everything a hostile or careless caller could send along: its own credentials, identity claims and forwarding headers. */
const HOSTILE_HEADERS = {
  Authorization: 'AWS4-HMAC-SHA256 Credential=ASIACALLER/20261117/eu-west-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123456789abcdef0123456789abcdef',
  'X-Amz-Date': '20261117T100000Z',
  'X-Amz-Security-Token': 'caller-session-token-0123456789abcdef',
  'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD',
  'X-Api-Key': 'caller-usage-plan-api-key-0123456789',
  Cookie: 'session=caller-cookie-0123456789',
  'X-Governance-Identity': 'https://sts.eu-west-1.amazonaws.com/?Action=GetCallerIdentity&X-Amz-Signature=abc',
  'X-Governance-Approved-By': 'ceo@example.com',
  'X-Governance-Agent': 'deployer',
  'X-Governance-Whatever': 'x',
  Host: 'internal-admin.example.com',
  Forwarded: 'for=10.0.0.1;host=internal-admin.example.com',
  'X-Forwarded-For': '10.0.0.1',
  'X-Forwarded-Host': 'internal-admin.example.com',
  'Proxy-Authorization': 'Basic YWRtaW46YWRtaW4=',
  'X-Custom-Debug': 'true',
  Accept: 'application/json',
  'Accept-Language': 'en',
  'If-Match': '"v1"',
  Traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
};

describe('break 3: the caller\'s credentials and identity claims never reach a tool', () => {
  it('break 3: no identity, approval or API-key header reaches an HTTP tool', async () => {
    const h = harness();
    const response = await h.handler(toolEvent('triage', 'ticketing', 'tickets', { method: 'POST', headers: { ...HOSTILE_HEADERS, 'X-Governance-Approval': approve({}) }, requestId: 'req-3' }));
    expect(response.statusCode).toBe(200);
    expect(h.toolRequests[0].headers).toEqual({
      accept: 'application/json',
      'accept-language': 'en',
      'if-match': '"v1"',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      authorization: TICKETING_CREDENTIAL,
      'x-governance-agent': 'triage',
      'x-governance-tool': 'ticketing',
      'x-governance-action': 'write',
      'x-governance-request-id': 'req-3',
      'x-governance-approved-by': 'oncall-lead@example.com',
      'content-length': '0',
    });
  });

  it('break 3: no identity, approval or API-key header reaches a Lambda tool', async () => {
    const h = harness();
    await h.handler(toolEvent('deployer', 'kubectl', 'namespaces/prod/pods', {
      method: 'POST',
      headers: { ...HOSTILE_HEADERS, 'Content-Type': 'application/json', 'x-governance-tenant': 'acme' },
      multiQuery: { watch: ['false'] },
      body: '{"replicas":0}',
      requestId: 'req-4',
    }));
    expect(h.lambdaEvents).toEqual([{
      version: 1,
      environment: 'prod',
      agent: 'deployer',
      tool: 'kubectl',
      action: 'write',
      method: 'POST',
      path: 'namespaces/prod/pods',
      query: { watch: ['false'] },
      headers: { accept: 'application/json', 'accept-language': 'en', 'content-type': 'application/json', 'if-match': '"v1"', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
      body: '{"replicas":0}',
      isBase64Encoded: false,
      tenant: 'acme',
      approvedBy: null,
      requestId: 'req-4',
    }]);
    const payload = Buffer.from(h.awsCalls.find((c) => c.input.FunctionName === KUBECTL_FN)!.input.Payload).toString('utf8');
    expect(payload.match(/requestContext|userArn|ASIACALLER|caller-usage-plan-api-key|caller-session-token|caller-cookie/g)).toBeNull();
  });

  it('a caller cannot claim an approver: x-governance-approved-by is written only from a verified approval', async () => {
    const h = harness();
    await h.handler(toolEvent('triage', 'runbooks', 'q', { headers: { 'X-Governance-Approved-By': 'ceo@example.com' } }));
    expect(h.toolRequests[0].headers['x-governance-approved-by']).toBeUndefined();
  });

  it('a credential header named like a forwarded header carries only the credential', async () => {
    const h = harness();
    const entry = agentEntries().triage;
    entry.tools.runbooks.credential.header = 'Idempotency-Key';
    h.ssm.parameters.set(`${AGENT_PREFIX}triage`, JSON.stringify(entry));
    await h.handler(toolEvent('triage', 'runbooks', 'q', { headers: { 'Idempotency-Key': 'caller-chosen' } }));
    expect(h.toolRequests[0].headers['idempotency-key']).toBe(RUNBOOKS_CREDENTIAL);
  });

  it('forwards a repeated allow-listed header with all its values', async () => {
    const h = harness();
    await h.handler(toolEvent('triage', 'runbooks', 'q', { multiValueHeaders: { 'If-None-Match': ['"a"', '"b"'] } }));
    expect(h.toolRequests[0].headers['if-none-match']).toEqual(['"a"', '"b"']);
  });

  it('forwards exactly the request headers of the design', () => {
    expect(FORWARDED_REQUEST_HEADERS).toEqual(['accept', 'accept-language', 'content-type', 'content-encoding', 'content-language', 'if-match', 'if-none-match',
      'if-modified-since', 'if-unmodified-since', 'idempotency-key', 'traceparent', 'tracestate']);
  });
});

describe('response headers', () => {
  it('returns only the allow-listed headers of a tool\'s answer (no set-cookie, server or internal headers)', async () => {
    const h = harness();
    h.servers.set('runbooks.internal.example.com', () => ({
      statusCode: 201,
      headers: { 'content-type': 'application/json', 'content-language': 'en', 'cache-control': 'no-store', etag: '"1"', 'last-modified': 'Tue, 17 Nov 2026 10:00:00 GMT',
        location: '/search/q/1', 'retry-after': '5', 'set-cookie': ['a=b'], server: 'nginx', 'x-internal-host': 'ip-10-0-0-5', 'access-control-allow-origin': '*' },
      body: '{}',
    }));
    const response = await h.handler(toolEvent('triage', 'runbooks', 'q'));
    expect(response.headers).toEqual({ 'content-type': 'application/json', 'content-language': 'en', 'cache-control': 'no-store', etag: '"1"',
      'last-modified': 'Tue, 17 Nov 2026 10:00:00 GMT', location: '/search/q/1', 'retry-after': '5' });
  });

  it('returns exactly the response headers of the design', () => {
    expect(RETURNED_RESPONSE_HEADERS).toEqual(['content-type', 'content-language', 'cache-control', 'etag', 'last-modified', 'location', 'retry-after']);
  });

  it('a refusal is JSON, not cached, and names the request', async () => {
    const h = harness();
    const response = await h.handler(toolEvent('triage', 'runbooks', 'q', { method: 'TRACE', requestId: 'req-5' }));
    expect(response).toEqual({ statusCode: 405, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      body: JSON.stringify({ message: 'method "TRACE" maps to no tool action', requestId: 'req-5' }), isBase64Encoded: false });
  });
});

describe('break 6: what the decision log never carries', () => {
  it('no credential value, approval token, API key, SigV4 signature or session token appears in any line, allowed or refused', async () => {
    const h = harness();
    const token = approve({});
    const calls = [
      toolEvent('triage', 'ticketing', 'tickets', { method: 'POST', headers: { ...HOSTILE_HEADERS, 'X-Governance-Approval': token } }),
      toolEvent('triage', 'ticketing', 'tickets', { method: 'POST', headers: { ...HOSTILE_HEADERS, 'X-Governance-Approval': token } }),
      toolEvent('triage', 'ticketing', 'tickets', { method: 'PUT', headers: { ...HOSTILE_HEADERS, 'X-Governance-Approval': token } }),
      toolEvent('triage', 'runbooks', 'q', { headers: HOSTILE_HEADERS, query: { q: 'x' } }),
      toolEvent('triage', 'runbooks', 'q', { headers: HOSTILE_HEADERS, query: { api_key: 'query-api-key-0123456789' } }),
      workloadEvent('support-chat', { headers: HOSTILE_HEADERS }),
    ];
    for (const e of calls) await h.handler(e);
    const never = [TICKETING_CREDENTIAL, RUNBOOKS_CREDENTIAL, token.split('.')[0], token.split('.')[1], HOSTILE_HEADERS.Authorization, '0123456789abcdef0123456789abcdef',
      HOSTILE_HEADERS['X-Amz-Security-Token'], HOSTILE_HEADERS['X-Api-Key'], 'caller-cookie-0123456789', 'query-api-key-0123456789', 'token-ASIASESSION'];
    // Only meaningful if the calls got far enough to handle those values: two tool calls and a model call happened.
    expect([h.logs.length, h.toolRequests.length, h.awsCalls.some((c) => c.service === 'bedrockRuntime')]).toEqual([6, 2, true]);
    expect(never.filter((value) => h.logs.some((line) => line.includes(value)))).toEqual([]);
  });

  it('a tool\'s connection error is logged with its code, never its message', async () => {
    const h = harness();
    h.servers.set('runbooks.internal.example.com', () =>
      Object.assign(new Error(`bad key ${RUNBOOKS_CREDENTIAL} at https://runbooks.internal.example.com/search?token=leak`), { code: 'ECONNRESET' }));
    const response = await h.handler(toolEvent('triage', 'runbooks', 'q'));
    expect([response.statusCode, h.last().reason, h.logs[0].includes('leak')]).toEqual([502, 'authorized, then: tool runbooks.internal.example.com/search/q could not be reached (ECONNRESET)', false]);
  });

  it('an unexpected error is logged with URLs cut to host and path, and known values redacted', () => {
    const error = new Error(`failed https://bot:pw@tickets.example.com/api/x?api_key=abc123#frag with ${RUNBOOKS_CREDENTIAL}`);
    const line = redact(JSON.stringify({ reason: describeError(error) }), [RUNBOOKS_CREDENTIAL]);
    expect(JSON.parse(line).reason).toBe('Error: failed https://tickets.example.com/api/x with [REDACTED]');
  });

  it('redacts a value also where JSON escaped it', () => {
    const value = 'Bearer "quoted"\\path-0123';
    expect(redact(JSON.stringify({ reason: `x ${value} y` }), [value])).toBe(JSON.stringify({ reason: 'x [REDACTED] y' }));
  });
});
