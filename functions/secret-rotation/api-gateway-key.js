// @ts-check
'use strict';

const {
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  GetApiKeyCommand,
  GetApiKeysCommand,
  GetUsagePlanKeyCommand,
} = require('@aws-sdk/client-api-gateway');
const { RotationError, awsErrorName } = require('./rotation-error');
const { send } = require('./context');
const { ROTATION_TAG_KEYS, GOVERNANCE_TAG_PREFIX } = require('./strategy');
const {
  STAGES, readPendingValue, requirePendingValue, readStagedValue, storePendingValue, promotePendingToCurrent,
  parseSecretJson, remember,
} = require('./secret-versions');

/** @typedef {import('./context').RotationContext} RotationContext */
/** @typedef {{ apiKeyId: string, value: string }} ApiKeySecret */

/** API Gateway tag values are at most 256 characters; the owner tag holds the secret ARN. */
const MAX_TAG_VALUE_LENGTH = 256;

/**
 * api-gateway-key: the secret holds {"apiKeyId": "...", "value": "..."} for an API key on the
 * environment gateway's usage plan (usage plans meter API keys, not IAM principals).
 *
 * - createSecret issues a new enabled key (API Gateway generates the value) tagged with the
 *   secret's governance tags, the owning secret's ARN and the version, and stores it as AWSPENDING.
 * - setSecret attaches the key to the usage plan named by the secret's `governance:usage-plan-id`
 *   tag: the step where the credential is granted in the target service.
 * - testSecret checks the key exists, is enabled, has the stored value and is on the usage plan.
 * - finishSecret moves AWSCURRENT to the new version, then deletes every key this secret issued
 *   except the new one and the one that just became AWSPREVIOUS.
 *
 * Why the AWSPREVIOUS key stays alive: callers cache the secret (the AWS caching clients default
 * to an hour), so a caller that read AWSCURRENT just before finishSecret still holds the old key.
 * Deleting it at once would fail their calls until their cache expires; keeping it for one rotation
 * period gives them that grace, and at most two keys are ever valid. Revocation does not wait for
 * rotation: the workload's revoke switch removes access at once, and a leaked key can be retired
 * at once by rotating twice.
 *
 * Keys are found by their owner tag, not by name, so a partial failure never orphans a key: a
 * retried createSecret reuses the key it created for the same version, and finishSecret sweeps keys
 * left by abandoned rotations. When the function cannot tell which key callers use now, it deletes
 * nothing (a leftover key is a cost; a deleted key in use is an outage).
 */
const apiGatewayKey = {
  /** @param {RotationContext} ctx */
  async createSecret(ctx) {
    if ((await readPendingValue(ctx)) !== undefined) {
      ctx.log.info(`The ${STAGES.pending} version already has a value; nothing to create.`);
      return;
    }
    usagePlanIdOf(ctx); // fail before creating anything if the secret cannot be attached later
    if (ctx.secretArn.length > MAX_TAG_VALUE_LENGTH) {
      throw new RotationError(ctx, `the secret ARN is ${ctx.secretArn.length} characters, over the `
        + `${MAX_TAG_VALUE_LENGTH} an API Gateway tag value allows, so the issued key could not name its owner; `
        + 'use a shorter secret name.');
    }
    const issued = (await keysIssuedBy(ctx, { includeValues: true }))
      .find((key) => key.tags?.[ROTATION_TAG_KEYS.keyVersion] === ctx.token);
    const key = issued ?? await send(ctx, ctx.clients.apiGateway, new CreateApiKeyCommand({
      name: `${ctx.secretName}-${ctx.token}`,
      description: `Issued by the rotation of ${ctx.secretArn} for version ${ctx.token}.`,
      enabled: true,
      tags: keyTags(ctx),
    }));
    if (typeof key.id !== 'string' || typeof key.value !== 'string') {
      throw new RotationError(ctx, `API Gateway returned key ${key.id ?? '(no id)'} without an id or value.`);
    }
    remember(ctx, key.value);
    await storePendingValue(ctx, JSON.stringify({ apiKeyId: key.id, value: key.value }));
    ctx.log.info(issued ? `Reused API key ${key.id}, issued for this version by an earlier attempt.`
      : `Created API key ${key.id}.`, { apiKeyId: key.id });
  },

  /** @param {RotationContext} ctx */
  async setSecret(ctx) {
    const usagePlanId = usagePlanIdOf(ctx);
    const { apiKeyId } = await pendingKey(ctx);
    try {
      await send(ctx, ctx.clients.apiGateway, new CreateUsagePlanKeyCommand({
        usagePlanId, keyId: apiKeyId, keyType: 'API_KEY',
      }));
      ctx.log.info(`Attached API key ${apiKeyId} to usage plan ${usagePlanId}.`, { apiKeyId, usagePlanId });
    } catch (error) {
      if (awsErrorName(error) !== 'ConflictException') throw error;
      ctx.log.info(`API key ${apiKeyId} is already on usage plan ${usagePlanId}.`, { apiKeyId, usagePlanId });
    }
  },

  /** @param {RotationContext} ctx */
  async testSecret(ctx) {
    const usagePlanId = usagePlanIdOf(ctx);
    const pending = await pendingKey(ctx);
    const key = await getKeyOrExplain(ctx, pending.apiKeyId);
    if (key.enabled !== true) {
      throw new RotationError(ctx, `API key ${pending.apiKeyId} is disabled; the new key must be enabled before `
        + `it becomes current. Enable it and retry, or: ${restartAdvice(ctx)}`);
    }
    if (key.value !== pending.value) {
      throw new RotationError(ctx, `API key ${pending.apiKeyId} has a different value than the ${STAGES.pending} `
        + `version stores (values not shown); the version was edited by hand or the key was changed. ${restartAdvice(ctx)}`);
    }
    try {
      await send(ctx, ctx.clients.apiGateway, new GetUsagePlanKeyCommand({ usagePlanId, keyId: pending.apiKeyId }));
    } catch (error) {
      if (awsErrorName(error) !== 'NotFoundException') throw error;
      throw new RotationError(ctx, `API key ${pending.apiKeyId} is not on usage plan ${usagePlanId}; setSecret `
        + 'attaches it. Check the governance:usage-plan-id tag names the plan of the workload\'s route.');
    }
    ctx.log.info(`API key ${pending.apiKeyId} exists, is enabled and is on usage plan ${usagePlanId}.`,
      { apiKeyId: pending.apiKeyId, usagePlanId });
  },

  /** @param {RotationContext} ctx */
  async finishSecret(ctx) {
    const pending = await pendingKey(ctx);
    // Read the key callers use now before moving the label: it becomes AWSPREVIOUS and is kept.
    const currentValue = await readStagedValue(ctx, STAGES.current);
    const previousKeyId = currentValue === undefined ? null : apiKeyIdOrUndefined(ctx, currentValue);
    await promotePendingToCurrent(ctx);
    ctx.log.info(`Moved ${STAGES.current} to the version of API key ${pending.apiKeyId}.`,
      { apiKeyId: pending.apiKeyId, previousApiKeyId: previousKeyId });

    if (previousKeyId === undefined) {
      ctx.log.info('The version that was current holds no API key id; deleting no keys, so that no key in use '
        + 'is lost. Old keys of this secret are swept at the next rotation or can be deleted by hand.');
      return;
    }
    const keep = new Set([pending.apiKeyId, ...(previousKeyId ? [previousKeyId] : [])]);
    for (const key of await keysIssuedBy(ctx, { includeValues: false })) {
      if (!key.id || keep.has(key.id)) continue;
      await send(ctx, ctx.clients.apiGateway, new DeleteApiKeyCommand({ apiKey: key.id }));
      ctx.log.info(`Deleted API key ${key.id}, issued for version ${key.tags?.[ROTATION_TAG_KEYS.keyVersion]}.`,
        { deletedApiKeyId: key.id });
    }
  },
};

/**
 * @param {RotationContext} ctx
 * @returns {string}
 */
function usagePlanIdOf(ctx) {
  const usagePlanId = ctx.tags[ROTATION_TAG_KEYS.usagePlanId];
  if (!usagePlanId) {
    throw new RotationError(ctx, `the secret has no ${ROTATION_TAG_KEYS.usagePlanId} tag; an api-gateway-key `
      + 'secret must name the usage plan its keys are attached to. Tag the secret with the id of the usage plan '
      + 'of the workload\'s gateway route.');
  }
  return usagePlanId;
}

/**
 * The secret's governance tags (minus the rotation settings, which describe the secret, not the
 * key), plus the owner and version tags that let the function find the keys it issued.
 * @param {RotationContext} ctx
 * @returns {Record<string, string>}
 */
function keyTags(ctx) {
  /** @type {Record<string, string>} */
  const tags = {};
  for (const [key, value] of Object.entries(ctx.tags)) {
    if (key.startsWith(GOVERNANCE_TAG_PREFIX)
      && key !== ROTATION_TAG_KEYS.strategy && key !== ROTATION_TAG_KEYS.usagePlanId) tags[key] = value;
  }
  tags[ROTATION_TAG_KEYS.keyOwnerSecret] = ctx.secretArn;
  tags[ROTATION_TAG_KEYS.keyVersion] = ctx.token;
  return tags;
}

/**
 * Every API key this secret issued, found by the owner tag. Names start with the secret name, so
 * the name query narrows the listing; the tag decides (another secret's name may share the prefix).
 * @param {RotationContext} ctx
 * @param {{ includeValues: boolean }} options
 * @returns {Promise<Array<{ id?: string, value?: string, enabled?: boolean, tags?: Record<string, string> }>>}
 */
async function keysIssuedBy(ctx, { includeValues }) {
  const keys = [];
  /** @type {string | undefined} */
  let position;
  do {
    const page = await send(ctx, ctx.clients.apiGateway, new GetApiKeysCommand({
      nameQuery: ctx.secretName, includeValues, limit: 500, ...(position ? { position } : {}),
    }));
    for (const item of page.items ?? []) {
      if (typeof item.value === 'string') remember(ctx, item.value);
      if (item.tags?.[ROTATION_TAG_KEYS.keyOwnerSecret] === ctx.secretArn) keys.push(item);
    }
    position = page.position;
  } while (position);
  return keys;
}

/**
 * @param {RotationContext} ctx
 * @returns {Promise<ApiKeySecret>}
 */
async function pendingKey(ctx) {
  const parsed = parseSecretJson(ctx, await requirePendingValue(ctx), `the ${STAGES.pending} version`);
  if (typeof parsed.apiKeyId !== 'string' || typeof parsed.value !== 'string') {
    throw new RotationError(ctx, `the ${STAGES.pending} version lacks a string "apiKeyId" or "value"; `
      + 'the api-gateway-key format is {"apiKeyId": "...", "value": "..."}.');
  }
  remember(ctx, parsed.value);
  return { apiKeyId: parsed.apiKeyId, value: parsed.value };
}

/**
 * The apiKeyId a stored version names, or undefined if the value is not in the api-gateway-key
 * format (for instance a placeholder written when the secret was created).
 * @param {RotationContext} ctx
 * @param {string} secretString
 * @returns {string | undefined}
 */
function apiKeyIdOrUndefined(ctx, secretString) {
  try {
    const parsed = parseSecretJson(ctx, secretString, `the ${STAGES.current} version`);
    return typeof parsed.apiKeyId === 'string' ? parsed.apiKeyId : undefined;
  } catch (error) {
    if (error instanceof RotationError) return undefined;
    throw error;
  }
}

/**
 * @param {RotationContext} ctx
 * @param {string} apiKeyId
 */
async function getKeyOrExplain(ctx, apiKeyId) {
  try {
    const key = await send(ctx, ctx.clients.apiGateway, new GetApiKeyCommand({ apiKey: apiKeyId, includeValue: true }));
    if (typeof key.value === 'string') remember(ctx, key.value);
    return key;
  } catch (error) {
    if (awsErrorName(error) !== 'NotFoundException') throw error;
    throw new RotationError(ctx, `API key ${apiKeyId}, stored in the ${STAGES.pending} version, does not exist; `
      + `it was deleted after createSecret. ${restartAdvice(ctx)}`);
  }
}

/**
 * How to abandon a pending version whose value cannot work: createSecret keeps an existing value
 * (idempotency), and RotateSecret refuses to start while AWSPENDING sits on another version.
 * @param {RotationContext} ctx
 */
function restartAdvice(ctx) {
  return `Remove the ${STAGES.pending} label from this version (aws secretsmanager update-secret-version-stage `
    + `--secret-id ${ctx.secretArn} --version-stage ${STAGES.pending} --remove-from-version-id ${ctx.token}), `
    + 'then rotate again to issue a new key.';
}

module.exports = { apiGatewayKey, keyTags };
