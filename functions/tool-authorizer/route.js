// @ts-check
'use strict';

/**
 * What a gateway request asks for: which agent's route, which tool, which action. Read from the
 * route template API Gateway matched (`event.resource`), never from the raw path, so encoded or
 * doubled slashes cannot steer a request to another tool. The action comes from the HTTP method
 * (constructs/agent-authorization/tool-grants.ts HTTP_METHOD_ACTIONS holds the same map; a test keeps the
 * two equal), so a write cannot present itself as a read.
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

const ROUTE = /^\/agents\/([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)\/tools\/([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?:\/|$)/;

/**
 * @param {{ resource?: string, httpMethod?: string }} event
 * @returns {{ ok: true, agent: string, tool: string, action: 'read' | 'write' | 'delete' } | { ok: false, reason: string }}
 */
function parseRoute(event) {
  const match = ROUTE.exec(event.resource ?? '');
  if (!match) return { ok: false, reason: `route ${JSON.stringify(event.resource)} is not /agents/<agent>/tools/<tool>/...` };
  const method = String(event.httpMethod ?? '').toUpperCase();
  const action = Object.prototype.hasOwnProperty.call(HTTP_METHOD_ACTIONS, method) ? HTTP_METHOD_ACTIONS[method] : undefined;
  if (!action) return { ok: false, reason: `method ${JSON.stringify(event.httpMethod)} maps to no tool action` };
  return { ok: true, agent: match[1], tool: match[2], action };
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/**
 * The time facts Cedar's window conditions read, from API Gateway's request time (UTC).
 * @param {number} epochMillis
 * @returns {{ hourUtc: number, dayOfWeek: string }}
 */
function timeContext(epochMillis) {
  const d = new Date(epochMillis);
  return { hourUtc: d.getUTCHours(), dayOfWeek: WEEKDAYS[d.getUTCDay()] };
}

module.exports = { HTTP_METHOD_ACTIONS, parseRoute, timeContext };
