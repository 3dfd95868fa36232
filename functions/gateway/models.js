// @ts-check
'use strict';

const { Refusal } = require('./refusal');
const { isHeaderValue } = require('./headers');
const { bodyBytes, encodeBody } = require('./body');

/**
 * Model calls with an integration session: Bedrock InvokeModel (with the entry's guardrail) or
 * SageMaker InvokeEndpoint. The model's body and content type go back to the caller; an AWS error
 * goes back as a status and its short code only (throttling 429, validation 400, anything else 502),
 * never its message, which can name ARNs, accounts or model internals.
 */

const THROTTLED = new Set(['ThrottlingException', 'TooManyRequestsException', 'ServiceQuotaExceededException', 'ServiceUnavailableException']);
const INVALID = new Set(['ValidationException', 'ValidationError']);
const DEFAULT_MEDIA_TYPE = 'application/json';
const MEDIA_TYPE = /^[A-Za-z0-9!#$&^_.+-]{1,64}\/[A-Za-z0-9!#$&^_.+*-]{1,64}(?:\s*;[\x20-\x7e]{0,128})?$/;

/**
 * InvokeModel reads `amazon-bedrock-guardrailConfig` (e.g. `tagSuffix`) from the request body and
 * then guards only the input inside `<amazon-bedrock-guardrails-guardContent_<suffix>>` tags:
 * https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-tagging.html. The guardrail is the
 * entry's, applied to the whole input; a caller may not narrow it, so a body with either is refused.
 */
const GUARDRAIL_CONFIG_KEY = 'amazon-bedrock-guardrailconfig';
const GUARD_CONTENT_TAG = 'amazon-bedrock-guardrails-guardcontent';
const GUARDRAIL_OVERRIDE_CODE = 'GuardrailConfigNotAllowed';

/**
 * @param {Map<string, string[]>} headers
 * @param {string} name
 */
function mediaType(headers, name) {
  const values = headers.get(name);
  if (!values || values.length === 0) return DEFAULT_MEDIA_TYPE;
  if (values.length > 1 || !isHeaderValue(values[0]) || !MEDIA_TYPE.test(values[0])) throw new Refusal(400, `header ${name} is not one media type`);
  return values[0];
}

/**
 * @param {{ client: { send: (command: any) => Promise<any> }, InvokeModelCommand: new (input: any) => any }} aws
 * @param {{ modelId: string, guardrail: { id: string, version: string } }} target
 * @param {{ headers: Map<string, string[]>, body: unknown, isBase64Encoded: unknown }} request
 */
async function invokeBedrock(aws, target, request) {
  const body = bodyBytes(request.body, request.isBase64Encoded);
  refuseGuardrailNarrowing(body);
  const input = {
    modelId: target.modelId,
    guardrailIdentifier: target.guardrail.id,
    guardrailVersion: target.guardrail.version,
    contentType: mediaType(request.headers, 'content-type'),
    accept: mediaType(request.headers, 'accept'),
    body,
  };
  const out = await callModel(() => aws.client.send(new aws.InvokeModelCommand(input)));
  return modelResponse(out?.body, out?.contentType);
}

/**
 * Refuses a body that would narrow the guardrail: the key `amazon-bedrock-guardrailConfig` at any
 * depth of a JSON body (read after JSON unescaping), or the guard-content tag text anywhere (in the
 * raw bytes or any JSON string). Compared in any case.
 * @param {Buffer} body
 * @throws {Refusal} 400 with code GuardrailConfigNotAllowed
 */
function refuseGuardrailNarrowing(body) {
  const text = body.toString('utf8');
  /** @type {string[]} */
  const strings = [text];
  /** @type {string[]} */
  const keys = [];
  /** @type {unknown} */
  let parsed;
  let isJson = false;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
    isJson = true;
  } catch {
    // Not JSON: Bedrock reads no configuration from it, but may still see tags in it.
  }
  if (isJson) {
    // Iterative, so a deeply nested body cannot exhaust the stack.
    const stack = [parsed];
    while (stack.length > 0) {
      const value = stack.pop();
      if (typeof value === 'string') strings.push(value);
      else if (value !== null && typeof value === 'object') {
        for (const [key, item] of Object.entries(value)) {
          if (!Array.isArray(value)) keys.push(key);
          stack.push(item);
        }
      }
    }
  } else {
    keys.push(...(text.toLowerCase().includes(GUARDRAIL_CONFIG_KEY) ? [GUARDRAIL_CONFIG_KEY] : []));
  }
  if (keys.some((key) => key.toLowerCase() === GUARDRAIL_CONFIG_KEY)) {
    const reason = 'the request body sets amazon-bedrock-guardrailConfig; the gateway guards the whole input';
    throw new Refusal(400, reason, { code: GUARDRAIL_OVERRIDE_CODE });
  }
  if ([...strings, ...keys].some((s) => s.toLowerCase().includes(GUARD_CONTENT_TAG))) {
    const reason = 'the request body has amazon-bedrock-guardrails-guardContent tags; the gateway guards the whole input';
    throw new Refusal(400, reason, { code: GUARDRAIL_OVERRIDE_CODE });
  }
}

/**
 * @param {{ client: { send: (command: any) => Promise<any> }, InvokeEndpointCommand: new (input: any) => any }} aws
 * @param {{ endpointName: string }} target
 * @param {{ headers: Map<string, string[]>, body: unknown, isBase64Encoded: unknown }} request
 */
async function invokeSageMaker(aws, target, request) {
  const input = {
    EndpointName: target.endpointName,
    ContentType: mediaType(request.headers, 'content-type'),
    Accept: mediaType(request.headers, 'accept'),
    Body: bodyBytes(request.body, request.isBase64Encoded),
  };
  const out = await callModel(() => aws.client.send(new aws.InvokeEndpointCommand(input)));
  return modelResponse(out?.Body, out?.ContentType);
}

/**
 * @template T
 * @param {() => Promise<T>} call
 * @returns {Promise<T>}
 */
async function callModel(call) {
  try {
    return await call();
  } catch (error) {
    const name = /** @type {any} */ (error)?.name;
    const code = typeof name === 'string' && /^[A-Za-z]{1,64}$/.test(name) ? name : 'UnknownError';
    if (THROTTLED.has(code)) throw new Refusal(429, `the model service throttled the call (${code})`, { publicMessage: 'model call throttled', code });
    if (INVALID.has(code)) throw new Refusal(400, `the model service refused the request (${code})`, { publicMessage: 'model refused the request', code });
    throw new Refusal(502, `the model call failed (${code})`, { publicMessage: 'model call failed', code });
  }
}

/**
 * @param {unknown} body
 * @param {unknown} contentType
 */
function modelResponse(body, contentType) {
  const type = typeof contentType === 'string' && isHeaderValue(contentType) ? contentType : DEFAULT_MEDIA_TYPE;
  const bytes = body instanceof Uint8Array ? Buffer.from(body) : Buffer.from(typeof body === 'string' ? body : '');
  return { statusCode: 200, headers: { 'content-type': type }, ...encodeBody(bytes, type) };
}

module.exports = { invokeBedrock, invokeSageMaker, refuseGuardrailNarrowing, DEFAULT_MEDIA_TYPE };
