// @ts-check
'use strict';

const { Refusal } = require('./refusal');

/**
 * Which headers cross the gateway. Allow-lists, not deny-lists: a header nobody thought of does
 * not reach a tool. The caller's credentials (SigV4 `authorization`, `x-amz-*`, the API key
 * `x-api-key`), its cookies, forwarding headers and any `x-governance-*` header never pass; the
 * identity of the call travels in `x-governance-*` headers the gateway writes itself.
 */

/** Request headers forwarded to a tool (HTTP or Lambda). */
const FORWARDED_REQUEST_HEADERS = Object.freeze([
  'accept', 'accept-language', 'content-type', 'content-encoding', 'content-language',
  'if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since',
  'idempotency-key', 'traceparent', 'tracestate',
]);

/** Response headers returned from a tool to the caller. */
const RETURNED_RESPONSE_HEADERS = Object.freeze([
  'content-type', 'content-language', 'cache-control', 'etag', 'last-modified', 'location', 'retry-after',
]);

/** Headers the gateway writes on a tool request (prefix `x-governance-`). */
const GOVERNANCE_HEADERS = Object.freeze({
  agent: 'x-governance-agent',
  tool: 'x-governance-tool',
  action: 'x-governance-action',
  requestId: 'x-governance-request-id',
  approvedBy: 'x-governance-approved-by',
  tenant: 'x-governance-tenant',
});

/** Headers the caller may send to the gateway itself (read, never forwarded). */
const TENANT_HEADER = 'x-governance-tenant';
const APPROVAL_HEADER = 'x-governance-approval';

/**
 * Every header of the request, names in lower case, all values (API Gateway fills both `headers`
 * and `multiValueHeaders`; a repeated header appears only in the second).
 * @param {{ headers?: Record<string, unknown> | null, multiValueHeaders?: Record<string, unknown> | null }} event
 * @returns {Map<string, string[]>}
 */
function requestHeaders(event) {
  /** @type {Map<string, string[]>} */
  const out = new Map();
  /** @param {string} name @param {unknown} value */
  const add = (name, value) => {
    if (typeof value !== 'string') return;
    const key = name.toLowerCase();
    const values = out.get(key) ?? [];
    values.push(value);
    out.set(key, values);
  };
  const multi = event.multiValueHeaders ?? {};
  for (const [name, values] of Object.entries(multi)) {
    if (Array.isArray(values)) values.forEach((v) => add(name, v));
  }
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (!Object.keys(multi).some((m) => m.toLowerCase() === name.toLowerCase())) add(name, value);
  }
  return out;
}

/**
 * The single value of a header the gateway reads, or undefined when absent.
 * @param {Map<string, string[]>} headers
 * @param {string} name lower case
 * @throws {Refusal} 400 when the header is repeated: which value would the decision be about?
 */
function singleHeader(headers, name) {
  const values = headers.get(name);
  if (!values || values.length === 0) return undefined;
  if (values.length > 1) throw new Refusal(400, `header ${name} is repeated`);
  return values[0];
}

/**
 * The allow-listed request headers, ready for node:https (repeated values as arrays).
 * @param {Map<string, string[]>} headers
 * @returns {Record<string, string | string[]>}
 */
function forwardedRequestHeaders(headers) {
  /** @type {Record<string, string | string[]>} */
  const out = {};
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const values = (headers.get(name) ?? []).filter(isHeaderValue);
    if (values.length === 1) out[name] = values[0];
    else if (values.length > 1) out[name] = values;
  }
  return out;
}

/**
 * The allow-listed headers of a tool's answer (names in lower case, one value each).
 * @param {Record<string, unknown> | null | undefined} headers
 * @returns {Record<string, string>}
 */
function returnedResponseHeaders(headers) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const key = name.toLowerCase();
    if (!RETURNED_RESPONSE_HEADERS.includes(key)) continue;
    const single = Array.isArray(value) ? value.join(', ') : value;
    if (typeof single === 'string' && isHeaderValue(single)) out[key] = single;
  }
  return out;
}

/**
 * A value that can go in a header line: no CR, LF or NUL, at most 8 KiB.
 * @param {unknown} value
 * @returns {value is string}
 */
function isHeaderValue(value) {
  return typeof value === 'string' && value.length <= 8192 && !/[\r\n\0]/.test(value);
}

module.exports = {
  FORWARDED_REQUEST_HEADERS,
  RETURNED_RESPONSE_HEADERS,
  GOVERNANCE_HEADERS,
  TENANT_HEADER,
  APPROVAL_HEADER,
  requestHeaders,
  singleHeader,
  forwardedRequestHeaders,
  returnedResponseHeaders,
  isHeaderValue,
};
