// @ts-check
'use strict';

const { DescribeSecretCommand, GetSecretValueCommand, ListSecretVersionIdsCommand } = require('@aws-sdk/client-secrets-manager');
const { UpdateApiKeyCommand } = require('@aws-sdk/client-api-gateway');
const { RotationError, awsErrorName } = require('./rotation-error');
const { send } = require('./context');
const { GOVERNANCE_TAG_KEYS, ROTATION_STRATEGIES, ROTATION_TAG_KEYS } = require('./strategy');
const { checkSecretOwner, requireUsagePlans } = require('./secret-scope');
const { keyOrUndefined, ownerOf, removeFromUsagePlans, apiKeyIdOrUndefined } = require('./api-gateway-key');

/**
 * The revocation entry point: `{ "action": "revoke", "secretId": "<secret ARN>" }`, invoked by
 * Terraform (aws_lambda_invocation) when a workload is revoked. It acts only on an api-gateway-key
 * secret of this environment whose name and tags name its workload and that carries the
 * `governance:revoked-at` tag (set by the same apply), so it can revoke nothing that was not
 * revoked in code. It disables every API key the secret owns (the ids in any of its versions,
 * including deprecated ones) and removes each from every usage plan of the environment.
 * Idempotent: a second invocation finds the keys disabled and detached and changes nothing.
 *
 * Returns a summary:
 *   { action: 'revoke', secretArn, environment, workload, revokedAt,
 *     keys: [{ apiKeyId, status: 'disabled' | 'already-disabled' | 'not-found', removedFromUsagePlans: [ids] }] }
 */

/**
 * @typedef {{ apiKeyId: string, status: 'disabled' | 'already-disabled' | 'not-found', removedFromUsagePlans: string[] }} RevokedKey
 * @typedef {{ action: 'revoke', secretArn: string, environment: string, workload: string, revokedAt: string, keys: RevokedKey[] }} RevocationSummary
 */

/**
 * @param {{ secretId: string, clients: import('./context').RotationClients, log: import('./context').Logger,
 *   config: import('./secret-scope').RotationConfig, sensitive: Set<string> }} input
 * @returns {Promise<RevocationSummary>}
 */
async function revokeSecretKeys({ secretId, clients, log, config, sensitive }) {
  const where = { secretArn: secretId, token: '', step: 'revoke', sensitive };
  const early = { ...where, secretName: '', tags: {}, versionStages: {}, clients, log, config };
  const description = await send(early, clients.secretsManager, new DescribeSecretCommand({ SecretId: secretId }));
  /** @type {import('./context').RotationContext} */
  const ctx = {
    ...early,
    secretArn: description.ARN ?? secretId,
    secretName: description.Name ?? secretId,
    tags: Object.fromEntries((description.Tags ?? []).map((/** @type {{ Key: string, Value?: string }} */ t) => [t.Key, t.Value ?? ''])),
    versionStages: description.VersionIdsToStages ?? {},
  };
  const strategy = ctx.tags[ROTATION_TAG_KEYS.strategy];
  if (strategy !== ROTATION_STRATEGIES.apiGatewayKey) {
    throw new RotationError(ctx, `the secret's ${ROTATION_TAG_KEYS.strategy} tag is ${JSON.stringify(strategy ?? null)}; `
      + `only ${ROTATION_STRATEGIES.apiGatewayKey} secrets hold API keys to revoke.`);
  }
  const workload = checkSecretOwner(ctx, config);
  const revokedAt = ctx.tags[GOVERNANCE_TAG_KEYS.revokedAt];
  if (!revokedAt) {
    throw new RotationError(ctx, `the secret has no ${GOVERNANCE_TAG_KEYS.revokedAt} tag; a revocation is applied by setting `
      + `revoked on the workload in code, which tags its secrets and then invokes this function. Nothing was changed.`);
  }
  requireUsagePlans(ctx, config);

  /** @type {RevokedKey[]} */
  const keys = [];
  /** @type {string[]} */
  const foreign = [];
  for (const apiKeyId of await keyIdsOwnedBy(ctx)) {
    const key = await keyOrUndefined(ctx, apiKeyId);
    if (!key) {
      keys.push({ apiKeyId, status: 'not-found', removedFromUsagePlans: [] });
      continue;
    }
    if (ownerOf(key) !== ctx.secretArn) {
      // A version names a key another secret issued: leave that key alone, finish this secret's keys, then fail loudly.
      foreign.push(`${apiKeyId} (issued for ${ownerOf(key) ?? 'no secret of this function'})`);
      continue;
    }
    if (key.enabled !== false) {
      await send(ctx, clients.apiGateway, new UpdateApiKeyCommand({ apiKey: apiKeyId, patchOperations: [{ op: 'replace', path: '/enabled', value: 'false' }] }));
    }
    const removedFromUsagePlans = await removeFromUsagePlans(ctx, apiKeyId);
    keys.push({ apiKeyId, status: key.enabled === false ? 'already-disabled' : 'disabled', removedFromUsagePlans });
  }
  if (foreign.length > 0) {
    throw new RotationError(ctx, `the secret's keys ${keys.map((k) => k.apiKeyId).join(', ') || '(none)'} are disabled and off every usage plan, `
      + `but a version of the secret names API key ${foreign.join(', ')}, which this secret does not own; that key was left unchanged. `
      + 'Find out who wrote that version.');
  }
  /** @type {RevocationSummary} */
  const summary = { action: 'revoke', secretArn: ctx.secretArn, environment: config.environment, workload, revokedAt, keys };
  log.info(`Revoked the API keys of secret ${ctx.secretArn} (workload ${workload}, revoked at ${revokedAt}).`, { ...summary });
  return summary;
}

/**
 * The API key ids held by any version of the secret, current, previous, pending or deprecated.
 * @param {import('./context').RotationContext} ctx
 * @returns {Promise<string[]>}
 */
async function keyIdsOwnedBy(ctx) {
  /** @type {string[]} */
  const versionIds = [];
  /** @type {string | undefined} */
  let nextToken;
  do {
    const page = await send(ctx, ctx.clients.secretsManager, new ListSecretVersionIdsCommand({
      SecretId: ctx.secretArn, IncludeDeprecated: true, MaxResults: 100, ...(nextToken ? { NextToken: nextToken } : {}),
    }));
    for (const version of page.Versions ?? []) if (typeof version.VersionId === 'string') versionIds.push(version.VersionId);
    nextToken = page.NextToken;
  } while (nextToken);

  /** @type {Set<string>} */
  const ids = new Set();
  for (const versionId of versionIds) {
    /** @type {any} */
    let value;
    try {
      value = await send(ctx, ctx.clients.secretsManager, new GetSecretValueCommand({ SecretId: ctx.secretArn, VersionId: versionId }));
    } catch (error) {
      // A version staged AWSPENDING before createSecret stored a value has none.
      if (awsErrorName(error) === 'ResourceNotFoundException') continue;
      throw error;
    }
    const id = typeof value.SecretString === 'string' ? apiKeyIdOrUndefined(ctx, value.SecretString, `version ${versionId}`) : undefined;
    if (id) ids.add(id);
  }
  return [...ids];
}

module.exports = { revokeSecretKeys };
