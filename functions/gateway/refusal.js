// @ts-check
'use strict';

/**
 * A request the gateway answers itself, with a status and a reason. Thrown anywhere in the
 * request's path and turned into one response and one decision-log line by the handler, so every
 * refusal is logged with its reason and none is forgotten on an early return.
 *
 * `reason` goes to the decision log and, for 4xx, to the caller: it never carries a credential, a
 * token or a full URL. For 5xx the caller gets only a short, fixed message (`publicMessage`).
 */
class Refusal extends Error {
  /**
   * @param {number} status HTTP status of the answer
   * @param {string} reason why, for the decision log
   * @param {{ publicMessage?: string, code?: string }} [options]
   *   `code`: a short AWS error code the caller may see (model errors).
   */
  constructor(status, reason, options = {}) {
    super(reason);
    this.name = 'Refusal';
    this.status = status;
    this.reason = reason;
    this.publicMessage = options.publicMessage ?? (status >= 500 ? defaultServerMessage(status) : reason);
    this.code = options.code;
  }
}

/** @param {number} status */
function defaultServerMessage(status) {
  if (status === 502) return 'bad gateway';
  if (status === 504) return 'tool timed out';
  return 'internal error';
}

module.exports = { Refusal };
