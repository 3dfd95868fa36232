// @ts-check
'use strict';

const {
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
} = require('@aws-sdk/client-secrets-manager');
const { RotationError, awsErrorName } = require('./rotation-error');
const { send } = require('./context');

/** The staging labels of the rotation contract. */
const STAGES = Object.freeze({ current: 'AWSCURRENT', pending: 'AWSPENDING', previous: 'AWSPREVIOUS' });

/** @typedef {import('./context').RotationContext} RotationContext */

/**
 * The value of the version being rotated in, or undefined when createSecret has not stored one
 * yet (Secrets Manager stages the token as AWSPENDING with no value when rotation starts).
 * @param {RotationContext} ctx
 * @returns {Promise<string | undefined>}
 */
async function readPendingValue(ctx) {
  try {
    const result = await send(ctx, ctx.clients.secretsManager, new GetSecretValueCommand({
      SecretId: ctx.secretArn, VersionId: ctx.token, VersionStage: STAGES.pending,
    }));
    return remember(ctx, result.SecretString);
  } catch (error) {
    if (awsErrorName(error) === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

/**
 * The pending value, which testSecret and setSecret require to exist.
 * @param {RotationContext} ctx
 * @returns {Promise<string>}
 */
async function requirePendingValue(ctx) {
  const value = await readPendingValue(ctx);
  if (value === undefined) {
    throw new RotationError(ctx, `the ${STAGES.pending} version has no value; createSecret must run first `
      + '(restart rotation with RotateSecret so Secrets Manager runs the steps in order).');
  }
  return value;
}

/**
 * The value of the version that holds `stage`, or undefined if no version holds it.
 * @param {RotationContext} ctx
 * @param {string} stage
 * @returns {Promise<string | undefined>}
 */
async function readStagedValue(ctx, stage) {
  if (versionWithStage(ctx, stage) === undefined) return undefined;
  const result = await send(ctx, ctx.clients.secretsManager, new GetSecretValueCommand({
    SecretId: ctx.secretArn, VersionStage: stage,
  }));
  return remember(ctx, result.SecretString);
}

/**
 * Stores the new value under the rotation's token, staged AWSPENDING.
 * @param {RotationContext} ctx
 * @param {string} secretString
 */
async function storePendingValue(ctx, secretString) {
  remember(ctx, secretString);
  await send(ctx, ctx.clients.secretsManager, new PutSecretValueCommand({
    SecretId: ctx.secretArn, ClientRequestToken: ctx.token, SecretString: secretString, VersionStages: [STAGES.pending],
  }));
}

/**
 * Moves AWSCURRENT to the rotation's token, then takes AWSPENDING off it. Secrets Manager moves
 * AWSPREVIOUS to the version that held AWSCURRENT; the version that held AWSPREVIOUS loses its last
 * label (deprecated).
 * The first rotation of a secret created without a value has no AWSCURRENT to remove.
 * @param {RotationContext} ctx
 * @returns {Promise<{ previousVersionId: string | undefined }>}
 */
async function promotePendingToCurrent(ctx) {
  const currentVersionId = versionWithStage(ctx, STAGES.current);
  await send(ctx, ctx.clients.secretsManager, new UpdateSecretVersionStageCommand({
    SecretId: ctx.secretArn,
    VersionStage: STAGES.current,
    MoveToVersionId: ctx.token,
    ...(currentVersionId ? { RemoveFromVersionId: currentVersionId } : {}),
  }));
  // AWS accepts AWSPENDING left on the new current version, but "not attached to any version" is
  // the other end state it documents, and the only one every emulator accepts before the next
  // RotateSecret (moto 5.2.1 refuses to rotate while AWSPENDING shares a version with AWSCURRENT).
  await send(ctx, ctx.clients.secretsManager, new UpdateSecretVersionStageCommand({
    SecretId: ctx.secretArn, VersionStage: STAGES.pending, RemoveFromVersionId: ctx.token,
  }));
  return { previousVersionId: currentVersionId };
}

/**
 * @param {RotationContext} ctx
 * @param {string} stage
 * @returns {string | undefined}
 */
function versionWithStage(ctx, stage) {
  return Object.keys(ctx.versionStages).find((id) => ctx.versionStages[id].includes(stage));
}

/**
 * Parses a stored JSON value. JSON.parse's own message quotes the input, which here is the
 * secret, so its message is never passed on.
 * @param {RotationContext} ctx
 * @param {string} secretString
 * @param {string} which e.g. "the AWSPENDING version"
 * @returns {Record<string, unknown>}
 */
function parseSecretJson(ctx, secretString, which) {
  /** @type {unknown} */
  let parsed;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    throw new RotationError(ctx, `${which} is not valid JSON (value not shown). The function writes JSON; `
      + 'a version written by hand must follow the format in functions/secret-rotation/README.md.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new RotationError(ctx, `${which} is JSON but not an object (value not shown); `
      + 'see the format in functions/secret-rotation/README.md.');
  }
  return /** @type {Record<string, unknown>} */ (parsed);
}

/**
 * @param {RotationContext} ctx
 * @param {string | undefined} value
 * @returns {string | undefined}
 */
function remember(ctx, value) {
  if (typeof value === 'string') ctx.sensitive.add(value);
  return value;
}

module.exports = {
  STAGES,
  readPendingValue,
  requirePendingValue,
  readStagedValue,
  storePendingValue,
  promotePendingToCurrent,
  versionWithStage,
  parseSecretJson,
  remember,
};
