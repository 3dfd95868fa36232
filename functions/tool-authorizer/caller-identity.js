// @ts-check
'use strict';

/**
 * Who is calling, proven by the caller's own IAM credentials without sharing them.
 *
 * A Lambda-authorized API Gateway method cannot also use AWS_IAM, so API Gateway does not verify
 * the caller for us (requestContext.identity.userArn stays empty). The caller therefore sends a
 * presigned STS GetCallerIdentity URL (the aws-iam-authenticator / Vault AWS-auth pattern) in the
 * `x-governance-identity` header. The authorizer calls that URL: STS answers with the caller's
 * ARN only if the signature is valid and unexpired. The signature must cover the
 * `x-governance-audience` header, which the authorizer sets to this gateway's audience, so a URL
 * minted for another audience does not verify here.
 */

const IDENTITY_HEADER = 'x-governance-identity';
const AUDIENCE_HEADER = 'x-governance-audience';
/** Longest presign lifetime accepted: a leaked URL is useless after this many seconds. */
const MAX_EXPIRES_SECONDS = 300;
const STS_HOST = /^sts(\.[a-z0-9-]+)?\.amazonaws\.com(\.cn)?$/;

/**
 * Checks the presigned URL's shape before calling it: only STS, only GetCallerIdentity, short
 * lived and bound to the audience. The authorizer never fetches any other URL (no SSRF).
 * @param {string | undefined} value
 * @returns {{ ok: true, url: URL } | { ok: false, reason: string }}
 */
function checkPresignedUrl(value) {
  if (!value) return { ok: false, reason: `no ${IDENTITY_HEADER} header` };
  /** @type {URL} */
  let url;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, reason: `${IDENTITY_HEADER} is not a URL` };
  }
  const q = url.searchParams;
  if (url.protocol !== 'https:' || !STS_HOST.test(url.hostname) || url.port !== '' || url.pathname !== '/') {
    return { ok: false, reason: `${IDENTITY_HEADER} does not point at STS` };
  }
  if (q.get('Action') !== 'GetCallerIdentity' || q.getAll('Action').length !== 1) {
    return { ok: false, reason: `${IDENTITY_HEADER} is not a GetCallerIdentity call` };
  }
  const expires = Number(q.get('X-Amz-Expires'));
  if (!Number.isInteger(expires) || expires <= 0 || expires > MAX_EXPIRES_SECONDS) {
    return { ok: false, reason: `${IDENTITY_HEADER} must expire within ${MAX_EXPIRES_SECONDS} seconds` };
  }
  const signed = (q.get('X-Amz-SignedHeaders') ?? '').split(';');
  if (!signed.includes(AUDIENCE_HEADER)) {
    return { ok: false, reason: `${IDENTITY_HEADER} does not sign ${AUDIENCE_HEADER}` };
  }
  return { ok: true, url };
}

/**
 * The role behind an STS answer: `arn:aws:sts::<account>:assumed-role/<role>/<session>`.
 * @param {string} arn
 * @returns {{ account: string, roleName: string } | undefined}
 */
function assumedRole(arn) {
  const m = /^arn:aws[a-z-]*:sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(arn);
  return m ? { account: m[1], roleName: m[2] } : undefined;
}

/**
 * The same facts from a role ARN, whose path (`/governed/<env>/`) the assumed-role ARN drops.
 * @param {string} arn
 * @returns {{ account: string, roleName: string } | undefined}
 */
function roleOf(arn) {
  const m = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[^/]+\/)*([^/]+)$/.exec(arn);
  return m ? { account: m[1], roleName: m[2] } : undefined;
}

/**
 * Calls the presigned URL and returns the verified caller ARN.
 * @param {string | undefined} presigned
 * @param {string} audience
 * @param {typeof fetch} fetchImpl
 * @returns {Promise<{ ok: true, arn: string } | { ok: false, reason: string }>}
 */
async function verifyCallerIdentity(presigned, audience, fetchImpl) {
  const checked = checkPresignedUrl(presigned);
  if (!checked.ok) return checked;
  const response = await fetchImpl(checked.url.toString(), {
    method: 'GET',
    headers: { accept: 'application/json', [AUDIENCE_HEADER]: audience },
    redirect: 'error',
    signal: AbortSignal.timeout(2000),
  });
  if (!response.ok) return { ok: false, reason: `STS refused the identity (HTTP ${response.status})` };
  const body = /** @type {any} */ (await response.json());
  const arn = body?.GetCallerIdentityResponse?.GetCallerIdentityResult?.Arn;
  if (typeof arn !== 'string') return { ok: false, reason: 'STS answer has no Arn' };
  return { ok: true, arn };
}

module.exports = { IDENTITY_HEADER, AUDIENCE_HEADER, MAX_EXPIRES_SECONDS, checkPresignedUrl, assumedRole, roleOf, verifyCallerIdentity };
