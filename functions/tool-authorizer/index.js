// @ts-check
'use strict';

/**
 * API Gateway REQUEST authorizer for one governed agent's tool routes
 * (`/agents/<agent>/tools/<tool>/{proxy+}`). Every call is decided at request time by Amazon
 * Verified Permissions against the Cedar policies generated from the agent's tool grants:
 * principal the verified caller, action from the HTTP method, resource the tool, context the
 * UTC hour and weekday of the request and, when a valid signed approval came with it, who
 * approved. On Allow it hands the tool-side credential to the integration through the
 * authorizer context; the agent never sees it. Any error denies (fail closed). Result caching
 * must stay off (TTL 0): the decision depends on the time and on the approval.
 *
 * Configuration (environment variables, set by the GovernedAgent construct):
 *   POLICY_STORE_ID         the environment's Verified Permissions policy store
 *   ENVIRONMENT, AGENT      the Cedar principal is Governance::Agent::"<ENVIRONMENT>/<AGENT>"
 *   AGENT_ROLE_ARN          the only IAM role accepted as that agent
 *   AUDIENCE                value of x-governance-audience the caller's presigned URL must sign
 *   APPROVAL_KEY_SECRET_ARN secret holding the approval signing key (optional: no key, no approvals)
 *   TOOL_CREDENTIALS        JSON { "<tool>": "<secret ARN>" } for tools whose credential the gateway injects
 *   REVOKED_AT              set when the agent is revoked: deny every call without asking anyone
 *                           (the Cedar forbid says the same; this keeps the deny if the store is unreachable)
 */

const { parseRoute, timeContext } = require('./route');
const { IDENTITY_HEADER, assumedRole, roleOf, verifyCallerIdentity } = require('./caller-identity');
const { APPROVAL_HEADER, verifyApproval } = require('./approval-token');

/** Authorizer context key the integration maps into the tool's auth header (constructs/primitives/tool-route.ts). */
const TOOL_CREDENTIAL_CONTEXT_KEY = 'toolCredential';

/** Secrets are re-read after this long, so a rotated credential or key takes effect. */
const SECRET_CACHE_MILLIS = 5 * 60 * 1000;

/**
 * @typedef {{ send: (command: any) => Promise<any> }} SdkClient
 * @typedef {{
 *   verifiedPermissions: SdkClient,
 *   secretsManager: SdkClient,
 *   commands: { IsAuthorizedCommand: new (input: any) => any, GetSecretValueCommand: new (input: any) => any },
 *   fetch: typeof fetch,
 *   now: () => number,
 *   env: Record<string, string | undefined>,
 *   log: (record: Record<string, unknown>) => void,
 * }} Deps
 * @typedef {{
 *   methodArn: string, resource?: string, httpMethod?: string,
 *   headers?: Record<string, string | undefined> | null,
 *   requestContext?: { requestTimeEpoch?: number, requestId?: string },
 * }} AuthorizerEvent
 * @typedef {{
 *   principalId: string,
 *   policyDocument: { Version: string, Statement: Array<{ Action: string, Effect: 'Allow' | 'Deny', Resource: string }> },
 *   context: Record<string, string | number | boolean>,
 * }} AuthorizerResult
 */

/** Production clients: the nodejs20.x runtime ships AWS SDK v3. */
/** @returns {Deps} */
function defaultDeps() {
  const vp = require('@aws-sdk/client-verifiedpermissions');
  const sm = require('@aws-sdk/client-secrets-manager');
  return {
    verifiedPermissions: new vp.VerifiedPermissionsClient({}),
    secretsManager: new sm.SecretsManagerClient({}),
    commands: { IsAuthorizedCommand: vp.IsAuthorizedCommand, GetSecretValueCommand: sm.GetSecretValueCommand },
    fetch: globalThis.fetch,
    now: () => Date.now(),
    env: process.env,
    log: (record) => console.log(JSON.stringify(record)),
  };
}

/**
 * @param {Deps} deps
 * @returns {(event: AuthorizerEvent) => Promise<AuthorizerResult>}
 */
function createHandler(deps) {
  /** @type {Map<string, { value: string, at: number }>} */
  const secretCache = new Map();

  /** @param {string} secretId */
  async function readSecret(secretId) {
    const cached = secretCache.get(secretId);
    if (cached && deps.now() - cached.at < SECRET_CACHE_MILLIS) return cached.value;
    const out = await deps.secretsManager.send(new deps.commands.GetSecretValueCommand({ SecretId: secretId }));
    if (typeof out?.SecretString !== 'string' || out.SecretString === '') throw new Error(`secret ${secretId} has no string value`);
    secretCache.set(secretId, { value: out.SecretString, at: deps.now() });
    return out.SecretString;
  }

  return async function handler(event) {
    /** @type {Record<string, unknown>} */
    const record = { requestId: event?.requestContext?.requestId, route: event?.resource, method: event?.httpMethod };
    try {
      const decision = await decide(event, deps, readSecret, record);
      deps.log({ ...record, ...decision.logged });
      return decision.result;
    } catch (error) {
      // Fail closed: a broken dependency, a throttled call or a bug denies the request.
      deps.log({ ...record, decision: 'DENY', reason: `authorizer error: ${error instanceof Error ? error.message : String(error)}` });
      return policy('unknown', 'Deny', event?.methodArn ?? '*', { decision: 'DENY', reason: 'authorizer error' });
    }
  };
}

/**
 * @param {AuthorizerEvent} event
 * @param {Deps} deps
 * @param {(id: string) => Promise<string>} readSecret
 * @param {Record<string, unknown>} record
 * @returns {Promise<{ result: AuthorizerResult, logged: Record<string, unknown> }>}
 */
async function decide(event, deps, readSecret, record) {
  const env = deps.env;
  const required = ['POLICY_STORE_ID', 'ENVIRONMENT', 'AGENT', 'AGENT_ROLE_ARN', 'AUDIENCE'];
  const missing = required.filter((k) => !env[k]);
  if (missing.length > 0) return deny('unknown', event, `authorizer misconfigured: ${missing.join(', ')} unset`);

  if (env.REVOKED_AT) return deny('unknown', event, `agent ${env.AGENT} was revoked at ${env.REVOKED_AT}`);

  const route = parseRoute(event);
  if (!route.ok) return deny('unknown', event, route.reason);
  Object.assign(record, { agent: route.agent, tool: route.tool, action: route.action });
  if (route.agent !== env.AGENT) return deny('unknown', event, `this authorizer guards agent ${env.AGENT}, not ${route.agent}`);

  const headers = lowerCaseHeaders(event.headers);
  const identity = await verifyCallerIdentity(headers[IDENTITY_HEADER], /** @type {string} */ (env.AUDIENCE), deps.fetch);
  if (!identity.ok) return deny('unknown', event, identity.reason);
  record.caller = identity.arn;
  const caller = assumedRole(identity.arn);
  const expected = roleOf(/** @type {string} */ (env.AGENT_ROLE_ARN));
  if (!caller || !expected || caller.account !== expected.account || caller.roleName !== expected.roleName) {
    return deny(identity.arn, event, `caller ${identity.arn} is not the role of agent ${env.AGENT}`);
  }

  const nowMillis = deps.now();
  /** @type {Record<string, { string: string } | { long: number }>} */
  const contextMap = {};
  const time = timeContext(event.requestContext?.requestTimeEpoch ?? nowMillis);
  contextMap.hourUtc = { long: time.hourUtc };
  contextMap.dayOfWeek = { string: time.dayOfWeek };

  const token = headers[APPROVAL_HEADER];
  if (token) {
    if (!env.APPROVAL_KEY_SECRET_ARN) return deny(identity.arn, event, 'an approval was sent but this agent has no approval key');
    const key = await readSecret(env.APPROVAL_KEY_SECRET_ARN);
    const approval = verifyApproval(token, key, route, Math.floor(nowMillis / 1000));
    // A forged, expired or misdirected approval is an attack or a mistake: deny rather than ignore it.
    if (!approval.ok) return deny(identity.arn, event, approval.reason);
    contextMap.approvedBy = { string: approval.approvedBy };
    contextMap.approvalId = { string: approval.approvalId };
    Object.assign(record, { approvedBy: approval.approvedBy, approvalId: approval.approvalId });
  }

  const answer = await deps.verifiedPermissions.send(
    new deps.commands.IsAuthorizedCommand({
      policyStoreId: env.POLICY_STORE_ID,
      principal: { entityType: 'Governance::Agent', entityId: `${env.ENVIRONMENT}/${route.agent}` },
      action: { actionType: 'Governance::Action', actionId: route.action },
      resource: { entityType: 'Governance::Tool', entityId: `${env.ENVIRONMENT}/${route.agent}/${route.tool}` },
      context: { contextMap },
    }),
  );
  const policies = (answer?.determiningPolicies ?? []).map((/** @type {{ policyId: string }} */ p) => p.policyId).join(',');
  const errors = (answer?.errors ?? []).map((/** @type {{ errorDescription: string }} */ e) => e.errorDescription);
  if (answer?.decision !== 'ALLOW') {
    return deny(identity.arn, event, errors.length > 0 ? `policy errors: ${errors.join('; ')}` : 'no policy permits this call', { determiningPolicies: policies });
  }

  /** @type {Record<string, string>} */
  const credentials = env.TOOL_CREDENTIALS ? JSON.parse(env.TOOL_CREDENTIALS) : {};
  /** @type {Record<string, string | number | boolean>} */
  const context = { decision: 'ALLOW', determiningPolicies: policies, agent: route.agent, tool: route.tool, action: route.action };
  if (contextMap.approvedBy) Object.assign(context, { approvedBy: record.approvedBy, approvalId: record.approvalId });
  const secretArn = Object.prototype.hasOwnProperty.call(credentials, route.tool) ? credentials[route.tool] : undefined;
  const logged = { decision: 'ALLOW', determiningPolicies: policies };
  if (secretArn) {
    // Read only after Allow; the integration maps it into the tool request's header. Never logged.
    return { result: policy(identity.arn, 'Allow', event.methodArn, { ...context, [TOOL_CREDENTIAL_CONTEXT_KEY]: await readSecret(secretArn) }), logged };
  }
  return { result: policy(identity.arn, 'Allow', event.methodArn, context), logged };
}

/**
 * @param {string} principalId
 * @param {AuthorizerEvent} event
 * @param {string} reason
 * @param {Record<string, string>} [extra]
 */
function deny(principalId, event, reason, extra = {}) {
  return { result: policy(principalId, 'Deny', event.methodArn, { decision: 'DENY', reason, ...extra }), logged: { decision: 'DENY', reason, ...extra } };
}

/**
 * @param {string} principalId
 * @param {'Allow' | 'Deny'} effect
 * @param {string} methodArn
 * @param {Record<string, string | number | boolean>} context
 * @returns {AuthorizerResult}
 */
function policy(principalId, effect, methodArn, context) {
  return {
    principalId,
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: methodArn }] },
    context,
  };
}

/** @param {Record<string, string | undefined> | null | undefined} headers */
function lowerCaseHeaders(headers) {
  /** @type {Record<string, string | undefined>} */
  const out = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = v;
  return out;
}

/** @type {((event: AuthorizerEvent) => Promise<AuthorizerResult>) | undefined} */
let productionHandler;

/** @param {AuthorizerEvent} event */
async function handler(event) {
  productionHandler ??= createHandler(defaultDeps());
  return productionHandler(event);
}

module.exports = { handler, createHandler, SECRET_CACHE_MILLIS, TOOL_CREDENTIAL_CONTEXT_KEY };
