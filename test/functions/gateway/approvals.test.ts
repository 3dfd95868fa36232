/**
 * Step-up approvals: signed by the approver's own KMS key (here a real P-256 key behind a stubbed
 * KMS Verify), bound to one call, used once (a DynamoDB conditional write with real semantics).
 */
import * as crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APPROVAL_TABLE, approve, APPROVERS, bodyOf, EMPTY_SHA256, ENV, harness, rawApproval, toolEvent, TUESDAY_10 } from './harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const approval = require('../../../functions/gateway/approval.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const gatewayIndex = require('../../../functions/gateway/index.js');

const NOW = Math.floor(TUESDAY_10 / 1000);

/** A write to ticketing, which the policy allows only with an approval by the lead. */
function write(token: string | undefined, o: Parameters<typeof toolEvent>[3] = {}) {
  return toolEvent('triage', 'ticketing', 'tickets', { method: 'POST', ...o, headers: { ...(token ? { 'X-Governance-Approval': token } : {}), ...o.headers } });
}

async function refusedWith(token: string, reason: string, o: Parameters<typeof toolEvent>[3] = {}) {
  const h = harness();
  const response = await h.handler(write(token, o));
  expect([response.statusCode, h.last().reason, bodyOf(response).message]).toEqual([403, reason, reason]);
  expect([h.toolRequests, h.ddb.items.size]).toEqual([[], 0]);
  return h;
}

describe('an approval lets one call through', () => {
  it('a write with the lead\'s approval is allowed, and the approval is recorded as used', async () => {
    const h = harness();
    const token = approve({ jti: 'jti-aaaaaaaaaaaaaaaa', exp: NOW + 540 });
    const response = await h.handler(write(token, { requestId: 'req-1' }));
    expect(response.statusCode).toBe(200);
    expect(h.ddb.calls).toEqual([{
      TableName: APPROVAL_TABLE,
      Item: {
        jti: { S: 'jti-aaaaaaaaaaaaaaaa' },
        agent: { S: 'triage' },
        tool: { S: 'ticketing' },
        approvedBy: { S: APPROVERS.lead.email },
        usedAt: { S: '2026-11-17T10:00:00.000Z' },
        requestId: { S: 'req-1' },
        expiresAt: { N: String(NOW + 540 + 60) },
      },
      ConditionExpression: 'attribute_not_exists(jti)',
    }]);
  });

  it('verifies with KMS: the approver\'s key, RAW, ECDSA_SHA_256, over the first part of the token', async () => {
    const h = harness();
    const token = approve({});
    await h.handler(write(token));
    expect(h.kmsCalls.map((c) => ({ ...c, Message: Buffer.from(c.Message).toString(), Signature: Buffer.from(c.Signature).toString('base64url') }))).toEqual([{
      KeyId: APPROVERS.lead.keyArn,
      Message: token.split('.')[0],
      MessageType: 'RAW',
      Signature: token.split('.')[1],
      SigningAlgorithm: 'ECDSA_SHA_256',
    }]);
  });

  it('tells the tool who approved and passes approvedBy and approvalId to Cedar', async () => {
    const h = harness();
    await h.handler(write(approve({ jti: 'jti-bbbbbbbbbbbbbbbb' })));
    expect([h.toolRequests[0].headers['x-governance-approved-by'], h.vpCalls[0].context.contextMap.approvedBy, h.vpCalls[0].context.contextMap.approvalId])
      .toEqual([APPROVERS.lead.email, { string: APPROVERS.lead.email }, { string: 'jti-bbbbbbbbbbbbbbbb' }]);
  });

  it('a write without an approval is denied by Cedar', async () => {
    const h = harness();
    const response = await h.handler(write(undefined));
    // The approval forbid decides (a restriction is a forbid, so no added permit lifts it).
    expect([response.statusCode, h.last().reason, h.last().determiningPolicies]).toEqual([403, 'a policy forbids this call', ['approval.triage.ticketing.write']]);
  });
});

describe('break 4: approvals are single use and bound to the call', () => {
  it('break 4: an approval works once', async () => {
    const h = harness();
    const token = approve({});
    const first = await h.handler(write(token));
    const second = await h.handler(write(token));
    expect([first.statusCode, second.statusCode, h.last().reason, h.toolRequests.length]).toEqual([200, 403, 'approval already used', 1]);
  });

  it('break 4: a "single task" approval cannot be replayed 25 times', async () => {
    const h = harness();
    const token = approve({});
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await h.handler(write(token, { requestId: `req-${i}` }))).statusCode);
    expect([statuses.filter((s) => s === 200).length, h.toolRequests.length]).toEqual([1, 1]);
  });

  it('break 4: an approval for another path is refused', async () => {
    await refusedWith(approve({ path: 'tickets/INC-1' }), 'approval is for path "tickets/INC-1", not "tickets"');
  });

  it('break 4: an approval for another method is refused', async () => {
    await refusedWith(approve({ method: 'PUT' }), 'approval is for method "PUT", not "POST"');
  });

  it('break 4: an approval for another tool is refused', async () => {
    await refusedWith(approve({ tool: 'runbooks' }), 'approval is for tool "runbooks", not "ticketing"');
  });

  it('break 4: an approval for another agent is refused', async () => {
    await refusedWith(approve({ agent: 'deployer' }), 'approval is for agent "deployer", not "triage"');
  });

  it('break 4: an approval for another environment is refused', async () => {
    await refusedWith(approve({ env: 'staging' }), `approval is for env "staging", not "${ENV}"`);
  });

  it('break 4: an approval for another tenant is refused', async () => {
    await refusedWith(approve({ tenant: 'globex' }), 'approval is for tenant "globex", not "acme"', { headers: { 'x-governance-tenant': 'acme' } });
  });

  it('break 4: an approval for a tenant is refused on a call without one', async () => {
    await refusedWith(approve({ tenant: 'acme' }), 'approval is for tenant "acme", not null');
  });

  it('break 4: an approval without a tenant is refused on a call for a tenant', async () => {
    await refusedWith(approve({}), 'approval is for tenant null, not "acme"', { headers: { 'x-governance-tenant': 'acme' } });
  });

  it('break 4: an approval older than 15 minutes is refused', async () => {
    await refusedWith(approve({ iat: NOW - 16 * 60, exp: NOW - 60 }), 'approval has expired');
  });

  it('break 4: an approval that lives longer than 15 minutes is refused', async () => {
    await refusedWith(rawApproval({ v: 1, env: ENV, agent: 'triage', tool: 'ticketing', method: 'POST', path: 'tickets', querySha256: EMPTY_SHA256, bodySha256: EMPTY_SHA256, iat: NOW - 60, exp: NOW + 900, jti: 'jti-cccccccccccccccc', approvedBy: APPROVERS.lead.email }),
      'approval lives longer than 900 seconds');
  });

  it('break 4: an approval issued in the future (beyond 30 seconds of clock skew) is refused', async () => {
    await refusedWith(approve({ iat: NOW + 31, exp: NOW + 300 }), 'approval is issued in the future');
  });

  it('accepts an approval issued up to 30 seconds ahead of the gateway\'s clock', async () => {
    const h = harness();
    expect((await h.handler(write(approve({ iat: NOW + 30, exp: NOW + 300 })))).statusCode).toBe(200);
  });

  it('break 4: approvedBy is whoever holds the key: an approval naming the lead but signed with another approver\'s key is refused', async () => {
    const forged = rawApproval({ v: 1, env: ENV, agent: 'triage', tool: 'ticketing', method: 'POST', path: 'tickets', querySha256: EMPTY_SHA256, bodySha256: EMPTY_SHA256, iat: NOW - 60, exp: NOW + 300, jti: 'jti-dddddddddddddddd', approvedBy: APPROVERS.lead.email }, APPROVERS.other);
    await refusedWith(forged, `approval signature does not verify with the key of ${APPROVERS.lead.email}`);
  });

  it('break 4: an approval by someone with no registered key is refused', async () => {
    await refusedWith(approve({}, APPROVERS.stranger), `approval is signed for ${APPROVERS.stranger.email}, who is not a registered approver`);
  });

  it('break 4: a payload changed after signing is refused', async () => {
    const [, signature] = approve({ path: 'tickets/INC-1' }).split('.');
    const payload = approval.approvalPayload({ env: ENV, agent: 'triage', tool: 'ticketing', method: 'POST', path: 'tickets', query: {}, body: '', iat: NOW - 60, exp: NOW + 300, jti: 'jti-eeeeeeeeeeeeeeee', approvedBy: APPROVERS.lead.email });
    await refusedWith(`${payload}.${signature}`, `approval signature does not verify with the key of ${APPROVERS.lead.email}`);
  });

  it('a registered approver the policy does not name is denied by Cedar, and the approval is not consumed', async () => {
    const h = harness();
    const response = await h.handler(write(approve({}, APPROVERS.other)));
    expect([response.statusCode, h.last().reason, h.last().approvedBy, h.ddb.calls]).toEqual([403, 'a policy forbids this call', APPROVERS.other.email, []]);
  });

  it('an approval is consumed only after Cedar allowed: a call outside the window leaves it unused', async () => {
    const h = harness();
    const late = TUESDAY_10 + 9 * 3600_000;
    const token = approve({ iat: late / 1000 - 10, exp: late / 1000 + 300 });
    const response = await h.handler(write(token, { at: late }));
    expect([response.statusCode, h.ddb.calls]).toEqual([403, []]);
  });

  it('a present but invalid approval is never ignored, even on a read that needs none', async () => {
    const h = harness();
    const response = await h.handler(toolEvent('triage', 'runbooks', 'q', { headers: { 'X-Governance-Approval': approve({ tool: 'runbooks', method: 'GET', path: 'q', exp: NOW - 1, iat: NOW - 100 }) } }));
    expect([response.statusCode, h.last().reason, h.vpCalls]).toEqual([403, 'approval has expired', []]);
  });

  it.each([
    ['not two parts', 'abc', 'approval token is not <base64url payload>.<base64url signature>'],
    ['three parts', 'a.b.c', 'approval token is not <base64url payload>.<base64url signature>'],
    ['a payload that is not JSON', `${Buffer.from('not json').toString('base64url')}.AAAAAAAAAAAA`, 'approval token payload is not JSON'],
    ['an unknown field', rawApproval({ v: 1, env: ENV, agent: 'triage', tool: 'ticketing', method: 'POST', path: 'tickets', querySha256: EMPTY_SHA256, bodySha256: EMPTY_SHA256, iat: NOW, exp: NOW + 60, jti: 'jti-ffffffffffffffff', approvedBy: APPROVERS.lead.email, scope: '*' }), 'approval token payload has the unknown field scope'],
    ['a short jti', rawApproval({ v: 1, env: ENV, agent: 'triage', tool: 'ticketing', method: 'POST', path: 'tickets', querySha256: EMPTY_SHA256, bodySha256: EMPTY_SHA256, iat: NOW, exp: NOW + 60, jti: 'x', approvedBy: APPROVERS.lead.email }), 'approval token payload jti is not 16-64 characters of [A-Za-z0-9_-]'],
    ['a lower-case method', rawApproval({ v: 1, env: ENV, agent: 'triage', tool: 'ticketing', method: 'post', path: 'tickets', querySha256: EMPTY_SHA256, bodySha256: EMPTY_SHA256, iat: NOW, exp: NOW + 60, jti: 'jti-gggggggggggggggg', approvedBy: APPROVERS.lead.email }), 'approval token payload method is not an upper-case tool method'],
    ['a mixed-case approver', rawApproval({ v: 1, env: ENV, agent: 'triage', tool: 'ticketing', method: 'POST', path: 'tickets', querySha256: EMPTY_SHA256, bodySha256: EMPTY_SHA256, iat: NOW, exp: NOW + 60, jti: 'jti-hhhhhhhhhhhhhhhh', approvedBy: 'Oncall-Lead@example.com' }), 'approval token payload approvedBy is not a lower-case e-mail'],
  ])('fails when the token has %s (403)', async (_name, token, reason) => {
    await refusedWith(token, reason);
  });

  it('fails when the approval header is repeated (400)', async () => {
    const h = harness();
    const response = await h.handler(write(undefined, { multiValueHeaders: { 'x-governance-approval': [approve({}), approve({})] } }));
    expect([response.statusCode, h.last().reason]).toEqual([400, 'header x-governance-approval is repeated']);
  });

  it('fails closed when the approval table cannot be written (500, no tool call)', async () => {
    const h = harness();
    h.env.APPROVAL_TABLE = 'another-table';
    const response = await h.handler(write(approve({})));
    expect([response.statusCode, h.last().reason, h.toolRequests]).toEqual([500, 'gateway error: ResourceNotFoundException: ResourceNotFoundException', []]);
  });

  it('fails closed when KMS fails for another reason than a bad signature (500)', async () => {
    const h = harness();
    h.env.APPROVER_KEYS = JSON.stringify({ [APPROVERS.lead.email]: 'arn:aws:kms:eu-west-1:123456789012:key/99999999-0000-4000-8000-000000000000' });
    const response = await h.handler(write(approve({})));
    expect([response.statusCode, h.last().reason]).toEqual([500, 'gateway error: NotFoundException: NotFoundException']);
  });

  it('never writes the approval token into the decision log', async () => {
    const h = harness();
    const token = approve({});
    await h.handler(write(token));
    await h.handler(write(token));
    const [payloadPart, signature] = token.split('.');
    expect(h.logs.some((line) => line.includes(payloadPart) || line.includes(signature))).toBe(false);
  });

  it('break 4: the id is single use, not the token: a second approval re-using an id is refused', async () => {
    const h = harness();
    await h.handler(write(approve({ jti: 'jti-same-id-0000000001' })));
    const response = await h.handler(write(approve({ jti: 'jti-same-id-0000000001' })));
    expect([response.statusCode, h.last().reason, h.ddb.items.size]).toEqual([403, 'approval already used', 1]);
  });
});

describe('approval scope: an approval covers the query string and the body of the call', () => {
  const CLOSE_ALL = '{"action":"close-all"}';

  it('approval scope: fails when an approval for POST tickets is used with another query string (403, no tool call)', async () => {
    await refusedWith(approve({}), 'approval does not cover the query string of this call', { multiQuery: { assignee: ['attacker'], bulk: ['all'] } });
  });

  it('approval scope: fails when an approval for POST tickets is used with another body (403, no tool call)', async () => {
    await refusedWith(approve({ body: '{"title":"disk full"}' }), 'approval does not cover the body of this call', { body: CLOSE_ALL, headers: { 'content-type': 'application/json' } });
  });

  it('approval scope: fails when an approval for an empty body is used with a body', async () => {
    await refusedWith(approve({}), 'approval does not cover the body of this call', { body: CLOSE_ALL });
  });

  it('approval scope: fails when a value is added to an approved query parameter', async () => {
    await refusedWith(approve({ query: { assignee: ['me'] } }), 'approval does not cover the query string of this call', { multiQuery: { assignee: ['me', 'attacker'] } });
  });

  it('approval scope: a token without the hashes (the old payload) is refused', async () => {
    await refusedWith(rawApproval({ v: 1, env: ENV, agent: 'triage', tool: 'ticketing', method: 'POST', path: 'tickets', iat: NOW - 60, exp: NOW + 300, jti: 'jti-old-payload-000001', approvedBy: APPROVERS.lead.email }),
      'approval token payload querySha256 is not a SHA-256 hash (64 hex digits or 43 base64url characters)');
  });

  it('lets the approved query and body through, in whatever order API Gateway lists the names, with a base64-encoded body', async () => {
    const h = harness();
    const body = '{"title":"disk full"}';
    const token = approve({ query: { notify: ['oncall'], assignee: ['me', 'you'] }, body });
    const response = await h.handler(write(token, { multiQuery: { assignee: ['me', 'you'], notify: ['oncall'] }, body: Buffer.from(body).toString('base64'), isBase64Encoded: true }));
    expect([response.statusCode, h.toolRequests[0].body.toString()]).toEqual([200, body]);
  });

  it('accepts the hashes as hex or base64url', async () => {
    const h = harness();
    const body = '{"title":"disk full"}';
    const token = approve({ querySha256: crypto.createHash('sha256').update('').digest('base64url'), bodySha256: crypto.createHash('sha256').update(body).digest('hex') });
    expect((await h.handler(write(token, { body }))).statusCode).toBe(200);
  });

  it('the canonical query string sorts the names, keeps each name\'s values in order and percent-encodes all but RFC 3986 unreserved characters', () => {
    expect(approval.canonicalQueryString({ 'b c': ['x*y', "it's"], a: ['2', '1'], 'é': [''] })).toBe('%C3%A9=&a=2&a=1&b%20c=x%2Ay&b%20c=it%27s');
  });
});

describe('helpers for approval tooling', () => {
  const fields = { env: 'prod', agent: 'triage', tool: 'ticketing', method: 'POST', path: 'tickets', querySha256: EMPTY_SHA256, bodySha256: EMPTY_SHA256, iat: NOW, exp: NOW + 600, jti: 'jti-iiiiiiiiiiiiiiii', approvedBy: 'oncall-lead@example.com' };

  it('approvalPayload encodes the payload as base64url JSON with v: 1', () => {
    const part = approval.approvalPayload(fields);
    expect(JSON.parse(Buffer.from(part, 'base64url').toString())).toEqual({ v: 1, ...fields });
  });

  it('approvalPayload computes the hashes from the call\'s query and body (bytes, or text as UTF-8)', () => {
    const { querySha256, bodySha256, ...rest } = fields;
    const part = approval.approvalPayload({ ...rest, query: { bulk: ['all'], assignee: ['me'] }, body: Buffer.from('{"a":1}') });
    const sha = (text: string) => crypto.createHash('sha256').update(text).digest('hex');
    expect(JSON.parse(Buffer.from(part, 'base64url').toString())).toEqual({ v: 1, ...rest, querySha256: sha('assignee=me&bulk=all'), bodySha256: sha('{"a":1}') });
    expect([querySha256, bodySha256]).toEqual([sha(''), sha('')]);
  });

  it('fails when approvalPayload is given no query or body (an approval covers both)', () => {
    const { querySha256, ...rest } = fields;
    expect(querySha256).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(() => approval.approvalPayload(rest)).toThrow('approvalPayload: payload querySha256 is not a SHA-256 hash (64 hex digits or 43 base64url characters)');
  });

  it('fails when approvalPayload is given both a query and its hash', () => {
    expect(() => approval.approvalPayload({ ...fields, query: {} })).toThrow('approvalPayload: give query or querySha256, not both');
  });

  it('encodeApproval accepts the signature as bytes or as the base64 the AWS CLI prints', () => {
    const part = approval.approvalPayload(fields);
    const signature = crypto.sign('sha256', Buffer.from(part), { key: APPROVERS.lead.privateKey, dsaEncoding: 'der' });
    expect(approval.encodeApproval(part, signature.toString('base64'))).toBe(approval.encodeApproval(part, new Uint8Array(signature)));
  });

  it('fails when an approval would live longer than 15 minutes', () => {
    expect(() => approval.approvalPayload({ ...fields, exp: NOW + 901 })).toThrow('approvalPayload: exp must be after iat and at most 900 seconds later');
  });

  it('fails when the jti is too short', () => {
    expect(() => approval.approvalPayload({ ...fields, jti: 'short' })).toThrow('approvalPayload: payload jti is not 16-64 characters of [A-Za-z0-9_-]');
  });

  it('are exported from the function\'s entry module', () => {
    expect([gatewayIndex.approvalPayload, gatewayIndex.encodeApproval, gatewayIndex.canonicalQueryString]).toEqual([approval.approvalPayload, approval.encodeApproval, approval.canonicalQueryString]);
  });

  it('README.md documents every payload field and the aws kms sign command line', () => {
    const readme = readFileSync(join(__dirname, '../../../functions/gateway/README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Approval tokens'));
    const missing = ['"v"', '"env"', '"agent"', '"tool"', '"method"', '"path"', '"querySha256"', '"bodySha256"', '"tenant"', 'sha256sum', '"iat"', '"exp"', '"jti"', '"approvedBy"', 'aws kms sign', '--message-type RAW', '--signing-algorithm ECDSA_SHA_256']
      .filter((text) => !section.includes(text));
    expect(missing).toEqual([]);
  });
});
