// @ts-check
'use strict';

/**
 * A rotation failure. The message always names the secret, the step and the version, says what was
 * wrong and, where there is one, the fix, because the only place an operator sees it is the
 * Lambda's log and the secret's "rotation failed" status.
 *
 * The message is passed through `redact` with every secret value this invocation has seen, so an
 * error can never carry a value into the log, even one echoed back by an AWS error message.
 */
class RotationError extends Error {
  /**
   * @param {{ secretArn: string, step: string, token: string, sensitive?: Set<string> }} where
   *   step `revoke` (the revocation entry point, which has no version) reads "Revocation of secret ..."
   * @param {string} problem what was wrong, and the fix
   * @param {{ awsErrorName?: string }} [details]
   */
  constructor(where, problem, details = {}) {
    super(redact(where.step === 'revoke'
      ? `Revocation of secret ${where.secretArn}: ${problem}`
      : `Rotation of secret ${where.secretArn} (version ${where.token}), step ${where.step}: ${problem}`,
    where.sensitive));
    this.name = 'RotationError';
    this.secretArn = where.secretArn;
    this.step = where.step;
    /** The name of the AWS error behind this one, if any (e.g. ResourceNotFoundException). */
    this.awsErrorName = details.awsErrorName;
  }
}

const REDACTED = '[REDACTED]';

/**
 * Replaces every occurrence of a known secret value in `text`.
 * @param {string} text
 * @param {Iterable<string>} [sensitive]
 * @returns {string}
 */
function redact(text, sensitive) {
  let result = text;
  for (const value of sensitive ?? []) {
    // Values shorter than 8 characters would redact ordinary words; no value this function
    // handles is that short (tokens are 64 characters, API key values at least 20).
    if (value.length >= 8) result = result.split(value).join(REDACTED);
  }
  return result;
}

/**
 * The name of an error thrown by an AWS SDK v3 client (`ResourceNotFoundException`, ...).
 * @param {unknown} error
 * @returns {string}
 */
function awsErrorName(error) {
  if (error instanceof RotationError) return error.awsErrorName ?? error.name;
  if (error && typeof error === 'object' && 'name' in error && typeof error.name === 'string') return error.name;
  return 'UnknownError';
}

module.exports = { RotationError, redact, awsErrorName, REDACTED };
