// @ts-check
'use strict';

/**
 * The Lambda entry point (handler `index.handler`, runtime nodejs22.x). The AWS SDK v3 clients
 * come from the runtime and are loaded on the first request, so the asset is this directory alone
 * and the tests, which inject their own clients, never load them. See README.md for the
 * configuration, the route entries and the approval format; handler.js for the request flow.
 */

const https = require('node:https');
const dns = require('node:dns');
const { runtimeModule } = require('./sdk');
const { createHandler } = require('./handler');
const { approvalPayload, encodeApproval, canonicalQueryString } = require('./approval');

/** @returns {import('./handler').Deps} */
function defaultDeps() {
  const ssm = runtimeModule('@aws-sdk/client-ssm');
  const sts = runtimeModule('@aws-sdk/client-sts');
  const vp = runtimeModule('@aws-sdk/client-verifiedpermissions');
  const ddb = runtimeModule('@aws-sdk/client-dynamodb');
  const kms = runtimeModule('@aws-sdk/client-kms');
  const bedrock = runtimeModule('@aws-sdk/client-bedrock-runtime');
  const sagemaker = runtimeModule('@aws-sdk/client-sagemaker-runtime');
  const sm = runtimeModule('@aws-sdk/client-secrets-manager');
  const lambda = runtimeModule('@aws-sdk/client-lambda');
  /** @type {Record<import('./sessions').SessionClientKind, new (config: any) => any>} */
  const sessionClientClasses = {
    bedrockRuntime: bedrock.BedrockRuntimeClient,
    sagemakerRuntime: sagemaker.SageMakerRuntimeClient,
    secretsManager: sm.SecretsManagerClient,
    lambda: lambda.LambdaClient,
  };
  return {
    ssm: new ssm.SSMClient({}),
    sts: new sts.STSClient({}),
    verifiedPermissions: new vp.VerifiedPermissionsClient({}),
    dynamodb: new ddb.DynamoDBClient({}),
    kms: new kms.KMSClient({}),
    sessionClients: (credentials) => (kind) => new sessionClientClasses[kind]({
      credentials: {
        accessKeyId: credentials.AccessKeyId,
        secretAccessKey: credentials.SecretAccessKey,
        sessionToken: credentials.SessionToken,
        expiration: new Date(credentials.Expiration),
      },
    }),
    commands: {
      GetParameterCommand: ssm.GetParameterCommand,
      AssumeRoleCommand: sts.AssumeRoleCommand,
      IsAuthorizedCommand: vp.IsAuthorizedCommand,
      PutItemCommand: ddb.PutItemCommand,
      VerifyCommand: kms.VerifyCommand,
      InvokeModelCommand: bedrock.InvokeModelCommand,
      InvokeEndpointCommand: sagemaker.InvokeEndpointCommand,
      GetSecretValueCommand: sm.GetSecretValueCommand,
      InvokeCommand: lambda.InvokeCommand,
    },
    https: { request: https.request, lookup: /** @type {any} */ (dns.lookup) },
    now: () => Date.now(),
    env: process.env,
    log: (line) => console.log(line),
  };
}

/** @type {ReturnType<typeof createHandler> | undefined} */
let productionHandler;

/** @param {import('./handler').ProxyEvent} event */
async function handler(event) {
  productionHandler ??= createHandler(defaultDeps());
  return productionHandler(event);
}

module.exports = { handler, createHandler, defaultDeps, approvalPayload, encodeApproval, canonicalQueryString };
