// @ts-check
'use strict';

const { DescribeSecretCommand } = require('@aws-sdk/client-secrets-manager');
const { RotationError, redact } = require('./rotation-error');
const { send, redactingLogger, consoleLogger } = require('./context');
const { ROTATION_STEPS, ROTATION_STRATEGIES, ROTATION_TAG_KEYS, GOVERNANCE_TAG_KEYS } = require('./strategy');
const { STAGES } = require('./secret-versions');
const { generatedToken } = require('./generated-token');
const { apiGatewayKey } = require('./api-gateway-key');
const { readRotationConfig } = require('./secret-scope');
const { revokeSecretKeys } = require('./revoke');

/** @typedef {import('./context').RotationClients} RotationClients */
/** @typedef {import('./context').RotationContext} RotationContext */
/** @typedef {import('./context').Logger} Logger */
/**
 * @typedef {{ SecretId?: unknown, ClientRequestToken?: unknown, Step?: unknown, action?: unknown, secretId?: unknown }} RotationEvent
 *   a rotation step from Secrets Manager, or `{ action: 'revoke', secretId }` (see revoke.js)
 */
/**
 * @typedef {object} Strategy
 * @property {(ctx: RotationContext) => Promise<void>} createSecret
 * @property {(ctx: RotationContext) => Promise<void>} setSecret
 * @property {(ctx: RotationContext) => Promise<void>} testSecret
 * @property {(ctx: RotationContext) => Promise<void>} finishSecret
 * @property {(ctx: RotationContext) => Promise<void>} [finishRetried] a finishSecret for a version already AWSCURRENT
 */

/** @type {Record<string, Strategy>} */
const STRATEGIES = {
  [ROTATION_STRATEGIES.generatedToken]: generatedToken,
  [ROTATION_STRATEGIES.apiGatewayKey]: apiGatewayKey,
};

/**
 * Builds the Lambda handler around its SDK clients and configuration, so tests can pass fakes and
 * the runtime passes real clients and process.env (see index.js).
 *
 * Configuration: ENVIRONMENT (the environment name; secrets of other environments are refused)
 * and USAGE_PLANS (`{ "<quota tier>": "<usage plan id>" }`, needed for api-gateway-key secrets).
 * @param {RotationClients & { logger?: Logger, env?: Record<string, string | undefined> }} dependencies
 * @returns {(event: RotationEvent) => Promise<undefined | import('./revoke').RevocationSummary>}
 */
function createHandler({ secretsManager, apiGateway, logger = consoleLogger(), env = process.env }) {
  return async function handler(event) {
    /** @type {Set<string>} */
    const sensitive = new Set();
    const log = redactingLogger(sensitive, logger);
    const revoking = event?.action !== undefined;
    const where = revoking
      ? { secretArn: typeof event?.secretId === 'string' ? event.secretId : '(no secretId)', token: '', step: 'revoke', sensitive }
      : {
        secretArn: typeof event?.SecretId === 'string' ? event.SecretId : '(no SecretId)',
        token: typeof event?.ClientRequestToken === 'string' ? event.ClientRequestToken : '(no ClientRequestToken)',
        step: typeof event?.Step === 'string' ? event.Step : '(no Step)',
        sensitive,
      };
    try {
      const configured = readRotationConfig(env);
      if (!configured.ok) throw new RotationError(where, configured.problem);
      const config = configured.config;
      if (revoking) {
        if (event.action !== 'revoke' || typeof event.secretId !== 'string' || event.secretId === ''
          || Object.keys(event).some((key) => key !== 'action' && key !== 'secretId')) {
          throw new RotationError(where, `the event ${JSON.stringify(event).slice(0, 200)} is neither a rotation step nor `
            + '{"action": "revoke", "secretId": "<secret ARN>"}.');
        }
        return await revokeSecretKeys({ secretId: event.secretId, clients: { secretsManager, apiGateway }, log, config, sensitive });
      }
      checkEvent(event, where);
      const ctx = await loadContext(where, { secretsManager, apiGateway }, log, config);
      const fields = { secretArn: ctx.secretArn, token: ctx.token, step: ctx.step };
      const scopedLog = withFields(log, fields);
      const stages = ctx.versionStages[ctx.token];
      if (stages.includes(STAGES.current)) {
        const strategy = STRATEGIES[ctx.tags[ROTATION_TAG_KEYS.strategy]];
        if (ctx.step === 'finishSecret' && strategy?.finishRetried) {
          await strategy.finishRetried({ ...ctx, log: scopedLog });
          return undefined;
        }
        scopedLog.info(`Version is already ${STAGES.current}; nothing to do.`);
        return undefined;
      }
      if (!stages.includes(STAGES.pending)) {
        throw new RotationError(ctx, `the version is not staged ${STAGES.pending} (its stages: `
          + `${stages.join(', ') || 'none'}); only the version Secrets Manager staged for this rotation can be rotated in. `
          + 'Start rotation with RotateSecret rather than invoking the function by hand.');
      }
      const strategyName = ctx.tags[ROTATION_TAG_KEYS.strategy];
      const strategy = strategyName === undefined ? undefined : STRATEGIES[strategyName];
      if (!strategy) {
        throw new RotationError(ctx, `the ${ROTATION_TAG_KEYS.strategy} tag is `
          + `${strategyName === undefined ? 'missing' : `'${strategyName}'`}; allowed: `
          + `${Object.values(ROTATION_STRATEGIES).join(', ')}. Tag the secret with the strategy that matches its value.`);
      }
      const stepLog = withFields(log, { ...fields, strategy: strategyName });
      stepLog.info('Step started.');
      await strategy[/** @type {'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret'} */ (ctx.step)]({ ...ctx, log: stepLog });
      stepLog.info('Step finished.');
      return undefined;
    } catch (error) {
      const failure = error instanceof RotationError ? error : new RotationError(where,
        `unexpected ${error instanceof Error ? error.name : 'error'}: ${error instanceof Error ? error.message : String(error)}`);
      log.error(redact(failure.message, sensitive), { secretArn: where.secretArn, token: where.token, step: where.step });
      throw failure;
    }
  };
}

/**
 * @param {RotationEvent} event
 * @param {{ secretArn: string, token: string, step: string }} where
 */
function checkEvent(event, where) {
  const missing = ['SecretId', 'ClientRequestToken', 'Step']
    .filter((field) => typeof event?.[/** @type {keyof RotationEvent} */ (field)] !== 'string'
      || event[/** @type {keyof RotationEvent} */ (field)] === '');
  if (missing.length > 0) {
    throw new RotationError(where, `the event lacks ${missing.join(', ')}; Secrets Manager invokes this function `
      + 'with SecretId, ClientRequestToken and Step. Start rotation with RotateSecret.');
  }
  if (!ROTATION_STEPS.includes(where.step)) {
    throw new RotationError(where, `unknown step '${where.step}'; allowed: ${ROTATION_STEPS.join(', ')}.`);
  }
}

/**
 * Describes the secret and checks what holds for every step: rotation is on, the token is a
 * version of the secret, the secret belongs to this environment and is not revoked.
 * @param {{ secretArn: string, token: string, step: string, sensitive: Set<string> }} where
 * @param {RotationClients} clients
 * @param {Logger} log
 * @param {import('./secret-scope').RotationConfig} config
 * @returns {Promise<RotationContext>}
 */
async function loadContext(where, clients, log, config) {
  const early = { ...where, secretName: '', tags: {}, versionStages: {}, clients, log, config };
  const description = await send(early, clients.secretsManager, new DescribeSecretCommand({ SecretId: where.secretArn }));
  /** @type {RotationContext} */
  const ctx = {
    ...early,
    secretArn: description.ARN ?? where.secretArn,
    secretName: description.Name ?? where.secretArn,
    tags: Object.fromEntries((description.Tags ?? []).map((/** @type {{Key: string, Value?: string}} */ tag) => [tag.Key, tag.Value ?? ''])),
    versionStages: description.VersionIdsToStages ?? {},
  };
  if (description.RotationEnabled !== true) {
    throw new RotationError(ctx, 'rotation is not enabled on the secret; it rotates only through a rotation '
      + 'schedule (RotateSecret with this function and rotation rules), which the library\'s RotatingSecret sets.');
  }
  if (!(ctx.token in ctx.versionStages)) {
    throw new RotationError(ctx, 'the token is not a version of the secret; Secrets Manager stages it as '
      + `${STAGES.pending} when rotation starts. Start rotation with RotateSecret rather than invoking the function by hand.`);
  }
  const environmentTag = ctx.tags[GOVERNANCE_TAG_KEYS.environment];
  if (environmentTag !== config.environment) {
    throw new RotationError(ctx, `the secret's ${GOVERNANCE_TAG_KEYS.environment} tag is ${JSON.stringify(environmentTag ?? null)}, `
      + `but this function rotates the secrets of environment ${config.environment}.`);
  }
  if (ctx.tags[GOVERNANCE_TAG_KEYS.revokedAt]) {
    throw new RotationError(ctx, `the secret's workload was revoked (${GOVERNANCE_TAG_KEYS.revokedAt} `
      + `${ctx.tags[GOVERNANCE_TAG_KEYS.revokedAt]}); a revoked workload's secrets are not rotated. Turn rotation off for it.`);
  }
  return ctx;
}

/**
 * @param {Logger} log
 * @param {Record<string, unknown>} base
 * @returns {Logger}
 */
function withFields(log, base) {
  return {
    info: (message, fields) => log.info(message, { ...base, ...fields }),
    error: (message, fields) => log.error(message, { ...base, ...fields }),
  };
}

module.exports = { createHandler, STRATEGIES };
