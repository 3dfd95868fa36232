// @ts-check
'use strict';

const { RotationError, awsErrorName, redact } = require('./rotation-error');

/**
 * The SDK clients the handler uses. Only `send` is needed, which is what lets tests stand in a
 * small fake at the SDK boundary.
 * @typedef {{ send(command: any): Promise<any> }} SdkClient
 * @typedef {{ secretsManager: SdkClient, apiGateway: SdkClient }} RotationClients
 */

/**
 * Structured log lines. Fields never hold secret values; the invocation's logger also redacts
 * every value it has seen, as a second line of defence.
 * @typedef {{ info(message: string, fields?: Record<string, unknown>): void,
 *             error(message: string, fields?: Record<string, unknown>): void }} Logger
 */

/**
 * Everything one step needs: who (secret, version, step), what the secret looks like now
 * (tags, version stages), the clients, the logger, and the values seen so far (for redaction).
 * @typedef {object} RotationContext
 * @property {string} secretArn the secret's full ARN (the event's SecretId may be a name or partial ARN)
 * @property {string} secretName
 * @property {string} token the ClientRequestToken: the version id being rotated in
 * @property {string} step
 * @property {Record<string, string>} tags the secret's tags
 * @property {Record<string, string[]>} versionStages VersionIdsToStages from DescribeSecret
 * @property {Set<string>} sensitive secret values seen in this invocation; redacted from logs and errors
 * @property {RotationClients} clients
 * @property {Logger} log
 * @property {import('./secret-scope').RotationConfig} config the function's configuration (ENVIRONMENT, USAGE_PLANS)
 */

/**
 * Sends a command, turning a failure into a RotationError that says which call failed for which
 * secret and step. The AWS error name is kept so callers can branch on it (not found, conflict).
 * @param {RotationContext} ctx
 * @param {SdkClient} client
 * @param {any} command
 * @returns {Promise<any>}
 */
async function send(ctx, client, command) {
  try {
    return await client.send(command);
  } catch (error) {
    const name = awsErrorName(error);
    const message = error instanceof Error ? error.message : String(error);
    throw new RotationError(ctx, `${commandName(command)} failed with ${name}: ${message}`, { awsErrorName: name });
  }
}

/** @param {any} command */
function commandName(command) {
  return String(command?.constructor?.name ?? 'command').replace(/Command$/, '');
}

/**
 * A logger that writes one JSON object per line to stdout/stderr (CloudWatch Logs keeps them
 * searchable with Logs Insights) and redacts every value the invocation has seen.
 * @param {Set<string>} sensitive
 * @param {Logger} [sink]
 * @returns {Logger}
 */
function redactingLogger(sensitive, sink = consoleLogger()) {
  /** @param {Record<string, unknown> | undefined} fields */
  const clean = (fields) => (fields ? JSON.parse(redact(JSON.stringify(fields), sensitive)) : undefined);
  return {
    info: (message, fields) => sink.info(redact(message, sensitive), clean(fields)),
    error: (message, fields) => sink.error(redact(message, sensitive), clean(fields)),
  };
}

/** @returns {Logger} */
function consoleLogger() {
  return {
    info: (message, fields) => console.log(JSON.stringify({ level: 'info', message, ...fields })),
    error: (message, fields) => console.error(JSON.stringify({ level: 'error', message, ...fields })),
  };
}

module.exports = { send, redactingLogger, consoleLogger };
