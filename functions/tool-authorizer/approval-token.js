// @ts-check
'use strict';

const crypto = require('node:crypto');

/**
 * Step-up approval: a short-lived token an approver's tooling signs for one call scope
 * (agent, tool, action). Format: `<base64url(JSON payload)>.<base64url(HMAC-SHA256(key, first part))>`,
 * payload `{ id, approvedBy, agent, tool, action, exp }` with `exp` in epoch seconds.
 *
 * The authorizer only checks the token is genuine, unexpired and for this exact scope; whether
 * `approvedBy` is someone allowed to approve this tool is Cedar's decision (the policy lists the
 * approvers). The signing key is a secret the agent role cannot read, so the agent cannot mint
 * its own approvals.
 */

const APPROVAL_HEADER = 'x-governance-approval';
/** An approval is for one task, not a standing grant. */
const MAX_APPROVAL_LIFETIME_SECONDS = 3600;

/**
 * @param {string} payloadPart
 * @param {string | Buffer} key
 */
function sign(payloadPart, key) {
  return crypto.createHmac('sha256', key).update(payloadPart).digest('base64url');
}

/**
 * Mints a token (used by approval tooling and by the tests).
 * @param {{ id: string, approvedBy: string, agent: string, tool: string, action: string, exp: number }} payload
 * @param {string | Buffer} key
 */
function signApproval(payload, key) {
  const payloadPart = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${payloadPart}.${sign(payloadPart, key)}`;
}

/**
 * @param {string} token
 * @param {string | Buffer} key
 * @param {{ agent: string, tool: string, action: string }} scope
 * @param {number} nowSeconds
 * @returns {{ ok: true, approvedBy: string, approvalId: string } | { ok: false, reason: string }}
 */
function verifyApproval(token, key, scope, nowSeconds) {
  const parts = token.split('.');
  if (parts.length !== 2) return { ok: false, reason: 'approval token is not <payload>.<signature>' };
  const [payloadPart, signaturePart] = parts;
  const expected = Buffer.from(sign(payloadPart, key));
  const given = Buffer.from(signaturePart);
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) {
    return { ok: false, reason: 'approval token signature does not verify' };
  }
  /** @type {any} */
  let payload;
  try {
    payload = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'approval token payload is not JSON' };
  }
  if (typeof payload?.approvedBy !== 'string' || typeof payload?.id !== 'string') {
    return { ok: false, reason: 'approval token has no approvedBy or id' };
  }
  if (!Number.isInteger(payload.exp) || payload.exp <= nowSeconds) return { ok: false, reason: 'approval token has expired' };
  if (payload.exp - nowSeconds > MAX_APPROVAL_LIFETIME_SECONDS) {
    return { ok: false, reason: `approval token lives longer than ${MAX_APPROVAL_LIFETIME_SECONDS} seconds` };
  }
  for (const field of /** @type {const} */ (['agent', 'tool', 'action'])) {
    if (payload[field] !== scope[field]) return { ok: false, reason: `approval token is for ${field} ${JSON.stringify(payload[field])}, not ${JSON.stringify(scope[field])}` };
  }
  return { ok: true, approvedBy: payload.approvedBy, approvalId: payload.id };
}

module.exports = { APPROVAL_HEADER, MAX_APPROVAL_LIFETIME_SECONDS, signApproval, verifyApproval };
