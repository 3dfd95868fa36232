// @ts-check
'use strict';

const { Refusal } = require('./refusal');
const { readConfig, integrationRoleArn, SLUG } = require('./config');
const { matchRoute } = require('./routes');
const { verifiedCaller } = require('./caller');
const { createEntryStore } = require('./route-entries');
const { createSessionBroker, bedrockModelPolicy, sagemakerEndpointPolicy, httpToolPolicy, lambdaToolPolicy } = require('./sessions');
const { requestHeaders, singleHeader, forwardedRequestHeaders, isHeaderValue, GOVERNANCE_HEADERS, TENANT_HEADER, APPROVAL_HEADER } = require('./headers');
const { refuseMethodOverride, actionOf, checkToolPath, forwardedQuery } = require('./tool-request');
const { parseApproval, checkApprovalScope, verifyApprovalSignature, consumeApproval } = require('./approval');
const { isAuthorizedInput, readDecision } = require('./authorization');
const { invokeBedrock, invokeSageMaker, refuseGuardrailNarrowing } = require('./models');
const { toolUrl, callHttpTool } = require('./http-tool');
const { callLambdaTool } = require('./lambda-tool');
const { bodyBytes } = require('./body');
const { redact, describeError, SENSITIVE_REQUEST_HEADERS } = require('./decision-log');

/**
 * The gateway function: the AWS_PROXY (REST API, payload v1) integration of the environment's
 * governed routes. Every route is AWS_IAM, so API Gateway has verified the caller's signature and
 * IAM its grant on the exact path before this runs. The function then, in order:
 *
 * 1. reads its configuration (a missing variable refuses everything, 500);
 * 2. matches the route template and path parameters (never the raw path);
 * 3. checks the verified caller (partition, account, and on agent routes the agent's own role);
 * 4. reads the route entry (SSM, cached 30 s); a revoked entry refuses at once (403);
 * 5. workload and agent model routes: calls Bedrock or SageMaker with an integration session
 *    narrowed to that model;
 *    tool routes: refuses method override, derives the action from the method, checks the path,
 *    the tenant and the approval, asks Verified Permissions, consumes the approval, and calls the
 *    tool with an integration session narrowed to that tool;
 * 6. writes one decision-log line.
 * Any error answers 5xx without calling a tool (fail closed).
 */

/** A tool credential is re-read after this long, so a rotated credential takes effect. */
const CREDENTIAL_CACHE_MILLIS = 5 * 60 * 1000;
const CREDENTIAL_CACHE_SIZE = 500;

/**
 * @typedef {{ send: (command: any) => Promise<any> }} SdkClient
 * @typedef {new (input: any) => any} CommandClass
 * @typedef {{
 *   ssm: SdkClient, sts: SdkClient, verifiedPermissions: SdkClient, dynamodb: SdkClient, kms: SdkClient,
 *   sessionClients: import('./sessions').SessionClientFactory,
 *   commands: {
 *     GetParameterCommand: CommandClass, AssumeRoleCommand: CommandClass, IsAuthorizedCommand: CommandClass,
 *     PutItemCommand: CommandClass, VerifyCommand: CommandClass, InvokeModelCommand: CommandClass,
 *     InvokeEndpointCommand: CommandClass, GetSecretValueCommand: CommandClass, InvokeCommand: CommandClass,
 *   },
 *   https: import('./http-tool').HttpsTransport,
 *   now: () => number,
 *   env: Record<string, string | undefined>,
 *   log: (line: string) => void,
 * }} Deps
 * @typedef {{
 *   resource?: string, path?: string, httpMethod?: string,
 *   headers?: Record<string, string> | null, multiValueHeaders?: Record<string, string[]> | null,
 *   queryStringParameters?: Record<string, string> | null, multiValueQueryStringParameters?: Record<string, string[]> | null,
 *   pathParameters?: Record<string, string> | null,
 *   requestContext?: { requestId?: string, requestTimeEpoch?: number, identity?: { userArn?: string | null } | null } | null,
 *   body?: string | null, isBase64Encoded?: boolean,
 * }} ProxyEvent
 * @typedef {import('./http-tool').ProxyResponse} ProxyResponse
 */

/**
 * @param {Deps} deps
 * @returns {(event: ProxyEvent) => Promise<ProxyResponse>}
 */
function createHandler(deps) {
  const entries = createEntryStore(deps);
  const sessions = createSessionBroker(deps);
  /** @type {Map<string, { value: string, at: number }>} */
  const credentialCache = new Map();

  return async function handler(event) {
    const started = deps.now();
    const requestId = typeof event?.requestContext?.requestId === 'string' ? event.requestContext.requestId.slice(0, 100) : 'unknown';
    /** @type {Record<string, unknown>} */
    const record = { requestId, route: event?.resource, method: event?.httpMethod, decision: 'DENY' };
    /** @type {Set<string>} */
    const sensitive = new Set();
    /** @type {ProxyResponse} */
    let response;
    try {
      response = await serve(event, requestId, record, sensitive);
    } catch (error) {
      const refusal = error instanceof Refusal ? error : new Refusal(500, `gateway error: ${describeError(error)}`);
      record.reason = record.decision === 'ALLOW' ? `authorized, then: ${refusal.reason}` : refusal.reason;
      response = errorResponse(refusal, requestId);
    }
    record.status = response.statusCode;
    record.latencyMs = deps.now() - started;
    deps.log(redact(JSON.stringify(record), sensitive));
    return response;
  };

  /**
   * @param {ProxyEvent} event
   * @param {string} requestId
   * @param {Record<string, unknown>} record
   * @param {Set<string>} sensitive
   * @returns {Promise<ProxyResponse>}
   */
  async function serve(event, requestId, record, sensitive) {
    const configured = readConfig(deps.env);
    if (!configured.ok) throw new Refusal(500, configured.reason);
    const config = configured.config;

    const headers = requestHeaders(event);
    for (const name of SENSITIVE_REQUEST_HEADERS) for (const value of headers.get(name) ?? []) sensitive.add(value);

    const route = matchRoute(event);
    record.route = route.kind;
    if (route.kind === 'workload-invoke') record.workload = route.workload;
    else record.agent = route.agent;
    if (route.kind === 'agent-model') record.model = route.model;
    if (route.kind === 'agent-tool') record.tool = route.tool;

    const caller = verifiedCaller(event, config, route);
    record.caller = caller.arn;

    const epochMillis = event.requestContext?.requestTimeEpoch;
    if (typeof epochMillis !== 'number' || !Number.isFinite(epochMillis)) throw new Refusal(500, 'the event has no requestContext.requestTimeEpoch');

    if (route.kind === 'workload-invoke') {
      requirePost(event);
      const entry = await entries.service(config, route.workload);
      refuseRevoked(entry.revoked, `workload ${route.workload}`, epochMillis);
      if (entry.kind === 'kubernetes') throw new Refusal(404, `workload ${route.workload} is served in the cluster, not by /invoke`);
      // The caller's grant names this route; the service's own entry must name the caller too: a
      // team cannot grant itself another team's service by writing its own identity policy.
      if (!entry.callers.includes(caller.roleName)) throw new Refusal(403, `caller role ${caller.roleName} is not one workload ${route.workload} granted`);
      record.tenant = tenantOf(headers, entry.tenants, `workload ${route.workload}`);
      if (entry.kind === 'bedrock') refuseGuardrailNarrowing(bodyBytes(event.body, event.isBase64Encoded));
      record.decision = 'ALLOW';
      record.reason = 'verified caller; the route entry serves this workload';
      const session = await sessions.open({
        roleArn: integrationRoleArn(config, route.workload),
        sourceIdentity: caller.roleName,
        policy: entry.kind === 'bedrock' ? bedrockModelPolicy(entry.modelArn, entry.guardrail.arn) : sagemakerEndpointPolicy(entry.endpointArn),
        requestId,
      });
      record.session = session.sessionName;
      const request = { headers, body: event.body, isBase64Encoded: event.isBase64Encoded };
      return entry.kind === 'bedrock'
        ? invokeBedrock({ client: session.client('bedrockRuntime'), InvokeModelCommand: deps.commands.InvokeModelCommand }, entry, request)
        : invokeSageMaker({ client: session.client('sagemakerRuntime'), InvokeEndpointCommand: deps.commands.InvokeEndpointCommand }, entry, request);
    }

    const entry = await entries.agent(config, route.agent);
    refuseRevoked(entry.revoked, `agent ${route.agent}`, epochMillis);

    if (route.kind === 'agent-model') {
      requirePost(event);
      const model = Object.hasOwn(entry.models, route.model) ? entry.models[route.model] : undefined;
      if (!model) throw new Refusal(404, `model ${route.model} is not on the route entry of agent ${route.agent}`);
      record.tenant = tenantOf(headers, entry.tenants, `agent ${route.agent}`);
      refuseGuardrailNarrowing(bodyBytes(event.body, event.isBase64Encoded));
      record.decision = 'ALLOW';
      record.reason = 'verified agent role; the model is on its route entry';
      const session = await sessions.open({
        roleArn: integrationRoleArn(config, route.agent),
        sourceIdentity: caller.roleName,
        policy: bedrockModelPolicy(model.modelArn, entry.guardrail.arn),
        requestId,
      });
      record.session = session.sessionName;
      return invokeBedrock(
        { client: session.client('bedrockRuntime'), InvokeModelCommand: deps.commands.InvokeModelCommand },
        { modelId: model.modelId, guardrail: entry.guardrail },
        { headers, body: event.body, isBase64Encoded: event.isBase64Encoded },
      );
    }

    // Tool route.
    const tool = Object.hasOwn(entry.tools, route.tool) ? entry.tools[route.tool] : undefined;
    if (!tool) throw new Refusal(404, `tool ${route.tool} is not on the route entry of agent ${route.agent}`);
    refuseMethodOverride(headers, event);
    const { method, action } = actionOf(event.httpMethod);
    record.action = action;
    checkToolPath(route.proxy, event.path);
    const query = forwardedQuery(event);
    const url = tool.target.kind === 'http' ? toolUrl(tool.target.url, route.proxy, query) : undefined;
    if (url) record.target = `${url.host}${url.pathname}`;
    const tenant = tenantOf(headers, entry.tenants, `agent ${route.agent}`);
    record.tenant = tenant;

    const token = singleHeader(headers, APPROVAL_HEADER);
    /** @type {import('./approval').ApprovalPayload | undefined} */
    let approval;
    if (token !== undefined) {
      // A present approval is checked, never ignored: a bad one is an attack or a mistake.
      const parsed = parseApproval(token);
      const nowSeconds = Math.floor(epochMillis / 1000);
      checkApprovalScope(parsed.payload, {
        env: config.environment, agent: route.agent, tool: route.tool, method, path: route.proxy, tenant,
        query, body: bodyBytes(event.body, event.isBase64Encoded),
      }, nowSeconds);
      await verifyApprovalSignature({ kms: deps.kms, VerifyCommand: deps.commands.VerifyCommand }, config.approverKeys, parsed);
      approval = parsed.payload;
      record.approvedBy = approval.approvedBy;
      record.approvalId = approval.jti;
    }

    const answer = await deps.verifiedPermissions.send(new deps.commands.IsAuthorizedCommand(isAuthorizedInput({
      policyStoreId: config.policyStoreId,
      environment: config.environment,
      agent: route.agent,
      tool: route.tool,
      action,
      epochMillis,
      approval: approval ? { approvedBy: approval.approvedBy, approvalId: approval.jti } : undefined,
      tenant,
    })));
    const decision = readDecision(answer);
    record.determiningPolicies = decision.determiningPolicies;
    if (!decision.allow) throw new Refusal(403, decision.reason);

    if (approval) {
      await consumeApproval({ dynamodb: deps.dynamodb, PutItemCommand: deps.commands.PutItemCommand }, config.approvalTable, approval,
        { requestId, nowSeconds: Math.floor(deps.now() / 1000) });
    }
    record.decision = 'ALLOW';
    record.reason = decision.reason;

    const roleArn = integrationRoleArn(config, route.agent);
    if (tool.target.kind === 'lambda') {
      const session = await sessions.open({ roleArn, sourceIdentity: caller.roleName, policy: lambdaToolPolicy(tool.target.functionArn), requestId });
      record.session = session.sessionName;
      return callLambdaTool({ client: session.client('lambda'), InvokeCommand: deps.commands.InvokeCommand }, tool.target.functionArn, {
        version: 1,
        environment: config.environment,
        agent: route.agent,
        tool: route.tool,
        action,
        method,
        path: route.proxy,
        query,
        headers: forwardedRequestHeaders(headers),
        body: typeof event.body === 'string' ? event.body : '',
        isBase64Encoded: event.isBase64Encoded === true,
        tenant: tenant ?? null,
        approvedBy: approval?.approvedBy ?? null,
        requestId,
      });
    }

    /** @type {Record<string, string | string[]>} */
    const outgoing = forwardedRequestHeaders(headers);
    if (tool.credential) {
      const session = await sessions.open({ roleArn, sourceIdentity: caller.roleName, policy: httpToolPolicy(tool.credential, config.region), requestId });
      record.session = session.sessionName;
      const value = await readCredential(session.client('secretsManager'), roleArn, tool.credential.secretArn);
      sensitive.add(value);
      const header = tool.credential.header.toLowerCase();
      delete outgoing[header];
      outgoing[header] = value;
    }
    outgoing[GOVERNANCE_HEADERS.agent] = route.agent;
    outgoing[GOVERNANCE_HEADERS.tool] = route.tool;
    outgoing[GOVERNANCE_HEADERS.action] = action;
    outgoing[GOVERNANCE_HEADERS.requestId] = requestId;
    if (approval) outgoing[GOVERNANCE_HEADERS.approvedBy] = approval.approvedBy;
    if (tenant !== undefined) outgoing[GOVERNANCE_HEADERS.tenant] = tenant;
    return callHttpTool(deps.https, {
      url: /** @type {URL} */ (url),
      method,
      headers: outgoing,
      body: bodyBytes(event.body, event.isBase64Encoded),
    });
  }

  /**
   * The tool credential, read with the narrowed session and cached per (integration role,
   * secret): an agent whose entry names another agent's secret never gets it from the cache.
   * @param {SdkClient} secretsManager
   * @param {string} roleArn
   * @param {string} secretArn
   */
  async function readCredential(secretsManager, roleArn, secretArn) {
    const key = `${roleArn}\n${secretArn}`;
    const cached = credentialCache.get(key);
    if (cached && deps.now() - cached.at < CREDENTIAL_CACHE_MILLIS) return cached.value;
    const out = await secretsManager.send(new deps.commands.GetSecretValueCommand({ SecretId: secretArn }));
    const value = out?.SecretString;
    if (typeof value !== 'string' || value === '' || !isHeaderValue(value)) {
      throw new Refusal(502, `tool credential ${secretArn} is not a header value`);
    }
    credentialCache.delete(key);
    credentialCache.set(key, { value, at: deps.now() });
    if (credentialCache.size > CREDENTIAL_CACHE_SIZE) credentialCache.delete(/** @type {string} */ (credentialCache.keys().next().value));
    return value;
  }
}

/** @param {ProxyEvent} event */
function requirePost(event) {
  if (event.httpMethod !== 'POST') throw new Refusal(405, `method ${JSON.stringify(String(event.httpMethod).slice(0, 20))} is not POST`);
}

/**
 * @param {import('./route-entries').Revocation | null} revoked
 * @param {string} what
 * @param {number} nowMillis the request's time
 */
function refuseRevoked(revoked, what, nowMillis) {
  if (!revoked) return;
  // A scheduled revocation is decided now and in force from its time on.
  if (revoked.scheduled && Date.parse(revoked.at) > nowMillis) return;
  throw new Refusal(403, `${what} was revoked at ${revoked.at} by ${revoked.by}`);
}

/**
 * The tenant the call is for, if the caller named one: it must be one of the entry's tenants.
 * @param {Map<string, string[]>} headers
 * @param {readonly string[]} tenants
 * @param {string} what
 * @returns {string | undefined}
 */
function tenantOf(headers, tenants, what) {
  const tenant = singleHeader(headers, TENANT_HEADER);
  if (tenant === undefined) return undefined;
  if (!SLUG.test(tenant) || !tenants.includes(tenant)) {
    throw new Refusal(403, `tenant ${JSON.stringify(tenant.slice(0, 64))} is not a tenant of ${what}`);
  }
  return tenant;
}

/**
 * @param {Refusal} refusal
 * @param {string} requestId
 * @returns {ProxyResponse}
 */
function errorResponse(refusal, requestId) {
  /** @type {Record<string, string>} */
  const body = { message: refusal.publicMessage, requestId };
  if (refusal.code) body.code = refusal.code;
  return {
    statusCode: refusal.status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
    isBase64Encoded: false,
  };
}

module.exports = { createHandler, CREDENTIAL_CACHE_MILLIS };
