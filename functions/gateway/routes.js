// @ts-check
'use strict';

const { Refusal } = require('./refusal');
const { SLUG } = require('./config');

/**
 * What a request asks for, read from the route template API Gateway matched (`event.resource`) and
 * the path parameters it extracted, never from the raw path: an encoded or doubled slash cannot
 * steer a request to another workload, agent or tool.
 */
const ROUTE_TEMPLATES = Object.freeze({
  workloadInvoke: '/workloads/{workload}/invoke',
  agentModel: '/agents/{agent}/models/{model}/invoke',
  agentTool: '/agents/{agent}/tools/{tool}/{proxy+}',
});

/** The `{model}` path segment: a key of the agent entry's `models` (a model id with `:` spelled `-`). */
const MODEL_KEY = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,126}[A-Za-z0-9])?$/;

/**
 * @typedef {{ kind: 'workload-invoke', workload: string }
 *   | { kind: 'agent-model', agent: string, model: string }
 *   | { kind: 'agent-tool', agent: string, tool: string, proxy: string }} Route
 */

/**
 * @param {{ resource?: unknown, pathParameters?: Record<string, unknown> | null }} event
 * @returns {Route}
 * @throws {Refusal} 404 for a template this function does not serve, 400 for a malformed parameter
 */
function matchRoute(event) {
  const params = event.pathParameters ?? {};
  switch (event.resource) {
    case ROUTE_TEMPLATES.workloadInvoke:
      return { kind: 'workload-invoke', workload: slugParam(params, 'workload') };
    case ROUTE_TEMPLATES.agentModel: {
      const agent = slugParam(params, 'agent');
      const model = params.model;
      if (typeof model !== 'string' || !MODEL_KEY.test(model)) throw new Refusal(400, `path parameter model ${quote(model)} is not a model key`);
      return { kind: 'agent-model', agent, model };
    }
    case ROUTE_TEMPLATES.agentTool: {
      const agent = slugParam(params, 'agent');
      const tool = slugParam(params, 'tool');
      const proxy = params.proxy;
      if (typeof proxy !== 'string' || proxy === '') throw new Refusal(400, 'the tool path is empty');
      return { kind: 'agent-tool', agent, tool, proxy };
    }
    default:
      throw new Refusal(404, `route ${quote(event.resource)} is not served by the gateway function`);
  }
}

/**
 * @param {Record<string, unknown>} params
 * @param {string} name
 */
function slugParam(params, name) {
  const value = params[name];
  if (typeof value !== 'string' || !SLUG.test(value)) throw new Refusal(400, `path parameter ${name} ${quote(value)} is not a name`);
  return value;
}

/** @param {unknown} value */
function quote(value) {
  return JSON.stringify(typeof value === 'string' ? value.slice(0, 80) : value ?? null);
}

module.exports = { ROUTE_TEMPLATES, MODEL_KEY, matchRoute };
