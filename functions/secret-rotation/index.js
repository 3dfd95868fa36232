// @ts-check
'use strict';

/**
 * The Lambda entry point (handler setting `index.handler`, runtime nodejs22.x, whose bundled AWS
 * SDK v3 provides the clients, so the asset carries no node_modules). Clients are built once per
 * execution environment and reused across invocations; the configuration (ENVIRONMENT,
 * USAGE_PLANS) is read from the environment on every invocation.
 */
const { SecretsManagerClient } = require('@aws-sdk/client-secrets-manager');
const { APIGatewayClient } = require('@aws-sdk/client-api-gateway');
const { createHandler } = require('./handler');

/** @returns {import('./context').RotationClients} */
function defaultClients() {
  return { secretsManager: new SecretsManagerClient({}), apiGateway: new APIGatewayClient({}) };
}

exports.defaultClients = defaultClients;
exports.handler = createHandler({ ...defaultClients(), env: process.env });
