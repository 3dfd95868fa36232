// @ts-check
'use strict';

const {
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  DeleteUsagePlanKeyCommand,
  GetApiKeyCommand,
  GetUsagePlanKeyCommand,
  UpdateApiKeyCommand,
} = require('@aws-sdk/client-api-gateway');
const { RotationError, awsErrorName } = require('./rotation-error');
const { send } = require('./context');
const { ROTATION_TAG_KEYS, GOVERNANCE_TAG_PREFIX } = require('./strategy');
const { apiKeyScope, requireUsagePlans } = require('./secret-scope');
const {
  STAGES, readPendingValue, requirePendingValue, readStagedValue, storePendingValue, promotePendingToCurrent,
  parseSecretJson, remember,
} = require('./secret-versions');

/** @typedef {import('./context').RotationContext} RotationContext */
/** @typedef {{ apiKeyId: string, value: string }} ApiKeySecret */

/** API Gateway tag values are at most 256 characters; the owner tag holds the secret ARN. */
const MAX_TAG_VALUE_LENGTH = 256;

/**
 * api-gateway-key: the secret holds {"apiKeyId": "...", "value": "..."}, the calling workload's own
 * API key on the usage plan of its quota tier (usage plan limits apply per key, so each caller has
 * its own quota).
 *
 * - createSecret issues a new key, **disabled** and on no usage plan (API Gateway generates the
 *   value), tagged with the secret's governance tags, the owning secret's ARN and the version, and
 *   stores it as AWSPENDING. A key whose version could not be stored is deleted again; one left by
 *   a crash in between is disabled and on no plan, so it opens nothing.
 * - setSecret attaches the key to the usage plan USAGE_PLANS gives the secret's quota tier, then
 *   enables it: the step where the credential is granted.
 * - testSecret checks the key is this secret's, enabled, has the stored value and is on that plan.
 * - finishSecret moves AWSCURRENT to the new version, then retires the key that was current:
 *   removed from every usage plan of the environment and deleted. At most one key is valid once a
 *   rotation has finished; callers re-read the secret when the gateway answers 403.
 *
 * Keys are read one at a time by the ids the secret's versions hold (GetApiKey), never listed
 * (GetApiKeys could read every key value of the Region), and each is checked to carry this
 * secret's owner tag before it is changed.
 */
const apiGatewayKey = {
  /** @param {RotationContext} ctx */
  async createSecret(ctx) {
    if ((await readPendingValue(ctx)) !== undefined) {
      ctx.log.info(`The ${STAGES.pending} version already has a value; nothing to create.`);
      return;
    }
    const scope = apiKeyScope(ctx, ctx.config); // fail before creating anything if the key could not be attached later
    if (ctx.secretArn.length > MAX_TAG_VALUE_LENGTH) {
      throw new RotationError(ctx, `the secret ARN is ${ctx.secretArn.length} characters, over the `
        + `${MAX_TAG_VALUE_LENGTH} an API Gateway tag value allows, so the issued key could not name its owner; `
        + 'use a shorter secret name.');
    }
    const key = await send(ctx, ctx.clients.apiGateway, new CreateApiKeyCommand({
      name: `${ctx.secretName}-${ctx.token}`,
      description: `Issued by the rotation of ${ctx.secretArn} for version ${ctx.token}; disabled until setSecret attaches it.`,
      enabled: false,
      tags: keyTags(ctx),
    }));
    if (typeof key.id !== 'string' || typeof key.value !== 'string') {
      throw new RotationError(ctx, `API Gateway returned key ${key.id ?? '(no id)'} without an id or value.`);
    }
    remember(ctx, key.value);
    try {
      await storePendingValue(ctx, JSON.stringify({ apiKeyId: key.id, value: key.value }));
    } catch (error) {
      // The key is disabled and on no plan; delete it so a retry does not leave it behind.
      const cleanup = await send(ctx, ctx.clients.apiGateway, new DeleteApiKeyCommand({ apiKey: key.id })).then(
        () => `API key ${key.id} was deleted again.`,
        () => `API key ${key.id} is left disabled and on no usage plan; delete it: aws apigateway delete-api-key --api-key ${key.id}.`,
      );
      throw new RotationError(ctx, `storing the new key failed (${error instanceof Error ? error.message : String(error)}); ${cleanup}`,
        { awsErrorName: awsErrorName(error) });
    }
    ctx.log.info(`Created API key ${key.id}, disabled until setSecret attaches it to usage plan ${scope.usagePlanId} (tier ${scope.tier}).`,
      { apiKeyId: key.id, tier: scope.tier });
  },

  /** @param {RotationContext} ctx */
  async setSecret(ctx) {
    const { usagePlanId, tier } = apiKeyScope(ctx, ctx.config);
    const { apiKeyId } = await pendingKey(ctx);
    await ownedKeyOrExplain(ctx, apiKeyId, { includeValue: false });
    try {
      await send(ctx, ctx.clients.apiGateway, new CreateUsagePlanKeyCommand({ usagePlanId, keyId: apiKeyId, keyType: 'API_KEY' }));
      ctx.log.info(`Attached API key ${apiKeyId} to usage plan ${usagePlanId} (tier ${tier}).`, { apiKeyId, usagePlanId, tier });
    } catch (error) {
      if (awsErrorName(error) !== 'ConflictException') throw error;
      ctx.log.info(`API key ${apiKeyId} is already on usage plan ${usagePlanId}.`, { apiKeyId, usagePlanId, tier });
    }
    await send(ctx, ctx.clients.apiGateway, new UpdateApiKeyCommand({
      apiKey: apiKeyId, patchOperations: [{ op: 'replace', path: '/enabled', value: 'true' }],
    }));
    ctx.log.info(`Enabled API key ${apiKeyId}.`, { apiKeyId });
  },

  /** @param {RotationContext} ctx */
  async testSecret(ctx) {
    const { usagePlanId } = apiKeyScope(ctx, ctx.config);
    const pending = await pendingKey(ctx);
    const key = await ownedKeyOrExplain(ctx, pending.apiKeyId, { includeValue: true });
    if (key.enabled !== true) {
      throw new RotationError(ctx, `API key ${pending.apiKeyId} is disabled; setSecret enables it once it is on the usage plan. `
        + `Run setSecret again, or: ${restartAdvice(ctx)}`);
    }
    if (key.value !== pending.value) {
      throw new RotationError(ctx, `API key ${pending.apiKeyId} has a different value than the ${STAGES.pending} `
        + `version stores (values not shown); the version was edited by hand or the key was changed. ${restartAdvice(ctx)}`);
    }
    try {
      await send(ctx, ctx.clients.apiGateway, new GetUsagePlanKeyCommand({ usagePlanId, keyId: pending.apiKeyId }));
    } catch (error) {
      if (awsErrorName(error) !== 'NotFoundException') throw error;
      throw new RotationError(ctx, `API key ${pending.apiKeyId} is not on usage plan ${usagePlanId}, the plan of the secret's `
        + `quota tier; setSecret attaches it. Run setSecret again.`);
    }
    ctx.log.info(`API key ${pending.apiKeyId} is this secret's, enabled, and on usage plan ${usagePlanId}.`,
      { apiKeyId: pending.apiKeyId, usagePlanId });
  },

  /** @param {RotationContext} ctx */
  async finishSecret(ctx) {
    apiKeyScope(ctx, ctx.config);
    const pending = await pendingKey(ctx);
    // Read the key callers use now before moving the label: it is retired once the new key is current.
    const currentValue = await readStagedValue(ctx, STAGES.current);
    const previousKeyId = currentValue === undefined ? undefined : apiKeyIdOrUndefined(ctx, currentValue, STAGES.current);
    await promotePendingToCurrent(ctx);
    ctx.log.info(`Moved ${STAGES.current} to the version of API key ${pending.apiKeyId}.`,
      { apiKeyId: pending.apiKeyId, previousApiKeyId: previousKeyId ?? null });
    if (previousKeyId === undefined || previousKeyId === pending.apiKeyId) {
      ctx.log.info('The version that was current holds no other API key; nothing to retire.');
      return;
    }
    await retireKey(ctx, previousKeyId);
  },

  /**
   * A finishSecret retried after AWSCURRENT already moved (the retirement failed the first time):
   * retires the key of the AWSPREVIOUS version, if it still exists.
   * @param {RotationContext} ctx
   */
  async finishRetried(ctx) {
    apiKeyScope(ctx, ctx.config);
    const previousValue = await readStagedValue(ctx, STAGES.previous);
    const previousKeyId = previousValue === undefined ? undefined : apiKeyIdOrUndefined(ctx, previousValue, STAGES.previous);
    if (previousKeyId === undefined) {
      ctx.log.info(`Version is already ${STAGES.current} and no ${STAGES.previous} version holds an API key; nothing to do.`);
      return;
    }
    const currentValue = await readStagedValue(ctx, STAGES.current);
    if (currentValue !== undefined && apiKeyIdOrUndefined(ctx, currentValue, STAGES.current) === previousKeyId) {
      ctx.log.info(`The ${STAGES.previous} version holds the current API key; nothing to retire.`);
      return;
    }
    await retireKey(ctx, previousKeyId);
  },
};

/**
 * Removes a key this secret owns from every usage plan of the environment and deletes it.
 * Idempotent: a key already gone is done.
 * @param {RotationContext} ctx
 * @param {string} apiKeyId
 */
async function retireKey(ctx, apiKeyId) {
  const key = await ownedKeyOrUndefined(ctx, apiKeyId);
  if (!key) {
    ctx.log.info(`API key ${apiKeyId} no longer exists; already retired.`, { retiredApiKeyId: apiKeyId });
    return;
  }
  const removed = await removeFromUsagePlans(ctx, apiKeyId);
  await send(ctx, ctx.clients.apiGateway, new DeleteApiKeyCommand({ apiKey: apiKeyId }));
  ctx.log.info(`Retired API key ${apiKeyId}: removed from ${removed.length ? `usage plan ${removed.join(', ')}` : 'no usage plan'} and deleted.`,
    { retiredApiKeyId: apiKeyId, removedFromUsagePlans: removed });
}

/**
 * Detaches a key from every usage plan in USAGE_PLANS (the key may be on an earlier tier's plan).
 * @param {RotationContext} ctx
 * @param {string} apiKeyId
 * @returns {Promise<string[]>} the plans it was removed from
 */
async function removeFromUsagePlans(ctx, apiKeyId) {
  const removed = [];
  for (const usagePlanId of new Set(Object.values(requireUsagePlans(ctx, ctx.config)))) {
    try {
      await send(ctx, ctx.clients.apiGateway, new DeleteUsagePlanKeyCommand({ usagePlanId, keyId: apiKeyId }));
      removed.push(usagePlanId);
    } catch (error) {
      if (awsErrorName(error) !== 'NotFoundException') throw error;
    }
  }
  return removed;
}

/**
 * The secret's governance tags (minus the rotation settings, which describe the secret, not the
 * key), plus the owner and version tags that let the function recognize the keys it issued.
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
 * A key by id, or undefined when it does not exist.
 * @param {RotationContext} ctx
 * @param {string} apiKeyId
 * @param {{ includeValue?: boolean }} [options]
 * @returns {Promise<{ id?: string, value?: string, enabled?: boolean, tags?: Record<string, string> } | undefined>}
 */
async function keyOrUndefined(ctx, apiKeyId, options = {}) {
  try {
    const key = await send(ctx, ctx.clients.apiGateway, new GetApiKeyCommand({ apiKey: apiKeyId, includeValue: options.includeValue === true }));
    if (typeof key.value === 'string') remember(ctx, key.value);
    return key;
  } catch (error) {
    if (awsErrorName(error) === 'NotFoundException') return undefined;
    throw error;
  }
}

/**
 * The secret that issued a key (its owner tag), if the function issued it.
 * @param {{ tags?: Record<string, string> }} key
 * @returns {string | undefined}
 */
function ownerOf(key) {
  return key.tags?.[ROTATION_TAG_KEYS.keyOwnerSecret];
}

/**
 * A key by id, or undefined when it does not exist. Refuses a key another secret issued: a
 * version edited to point at someone else's key must not make this function change that key.
 * @param {RotationContext} ctx
 * @param {string} apiKeyId
 * @param {{ includeValue?: boolean }} [options]
 */
async function ownedKeyOrUndefined(ctx, apiKeyId, options = {}) {
  const key = await keyOrUndefined(ctx, apiKeyId, options);
  if (!key) return undefined;
  const owner = ownerOf(key);
  if (owner !== ctx.secretArn) {
    throw new RotationError(ctx, `API key ${apiKeyId} was issued for ${owner ? `secret ${owner}` : 'no secret of this function'}, `
      + `not this one (its ${ROTATION_TAG_KEYS.keyOwnerSecret} tag); a version of this secret names a key it does not own. `
      + 'Nothing was changed. Find out who wrote that version.');
  }
  return key;
}

/**
 * @param {RotationContext} ctx
 * @param {string} apiKeyId
 * @param {{ includeValue?: boolean }} options
 */
async function ownedKeyOrExplain(ctx, apiKeyId, options) {
  const key = await ownedKeyOrUndefined(ctx, apiKeyId, options);
  if (!key) {
    throw new RotationError(ctx, `API key ${apiKeyId}, stored in the ${STAGES.pending} version, does not exist; `
      + `it was deleted after createSecret. ${restartAdvice(ctx)}`);
  }
  return key;
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
 * @param {string} stage
 * @returns {string | undefined}
 */
function apiKeyIdOrUndefined(ctx, secretString, stage) {
  try {
    const parsed = parseSecretJson(ctx, secretString, `the ${stage} version`);
    if (typeof parsed.value === 'string') remember(ctx, parsed.value);
    return typeof parsed.apiKeyId === 'string' ? parsed.apiKeyId : undefined;
  } catch (error) {
    if (error instanceof RotationError) return undefined;
    throw error;
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

module.exports = { apiGatewayKey, keyTags, keyOrUndefined, ownerOf, removeFromUsagePlans, apiKeyIdOrUndefined };
