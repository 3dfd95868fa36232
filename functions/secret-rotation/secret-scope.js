// @ts-check
'use strict';

const { RotationError } = require('./rotation-error');
const { GOVERNANCE_TAG_KEYS, ROTATION_TAG_KEYS } = require('./strategy');

/**
 * Which secrets this function acts on, and for which usage plan. Issue 12 item 7: the function
 * used to take the usage plan from a tag on the secret, so anyone who could tag a secret could get
 * an API key on another workload's plan. Now:
 *
 * - the environment's usage plans come from the function's own configuration (USAGE_PLANS,
 *   `{ "<quota tier>": "<usage plan id>" }`, set by the platform stack), never from a tag;
 * - an api-gateway-key secret is accepted only when its name starts with
 *   `governed/<ENVIRONMENT>/<workload>/` (Terraform adds a random suffix with `name_prefix`), its
 *   `governance:environment` tag is ENVIRONMENT and its `governance:workload` tag is `<workload>`;
 * - its `governance:quota-tier` tag must name a tier of USAGE_PLANS, which gives the plan.
 */

const TIER = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const USAGE_PLAN_ID = /^[A-Za-z0-9]{1,64}$/;
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * @typedef {{ environment: string, usagePlans: Readonly<Record<string, string>> | undefined, usagePlansProblem?: string }} RotationConfig
 *   `usagePlans` is undefined when USAGE_PLANS is unset or malformed; `usagePlansProblem` says which
 */

/**
 * Reads the function's configuration. ENVIRONMENT is needed for every secret; USAGE_PLANS only
 * for api-gateway-key secrets, so its problem is kept for the step that needs it.
 * @param {Record<string, string | undefined>} env
 * @returns {{ ok: true, config: RotationConfig } | { ok: false, problem: string }}
 */
function readRotationConfig(env) {
  const environment = env.ENVIRONMENT;
  if (!environment || !SLUG.test(environment)) {
    return { ok: false, problem: `the function's ENVIRONMENT is ${environment ? JSON.stringify(environment) : 'unset'}; `
      + 'the platform stack sets it to the environment name (a lower-case slug).' };
  }
  const plans = parseUsagePlans(env.USAGE_PLANS);
  return { ok: true, config: typeof plans === 'string' ? { environment, usagePlans: undefined, usagePlansProblem: plans } : { environment, usagePlans: plans } };
}

/**
 * @param {string | undefined} text
 * @returns {Readonly<Record<string, string>> | string} the map, or what is wrong
 */
function parseUsagePlans(text) {
  const fix = 'the platform stack sets USAGE_PLANS to {"<quota tier>": "<usage plan id>"} of this environment.';
  if (!text) return `the function's USAGE_PLANS is unset; ${fix}`;
  /** @type {unknown} */
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    return `the function's USAGE_PLANS is not JSON; ${fix}`;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || Object.keys(parsed).length === 0) {
    return `the function's USAGE_PLANS is not a non-empty JSON object; ${fix}`;
  }
  /** @type {Record<string, string>} */
  const plans = Object.create(null);
  for (const [tier, id] of Object.entries(parsed)) {
    if (!TIER.test(tier) || typeof id !== 'string' || !USAGE_PLAN_ID.test(id)) {
      return `the function's USAGE_PLANS maps ${JSON.stringify(tier)} to ${JSON.stringify(id)}; tiers are lower-case slugs and plan ids alphanumeric. ${fix}`;
    }
    plans[tier] = id;
  }
  return Object.freeze(plans);
}

/**
 * The workload an api-gateway-key secret belongs to, checked against its name and tags.
 * @param {import('./context').RotationContext} ctx
 * @param {RotationConfig} config
 * @returns {string} the workload
 * @throws {RotationError} when the name or a tag does not match
 */
function checkSecretOwner(ctx, config) {
  const prefix = `governed/${config.environment}/`;
  const environmentTag = ctx.tags[GOVERNANCE_TAG_KEYS.environment];
  if (environmentTag !== config.environment) {
    throw new RotationError(ctx, `the secret's ${GOVERNANCE_TAG_KEYS.environment} tag is ${JSON.stringify(environmentTag ?? null)}, `
      + `but this function rotates the secrets of environment ${config.environment}; a secret of another environment is rotated by that environment's function.`);
  }
  const match = new RegExp(`^${escape(prefix)}([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)/`).exec(ctx.secretName);
  if (!match) {
    throw new RotationError(ctx, `the secret's name ${JSON.stringify(ctx.secretName)} does not start with ${prefix}<workload>/; `
      + 'an API key secret is created by the workload construct under that prefix.');
  }
  const workload = match[1];
  const workloadTag = ctx.tags[GOVERNANCE_TAG_KEYS.workload];
  if (workloadTag !== workload) {
    throw new RotationError(ctx, `the secret's ${GOVERNANCE_TAG_KEYS.workload} tag is ${JSON.stringify(workloadTag ?? null)}, `
      + `but its name puts it under workload ${workload}; name and tag must name the same workload.`);
  }
  return workload;
}

/**
 * The usage plan of an api-gateway-key secret: the one USAGE_PLANS gives its quota tier.
 * @param {import('./context').RotationContext} ctx
 * @param {RotationConfig} config
 * @returns {{ workload: string, tier: string, usagePlanId: string }}
 * @throws {RotationError} when the secret is not this environment's, or its tier is unknown
 */
function apiKeyScope(ctx, config) {
  const workload = checkSecretOwner(ctx, config);
  const plans = requireUsagePlans(ctx, config);
  const tier = ctx.tags[ROTATION_TAG_KEYS.quotaTier];
  if (!tier || !Object.hasOwn(plans, tier)) {
    throw new RotationError(ctx, `the secret's ${ROTATION_TAG_KEYS.quotaTier} tag is ${JSON.stringify(tier ?? null)}; `
      + `allowed: ${Object.keys(plans).join(', ')} (the quota tiers of this environment). Set the workload's quota tier to one of them.`);
  }
  return { workload, tier, usagePlanId: plans[tier] };
}

/**
 * @param {import('./context').RotationContext} ctx
 * @param {RotationConfig} config
 * @returns {Readonly<Record<string, string>>}
 */
function requireUsagePlans(ctx, config) {
  if (!config.usagePlans) throw new RotationError(ctx, config.usagePlansProblem ?? 'the function has no USAGE_PLANS.');
  return config.usagePlans;
}

/** @param {string} text */
function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

module.exports = { readRotationConfig, checkSecretOwner, apiKeyScope, requireUsagePlans };
