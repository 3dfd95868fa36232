// @ts-check
'use strict';

const { Refusal } = require('./refusal');
const { checkToolUrl, guardedLookup } = require('./url-safety');
const { returnedResponseHeaders } = require('./headers');
const { encodeBody } = require('./body');
const { encodeToolPath, queryString } = require('./tool-request');

/**
 * Calls an HTTP tool: HTTPS only, the URL checked again at run time, every address its host
 * resolves to checked at connect time (a custom `lookup` on node:https), no redirect followed (a
 * 3xx goes back to the caller as it is), 25 seconds at most, a bounded answer.
 */
const TOOL_TIMEOUT_MILLIS = 25_000;
/** Largest tool answer: with base64 (4/3) and headers it stays below Lambda's 6 MB response limit. */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/**
 * @typedef {{ request: typeof import('node:https').request, lookup: import('./url-safety').ResolveAll }} HttpsTransport
 * @typedef {{ statusCode: number, headers: Record<string, string>, body: string, isBase64Encoded: boolean }} ProxyResponse
 */

/**
 * The URL a tool call goes to: base URL (trailing `/` trimmed) + `/` + the tool path + the query.
 * @param {string} baseUrl
 * @param {string} proxy
 * @param {Record<string, string[]>} query
 * @returns {URL}
 * @throws {Refusal} 502 when the result is not a URL the gateway calls
 */
function toolUrl(baseUrl, proxy, query) {
  const search = queryString(query);
  const text = `${baseUrl.replace(/\/+$/, '')}/${encodeToolPath(proxy)}${search ? `?${search}` : ''}`;
  const checked = checkToolUrl(text, { allowQuery: true });
  if (!checked.ok) throw new Refusal(502, `tool target refused: ${checked.reason}`);
  return checked.url;
}

/**
 * @param {HttpsTransport} transport
 * @param {{ url: URL, method: string, headers: Record<string, string | string[]>, body: Buffer }} call
 * @returns {Promise<ProxyResponse>}
 * @throws {Refusal} 502 (refused address, network error, answer too large) or 504 (timeout)
 */
function callHttpTool(transport, call) {
  const target = `${call.url.host}${call.url.pathname}`;
  return new Promise((resolve, reject) => {
    // `timeout` below is node's idle timeout; this is the deadline for the whole call (a tool that
    // trickles bytes cannot hold the gateway past it).
    const deadline = setTimeout(() => request?.destroy(Object.assign(new Error('tool timed out'), { code: 'ETIMEDOUT_TOOL' })), TOOL_TIMEOUT_MILLIS);
    deadline.unref();
    /** @param {Refusal} refusal */
    const fail = (refusal) => {
      clearTimeout(deadline);
      reject(refusal);
    };
    const headers = { ...call.headers, 'content-length': String(call.body.length) };
    /** @type {import('node:http').ClientRequest | undefined} */
    let request;
    try {
      request = transport.request(call.url, {
        method: call.method,
        headers,
        lookup: /** @type {any} */ (guardedLookup(transport.lookup)),
        timeout: TOOL_TIMEOUT_MILLIS,
        agent: false,
      }, (response) => {
        /** @type {Buffer[]} */
        const chunks = [];
        let size = 0;
        response.on('data', (chunk) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) {
            response.destroy();
            request?.destroy();
            fail(new Refusal(502, `tool ${target} answered more than ${MAX_RESPONSE_BYTES} bytes`));
            return;
          }
          chunks.push(Buffer.from(chunk));
        });
        response.on('error', (error) => fail(networkRefusal(error, target)));
        response.on('end', () => {
          if (size > MAX_RESPONSE_BYTES) return;
          clearTimeout(deadline);
          const responseHeaders = returnedResponseHeaders(/** @type {Record<string, unknown>} */ (response.headers));
          resolve({
            statusCode: response.statusCode ?? 502,
            headers: responseHeaders,
            ...encodeBody(Buffer.concat(chunks), responseHeaders['content-type']),
          });
        });
      });
    } catch (error) {
      fail(networkRefusal(error, target));
      return;
    }
    const sent = request;
    sent.on('timeout', () => sent.destroy(Object.assign(new Error('tool timed out'), { code: 'ETIMEDOUT_TOOL' })));
    sent.on('error', (error) => fail(networkRefusal(error, target)));
    sent.end(call.body);
  });
}

/**
 * A failed connection as a refusal that names the host and path, never the query.
 * @param {unknown} error
 * @param {string} target host and path
 */
function networkRefusal(error, target) {
  const e = /** @type {any} */ (error);
  if (e?.name === 'ForbiddenAddressError') return new Refusal(502, `tool target refused at connect time: ${e.message}`);
  if (e?.code === 'ETIMEDOUT_TOOL') return new Refusal(504, `tool ${target} did not answer within ${TOOL_TIMEOUT_MILLIS / 1000} s`);
  const code = typeof e?.code === 'string' && /^[A-Z0-9_]{1,40}$/.test(e.code) ? e.code : e?.name ?? 'error';
  return new Refusal(502, `tool ${target} could not be reached (${code})`);
}

module.exports = { TOOL_TIMEOUT_MILLIS, MAX_RESPONSE_BYTES, toolUrl, callHttpTool };
