// @ts-check
'use strict';

const { Refusal } = require('./refusal');
const { serviceEntryProblem, agentEntryProblem } = require('./entry-schema');

/**
 * Route entries: SSM String parameters product stacks write (one per workload, one per agent),
 * read with ssm:GetParameter and cached for at most ENTRY_CACHE_MILLIS, so a revocation reaches
 * the gateway within that time even before IAM has propagated. A missing entry answers 404, an
 * unreadable or invalid one 500: both refuse (fail closed). Errors are cached neither way except
 * "not found", which is as stable as an entry.
 */
const ENTRY_CACHE_MILLIS = 30_000;
/** Entries cached at once; the oldest go first. An environment has far fewer workloads. */
const ENTRY_CACHE_SIZE = 1000;

/**
 * @typedef {{ send: (command: any) => Promise<any> }} SdkClient
 * @typedef {{ at: string, by: string, reason: string, scheduled?: boolean }} Revocation
 * @typedef {{ arn: string, id: string, version: string }} Guardrail
 * @typedef {{ schema: 1, workload: string, tenants: string[], callers: string[], revoked: Revocation | null } & (
 *   { kind: 'bedrock', modelId: string, modelArn: string, guardrail: Guardrail }
 *   | { kind: 'sagemaker', endpointName: string, endpointArn: string }
 *   | { kind: 'kubernetes' })} ServiceEntry
 * @typedef {{ kind: 'http', url: string } | { kind: 'lambda', functionArn: string }} ToolTarget
 * @typedef {{ secretArn: string, header: string, kmsKeyArn?: string | null }} ToolCredential
 * @typedef {{ target: ToolTarget, credential: ToolCredential | null }} ToolEntry
 * @typedef {{ schema: 1, agent: string, models: Record<string, { modelId: string, modelArn: string }>,
 *   guardrail: Guardrail, tools: Record<string, ToolEntry>, tenants: string[], revoked: Revocation | null }} AgentEntry
 */

/**
 * @param {{ ssm: SdkClient, commands: { GetParameterCommand: new (input: any) => any }, now: () => number }} deps
 */
function createEntryStore(deps) {
  /** @type {Map<string, { at: number, value: unknown }>} */
  const cache = new Map();

  /**
   * The parsed parameter value, or `undefined` when the parameter does not exist.
   * @param {string} name
   * @returns {Promise<unknown>}
   */
  async function read(name) {
    const cached = cache.get(name);
    if (cached && deps.now() - cached.at < ENTRY_CACHE_MILLIS) return cached.value;
    /** @type {any} */
    let out;
    try {
      out = await deps.ssm.send(new deps.commands.GetParameterCommand({ Name: name }));
    } catch (error) {
      if (/** @type {any} */ (error)?.name !== 'ParameterNotFound') throw error;
      remember(name, undefined);
      return undefined;
    }
    const parameter = out?.Parameter;
    if (parameter?.Type !== 'String' || typeof parameter.Value !== 'string') {
      throw new Refusal(500, `route entry ${name} is not a String parameter`);
    }
    /** @type {unknown} */
    let value;
    try {
      value = JSON.parse(parameter.Value);
    } catch {
      throw new Refusal(500, `route entry ${name} is not JSON`);
    }
    remember(name, value);
    return value;
  }

  /**
   * @param {string} name
   * @param {unknown} value
   */
  function remember(name, value) {
    cache.delete(name);
    cache.set(name, { at: deps.now(), value });
    if (cache.size > ENTRY_CACHE_SIZE) cache.delete(/** @type {string} */ (cache.keys().next().value));
  }

  return {
    /**
     * @param {import('./config').GatewayConfig} config
     * @param {string} workload
     * @returns {Promise<ServiceEntry>}
     */
    async service(config, workload) {
      const name = `${config.routeParameterPrefix}${workload}`;
      const value = await read(name);
      if (value === undefined) throw new Refusal(404, `no route entry for workload ${workload} (${name})`);
      const problem = serviceEntryProblem(value, workload, config);
      if (problem) throw new Refusal(500, `route entry ${name} is invalid: ${problem}`);
      return /** @type {ServiceEntry} */ (value);
    },

    /**
     * @param {import('./config').GatewayConfig} config
     * @param {string} agent
     * @returns {Promise<AgentEntry>}
     */
    async agent(config, agent) {
      const name = `${config.agentParameterPrefix}${agent}`;
      const value = await read(name);
      if (value === undefined) throw new Refusal(404, `no route entry for agent ${agent} (${name})`);
      const problem = agentEntryProblem(value, agent, config);
      if (problem) throw new Refusal(500, `route entry ${name} is invalid: ${problem}`);
      return /** @type {AgentEntry} */ (value);
    },
  };
}

module.exports = { ENTRY_CACHE_MILLIS, createEntryStore };
