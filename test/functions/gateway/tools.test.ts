/**
 * Tool routes: method and path rules, the Cedar decision in Verified Permissions, and the call to
 * an HTTP or Lambda tool with an integration session narrowed to that one tool.
 */
import {
  agentCaller, AGENT_PREFIX, agentEntries, approve, APPROVERS, AwsError, bodyOf, harness, integrationRole, KUBECTL_FN, REGION, RUNBOOKS_CREDENTIAL, RUNBOOKS_SECRET,
  simulate, TICKETING_CREDENTIAL, TICKETING_SECRET, TOOL_KEY_ARN, toolEvent, TUESDAY_10, type Harness,
} from './harness';
import { caseName, MATRIX, parseCall, type MatrixCase } from '../../governance/agent-grants.fixture';
import { HTTP_METHOD_ACTIONS as TS_METHOD_ACTIONS } from '../../../constructs/agent-authorization/tool-grants';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { HTTP_METHOD_ACTIONS } = require('../../../functions/gateway/tool-request.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { CREDENTIAL_CACHE_MILLIS } = require('../../../functions/gateway/handler.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { TOOL_TIMEOUT_MILLIS, MAX_RESPONSE_BYTES } = require('../../../functions/gateway/http-tool.js');

const METHOD_BY_ACTION: Record<string, string> = { read: 'GET', write: 'POST', delete: 'DELETE' };
const DAY_OFFSET: Record<string, number> = { Mon: -1, Tue: 0, Wed: 1, Thu: 2, Fri: 3, Sat: 4, Sun: 5 };
const at = (day: string, hour: number) => Date.UTC(2026, 10, 17 + DAY_OFFSET[day], hour, 0, 0);

describe('the Cedar matrix through the gateway function', () => {
  const toolCases = MATRIX.filter((c) => parseCall(c).kind === 'tool');

  async function run(c: MatrixCase) {
    const call = parseCall(c);
    if (call.kind !== 'tool') throw new Error('not a tool case');
    const h = harness({ triageRevoked: c.revoked });
    h.clock.now = at(c.day, c.hour);
    const method = METHOD_BY_ACTION[call.action];
    const nowSeconds = Math.floor(h.clock.now / 1000);
    const approval = c.approvedBy
      ? approve({ agent: call.owner, tool: call.tool, method, path: 'items', iat: nowSeconds - 10, exp: nowSeconds + 300 },
        Object.values(APPROVERS).find((a) => a.email === c.approvedBy))
      : undefined;
    const response = await h.handler(toolEvent(call.owner, call.tool, 'items', {
      method,
      caller: agentCaller(c.agent),
      at: h.clock.now,
      headers: approval ? { 'X-Governance-Approval': approval } : {},
    }));
    return { response, h };
  }

  it.each(toolCases.map((c) => [caseName(c), c] as const))('%s', async (_name, c) => {
    const { response } = await run(c);
    expect(response.statusCode === 200 ? 'ALLOW' : 'DENY').toBe(c.expected);
  });
});

describe('what the gateway asks Verified Permissions', () => {
  it('asks with the agent, the method\'s action, the tool and the UTC day, hour and minute of the request', async () => {
    const h = harness();
    await h.handler(toolEvent('triage', 'runbooks', 'q', { at: TUESDAY_10 + 37 * 60_000 + 5000 }));
    expect(h.vpCalls).toEqual([{
      policyStoreId: 'ps-prod',
      principal: { entityType: 'Governance::Agent', entityId: 'prod/triage' },
      action: { actionType: 'Governance::Action', actionId: 'read' },
      resource: { entityType: 'Governance::Tool', entityId: 'prod/triage/runbooks' },
      context: { contextMap: { dayOfWeek: { string: 'Tue' }, hourUtc: { long: 10 }, minuteOfDay: { long: 637 } } },
    }]);
  });

  it('passes the tenant into the Cedar context', async () => {
    const h = harness();
    await h.handler(toolEvent('triage', 'runbooks', 'q', { headers: { 'X-Governance-Tenant': 'globex' } }));
    expect(h.vpCalls[0].context.contextMap.tenant).toEqual({ string: 'globex' });
  });

  it('break 7: ALLOW with errors is a deny', async () => {
    const h = harness();
    h.vpAnswer = () => ({ decision: 'ALLOW', determiningPolicies: [{ policyId: 'tool.triage.runbooks.read' }], errors: [{ errorDescription: 'while evaluating policy revoked.triage: type error' }] });
    const response = await h.handler(toolEvent('triage', 'runbooks', 'q'));
    expect([response.statusCode, h.last().reason, h.last().decision]).toEqual([403, 'policy evaluation errors (ALLOW ignored): while evaluating policy revoked.triage: type error', 'DENY']);
    expect([h.stsCalls, h.toolRequests]).toEqual([[], []]);
  });

  it('a deny answers 403 with the reason, and neither reads the credential nor calls the tool', async () => {
    const h = harness();
    // Saturday is outside the ticketing window: the window's forbid decides.
    const response = await h.handler(toolEvent('triage', 'ticketing', 'items', { at: at('Sat', 10) }));
    expect([response.statusCode, bodyOf(response).message, h.last().reason, h.last().determiningPolicies]).toEqual([403, 'a policy forbids this call', 'a policy forbids this call', ['window.triage.ticketing']]);
    expect([h.stsCalls, h.awsCalls, h.toolRequests]).toEqual([[], [], []]);
  });

  it('logs a forbid with its determining policy', async () => {
    const h = harness();
    h.vpAnswer = () => ({ decision: 'DENY', determiningPolicies: [{ policyId: 'revoked.triage' }], errors: [] });
    await h.handler(toolEvent('triage', 'runbooks', 'q'));
    expect([h.last().reason, h.last().determiningPolicies]).toEqual(['a policy forbids this call', ['revoked.triage']]);
  });

  it('fails closed when Verified Permissions fails (500, no tool call)', async () => {
    const h = harness();
    h.vpAnswer = () => {
      throw new AwsError('ThrottlingException', 'Rate exceeded');
    };
    const response = await h.handler(toolEvent('triage', 'runbooks', 'q'));
    expect([response.statusCode, h.last().reason, h.toolRequests]).toEqual([500, 'gateway error: ThrottlingException: Rate exceeded', []]);
  });
});

describe('break 5: the action comes from the method; method override is refused', () => {
  it('break 5: POST with X-HTTP-Method-Override: DELETE is refused', async () => {
    const h = harness();
    const response = await h.handler(toolEvent('triage', 'ticketing', 'items/1', { method: 'POST', headers: { 'X-HTTP-Method-Override': 'DELETE' } }));
    expect([response.statusCode, h.last().reason]).toEqual([400, 'method override header x-http-method-override is refused; send the request with the method itself']);
    expect([h.vpCalls, h.toolRequests]).toEqual([[], []]);
  });

  it.each(['X-HTTP-Method', 'x-method-override', 'X-Http-Method-Override'])('break 5: POST with %s: DELETE is refused (any case)', async (header) => {
    const h = harness();
    const response = await h.handler(toolEvent('triage', 'ticketing', 'items/1', { method: 'POST', headers: { [header]: 'DELETE' } }));
    expect([response.statusCode, h.last().reason]).toEqual([400, `method override header ${header.toLowerCase()} is refused; send the request with the method itself`]);
  });

  it('break 5: POST with ?_method=DELETE is refused', async () => {
    const h = harness();
    const response = await h.handler(toolEvent('triage', 'ticketing', 'items/1', { method: 'POST', query: { _method: 'DELETE' } }));
    expect([response.statusCode, h.last().reason]).toEqual([400, 'method override query parameter _method is refused; send the request with the method itself']);
  });

  it('break 5: a multi-value _method query parameter is refused', async () => {
    const h = harness();
    const response = await h.handler(toolEvent('triage', 'ticketing', 'items/1', { method: 'POST', multiQuery: { _method: ['PATCH', 'DELETE'] } }));
    expect([response.statusCode, h.vpCalls]).toEqual([400, []]);
  });

  const FORM = 'application/x-www-form-urlencoded';
  const multipart = (name: string, disposition = `form-data; name="${name}"`) => ({
    body: `--XyZ\r\nContent-Disposition: form-data; name="title"\r\n\r\nx\r\n--XyZ\r\nContent-Disposition: ${disposition}\r\n\r\nDELETE\r\n--XyZ--\r\n`,
    headers: { 'Content-Type': 'multipart/form-data; boundary=XyZ' },
  });

  it.each([
    ['_method=DELETE', FORM, '_method'],
    ['title=x&_method=DELETE', `${FORM}; charset=UTF-8`, '_method'],
    ['%5Fmethod=DELETE', 'Application/X-WWW-Form-Urlencoded', '_method'],
    ['_METHOD=DELETE', FORM, '_METHOD'],
    ['.method=DELETE', FORM, '.method'],
    ['_method[]=DELETE', FORM, '_method[]'],
    ['x-http-method-override=DELETE', FORM, 'x-http-method-override'],
  ])('form method override: POST with a form body %s (%s) is refused (400, not forwarded)', async (body, contentType, name) => {
    const h = harness();
    const response = await h.handler(toolEvent('triage', 'ticketing', 'items/1', { method: 'POST', body, headers: { 'Content-Type': contentType } }));
    expect([response.statusCode, h.last().reason, h.vpCalls, h.toolRequests]).toEqual([400, `method override form field ${name} is refused; send the request with the method itself`, [], []]);
  });

  it('form method override: a base64-encoded form body with _method is refused', async () => {
    const h = harness();
    const response = await h.handler(toolEvent('triage', 'ticketing', 'items/1', { method: 'POST', body: Buffer.from('_method=DELETE').toString('base64'), isBase64Encoded: true, headers: { 'Content-Type': FORM } }));
    expect([response.statusCode, h.toolRequests]).toEqual([400, []]);
  });

  it.each([
    ['a quoted name', multipart('_method'), '_method'],
    ['an unquoted name', multipart('_method', 'form-data; name=_method'), '_method'],
    ['a name in another case', multipart('_Method'), '_Method'],
    ['an RFC 5987 name*', multipart('_method', "form-data; name*=UTF-8''%5Fmethod"), '_method'],
  ])('form method override: POST with a multipart field _method (%s) is refused (400, not forwarded)', async (_name, o, name) => {
    const h = harness();
    const response = await h.handler(toolEvent('triage', 'ticketing', 'items/1', { method: 'POST', ...o }));
    expect([response.statusCode, h.last().reason, h.vpCalls, h.toolRequests]).toEqual([400, `method override form field ${name} is refused; send the request with the method itself`, [], []]);
  });

  it('form method override: a form body the gateway cannot read (content-encoding) is refused', async () => {
    const h = harness();
    const response = await h.handler(toolEvent('triage', 'ticketing', 'items/1', { method: 'POST', body: 'H4sIAAAAAAAA', isBase64Encoded: true, headers: { 'Content-Type': FORM, 'Content-Encoding': 'gzip' } }));
    expect([response.statusCode, h.last().reason, h.toolRequests]).toEqual([400, 'a form body with content-encoding gzip is refused: the gateway cannot see whether it overrides the method', []]);
  });

  it.each(['x-http-method-override', 'X-HTTP-Method-Override', 'x-http-method', 'X-Method-Override', 'x_http_method_override', '_Method', '.method', ' _method'])(
    'form method override: a query parameter named %s is refused (400, not forwarded)', async (name) => {
      const h = harness();
      const response = await h.handler(toolEvent('triage', 'ticketing', 'items/1', { method: 'POST', query: { [name]: 'DELETE' } }));
      expect([response.statusCode, h.last().reason, h.vpCalls, h.toolRequests]).toEqual([400, `method override query parameter ${name} is refused; send the request with the method itself`, [], []]);
    });

  it('a form body without an override field is forwarded as sent', async () => {
    const h = harness();
    const body = 'title=disk+full&method_note=x&_methods=1';
    const response = await h.handler(toolEvent('triage', 'ticketing', 'tickets', { method: 'POST', body, headers: { 'Content-Type': FORM, 'X-Governance-Approval': approve({ body }) } }));
    expect([response.statusCode, h.toolRequests[0].body.toString()]).toEqual([200, body]);
  });

  it('a JSON body with a _method property is not a form: forwarded', async () => {
    const h = harness();
    const body = '{"_method":"note"}';
    const response = await h.handler(toolEvent('triage', 'ticketing', 'tickets', { method: 'POST', body, headers: { 'Content-Type': 'application/json', 'X-Governance-Approval': approve({ body }) } }));
    expect(response.statusCode).toBe(200);
  });

  it('break 5: DELETE is decided as delete, which the grant does not give', async () => {
    const h = harness();
    const response = await h.handler(toolEvent('triage', 'ticketing', 'items/1', { method: 'DELETE' }));
    expect([response.statusCode, h.vpCalls[0].action.actionId]).toEqual([403, 'delete']);
  });

  it.each(['OPTIONS', 'TRACE', 'CONNECT'])('refuses %s with 405 (no tool action)', async (method) => {
    const h = harness();
    const response = await h.handler(toolEvent('triage', 'runbooks', 'q', { method }));
    expect([response.statusCode, h.last().reason, h.vpCalls]).toEqual([405, `method "${method}" maps to no tool action`, []]);
  });

  it('keeps the method-to-action map equal to HTTP_METHOD_ACTIONS in tool-grants.ts', () => {
    expect(HTTP_METHOD_ACTIONS).toEqual(TS_METHOD_ACTIONS);
  });
});

describe('path safety: a tool is called only below its base URL', () => {
  const refused: Array<[string, string, string | undefined, string]> = [
    ['a .. segment', 'items/../../admin', undefined, 'the tool path has a .. segment'],
    ['a . segment', 'items/./x', undefined, 'the tool path has a . segment'],
    ['a backslash', 'items\\..\\admin', undefined, 'the tool path has a backslash'],
    ['an empty segment', 'items//x', undefined, 'the tool path has an empty segment (//)'],
    ['a percent-encoded slash', 'items/a/b', '/agents/triage/tools/runbooks/items/a%2Fb', 'the tool path has the percent-encoded %2F; send it plainly or not at all'],
    ['a percent-encoded dot', 'items/../x', '/agents/triage/tools/runbooks/items/%2e%2e/x', 'the tool path has the percent-encoded %2E; send it plainly or not at all'],
    ['a percent-encoded backslash', 'items\\x', '/agents/triage/tools/runbooks/items%5cx', 'the tool path has the percent-encoded %5C; send it plainly or not at all'],
    ['a percent-encoded percent', 'items/%2e', '/agents/triage/tools/runbooks/items/%252e', 'the tool path has the percent-encoded %25; send it plainly or not at all'],
  ];

  it.each(refused)('fails when the path has %s (400)', async (_name, proxy, rawPath, reason) => {
    const h = harness();
    const response = await h.handler(toolEvent('triage', 'runbooks', proxy, rawPath ? { path: rawPath } : {}));
    expect([response.statusCode, h.last().reason, h.vpCalls, h.toolRequests]).toEqual([400, reason, [], []]);
  });

  const T = '/agents/triage/tools/runbooks/';
  it.each([
    ['a ..; segment (Tomcat and Spring read it as ..)', '..;/admin/users', `${T}..;/admin/users`, 'the tool path has a ; in segment "..;" (a matrix parameter); send the path without it'],
    ['a matrix parameter', 'items;jsessionid=x/1', `${T}items;jsessionid=x/1`, 'the tool path has a ; in segment "items;jsessionid=x" (a matrix parameter); send the path without it'],
    ['a percent-encoded ;', 'items/..;x', `${T}items/..%3Bx`, 'the tool path has a ; in segment "..;x" (a matrix parameter); send the path without it'],
    ['a .. with a trailing space', '.. /admin', `${T}..%20/admin`, 'the tool path has the segment ".. " of only dots and whitespace'],
    ['a .. after a no-break space', '\u00a0../admin', `${T}%C2%A0../admin`, 'the tool path has the segment "\u00a0.." of only dots and whitespace'],
    ['a full-width ．．', '．．/admin', `${T}%EF%BC%8E%EF%BC%8E/admin`, 'the tool path has the segment "．．" of only dots and whitespace'],
    ['a one-dot leader ․․', 'items/․․/admin', `${T}items/%E2%80%A4%E2%80%A4/admin`, 'the tool path has the segment "․․" of only dots and whitespace'],
    ['...', 'items/.../admin', `${T}items/.../admin`, 'the tool path has the segment "..." of only dots and whitespace'],
    ['a segment of only spaces', 'items/ /x', `${T}items/%20/x`, 'the tool path has the segment " " of only dots and whitespace'],
    ['a full-width solidus', 'items..／admin', `${T}items..%EF%BC%8Fadmin`, 'the tool path has the segment "items..／admin", which normalizes (NFKC) to a / or \\'],
  ])('matrix and dot-like path: fails when the path has %s (400)', async (_name, proxy, rawPath, reason) => {
    const h = harness();
    const response = await h.handler(toolEvent('triage', 'runbooks', proxy, { path: rawPath }));
    expect([response.statusCode, h.last().reason, h.vpCalls, h.toolRequests]).toEqual([400, reason, [], []]);
  });

  it.each(['v1.2/items', 'a..b/c', 'items/.well-known', 'what is this'])('accepts the path %s', async (proxy) => {
    const h = harness();
    const response = await h.handler(toolEvent('triage', 'runbooks', proxy, { path: `${T}${proxy.split('/').map(encodeURIComponent).join('/')}` }));
    expect(response.statusCode).toBe(200);
  });

  it('calls base URL (trailing / trimmed) + / + the path, with the query, and the method as received', async () => {
    const h = harness();
    h.clock.now = TUESDAY_10;
    await h.handler(toolEvent('triage', 'ticketing', 'tickets/INC-42/comments', { method: 'GET', multiQuery: { page: ['2'], tag: ['a b', 'c&d'] } }));
    expect([h.toolRequests[0].url.href, h.toolRequests[0].method]).toEqual(['https://tickets.internal.example.com/api/tickets/INC-42/comments?page=2&tag=a+b&tag=c%26d', 'GET']);
  });

  it('keeps a path segment\'s reserved characters encoded, so the tool sees the segment the caller sent', async () => {
    const h = harness();
    await h.handler(toolEvent('triage', 'runbooks', 'q/what is this?#x', { path: '/agents/triage/tools/runbooks/q/what%20is%20this%3F%23x' }));
    expect(h.toolRequests[0].url.pathname).toBe('/search/q/what%20is%20this%3F%23x');
  });

  it('fails when the caller sends a credential-like query parameter (400, not forwarded)', async () => {
    const h = harness();
    const response = await h.handler(toolEvent('triage', 'runbooks', 'q', { query: { Token: 'abc' } }));
    expect([response.statusCode, h.last().reason, h.toolRequests]).toEqual([400, 'the credential-like query parameter Token is not forwarded to tools', []]);
  });

  it('fails when the tool is not on the agent\'s entry (404)', async () => {
    const h = harness();
    const response = await h.handler(toolEvent('triage', 'kubectl', 'pods'));
    expect([response.statusCode, h.last().reason]).toEqual([404, 'tool kubectl is not on the route entry of agent triage']);
  });
});

describe('tenants', () => {
  it('fails when the tenant is not one of the agent\'s tenants (403, nothing asked)', async () => {
    const h = harness();
    const response = await h.handler(toolEvent('triage', 'runbooks', 'q', { headers: { 'x-governance-tenant': 'initech' } }));
    expect([response.statusCode, h.last().reason, h.vpCalls]).toEqual([403, 'tenant "initech" is not a tenant of agent triage', []]);
  });

  it('fails when the tenant header is repeated (400)', async () => {
    const h = harness();
    const response = await h.handler(toolEvent('triage', 'runbooks', 'q', { multiValueHeaders: { 'x-governance-tenant': ['acme', 'globex'] } }));
    expect([response.statusCode, h.last().reason]).toEqual([400, 'header x-governance-tenant is repeated']);
  });

  it('tells the tool the tenant in x-governance-tenant and logs it', async () => {
    const h = harness();
    await h.handler(toolEvent('triage', 'runbooks', 'q', { headers: { 'X-Governance-Tenant': 'acme' } }));
    expect([h.toolRequests[0].headers['x-governance-tenant'], h.last().tenant]).toEqual(['acme', 'acme']);
  });
});

describe('HTTP tools', () => {
  it('sets the credential header from the secret and the x-governance headers of the call', async () => {
    const h = harness();
    await h.handler(toolEvent('triage', 'runbooks', 'q', { requestId: 'req-9', headers: { accept: 'application/json' } }));
    expect(h.toolRequests[0].headers).toEqual({
      accept: 'application/json',
      'x-api-key': RUNBOOKS_CREDENTIAL,
      'x-governance-agent': 'triage',
      'x-governance-tool': 'runbooks',
      'x-governance-action': 'read',
      'x-governance-request-id': 'req-9',
      'content-length': '0',
    });
  });

  it('returns the tool\'s status, its allow-listed headers and its body', async () => {
    const h = harness();
    const response = await h.handler(toolEvent('triage', 'runbooks', 'q'));
    expect(response).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json', etag: '"v1"' },
      body: JSON.stringify({ path: '/search/q', query: '', method: 'GET' }),
      isBase64Encoded: false,
    });
  });

  it('returns a binary answer as base64', async () => {
    const h = harness();
    h.servers.set('runbooks.internal.example.com', () => ({ statusCode: 200, headers: { 'content-type': 'application/pdf' }, body: Buffer.from([0x25, 0x50, 0xff]) }));
    const response = await h.handler(toolEvent('triage', 'runbooks', 'doc.pdf'));
    expect([response.body, response.isBase64Encoded]).toEqual([Buffer.from([0x25, 0x50, 0xff]).toString('base64'), true]);
  });

  it('sends the body (decoded from base64 when API Gateway encoded it)', async () => {
    const h = harness();
    const body = Buffer.from('{"title":"disk full"}');
    await h.handler(toolEvent('triage', 'ticketing', 'tickets', {
      method: 'POST',
      body: body.toString('base64'),
      isBase64Encoded: true,
      headers: { 'X-Governance-Approval': approve({ body }), 'content-type': 'application/json' },
    }));
    expect([h.toolRequests[0].body.toString(), h.toolRequests[0].headers['content-length']]).toEqual(['{"title":"disk full"}', String(body.length)]);
  });

  it('does not follow a redirect: the 3xx goes back to the caller', async () => {
    const h = harness();
    h.servers.set('runbooks.internal.example.com', () => ({ statusCode: 302, headers: { location: 'https://169.254.169.254/latest/meta-data' } }));
    const response = await h.handler(toolEvent('triage', 'runbooks', 'q'));
    expect([response.statusCode, response.headers.location, h.toolRequests.length]).toEqual([302, 'https://169.254.169.254/latest/meta-data', 1]);
  });

  it('answers 504 when the tool does not answer within 25 seconds', async () => {
    const h = harness();
    h.servers.set('runbooks.internal.example.com', () => 'hang');
    const response = await h.handler(toolEvent('triage', 'runbooks', 'q'));
    expect([TOOL_TIMEOUT_MILLIS, response.statusCode, h.last().reason]).toEqual([25_000, 504, 'authorized, then: tool runbooks.internal.example.com/search/q did not answer within 25 s']);
  });

  it('answers 504 at the 25-second deadline even when the connection never goes idle', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      const h = harness();
      h.servers.set('runbooks.internal.example.com', () => 'silent');
      const pending = h.handler(toolEvent('triage', 'runbooks', 'q'));
      while (h.toolRequests.length === 0) await new Promise((resolve) => setImmediate(resolve));
      jest.advanceTimersByTime(TOOL_TIMEOUT_MILLIS - 1);
      await new Promise((resolve) => setImmediate(resolve));
      expect(h.logs).toEqual([]);
      jest.advanceTimersByTime(1);
      expect([(await pending).statusCode, h.last().reason]).toEqual([504, 'authorized, then: tool runbooks.internal.example.com/search/q did not answer within 25 s']);
    } finally {
      jest.useRealTimers();
    }
  });

  it('answers 502 when the tool answers more than the response limit', async () => {
    const h = harness();
    h.servers.set('runbooks.internal.example.com', () => ({ statusCode: 200, headers: { 'content-type': 'text/plain' }, body: Buffer.alloc(MAX_RESPONSE_BYTES + 1) }));
    const response = await h.handler(toolEvent('triage', 'runbooks', 'q'));
    expect([response.statusCode, h.last().reason]).toEqual([502, `authorized, then: tool runbooks.internal.example.com/search/q answered more than ${MAX_RESPONSE_BYTES} bytes`]);
  });

  it('answers 502 without the host\'s error detail when the tool cannot be reached', async () => {
    const h = harness();
    h.dns.delete('runbooks.internal.example.com');
    const response = await h.handler(toolEvent('triage', 'runbooks', 'q'));
    expect([response.statusCode, bodyOf(response).message, h.last().reason]).toEqual([502, 'bad gateway', 'authorized, then: tool runbooks.internal.example.com/search/q could not be reached (ENOTFOUND)']);
  });

  it('break 8: a tool URL resolving to 169.254.169.254 is refused at connect time', async () => {
    const h = harness();
    h.dns.set('runbooks.internal.example.com', ['169.254.169.254']);
    const response = await h.handler(toolEvent('triage', 'runbooks', 'q'));
    expect([response.statusCode, h.last().reason, h.toolRequests]).toEqual([502,
      'authorized, then: tool target refused at connect time: runbooks.internal.example.com resolves to 169.254.169.254, a link-local (incl. the instance metadata service) address; tools are called only on public addresses', []]);
  });

  it('break 8: a host that resolves to one public and one private address is refused (when node asks for all addresses)', async () => {
    const h = harness();
    h.lookupMode = 'all';
    h.dns.set('runbooks.internal.example.com', ['3.248.10.20', 'fd00:ec2::254']);
    const response = await h.handler(toolEvent('triage', 'runbooks', 'q'));
    expect([response.statusCode, h.last().reason, h.toolRequests]).toEqual([502, expect.stringContaining('resolves to fd00:ec2::254, a unique local'), []]);
  });

  it.each(['2002:a9fe:a9fe::1', '64:ff9b:1::a9fe:a9fe', '198.18.0.1'])('embedded IPv4 SSRF: a tool host resolving to %s is refused at connect time', async (address) => {
    const h = harness();
    h.dns.set('runbooks.internal.example.com', [address]);
    const response = await h.handler(toolEvent('triage', 'runbooks', 'q'));
    expect([response.statusCode, h.last().reason, h.toolRequests]).toEqual([502, expect.stringContaining(`resolves to ${address}, a `), []]);
  });

  it('break 8: DNS rebinding: a host that was public on the first call and private on the second is refused on the second', async () => {
    const h = harness();
    expect((await h.handler(toolEvent('triage', 'runbooks', 'q'))).statusCode).toBe(200);
    h.dns.set('runbooks.internal.example.com', ['127.0.0.1']);
    const response = await h.handler(toolEvent('triage', 'runbooks', 'q'));
    expect([response.statusCode, h.toolRequests.length]).toEqual([502, 1]);
  });
});

describe('integration sessions for tools', () => {
  it('an HTTP tool\'s session may read only its credential, and decrypt its key only through Secrets Manager', async () => {
    const h = harness();
    await h.handler(toolEvent('triage', 'ticketing', 'items'));
    expect(JSON.parse(h.stsCalls[0].Policy)).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'ReadThisToolCredential', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: TICKETING_SECRET },
        { Sid: 'DecryptThroughSecretsManager', Effect: 'Allow', Action: 'kms:Decrypt', Resource: TOOL_KEY_ARN, Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com` } } },
      ],
    });
  });

  it('an HTTP tool whose credential has no key of its own gets no KMS statement', async () => {
    const h = harness();
    await h.handler(toolEvent('triage', 'runbooks', 'q'));
    expect(JSON.parse(h.stsCalls[0].Policy).Statement.map((s: any) => s.Action)).toEqual(['secretsmanager:GetSecretValue']);
  });

  it('a Lambda tool\'s session may invoke only that function', async () => {
    const h = harness();
    await h.handler(toolEvent('deployer', 'kubectl', 'pods'));
    expect([h.stsCalls[0].RoleArn, JSON.parse(h.stsCalls[0].Policy).Statement]).toEqual([integrationRole('deployer'),
      [{ Sid: 'InvokeThisTool', Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: KUBECTL_FN }]]);
  });

  it('an HTTP tool without a credential is called without any session', async () => {
    const h = harness();
    const entry = agentEntries().triage;
    entry.tools.runbooks.credential = null;
    h.ssm.parameters.set(`${AGENT_PREFIX}triage`, JSON.stringify(entry));
    const response = await h.handler(toolEvent('triage', 'runbooks', 'q'));
    expect([response.statusCode, h.stsCalls, h.toolRequests[0].headers['x-api-key']]).toEqual([200, [], undefined]);
  });

  it('one tool\'s session cannot reach another tool (AWS evaluates the session policy)', async () => {
    const h = harness();
    await h.handler(toolEvent('triage', 'runbooks', 'q'));
    const policy = JSON.parse(h.stsCalls[0].Policy);
    const role = integrationRole('triage');
    expect(await Promise.all([
      simulate(role, policy, 'secretsmanager:GetSecretValue', RUNBOOKS_SECRET),
      simulate(role, policy, 'secretsmanager:GetSecretValue', TICKETING_SECRET),
      simulate(role, policy, 'kms:Decrypt', TOOL_KEY_ARN, { 'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com` }),
      simulate(role, policy, 'bedrock:InvokeModel', `arn:aws:bedrock:${REGION}::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0`),
    ])).toEqual([true, false, false, false]);
  });

  it('re-reads a tool credential after 5 minutes, so a rotated credential takes effect', async () => {
    const h = harness();
    await h.handler(toolEvent('triage', 'runbooks', 'q'));
    h.clock.now += CREDENTIAL_CACHE_MILLIS - 1;
    await h.handler(toolEvent('triage', 'runbooks', 'q', { at: h.clock.now }));
    h.secrets.set(RUNBOOKS_SECRET, 'rotated-runbooks-key-0123456789');
    h.clock.now += 2;
    await h.handler(toolEvent('triage', 'runbooks', 'q', { at: h.clock.now }));
    expect([CREDENTIAL_CACHE_MILLIS, h.awsCalls.filter((c) => c.command === 'GetSecretValueCommand').length, h.toolRequests[2].headers['x-api-key']])
      .toEqual([300_000, 2, 'rotated-runbooks-key-0123456789']);
  });

  it('a cached credential is never handed to another agent whose entry names the same secret', async () => {
    const h = harness();
    await h.handler(toolEvent('triage', 'ticketing', 'items'));
    const deployer = agentEntries().deployer;
    deployer.tools.tickets = { target: { kind: 'http', url: 'https://tickets.internal.example.com/api' }, credential: { secretArn: TICKETING_SECRET, header: 'Authorization', kmsKeyArn: TOOL_KEY_ARN } };
    h.ssm.parameters.set(`${AGENT_PREFIX}deployer`, JSON.stringify(deployer));
    h.vpAnswer = () => ({ decision: 'ALLOW', determiningPolicies: [{ policyId: 'a-policy-added-by-mistake' }], errors: [] });
    const response = await h.handler(toolEvent('deployer', 'tickets', 'items'));
    expect([response.statusCode, h.awsCalls.at(-1)!.allowed, h.toolRequests.length]).toEqual([500, false, 1]);
    expect(h.toolRequests.map((r) => r.headers.authorization)).toEqual([TICKETING_CREDENTIAL]);
  });

  it('fails closed when the credential cannot be read (500, no tool call)', async () => {
    const h = harness();
    h.secrets.delete(RUNBOOKS_SECRET);
    const response = await h.handler(toolEvent('triage', 'runbooks', 'q'));
    expect([response.statusCode, h.last().reason, h.toolRequests]).toEqual([500, 'authorized, then: gateway error: ResourceNotFoundException: ResourceNotFoundException', []]);
  });
});

describe('Lambda tools', () => {
  it('maps the function\'s answer back, headers allow-listed', async () => {
    const h = harness();
    const response = await h.handler(toolEvent('deployer', 'kubectl', 'pods'));
    expect(response).toEqual({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"pods":3}', isBase64Encoded: false });
  });

  it('answers 502 on a function error, without its message', async () => {
    const h = harness();
    h.lambdaAnswers.set(KUBECTL_FN, () => 'crash');
    const response = await h.handler(toolEvent('deployer', 'kubectl', 'pods'));
    expect([response.statusCode, h.last().reason, h.logs.join('').includes('secret-path')]).toEqual([502, 'authorized, then: Lambda tool kubectl failed (Unhandled)', false]);
  });

  it('answers 502 when the function answers without a statusCode', async () => {
    const h = harness();
    h.lambdaAnswers.set(KUBECTL_FN, () => ({ body: 'ok' }));
    const response = await h.handler(toolEvent('deployer', 'kubectl', 'pods'));
    expect([response.statusCode, h.last().reason]).toEqual([502, 'authorized, then: Lambda tool kubectl answered without a statusCode']);
  });
});

describe('the decision log', () => {
  let h: Harness;
  beforeAll(async () => {
    h = harness();
    await h.handler(toolEvent('triage', 'ticketing', 'tickets', {
      method: 'POST',
      requestId: 'req-log',
      query: { draft: 'true' },
      headers: { 'X-Governance-Approval': approve({ jti: 'approval-0000000000000001', tenant: 'acme', query: { draft: ['true'] } }), 'X-Governance-Tenant': 'acme' },
    }));
  });

  it('writes one line per request with the decision and its facts', () => {
    const { latencyMs, ...record } = h.last();
    expect([h.logs.length, typeof latencyMs, record]).toEqual([1, 'number', {
      requestId: 'req-log', route: 'agent-tool', method: 'POST', agent: 'triage', tool: 'ticketing', caller: agentCaller('triage'), action: 'write',
      target: 'tickets.internal.example.com/api/tickets', tenant: 'acme', approvedBy: 'oncall-lead@example.com', approvalId: 'approval-0000000000000001',
      determiningPolicies: ['tool.triage.ticketing.write'], decision: 'ALLOW', reason: 'a policy permits this call', session: 'gw-req-log', status: 200,
    }]);
  });

  it('logs the target\'s host and path, never its query', () => {
    expect(h.logs[0].includes('draft')).toBe(false);
  });
});
