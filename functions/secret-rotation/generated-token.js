// @ts-check
'use strict';

const { randomBytes } = require('node:crypto');
const { RotationError } = require('./rotation-error');
const {
  readPendingValue, requirePendingValue, storePendingValue, promotePendingToCurrent, parseSecretJson, remember, STAGES,
} = require('./secret-versions');

/** @typedef {import('./context').RotationContext} RotationContext */

/** 48 random bytes: 384 bits, far past guessing, and 64 characters in base64url. */
const TOKEN_BYTES = 48;
/** The length of TOKEN_BYTES in unpadded base64url; testSecret rejects anything shorter. */
const MIN_TOKEN_LENGTH = Math.ceil((TOKEN_BYTES * 4) / 3);
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * generated-token: the secret is a random token the workload and its callers share, stored as
 * {"token": "..."}. Nothing outside Secrets Manager holds it, so there is nothing to set in
 * another service; readers pick up the new token the next time they read AWSCURRENT.
 */
const generatedToken = {
  /**
   * Generates the token with node:crypto (the CSPRNG of the runtime; no extra IAM permission, unlike
   * GetRandomPassword) and stores it as AWSPENDING. Does nothing if the version already has a value,
   * so a retried invocation never replaces a token that a later step may already have seen.
   * @param {RotationContext} ctx
   */
  async createSecret(ctx) {
    if ((await readPendingValue(ctx)) !== undefined) {
      ctx.log.info(`The ${STAGES.pending} version already has a value; nothing to create.`);
      return;
    }
    const token = remember(ctx, randomBytes(TOKEN_BYTES).toString('base64url'));
    await storePendingValue(ctx, JSON.stringify({ token }));
    ctx.log.info(`Stored a new ${TOKEN_BYTES}-byte token as ${STAGES.pending}.`);
  },

  /** @param {RotationContext} ctx */
  async setSecret(ctx) {
    ctx.log.info('Nothing to set: a generated token lives only in Secrets Manager.');
  },

  /**
   * Checks the pending value is {"token": "<base64url, at least 64 characters>"}.
   * @param {RotationContext} ctx
   */
  async testSecret(ctx) {
    const pending = parseSecretJson(ctx, await requirePendingValue(ctx), `the ${STAGES.pending} version`);
    const token = pending.token;
    if (typeof token !== 'string') {
      throw new RotationError(ctx, `the ${STAGES.pending} version has no string "token" field; `
        + 'the generated-token format is {"token": "<base64url>"}.');
    }
    remember(ctx, token);
    if (token.length < MIN_TOKEN_LENGTH || !BASE64URL.test(token)) {
      throw new RotationError(ctx, `the ${STAGES.pending} token is ${token.length} characters or not base64url; `
        + `a generated token is at least ${MIN_TOKEN_LENGTH} base64url characters (${TOKEN_BYTES} random bytes).`);
    }
    ctx.log.info(`The ${STAGES.pending} token is well formed.`);
  },

  /** @param {RotationContext} ctx */
  async finishSecret(ctx) {
    const { previousVersionId } = await promotePendingToCurrent(ctx);
    ctx.log.info(`Moved ${STAGES.current} to the new version.`, { previousVersionId: previousVersionId ?? null });
  },
};

module.exports = { generatedToken, TOKEN_BYTES, MIN_TOKEN_LENGTH };
