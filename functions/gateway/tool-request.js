// @ts-check
'use strict';

const { Refusal } = require('./refusal');
const { CREDENTIAL_QUERY_NAMES } = require('./url-safety');

/**
 * What a tool request is allowed to be before anyone is asked about it.
 *
 * - The action comes from the HTTP method API Gateway matched (`event.httpMethod`), through the
 *   same map as constructs/agent-authorization/tool-grants.ts HTTP_METHOD_ACTIONS (a test keeps the
 *   two equal). Method override (`X-HTTP-Method-Override`, `X-HTTP-Method`, `X-Method-Override`,
 *   `?_method=`) is refused outright: a tool framework that honours it would run a DELETE the
 *   gateway authorized as a POST.
 * - The tool path stays below the tool's base URL: no `.` or `..` segment, no backslash, no empty
 *   segment, and no percent-encoded `/`, `\`, `.` or `%` in the raw path, which a tool server could
 *   decode into one of those after the gateway looked.
 */

/** @type {Readonly<Record<string, 'read' | 'write' | 'delete'>>} */
const HTTP_METHOD_ACTIONS = Object.freeze({
  GET: 'read',
  HEAD: 'read',
  POST: 'write',
  PUT: 'write',
  PATCH: 'write',
  DELETE: 'delete',
});

const METHOD_OVERRIDE_HEADERS = Object.freeze(['x-http-method-override', 'x-http-method', 'x-method-override']);
const METHOD_OVERRIDE_QUERY = '_method';

/**
 * @param {Map<string, string[]>} headers lower-case names
 * @param {{ queryStringParameters?: Record<string, unknown> | null, multiValueQueryStringParameters?: Record<string, unknown> | null }} event
 * @throws {Refusal} 400 when the request asks for another method than the one it was sent with
 */
function refuseMethodOverride(headers, event) {
  const header = METHOD_OVERRIDE_HEADERS.find((name) => headers.has(name));
  if (header) throw new Refusal(400, `method override header ${header} is refused; send the request with the method itself`);
  const names = [...Object.keys(event.queryStringParameters ?? {}), ...Object.keys(event.multiValueQueryStringParameters ?? {})];
  if (names.some((name) => name.toLowerCase() === METHOD_OVERRIDE_QUERY)) {
    throw new Refusal(400, `method override query parameter ${METHOD_OVERRIDE_QUERY} is refused; send the request with the method itself`);
  }
}

/**
 * @param {unknown} httpMethod
 * @returns {{ method: string, action: 'read' | 'write' | 'delete' }}
 * @throws {Refusal} 405 for a method that maps to no tool action (OPTIONS, TRACE, CONNECT, ...)
 */
function actionOf(httpMethod) {
  const method = typeof httpMethod === 'string' ? httpMethod : '';
  if (!Object.hasOwn(HTTP_METHOD_ACTIONS, method)) throw new Refusal(405, `method ${JSON.stringify(method.slice(0, 20))} maps to no tool action`);
  return { method, action: HTTP_METHOD_ACTIONS[method] };
}

/**
 * @param {string} proxy `pathParameters.proxy`: the tool path as API Gateway decoded it
 * @param {unknown} rawPath `event.path`
 * @throws {Refusal} 400 when the path could leave the tool's base URL
 */
function checkToolPath(proxy, rawPath) {
  const raw = typeof rawPath === 'string' ? rawPath : '';
  const encoded = /%(?:2f|5c|2e|25)/i.exec(raw);
  if (encoded) throw new Refusal(400, `the tool path has the percent-encoded ${encoded[0].toUpperCase()}; send it plainly or not at all`);
  for (const path of [proxy, raw.replace(/^\//, '')]) {
    if (path.includes('\\')) throw new Refusal(400, 'the tool path has a backslash');
    // A trailing slash is a path of its own (`items/` is not `items`); an empty segment anywhere else is not.
    if (path.startsWith('/') || path.includes('//')) throw new Refusal(400, 'the tool path has an empty segment (//)');
    for (const segment of path.split('/')) {
      if (segment === '.' || segment === '..') throw new Refusal(400, `the tool path has a ${segment} segment`);
    }
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(proxy)) throw new Refusal(400, 'the tool path has a control character');
}

/**
 * The tool path for a URL: each segment percent-encoded where RFC 3986 needs it (pchar), so the
 * tool receives the path the caller sent.
 * @param {string} proxy
 */
function encodeToolPath(proxy) {
  return proxy.split('/').map((segment) => encodeURIComponent(segment).replace(/%(3A|40|21|24|26|27|28|29|2A|2B|2C|3B|3D)/g, (m) => decodeURIComponent(m))).join('/');
}

/**
 * The query to forward, every value of every name, and the names refused because they look like
 * credentials (a caller does not hand a tool a credential through the gateway; the gateway sets
 * the tool's credential itself).
 * @param {{ queryStringParameters?: Record<string, unknown> | null, multiValueQueryStringParameters?: Record<string, unknown> | null }} event
 * @returns {Record<string, string[]>}
 * @throws {Refusal} 400 for a credential-like parameter name
 */
function forwardedQuery(event) {
  /** @type {Record<string, string[]>} */
  const query = {};
  const multi = event.multiValueQueryStringParameters;
  if (multi && typeof multi === 'object') {
    for (const [name, values] of Object.entries(multi)) if (Array.isArray(values)) query[name] = values.filter((v) => typeof v === 'string');
  } else {
    for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) if (typeof value === 'string') query[name] = [value];
  }
  const refused = Object.keys(query).filter((name) => CREDENTIAL_QUERY_NAMES.includes(name.toLowerCase()));
  if (refused.length > 0) throw new Refusal(400, `the credential-like query parameter ${refused.join(', ')} is not forwarded to tools`);
  return query;
}

/** @param {Record<string, string[]>} query */
function queryString(query) {
  const params = new URLSearchParams();
  for (const [name, values] of Object.entries(query)) for (const value of values) params.append(name, value);
  return params.toString();
}

module.exports = {
  HTTP_METHOD_ACTIONS,
  METHOD_OVERRIDE_HEADERS,
  METHOD_OVERRIDE_QUERY,
  refuseMethodOverride,
  actionOf,
  checkToolPath,
  encodeToolPath,
  forwardedQuery,
  queryString,
};
