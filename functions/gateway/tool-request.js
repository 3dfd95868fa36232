// @ts-check
'use strict';

const { Refusal } = require('./refusal');
const { CREDENTIAL_QUERY_NAMES } = require('./url-safety');
const { bodyBytes } = require('./body');

/**
 * What a tool request is allowed to be before anyone is asked about it.
 *
 * - The action comes from the HTTP method API Gateway matched (`event.httpMethod`), through the
 *   same map as constructs/agent-authorization/tool-grants.ts HTTP_METHOD_ACTIONS (a test keeps the
 *   two equal). Method override is refused outright: a tool framework that honours it would run a
 *   DELETE the gateway authorized as a POST. That is the headers `X-HTTP-Method-Override`,
 *   `X-HTTP-Method`, `X-Method-Override`, and a query parameter or form field (urlencoded or
 *   multipart body: Laravel, Rails, Symfony read `_method` there) named `_method` or like one of the
 *   headers. Names are compared as PHP and the frameworks read them: any case, leading whitespace
 *   dropped, ` ` `.` `-` taken as `_`, anything from `[` on dropped (`.method`, `_method[]`). A form
 *   body with a content-encoding is refused too: the gateway cannot see inside it.
 * - The tool path stays below the tool's base URL: no `.` or `..` segment, no backslash, no empty
 *   segment, and no percent-encoded `/`, `\`, `.` or `%` in the raw path, which a tool server could
 *   decode into one of those after the gateway looked. Nor what some servers read as one of those:
 *   a `;` (matrix parameters: Tomcat and Spring read `..;` as `..`), a segment made only of dots
 *   and whitespace once NFKC-normalized (`.. `, `...`, full-width `．．`: servers that trim or
 *   normalize read `..`), or one that normalizes to a `/` or `\` (full-width `／`).
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
/** Query and form field names that override the method, in overrideName()'s form. */
const METHOD_OVERRIDE_FIELDS = Object.freeze([METHOD_OVERRIDE_QUERY, ...METHOD_OVERRIDE_HEADERS.map((h) => h.replace(/-/g, '_'))]);
const FORM_URLENCODED = 'application/x-www-form-urlencoded';
const FORM_MULTIPART = 'multipart/form-data';

/**
 * A parameter name as the frameworks that honour `_method` would read it: PHP drops leading
 * whitespace, turns ` ` and `.` into `_` and makes `a[...]` the array `a`; we also ignore case and
 * take `-` as `_`, to match the header names in any spelling.
 * @param {string} name
 */
function overrideName(name) {
  return name.replace(/^\s+/, '').replace(/\[.*$/s, '').replace(/[\s.-]/g, '_').toLowerCase();
}

/** @param {string} name */
const isOverrideName = (name) => METHOD_OVERRIDE_FIELDS.includes(overrideName(name));

/** @param {string} name the name as received, shortened for the log line */
const shown = (name) => (name.length > 64 ? `${name.slice(0, 61)}...` : name);

/**
 * @param {Map<string, string[]>} headers lower-case names
 * @param {{ queryStringParameters?: Record<string, unknown> | null, multiValueQueryStringParameters?: Record<string, unknown> | null,
 *   body?: string | null, isBase64Encoded?: boolean }} event
 * @throws {Refusal} 400 when the request asks for another method than the one it was sent with
 */
function refuseMethodOverride(headers, event) {
  const header = METHOD_OVERRIDE_HEADERS.find((name) => headers.has(name));
  if (header) throw new Refusal(400, `method override header ${header} is refused; send the request with the method itself`);
  const names = [...Object.keys(event.queryStringParameters ?? {}), ...Object.keys(event.multiValueQueryStringParameters ?? {})];
  const query = names.find(isOverrideName);
  if (query !== undefined) throw new Refusal(400, `method override query parameter ${shown(query)} is refused; send the request with the method itself`);
  const field = formFieldNames(headers, event).find(isOverrideName);
  if (field !== undefined) throw new Refusal(400, `method override form field ${shown(field)} is refused; send the request with the method itself`);
}

/**
 * The field names of a form body (urlencoded or multipart), or none for any other body.
 * @param {Map<string, string[]>} headers
 * @param {{ body?: string | null, isBase64Encoded?: boolean }} event
 * @returns {string[]}
 * @throws {Refusal} 400 for a form body the gateway cannot read (content-encoded)
 */
function formFieldNames(headers, event) {
  const types = (headers.get('content-type') ?? []).map((value) => value.split(/[;,]/)[0].trim().toLowerCase());
  const urlencoded = types.includes(FORM_URLENCODED);
  const multipart = types.includes(FORM_MULTIPART);
  if (!urlencoded && !multipart) return [];
  const bytes = bodyBytes(event.body, event.isBase64Encoded);
  if (bytes.length === 0) return [];
  const encodings = (headers.get('content-encoding') ?? []).flatMap((v) => v.split(',')).map((v) => v.trim().toLowerCase()).filter((v) => v !== '' && v !== 'identity');
  if (encodings.length > 0) {
    throw new Refusal(400, `a form body with content-encoding ${shown(encodings.join(', '))} is refused: the gateway cannot see whether it overrides the method`);
  }
  // latin1 keeps every byte as one character: the names are compared on ASCII, whatever the charset.
  const text = bytes.toString('latin1');
  const names = [];
  if (urlencoded) for (const name of new URLSearchParams(text).keys()) names.push(name);
  if (multipart) names.push(...multipartNames(text));
  return names;
}

/**
 * Every `name` (and RFC 5987 `name*`) parameter of every Content-Disposition header in a multipart
 * body. Read loosely on purpose (any line, quoted or not): a false match refuses a request, a
 * missed one lets an override through.
 * @param {string} text
 * @returns {string[]}
 */
function multipartNames(text) {
  const names = [];
  for (const line of text.matchAll(/content-disposition\s*:([^\r\n]*)/gi)) {
    for (const m of line[1].matchAll(/(?:^|[;\s])name(\*?)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/gi)) {
      let name = (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1');
      if (m[1] === '*') {
        name = name.replace(/^[^']*'[^']*'/, '');
        try {
          name = decodeURIComponent(name);
        } catch {
          // not percent-encoding after all: compare it as it is
        }
      }
      names.push(name);
    }
  }
  return names;
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
  for (const path of [proxy, percentDecoded(raw.replace(/^\//, ''))]) for (const segment of path.split('/')) checkSegmentForm(segment);
}

/**
 * Refuses a segment some server could read as `.`, `..` or a separator although it is neither.
 * @param {string} segment percent-decoded
 * @throws {Refusal} 400
 */
function checkSegmentForm(segment) {
  const normalized = segment.normalize('NFKC');
  if (segment.includes(';') || normalized.includes(';')) {
    throw new Refusal(400, `the tool path has a ; in segment ${shownSegment(segment)} (a matrix parameter); send the path without it`);
  }
  if (/[/\\]/.test(normalized)) throw new Refusal(400, `the tool path has the segment ${shownSegment(segment)}, which normalizes (NFKC) to a / or \\`);
  // \s is Unicode whitespace; the zero-width and soft-hyphen characters some servers strip too.
  if (segment !== '' && /^[.\s\u00ad\u180e\u200b-\u200d\u2060]+$/u.test(normalized)) {
    throw new Refusal(400, `the tool path has the segment ${shownSegment(segment)} of only dots and whitespace`);
  }
}

/** @param {string} segment */
function shownSegment(segment) {
  return JSON.stringify(segment.length > 64 ? `${segment.slice(0, 61)}...` : segment);
}

/**
 * The raw path percent-decoded where it is valid UTF-8 percent-encoding, as a tool server would.
 * @param {string} raw
 */
function percentDecoded(raw) {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
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
