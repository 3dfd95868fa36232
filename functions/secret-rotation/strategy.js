// @ts-check
'use strict';

/**
 * The tags this rotation function reads on a secret and writes on what it issues. The construct
 * that schedules rotation sets the secret's tags from these constants, and the function reads
 * them back, so the strings are written once, here. (The Lambda asset ships only this directory,
 * which is why they live next to the handler and not in constructs/governance/tags.ts.)
 */
const ROTATION_TAG_KEYS = Object.freeze({
  /** On the secret: which strategy rotates it, one of ROTATION_STRATEGIES. */
  strategy: 'governance:rotation-strategy',
  /**
   * On an api-gateway-key secret: the quota tier of the calling workload, a key of the function's
   * USAGE_PLANS. The usage plan is looked up there, never read from a tag.
   */
  quotaTier: 'governance:quota-tier',
  /**
   * Formerly the usage plan id on an api-gateway-key secret. **No longer read**: a secret could name
   * any plan (issue 12 item 7). Kept so that constructs still writing it keep compiling; remove
   * when they stop.
   * @deprecated
   */
  usagePlanId: 'governance:usage-plan-id',
  /** On every API key the function issues: the ARN of the secret that owns the key. */
  keyOwnerSecret: 'governance:rotation-secret',
  /** On every API key the function issues: the secret version (ClientRequestToken) it was issued for. */
  keyVersion: 'governance:rotation-version',
});

/** The rotation strategies, the allowed values of the `governance:rotation-strategy` tag. */
const ROTATION_STRATEGIES = Object.freeze({
  /** A random token the workload and its callers share: {"token": "..."}. */
  generatedToken: 'generated-token',
  /** An API Gateway API key on the environment gateway's usage plan: {"apiKeyId": "...", "value": "..."}. */
  apiGatewayKey: 'api-gateway-key',
});

/**
 * Governance tags the function checks on an api-gateway-key secret. They equal TAG_KEYS in
 * constructs/governance/tags.ts (a test holds them equal); repeated because this directory ships alone.
 */
const GOVERNANCE_TAG_KEYS = Object.freeze({
  environment: 'governance:environment',
  workload: 'governance:workload',
  /** Set when the workload is revoked: the secret no longer rotates, and `revoke` disables its keys. */
  revokedAt: 'governance:revoked-at',
});

/** Tags with this prefix are the governance facts; they are copied onto the API keys a secret owns. */
const GOVERNANCE_TAG_PREFIX = 'governance:';

/** The four steps of the Secrets Manager rotation contract, in the order Secrets Manager calls them. */
const ROTATION_STEPS = Object.freeze(['createSecret', 'setSecret', 'testSecret', 'finishSecret']);

module.exports = { ROTATION_TAG_KEYS, ROTATION_STRATEGIES, GOVERNANCE_TAG_KEYS, GOVERNANCE_TAG_PREFIX, ROTATION_STEPS };
