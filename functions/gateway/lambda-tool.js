// @ts-check
'use strict';

const { Refusal } = require('./refusal');
const { returnedResponseHeaders } = require('./headers');

/**
 * Calls a Lambda tool (Invoke, RequestResponse) with a sanitized event the gateway writes, never
 * the API Gateway event: the tool learns what was called, by which agent, for which tenant and with
 * whose approval, and nothing of the caller's credentials (no SigV4 headers, no API key, no
 * approval token, no request context).
 *
 * Event (version 1): { version: 1, environment, agent, tool, action, method, path, query,
 *   headers, body, isBase64Encoded, tenant, approvedBy, requestId }
 *   query: { <name>: [values...] }; headers: the allow-listed request headers (lower case);
 *   tenant, approvedBy: string or null.
 * Answer: { statusCode, headers?, body?, isBase64Encoded? } (the API Gateway proxy shape); headers
 *   are allow-listed on the way back. A function error or any other shape answers 502.
 */

/**
 * @typedef {{ version: 1, environment: string, agent: string, tool: string, action: string, method: string, path: string,
 *   query: Record<string, string[]>, headers: Record<string, string | string[]>, body: string, isBase64Encoded: boolean,
 *   tenant: string | null, approvedBy: string | null, requestId: string }} ToolEvent
 */

/**
 * @param {{ client: { send: (command: any) => Promise<any> }, InvokeCommand: new (input: any) => any }} aws
 * @param {string} functionArn
 * @param {ToolEvent} event
 * @returns {Promise<import('./http-tool').ProxyResponse>}
 */
async function callLambdaTool(aws, functionArn, event) {
  /** @type {any} */
  let out;
  try {
    out = await aws.client.send(new aws.InvokeCommand({
      FunctionName: functionArn,
      InvocationType: 'RequestResponse',
      Payload: Buffer.from(JSON.stringify(event), 'utf8'),
    }));
  } catch (error) {
    const name = /** @type {any} */ (error)?.name;
    throw new Refusal(502, `Lambda tool ${event.tool} could not be invoked (${typeof name === 'string' ? name.slice(0, 64) : 'error'})`);
  }
  if (out?.FunctionError) throw new Refusal(502, `Lambda tool ${event.tool} failed (${String(out.FunctionError).slice(0, 40)})`);
  /** @type {any} */
  let answer;
  try {
    answer = JSON.parse(Buffer.from(out?.Payload ?? []).toString('utf8'));
  } catch {
    throw new Refusal(502, `Lambda tool ${event.tool} answered something that is not JSON`);
  }
  const status = answer?.statusCode;
  if (!Number.isInteger(status) || status < 100 || status > 599) {
    throw new Refusal(502, `Lambda tool ${event.tool} answered without a statusCode`);
  }
  if (answer.body !== undefined && answer.body !== null && typeof answer.body !== 'string') {
    throw new Refusal(502, `Lambda tool ${event.tool} answered a body that is not a string`);
  }
  return {
    statusCode: status,
    headers: returnedResponseHeaders(answer.headers && typeof answer.headers === 'object' ? answer.headers : {}),
    body: answer.body ?? '',
    isBase64Encoded: answer.isBase64Encoded === true,
  };
}

module.exports = { callLambdaTool };
