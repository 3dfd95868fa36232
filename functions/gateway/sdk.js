// @ts-check
'use strict';

/**
 * Loads an AWS SDK v3 client package from the Lambda runtime (nodejs22.x ships them), so this
 * directory is the whole asset and carries no node_modules. The name goes through a variable on
 * purpose: the package is the runtime's, not a dependency of this library, and the type checker
 * must not look for it. Only index.js (defaultDeps) calls this; the handler receives clients.
 * @param {string} name e.g. '@aws-sdk/client-ssm'
 * @returns {any}
 */
function runtimeModule(name) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(name);
}

module.exports = { runtimeModule };
