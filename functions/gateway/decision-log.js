// @ts-check
'use strict';

/**
 * The decision log: one JSON line per request on stdout, which is the function's log group, the
 * environment's decision log. Fields:
 *
 *   requestId, caller (verified ARN), route (workload-invoke | agent-model | agent-tool),
 *   workload | agent, model, tool, method, action, tenant, approvedBy, approvalId,
 *   target (a tool's host and path, never its query), session (the integration session name),
 *   decision (ALLOW | DENY), reason, determiningPolicies, status, latencyMs
 *
 * Never a credential value, an approval token, an API key, a signature or a full URL with its
 * query: fields are built from names and verified facts, and the finished line is passed through
 * `redact` with every sensitive value the request carried or the gateway read, as a second line of
 * defence.
 */

const REDACTED = '[REDACTED]';

/**
 * Request headers whose values are credentials or tokens: never logged.
 * @type {ReadonlyArray<string>}
 */
const SENSITIVE_REQUEST_HEADERS = Object.freeze(['authorization', 'x-api-key', 'x-amz-security-token', 'x-governance-approval', 'cookie', 'proxy-authorization']);

/**
 * @param {string} line
 * @param {Iterable<string>} sensitive
 */
function redact(line, sensitive) {
  let out = line;
  for (const value of sensitive) {
    // JSON escapes some characters; look for the value as it appears inside a JSON string too.
    for (const form of new Set([value, JSON.stringify(value).slice(1, -1)])) {
      if (form.length >= 8) out = out.split(form).join(REDACTED);
    }
  }
  return out;
}

/**
 * An error as log text: its name and message, URLs cut to host and path, at most 300 characters.
 * @param {unknown} error
 */
function describeError(error) {
  const e = /** @type {any} */ (error);
  const name = typeof e?.name === 'string' ? e.name : 'Error';
  const message = typeof e?.message === 'string' ? e.message : String(error);
  const withoutQueries = message.replace(/\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#]*@)?([^\s/?#]*)([^\s?#]*)(\?[^\s#]*)?(#\S*)?/gi, '$1$3$4');
  return `${name}: ${withoutQueries}`.slice(0, 300);
}

module.exports = { REDACTED, SENSITIVE_REQUEST_HEADERS, redact, describeError };
