// @ts-check
'use strict';

const { SLUG } = require('./config');
const { MODEL_KEY } = require('./routes');
const { checkToolUrl } = require('./url-safety');

/**
 * Strict validation of route entries (schema 1). Entries are written by product stacks and read
 * by the gateway on every call, so anything unexpected is refused: unknown properties, a wrong
 * kind, an ARN of another partition, Region or account, a tool URL that is not plain public HTTPS.
 *
 * A small declarative checker rather than a schema library: the Lambda asset is this directory
 * alone (the runtime ships only the AWS SDK), and the entries are two small shapes. Each rule
 * returns the first problem as `<json path> <what is wrong>`.
 *
 * Service entry (`${ROUTE_PARAMETER_PREFIX}<workload>`):
 *   { schema: 1, workload, kind: 'bedrock', modelId, modelArn, guardrail: { arn, id, version }, tenants, callers, revoked }
 *   { schema: 1, workload, kind: 'sagemaker', endpointName, endpointArn, tenants, callers, revoked }
 *     (endpointName exactly `<environment>-<workload>`: a team cannot publish another team's endpoint)
 *   { schema: 1, workload, kind: 'kubernetes', tenants, callers, revoked }
 * Agent entry (`${AGENT_PARAMETER_PREFIX}<agent>`):
 *   { schema: 1, agent, models: { <key>: { modelId, modelArn } }, guardrail, tools: { <tool>: Tool }, tenants, revoked }
 *   Tool = { target: { kind: 'http', url }, credential: null | { secretArn, header, kmsKeyArn? } }
 *        | { target: { kind: 'lambda', functionArn }, credential: null }
 * revoked = null | { at: ISO-8601 date-time, by: e-mail, reason: string, scheduled?: boolean }
 * callers = the role names of the workloads the service granted (grantInvoke)
 */

/** @typedef {(value: unknown, path: string) => string | undefined} Rule */
/**
 * @typedef {{ partition: string, region: string, accountId: string }} ArnScope
 * @typedef {ArnScope & { environment: string }} EntryScope
 */

/**
 * The SageMaker endpoint of workload `workload`: `<environment>-<workload>`, as
 * constructs/workloads/governed-inference-service.ts names it.
 * @param {string} environment
 * @param {string} workload
 */
function sageMakerEndpointName(environment, workload) {
  return `${environment}-${workload}`;
}

/** @type {(pattern: RegExp, what: string) => Rule} */
const matches = (pattern, what) => (value, path) =>
  (typeof value === 'string' && pattern.test(value) ? undefined : `${path} ${show(value)} is not ${what}`);

/** @type {(expected: unknown) => Rule} */
const literal = (expected) => (value, path) => (value === expected ? undefined : `${path} is ${show(value)}, not ${show(expected)}`);

/** @type {(rule: Rule) => Rule} */
const nullable = (rule) => (value, path) => (value === null ? undefined : rule(value, path));

/**
 * An object with exactly these required properties (and these optional ones), nothing else.
 * @param {Record<string, Rule>} required
 * @param {Record<string, Rule>} [optional]
 * @returns {Rule}
 */
function record(required, optional = {}) {
  return (value, path) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return `${path} is not an object`;
    const object = /** @type {Record<string, unknown>} */ (value);
    for (const key of Object.keys(object)) {
      if (!Object.hasOwn(required, key) && !Object.hasOwn(optional, key)) return `${path} has the unknown property ${show(key)}`;
    }
    for (const [key, rule] of Object.entries(required)) {
      if (!Object.hasOwn(object, key)) return `${path}.${key} is missing`;
      const problem = rule(object[key], `${path}.${key}`);
      if (problem) return problem;
    }
    for (const [key, rule] of Object.entries(optional)) {
      if (!Object.hasOwn(object, key) || object[key] === undefined) continue;
      const problem = rule(object[key], `${path}.${key}`);
      if (problem) return problem;
    }
    return undefined;
  };
}

/**
 * A map from names matching `keyPattern` to values satisfying `rule`.
 * @param {RegExp} keyPattern
 * @param {string} keyWhat
 * @param {Rule} rule
 * @returns {Rule}
 */
function dictionary(keyPattern, keyWhat, rule) {
  return (value, path) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return `${path} is not an object`;
    for (const [key, item] of Object.entries(value)) {
      if (!keyPattern.test(key)) return `${path} key ${show(key)} is not ${keyWhat}`;
      const problem = rule(item, `${path}[${JSON.stringify(key)}]`);
      if (problem) return problem;
    }
    return undefined;
  };
}

/** @type {Rule} */
const tenants = (value, path) => {
  if (!Array.isArray(value)) return `${path} is not a list`;
  for (const [i, tenant] of value.entries()) {
    const problem = matches(SLUG, 'a tenant name (a lower-case slug)')(tenant, `${path}[${i}]`);
    if (problem) return problem;
  }
  return new Set(value).size === value.length ? undefined : `${path} lists a tenant twice`;
};

/** @type {Rule} */
const isoDateTime = (value, path) =>
  (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/.test(value) && !Number.isNaN(Date.parse(value))
    ? undefined : `${path} ${show(value)} is not a UTC ISO-8601 date-time`);

/** @type {Rule} */
const boolean = (value, path) => (typeof value === 'boolean' ? undefined : `${path} ${show(value)} is not true or false`);

const revoked = nullable(record({
  at: isoDateTime,
  by: matches(/^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/, 'an e-mail'),
  reason: matches(/^[^\u0000-\u001f\u007f]{1,500}$/, 'a one-line reason of at most 500 characters'),
}, { scheduled: boolean }));

/**
 * The role names of the workloads the service granted (its consent): a caller's own grant names
 * the route, this list is the callee's side of it.
 * @type {Rule}
 */
const callers = (value, path) => {
  if (!Array.isArray(value)) return `${path} is not a list`;
  for (const [i, caller] of value.entries()) {
    const problem = matches(/^[\w+=,.@-]{1,64}$/, 'an IAM role name')(caller, `${path}[${i}]`);
    if (problem) return problem;
  }
  return undefined;
};

/** A header the tool's credential may be put in: a token, and none the gateway owns or HTTP reserves. */
const RESERVED_CREDENTIAL_HEADERS = Object.freeze([
  'host', 'content-length', 'content-type', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer',
  'proxy-authorization', 'forwarded', 'expect',
]);

/** @type {Rule} */
const credentialHeader = (value, path) => {
  if (typeof value !== 'string' || !/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/.test(value)) return `${path} ${show(value)} is not an HTTP header name`;
  const lower = value.toLowerCase();
  if (RESERVED_CREDENTIAL_HEADERS.includes(lower) || lower.startsWith('x-governance-') || lower.startsWith('x-forwarded-') || lower.startsWith('x-amz-')) {
    return `${path} ${show(value)} is a header the gateway or HTTP reserves`;
  }
  return undefined;
};

/** @param {ArnScope} s */
const arnRules = (s) => {
  const p = escape(s.partition);
  const r = escape(s.region);
  const a = escape(s.accountId);
  return {
    modelArn: matches(new RegExp(`^arn:${p}:bedrock:${r}:(?:${a})?:(?:foundation-model|inference-profile|application-inference-profile|provisioned-model|custom-model)/[A-Za-z0-9._:/-]{1,200}$`),
      `a Bedrock model ARN in ${s.partition} ${s.region}`),
    guardrailArn: matches(new RegExp(`^arn:${p}:bedrock:${r}:${a}:guardrail/[a-z0-9]{1,64}$`), `a Bedrock guardrail ARN of account ${s.accountId} in ${s.region}`),
    endpointArn: matches(new RegExp(`^arn:${p}:sagemaker:${r}:${a}:endpoint/[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$`), `a SageMaker endpoint ARN of account ${s.accountId} in ${s.region}`),
    functionArn: matches(new RegExp(`^arn:${p}:lambda:${r}:${a}:function:[A-Za-z0-9_-]{1,64}(?::(?:\\$LATEST|[A-Za-z0-9_-]{1,128}))?$`), `a Lambda function ARN of account ${s.accountId} in ${s.region}`),
    secretArn: matches(new RegExp(`^arn:${p}:secretsmanager:${r}:${a}:secret:[A-Za-z0-9/_+=.@-]{1,512}$`), `a Secrets Manager secret ARN of account ${s.accountId} in ${s.region}`),
    kmsKeyArn: matches(new RegExp(`^arn:${p}:kms:${r}:${a}:key/(?:mrk-)?[A-Za-z0-9-]{1,64}$`), `a KMS key ARN of account ${s.accountId} in ${s.region}`),
  };
};

const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;

/**
 * @param {ArnScope} scope
 * @returns {Rule}
 */
function modelRule(scope) {
  const arns = arnRules(scope);
  const shape = record({ modelId: matches(MODEL_ID, 'a Bedrock model id'), modelArn: arns.modelArn });
  return (value, path) => {
    const problem = shape(value, path);
    if (problem) return problem;
    const { modelId, modelArn } = /** @type {{ modelId: string, modelArn: string }} */ (value);
    return modelArn.endsWith(`/${modelId}`) ? undefined : `${path}.modelArn does not name model ${modelId}`;
  };
}

/** @param {ArnScope} scope */
function guardrailRule(scope) {
  const arns = arnRules(scope);
  const shape = record({
    arn: arns.guardrailArn,
    id: matches(/^[a-z0-9]{1,64}$/, 'a guardrail id'),
    // A published version: DRAFT is whatever the guardrail's owner last edited, so an entry naming
    // it could have its checks loosened without touching the entry (the constructs refuse it too).
    version: matches(/^[1-9][0-9]{0,7}$/, 'a published guardrail version (never DRAFT)'),
  });
  return /** @type {Rule} */ ((value, path) => {
    const problem = shape(value, path);
    if (problem) return problem;
    const g = /** @type {{ arn: string, id: string }} */ (value);
    return g.arn.endsWith(`/${g.id}`) ? undefined : `${path}.arn does not name guardrail ${g.id}`;
  });
}

/**
 * @param {ArnScope} scope
 * @returns {Rule}
 */
function toolRule(scope) {
  const arns = arnRules(scope);
  /** @type {Rule} */
  const httpUrl = (value, path) => {
    if (typeof value !== 'string') return `${path} is not a string`;
    const checked = checkToolUrl(value);
    return checked.ok ? undefined : `${path}: ${checked.reason}`;
  };
  const http = record({
    target: record({ kind: literal('http'), url: httpUrl }),
    credential: nullable(record({ secretArn: arns.secretArn, header: credentialHeader }, { kmsKeyArn: nullable(arns.kmsKeyArn) })),
  });
  const lambda = record({
    target: record({ kind: literal('lambda'), functionArn: arns.functionArn }),
    credential: literal(null),
  });
  return (value, path) => {
    const kind = /** @type {any} */ (value)?.target?.kind;
    if (kind === 'http') return http(value, path);
    if (kind === 'lambda') return lambda(value, path);
    return `${path}.target.kind ${show(kind)} is not http or lambda`;
  };
}

/**
 * @param {unknown} value the parsed parameter
 * @param {string} workload the name the route asked for (the entry must say the same)
 * @param {EntryScope} scope
 * @returns {string | undefined} the problem, or undefined when valid
 */
function serviceEntryProblem(value, workload, scope) {
  const arns = arnRules(scope);
  const common = { schema: literal(1), workload: literal(workload), tenants, revoked, callers };
  const kind = /** @type {any} */ (value)?.kind;
  /** @type {Rule} */
  let rule;
  if (kind === 'bedrock') {
    rule = record({ ...common, kind: literal('bedrock'), modelId: matches(MODEL_ID, 'a Bedrock model id'), modelArn: arns.modelArn, guardrail: guardrailRule(scope) });
  } else if (kind === 'sagemaker') {
    rule = record({ ...common, kind: literal('sagemaker'), endpointName: matches(/^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,62})$/, 'a SageMaker endpoint name'), endpointArn: arns.endpointArn });
  } else if (kind === 'kubernetes') {
    rule = record({ ...common, kind: literal('kubernetes') });
  } else {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'entry is not an object';
    return `entry.kind ${show(kind)} is not bedrock, sagemaker or kubernetes`;
  }
  const problem = rule(value, 'entry');
  if (problem) return problem;
  const entry = /** @type {any} */ (value);
  if (kind === 'bedrock' && !entry.modelArn.endsWith(`/${entry.modelId}`)) return `entry.modelArn does not name model ${entry.modelId}`;
  // SageMaker writes endpoint names in ARNs in lower case.
  if (kind === 'sagemaker' && !entry.endpointArn.endsWith(`/${entry.endpointName.toLowerCase()}`)) return `entry.endpointArn does not name endpoint ${entry.endpointName}`;
  // A team writes its own entry and its own integration identity's grants, so neither proves the
  // endpoint is the team's: an entry naming another team's endpoint would be a shadow workload,
  // reaching that model under this workload's name, callers and quota. The endpoint is the one
  // GovernedInferenceService names for this workload, and nothing else.
  const own = sageMakerEndpointName(scope.environment, workload);
  if (kind === 'sagemaker' && entry.endpointName !== own) {
    return `entry.endpointName ${show(entry.endpointName)} is not ${show(own)}, the endpoint of workload ${workload} in environment ${scope.environment}`;
  }
  return undefined;
}

/**
 * @param {unknown} value
 * @param {string} agent
 * @param {ArnScope} scope
 * @returns {string | undefined}
 */
function agentEntryProblem(value, agent, scope) {
  return record({
    schema: literal(1),
    agent: literal(agent),
    models: dictionary(MODEL_KEY, 'a model key', modelRule(scope)),
    guardrail: guardrailRule(scope),
    tools: dictionary(SLUG, 'a tool name', toolRule(scope)),
    tenants,
    revoked,
  })(value, 'entry');
}

/** @param {unknown} value */
function show(value) {
  if (value === undefined) return 'undefined';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** @param {string} text */
function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

module.exports = { serviceEntryProblem, agentEntryProblem, sageMakerEndpointName, RESERVED_CREDENTIAL_HEADERS };
