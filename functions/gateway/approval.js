// @ts-check
'use strict';

const crypto = require('node:crypto');
const { Refusal } = require('./refusal');
const { LOWER_EMAIL } = require('./config');

/**
 * Step-up approvals: one approver's signature on one call.
 *
 * Token: `<base64url(UTF-8 JSON payload)>.<base64url(DER ECDSA signature)>`. The signature is KMS
 * `Sign` (MessageType RAW, SigningAlgorithm ECDSA_SHA_256) over the UTF-8 bytes of the first part,
 * made with the approver's own asymmetric key (ECC_NIST_P256, SIGN_VERIFY), whose key policy lets
 * only that approver's IAM principal sign. The gateway verifies with KMS `Verify` and the key
 * APPROVER_KEYS names for `approvedBy`, so nobody can approve as someone else, and the agent,
 * which can sign nothing, cannot approve at all.
 *
 * Payload: `{ v: 1, env, agent, tool, method, path, querySha256, bodySha256, tenant?, iat, exp, jti,
 * approvedBy }`. It binds the environment, agent, tool, HTTP method (upper case), tool path (exactly
 * as the call's `{proxy+}`), the SHA-256 of the call's canonical query string and of its exact body
 * bytes (an approval for `POST tickets` must not approve `POST tickets?bulk=all` with another body),
 * the tenant when either side has one, an issue and expiry time (epoch seconds, at most 15 minutes
 * apart) and a unique id. The gateway records the id with a conditional write before the
 * call (single use; the record expires a minute after the approval).
 */

const MAX_APPROVAL_LIFETIME_SECONDS = 900;
/** How far an approver's clock may run ahead of API Gateway's. */
const CLOCK_SKEW_SECONDS = 30;
/** The used-approval record outlives the approval by this much, so TTL deletion never races exp. */
const RECORD_GRACE_SECONDS = 60;
const MAX_TOKEN_LENGTH = 4096;
const JTI = /^[A-Za-z0-9_-]{16,64}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const METHOD = /^(?:GET|HEAD|POST|PUT|PATCH|DELETE)$/;
const NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** A SHA-256 digest: 64 hex digits (what sha256sum prints) or 43 base64url characters. */
const SHA256_TEXT = /^(?:[0-9a-fA-F]{64}|[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048])$/;
const SHA256_WHAT = 'a SHA-256 hash (64 hex digits or 43 base64url characters)';

/**
 * @typedef {{ v: 1, env: string, agent: string, tool: string, method: string, path: string, querySha256: string, bodySha256: string,
 *   tenant?: string, iat: number, exp: number, jti: string, approvedBy: string }} ApprovalPayload
 * @typedef {{ env: string, agent: string, tool: string, method: string, path: string, tenant?: string,
 *   query: Readonly<Record<string, readonly string[]>>, body: Uint8Array }} ApprovalScope
 */

/** The payload's fields in the order approvalPayload writes them; any other field is refused. */
const FIELDS = Object.freeze(['v', 'env', 'agent', 'tool', 'method', 'path', 'querySha256', 'bodySha256', 'tenant', 'iat', 'exp', 'jti', 'approvedBy']);

/**
 * The canonical query string an approval's `querySha256` is taken over: the names sorted (by their
 * encoded form, so by bytes), each name's values in the order API Gateway delivered them
 * (`multiValueQueryStringParameters`), `name=value` pairs joined by `&`, names and values UTF-8
 * percent-encoded with every byte but RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`)
 * encoded as `%XX` (upper-case hex). No query is the empty string.
 * @param {Readonly<Record<string, readonly string[]>> | null | undefined} query name → values
 * @returns {string}
 */
function canonicalQueryString(query) {
  /** @type {Array<[string, string[]]>} */
  const names = Object.entries(query ?? {}).map(([name, values]) => [rfc3986(name), [...values].map(rfc3986)]);
  names.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return names.flatMap(([name, values]) => values.map((value) => `${name}=${value}`)).join('&');
}

/** @param {string} text */
function rfc3986(text) {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * @param {Uint8Array | string} bytes text is taken as UTF-8
 * @returns {Buffer} the SHA-256 digest
 */
function sha256(bytes) {
  return crypto.createHash('sha256').update(typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes).digest();
}

/**
 * The digest a hash field names (hex or base64url).
 * @param {string} text a value SHA256_TEXT accepts
 */
function digestOf(text) {
  return text.length === 64 ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64url');
}

/**
 * What is wrong with a payload's shape (not its scope or time), or undefined.
 * @param {any} p
 * @returns {string | undefined}
 */
function payloadShapeProblem(p) {
  if (p === null || typeof p !== 'object' || Array.isArray(p)) return 'payload is not a JSON object';
  const unknown = Object.keys(p).filter((k) => !FIELDS.includes(k));
  if (unknown.length > 0) return `payload has the unknown field ${unknown.join(', ')}`;
  if (p.v !== 1) return 'payload version v is not 1';
  for (const field of ['env', 'agent', 'tool']) if (typeof p[field] !== 'string' || !NAME.test(p[field])) return `payload ${field} is not a name`;
  if (typeof p.method !== 'string' || !METHOD.test(p.method)) return 'payload method is not an upper-case tool method';
  if (typeof p.path !== 'string' || p.path === '' || p.path.length > 2048) return 'payload path is not a tool path';
  for (const field of ['querySha256', 'bodySha256']) if (typeof p[field] !== 'string' || !SHA256_TEXT.test(p[field])) return `payload ${field} is not ${SHA256_WHAT}`;
  if (p.tenant !== undefined && (typeof p.tenant !== 'string' || !NAME.test(p.tenant))) return 'payload tenant is not a tenant name';
  if (!Number.isSafeInteger(p.iat) || !Number.isSafeInteger(p.exp)) return 'payload iat and exp are not epoch seconds';
  if (typeof p.jti !== 'string' || !JTI.test(p.jti)) return 'payload jti is not 16-64 characters of [A-Za-z0-9_-]';
  if (typeof p.approvedBy !== 'string' || !LOWER_EMAIL.test(p.approvedBy)) return 'payload approvedBy is not a lower-case e-mail';
  return undefined;
}

/**
 * The first part of a token: what the approver signs. For approval tooling and tests.
 * Give the call's query (`{ name: [values] }`, as the tool call will carry it) and body (its exact
 * bytes, or text taken as UTF-8; `''` for none), and the hashes are computed; or give
 * `querySha256`/`bodySha256` yourself (hex or base64url).
 * @param {Omit<ApprovalPayload, 'v' | 'querySha256' | 'bodySha256'> & { v?: 1, querySha256?: string, bodySha256?: string,
 *   query?: Readonly<Record<string, readonly string[]>>, body?: Uint8Array | string }} fields
 * @returns {string} base64url of the UTF-8 JSON payload
 * @throws {Error} when a field is malformed, a hash is missing, or the lifetime exceeds 15 minutes
 */
function approvalPayload(fields) {
  /** @type {Record<string, unknown>} */
  const given = { ...fields };
  for (const [source, field] of /** @type {const} */ ([['query', 'querySha256'], ['body', 'bodySha256']])) {
    if (given[source] === undefined) continue;
    if (given[field] !== undefined) throw new Error(`approvalPayload: give ${source} or ${field}, not both`);
    given[field] = source === 'query'
      ? sha256(canonicalQueryString(/** @type {Record<string, string[]>} */ (given.query))).toString('hex')
      : sha256(/** @type {Uint8Array | string} */ (given.body)).toString('hex');
  }
  /** @type {Record<string, unknown>} */
  const payload = { v: 1 };
  for (const field of FIELDS.slice(1)) {
    const value = given[field];
    if (value !== undefined) payload[field] = value;
  }
  const problem = payloadShapeProblem(payload);
  if (problem) throw new Error(`approvalPayload: ${problem}`);
  const p = /** @type {ApprovalPayload} */ (payload);
  if (p.exp <= p.iat || p.exp - p.iat > MAX_APPROVAL_LIFETIME_SECONDS) {
    throw new Error(`approvalPayload: exp must be after iat and at most ${MAX_APPROVAL_LIFETIME_SECONDS} seconds later`);
  }
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/**
 * The token from the signed part and the signature KMS returned.
 * @param {string} payloadPart the output of approvalPayload
 * @param {Uint8Array | string} derSignature KMS Sign's `Signature`: bytes, or the standard base64
 *   the AWS CLI prints
 */
function encodeApproval(payloadPart, derSignature) {
  if (!BASE64URL.test(payloadPart)) throw new Error('encodeApproval: the payload part is not base64url');
  const bytes = typeof derSignature === 'string' ? Buffer.from(derSignature, 'base64') : Buffer.from(derSignature);
  if (bytes.length === 0) throw new Error('encodeApproval: the signature is empty');
  return `${payloadPart}.${bytes.toString('base64url')}`;
}

/**
 * Splits and decodes a token; checks its shape only.
 * @param {string} token
 * @returns {{ payloadPart: string, signature: Buffer, payload: ApprovalPayload }}
 * @throws {Refusal} 403 for a malformed token
 */
function parseApproval(token) {
  if (token.length > MAX_TOKEN_LENGTH) throw new Refusal(403, `approval token is longer than ${MAX_TOKEN_LENGTH} characters`);
  const parts = token.split('.');
  if (parts.length !== 2 || !BASE64URL.test(parts[0]) || !BASE64URL.test(parts[1])) {
    throw new Refusal(403, 'approval token is not <base64url payload>.<base64url signature>');
  }
  /** @type {unknown} */
  let payload;
  try {
    payload = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
  } catch {
    throw new Refusal(403, 'approval token payload is not JSON');
  }
  const problem = payloadShapeProblem(payload);
  if (problem) throw new Refusal(403, `approval token ${problem}`);
  const signature = Buffer.from(parts[1], 'base64url');
  if (signature.length < 8 || signature.length > 80) throw new Refusal(403, 'approval token signature is not a DER ECDSA P-256 signature');
  return { payloadPart: parts[0], signature, payload: /** @type {ApprovalPayload} */ (payload) };
}

/**
 * Checks the approval is for this call, now.
 * @param {ApprovalPayload} p
 * @param {ApprovalScope} call
 * @param {number} nowSeconds
 * @throws {Refusal} 403 naming the first mismatch
 */
function checkApprovalScope(p, call, nowSeconds) {
  for (const field of /** @type {const} */ (['env', 'agent', 'tool', 'method', 'path'])) {
    if (p[field] !== call[field]) {
      throw new Refusal(403, `approval is for ${field} ${JSON.stringify(p[field])}, not ${JSON.stringify(call[field])}`);
    }
  }
  // The hashes say only "not this one": the query and body are the caller's, and the decision log
  // never carries a query string.
  if (!digestOf(p.querySha256).equals(sha256(canonicalQueryString(call.query)))) throw new Refusal(403, 'approval does not cover the query string of this call');
  if (!digestOf(p.bodySha256).equals(sha256(call.body))) throw new Refusal(403, 'approval does not cover the body of this call');
  if ((p.tenant !== undefined || call.tenant !== undefined) && p.tenant !== call.tenant) {
    throw new Refusal(403, `approval is for tenant ${JSON.stringify(p.tenant ?? null)}, not ${JSON.stringify(call.tenant ?? null)}`);
  }
  if (p.iat > nowSeconds + CLOCK_SKEW_SECONDS) throw new Refusal(403, 'approval is issued in the future');
  if (p.exp <= nowSeconds) throw new Refusal(403, 'approval has expired');
  if (p.exp <= p.iat || p.exp - p.iat > MAX_APPROVAL_LIFETIME_SECONDS) {
    throw new Refusal(403, `approval lives longer than ${MAX_APPROVAL_LIFETIME_SECONDS} seconds`);
  }
}

/**
 * Verifies the signature with the approver's KMS key.
 * @param {{ kms: { send: (command: any) => Promise<any> }, VerifyCommand: new (input: any) => any }} aws
 * @param {Readonly<Record<string, string>>} approverKeys
 * @param {{ payloadPart: string, signature: Buffer, payload: ApprovalPayload }} parsed
 * @throws {Refusal} 403 for an unknown approver or a signature that does not verify; other KMS errors propagate (500)
 */
async function verifyApprovalSignature(aws, approverKeys, parsed) {
  const approver = parsed.payload.approvedBy;
  const keyArn = Object.hasOwn(approverKeys, approver) ? approverKeys[approver] : undefined;
  if (!keyArn) throw new Refusal(403, `approval is signed for ${approver}, who is not a registered approver`);
  /** @type {any} */
  let out;
  try {
    out = await aws.kms.send(new aws.VerifyCommand({
      KeyId: keyArn,
      Message: Buffer.from(parsed.payloadPart, 'utf8'),
      MessageType: 'RAW',
      Signature: parsed.signature,
      SigningAlgorithm: 'ECDSA_SHA_256',
    }));
  } catch (error) {
    // KMS answers an invalid signature with this exception rather than SignatureValid: false.
    if (/** @type {any} */ (error)?.name === 'KMSInvalidSignatureException') throw new Refusal(403, `approval signature does not verify with the key of ${approver}`);
    throw error;
  }
  if (out?.SignatureValid !== true) throw new Refusal(403, `approval signature does not verify with the key of ${approver}`);
}

/**
 * Records the approval as used (single use). Called only after Cedar allowed, right before the call.
 * @param {{ dynamodb: { send: (command: any) => Promise<any> }, PutItemCommand: new (input: any) => any }} aws
 * @param {string} table
 * @param {ApprovalPayload} p
 * @param {{ requestId: string, nowSeconds: number }} use
 * @throws {Refusal} 403 when the id was used before; other DynamoDB errors propagate (500)
 */
async function consumeApproval(aws, table, p, use) {
  try {
    await aws.dynamodb.send(new aws.PutItemCommand({
      TableName: table,
      Item: {
        jti: { S: p.jti },
        agent: { S: p.agent },
        tool: { S: p.tool },
        approvedBy: { S: p.approvedBy },
        usedAt: { S: new Date(use.nowSeconds * 1000).toISOString() },
        requestId: { S: use.requestId },
        expiresAt: { N: String(p.exp + RECORD_GRACE_SECONDS) },
      },
      ConditionExpression: 'attribute_not_exists(jti)',
    }));
  } catch (error) {
    if (/** @type {any} */ (error)?.name === 'ConditionalCheckFailedException') throw new Refusal(403, 'approval already used');
    throw error;
  }
}

module.exports = {
  MAX_APPROVAL_LIFETIME_SECONDS,
  CLOCK_SKEW_SECONDS,
  RECORD_GRACE_SECONDS,
  approvalPayload,
  canonicalQueryString,
  encodeApproval,
  parseApproval,
  checkApprovalScope,
  verifyApprovalSignature,
  consumeApproval,
};
