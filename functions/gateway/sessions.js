// @ts-check
'use strict';

const crypto = require('node:crypto');

/**
 * Integration sessions. The gateway function holds no model or tool permission of its own: for
 * each call it assumes the integration role of the workload or agent the call is for, with
 *
 * - `SourceIdentity` = the caller's role name: STS records it, and CloudTrail shows it on every
 *   action of the session (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html);
 * - `RoleSessionName` from the request id, to find the request from a CloudTrail event;
 * - `DurationSeconds` 900, the STS minimum;
 * - an inline session `Policy` naming only what this one call needs. The session's permissions are
 *   the intersection of the role's policies and the session policy
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session), so AWS,
 *   not this code, enforces that a model call cannot read a tool credential and that one tool's call
 *   cannot reach another tool.
 *
 * Sessions are cached by (role ARN, source identity, session policy hash) until 60 seconds before
 * they expire: the same caller calling the same model or tool reuses its session, and nothing else
 * does.
 */
const SESSION_DURATION_SECONDS = 900;
const SESSION_REFRESH_MARGIN_MILLIS = 60_000;
const SESSION_CACHE_SIZE = 500;

/**
 * @typedef {{ Sid: string, Effect: 'Allow', Action: string, Resource: string, Condition?: Record<string, Record<string, string>> }} SessionStatement
 * @typedef {{ Version: '2012-10-17', Statement: SessionStatement[] }} SessionPolicy
 * @typedef {'bedrockRuntime' | 'sagemakerRuntime' | 'secretsManager' | 'lambda'} SessionClientKind
 * @typedef {{ send: (command: any) => Promise<any> }} SdkClient
 * @typedef {{ AccessKeyId: string, SecretAccessKey: string, SessionToken: string, Expiration: Date | string }} StsCredentials
 * @typedef {(credentials: StsCredentials) => (kind: SessionClientKind) => SdkClient} SessionClientFactory
 */

/**
 * @param {SessionStatement[]} statements
 * @returns {SessionPolicy}
 */
function policy(statements) {
  return { Version: '2012-10-17', Statement: statements };
}

/**
 * A Bedrock model call: the model, and the guardrail InvokeModel applies (Bedrock checks
 * bedrock:ApplyGuardrail on the guardrail when a request names one).
 * @param {string} modelArn
 * @param {string} guardrailArn
 */
function bedrockModelPolicy(modelArn, guardrailArn) {
  return policy([
    { Sid: 'InvokeThisModel', Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: modelArn },
    { Sid: 'ApplyThisGuardrail', Effect: 'Allow', Action: 'bedrock:ApplyGuardrail', Resource: guardrailArn },
  ]);
}

/** @param {string} endpointArn */
function sagemakerEndpointPolicy(endpointArn) {
  return policy([{ Sid: 'InvokeThisEndpoint', Effect: 'Allow', Action: 'sagemaker:InvokeEndpoint', Resource: endpointArn }]);
}

/**
 * An HTTP tool's call: read its credential secret and, when the secret has its own key, decrypt
 * through Secrets Manager only.
 * @param {{ secretArn: string, kmsKeyArn?: string | null }} credential
 * @param {string} region
 */
function httpToolPolicy(credential, region) {
  /** @type {SessionStatement[]} */
  const statements = [{ Sid: 'ReadThisToolCredential', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: credential.secretArn }];
  if (credential.kmsKeyArn) {
    statements.push({
      Sid: 'DecryptThroughSecretsManager',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: credential.kmsKeyArn,
      Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` } },
    });
  }
  return policy(statements);
}

/** @param {string} functionArn */
function lambdaToolPolicy(functionArn) {
  return policy([{ Sid: 'InvokeThisTool', Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: functionArn }]);
}

/**
 * `RoleSessionName` from the request id: [\w+=,.@-], at most 64 characters.
 * @param {string} requestId
 */
function sessionNameFor(requestId) {
  return `gw-${String(requestId).replace(/[^A-Za-z0-9+=,.@_-]/g, '-')}`.slice(0, 64);
}

/**
 * @param {{ sts: SdkClient, commands: { AssumeRoleCommand: new (input: any) => any }, sessionClients: SessionClientFactory, now: () => number }} deps
 */
function createSessionBroker(deps) {
  /** @type {Map<string, { expiresAt: number, clients: (kind: SessionClientKind) => SdkClient, sessionName: string }>} */
  const cache = new Map();

  return {
    /**
     * @param {{ roleArn: string, sourceIdentity: string, policy: SessionPolicy, requestId: string }} request
     * @returns {Promise<{ client: (kind: SessionClientKind) => SdkClient, sessionName: string, reused: boolean }>}
     */
    async open(request) {
      const policyJson = JSON.stringify(request.policy);
      const key = [request.roleArn, request.sourceIdentity, crypto.createHash('sha256').update(policyJson).digest('hex')].join('\n');
      const cached = cache.get(key);
      if (cached && deps.now() < cached.expiresAt - SESSION_REFRESH_MARGIN_MILLIS) {
        return { client: cached.clients, sessionName: cached.sessionName, reused: true };
      }
      cache.delete(key);
      const sessionName = sessionNameFor(request.requestId);
      const out = await deps.sts.send(new deps.commands.AssumeRoleCommand({
        RoleArn: request.roleArn,
        RoleSessionName: sessionName,
        SourceIdentity: request.sourceIdentity,
        DurationSeconds: SESSION_DURATION_SECONDS,
        Policy: policyJson,
      }));
      const credentials = out?.Credentials;
      if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken || !credentials.Expiration) {
        throw new Error('AssumeRole returned no credentials');
      }
      const factory = deps.sessionClients(credentials);
      /** @type {Map<SessionClientKind, SdkClient>} */
      const built = new Map();
      /** @param {SessionClientKind} kind */
      const clients = (kind) => {
        let client = built.get(kind);
        if (!client) built.set(kind, (client = factory(kind)));
        return client;
      };
      cache.set(key, { expiresAt: new Date(credentials.Expiration).getTime(), clients, sessionName });
      if (cache.size > SESSION_CACHE_SIZE) cache.delete(/** @type {string} */ (cache.keys().next().value));
      return { client: clients, sessionName, reused: false };
    },
  };
}

module.exports = {
  SESSION_DURATION_SECONDS,
  SESSION_REFRESH_MARGIN_MILLIS,
  bedrockModelPolicy,
  sagemakerEndpointPolicy,
  httpToolPolicy,
  lambdaToolPolicy,
  sessionNameFor,
  createSessionBroker,
};
