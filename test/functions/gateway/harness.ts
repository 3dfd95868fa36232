/**
 * The gateway function with every AWS client stubbed at `send()`, answering the way the service
 * would:
 * - Verified Permissions evaluates the Cedar policies constructs/agent-authorization generates,
 *   with the real Cedar engine;
 * - STS issues sessions and remembers each one's session policy; the session clients (Bedrock,
 *   SageMaker, Secrets Manager, Lambda) evaluate every call with a real IAM policy evaluator
 *   (@cloud-copilot/iam-simulate): the integration role's full grants intersected with the session
 *   policy, so a test sees AWS refuse what the session policy leaves out;
 * - KMS Verify checks a real ECDSA P-256 signature with the approver's public key;
 * - DynamoDB PutItem honours `attribute_not_exists(jti)`;
 * - HTTPS is a fake request function that resolves the host through the `lookup` the gateway
 *   passes (as node:net would), so the address checks run for real without a network.
 */
import * as crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { agentPolicies, cedarSchema } from '../../../constructs/agent-authorization/cedar-policies';
import { agents, APPROVER, ENV, MODEL } from '../../governance/agent-grants.fixture';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createHandler } = require('../../../functions/gateway/handler.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const approvalModule = require('../../../functions/gateway/approval.js');

export { ENV, APPROVER, MODEL };
export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';
export const PREFIX = 'prod-euw1-';
export const ROUTE_PREFIX = '/governance/prod/routes/';
export const AGENT_PREFIX = '/governance/prod/agents/';
export const APPROVAL_TABLE = 'prod-approvals';
export const POLICY_STORE = 'ps-prod';

/** 2026-11-17 is a Tuesday: 10:00 UTC is inside the ticketing window (Mon-Fri 08:00-18:00). */
export const TUESDAY_10 = Date.UTC(2026, 10, 17, 10, 0, 0);

export const callerArn = (role: string, partition = 'aws', account = ACCOUNT) => `arn:${partition}:sts::${account}:assumed-role/${role}/session-1`;
export const agentCaller = (agent: string) => callerArn(`${PREFIX}${agent}`);
export const integrationRole = (name: string) => `arn:aws:iam::${ACCOUNT}:role/governed/prod/integration/${PREFIX}${name}-gw`;

export const GUARDRAIL = { arn: `arn:aws:bedrock:${REGION}:${ACCOUNT}:guardrail/gr0abc`, id: 'gr0abc', version: '1' };
export const MODEL_KEY = MODEL.replace(/:/g, '-');
export const MODEL_ARN = `arn:aws:bedrock:${REGION}::foundation-model/${MODEL}`;
export const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
export const HAIKU_ARN = `arn:aws:bedrock:${REGION}::foundation-model/${HAIKU}`;
export const ENDPOINT_ARN = `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/prod-fraud-scoring`;
export const TOOL_KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
export const TICKETING_SECRET = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:tools/ticketing-AbCdEf`;
export const RUNBOOKS_SECRET = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:tools/runbooks-AbCdEf`;
export const TICKETING_CREDENTIAL = 'Bearer tool-side-token-ticketing-0123456789';
export const RUNBOOKS_CREDENTIAL = 'runbooks-api-key-0123456789';
export const KUBECTL_FN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:kubectl-tool`;

/** The workloads the services granted (their route entries' callers). */
export const GRANTED_CALLERS = [`${PREFIX}web-frontend`, `${PREFIX}ticket-summarizer`];

export function serviceEntries(): Record<string, unknown> {
  return {
    'support-chat': { schema: 1, workload: 'support-chat', kind: 'bedrock', modelId: HAIKU, modelArn: HAIKU_ARN, guardrail: GUARDRAIL, tenants: ['acme'], callers: GRANTED_CALLERS, revoked: null },
    'fraud-scoring': { schema: 1, workload: 'fraud-scoring', kind: 'sagemaker', endpointName: 'prod-fraud-scoring', endpointArn: ENDPOINT_ARN, tenants: [], callers: GRANTED_CALLERS, revoked: null },
    'ticket-summarizer': { schema: 1, workload: 'ticket-summarizer', kind: 'kubernetes', tenants: [], callers: GRANTED_CALLERS, revoked: null },
  };
}

export function agentEntries(): Record<string, any> {
  return {
    triage: {
      schema: 1,
      agent: 'triage',
      models: { [MODEL_KEY]: { modelId: MODEL, modelArn: MODEL_ARN } },
      guardrail: GUARDRAIL,
      tools: {
        ticketing: {
          target: { kind: 'http', url: 'https://tickets.internal.example.com/api/' },
          credential: { secretArn: TICKETING_SECRET, header: 'Authorization', kmsKeyArn: TOOL_KEY_ARN },
        },
        runbooks: {
          target: { kind: 'http', url: 'https://runbooks.internal.example.com/search' },
          credential: { secretArn: RUNBOOKS_SECRET, header: 'X-Api-Key' },
        },
      },
      tenants: ['acme', 'globex'],
      revoked: null,
    },
    deployer: {
      schema: 1,
      agent: 'deployer',
      models: {},
      guardrail: GUARDRAIL,
      tools: { kubectl: { target: { kind: 'lambda', functionArn: KUBECTL_FN }, credential: null } },
      tenants: ['acme'],
      revoked: null,
    },
  };
}

/** What the construct grants each integration role (all of its models and tools, in separate statements). */
function integrationRolePolicies(): Record<string, object[]> {
  const doc = (statements: object[]) => ({ Version: '2012-10-17', Statement: statements });
  return {
    [integrationRole('triage')]: [
      doc([{ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: MODEL_ARN }, { Effect: 'Allow', Action: 'bedrock:ApplyGuardrail', Resource: GUARDRAIL.arn }]),
      doc([
        { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: [TICKETING_SECRET, RUNBOOKS_SECRET] },
        { Effect: 'Allow', Action: 'kms:Decrypt', Resource: TOOL_KEY_ARN, Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com` } } },
      ]),
    ],
    [integrationRole('deployer')]: [doc([{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: KUBECTL_FN }])],
    [integrationRole('support-chat')]: [doc([{ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: HAIKU_ARN }, { Effect: 'Allow', Action: 'bedrock:ApplyGuardrail', Resource: GUARDRAIL.arn }])],
    [integrationRole('fraud-scoring')]: [doc([{ Effect: 'Allow', Action: 'sagemaker:InvokeEndpoint', Resource: ENDPOINT_ARN }])],
    // A team's own integration identity, whose identity policy the team writes: it grants itself
    // another team's endpoint (the shadow workload attack).
    [integrationRole('growth-shadow')]: [doc([{ Effect: 'Allow', Action: 'sagemaker:InvokeEndpoint', Resource: [ENDPOINT_ARN, `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/prod-growth-shadow`] }])],
  };
}

/** The key policy of the tool credential key: IAM policies of the account decide (the default key policy). */
const KEY_POLICY = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }] };

/**
 * Would AWS allow an integration session this call? The role's policies (as the construct grants
 * them) intersected with the session policy, evaluated by iam-simulate.
 */
export async function simulate(roleArn: string, sessionPolicy: unknown, action: string, resource: string, context: Record<string, string> = {}): Promise<boolean> {
  const identityPolicies = integrationRolePolicies()[roleArn];
  if (!identityPolicies) throw new Error(`no such integration role ${roleArn}`);
  const result = await runSimulation({
    request: {
      principal: `arn:aws:sts::${ACCOUNT}:assumed-role/${roleArn.split('/').pop()}/gw`,
      action,
      resource: { resource, accountId: resource.split(':')[4] || ACCOUNT },
      contextVariables: context,
    },
    identityPolicies: identityPolicies.map((policy, i) => ({ name: `p${i}`, policy })),
    sessionPolicy,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: resource.includes(':kms:') ? KEY_POLICY : undefined,
  }, {});
  if (result.resultType === 'error') throw new Error(`iam-simulate: ${JSON.stringify(result.errors)}`);
  return result.overallResult === 'Allowed';
}

export class AwsError extends Error {
  constructor(name: string, message = name) {
    super(message);
    this.name = name;
  }
}

/** A command the way SDK v3 builds one: the input under `.input`, the class name telling which call. */
function command(name: string) {
  const C = class {
    constructor(readonly input: any) {}
  };
  Object.defineProperty(C, 'name', { value: name });
  return C;
}

export const COMMANDS = {
  GetParameterCommand: command('GetParameterCommand'),
  AssumeRoleCommand: command('AssumeRoleCommand'),
  IsAuthorizedCommand: command('IsAuthorizedCommand'),
  PutItemCommand: command('PutItemCommand'),
  VerifyCommand: command('VerifyCommand'),
  InvokeModelCommand: command('InvokeModelCommand'),
  InvokeEndpointCommand: command('InvokeEndpointCommand'),
  GetSecretValueCommand: command('GetSecretValueCommand'),
  InvokeCommand: command('InvokeCommand'),
};
const nameOf = (c: any): string => c.constructor.name;

/** The Cedar schema the tests evaluate with: the generated one, plus `minuteOfDay` and `tenant` if it lacks them. */
export function testCedarSchema(): cedar.Schema {
  const schema = JSON.parse(JSON.stringify(cedarSchema()));
  const attributes = schema.Governance.commonTypes.ToolRequestContext.attributes;
  attributes.minuteOfDay ??= { type: 'Long', required: true };
  attributes.tenant ??= { type: 'String', required: false };
  return schema;
}

export interface Approver {
  email: string;
  keyArn: string;
  privateKey: crypto.KeyObject;
  publicKey: crypto.KeyObject;
}

function approver(email: string, n: number): Approver {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { email, keyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/0000000${n}-0000-4000-8000-00000000000${n}`, privateKey, publicKey };
}

/** Generated once: key generation is the slow part. */
export const APPROVERS = {
  lead: approver(APPROVER, 1),
  /** Registered (has a key) but not named by the ticketing policy. */
  other: approver('someone@example.com', 2),
  /** Has a key pair, but no entry in APPROVER_KEYS. */
  stranger: approver('mallory@example.com', 3),
};

export interface ToolServerRequest { url: URL; method: string; headers: Record<string, string | string[]>; body: Buffer; address: string }
/**
 * A tool server: an answer, 'hang' (the socket goes idle: node's idle timeout fires), 'silent'
 * (nothing at all happens: only the gateway's own deadline ends the call) or an Error (the
 * connection fails with it).
 */
export type ToolServer = (req: ToolServerRequest) => { statusCode: number; headers?: Record<string, string | string[]>; body?: string | Buffer } | 'hang' | 'silent' | Error;

export interface Harness {
  handler: (event: unknown) => Promise<any>;
  clock: { now: number };
  env: Record<string, string | undefined>;
  ssm: { parameters: Map<string, string>; calls: string[]; fail?: Error };
  stsCalls: any[];
  vpCalls: any[];
  vpAnswer?: (input: any) => any;
  ddb: { items: Map<string, Record<string, any>>; calls: any[] };
  kmsCalls: any[];
  /** Every call a session client made, with what IAM said. */
  awsCalls: Array<{ service: string; command: string; input: any; roleArn: string; sessionPolicy: any; sourceIdentity: string; allowed: boolean }>;
  modelFailure?: Error;
  lambdaAnswers: Map<string, (event: any) => any>;
  lambdaEvents: any[];
  secrets: Map<string, string>;
  dns: Map<string, string[]>;
  servers: Map<string, ToolServer>;
  toolRequests: ToolServerRequest[];
  /** How the fake transport calls lookup: as net.connect does without (`single`) or with (`all`) autoSelectFamily. */
  lookupMode: 'single' | 'all';
  logs: string[];
  records: () => Array<Record<string, any>>;
  last: () => Record<string, any>;
}

export function harness(opts: { triageRevoked?: boolean } = {}): Harness {
  const policies = Object.fromEntries(agents({ triageRevoked: opts.triageRevoked }).flatMap(agentPolicies).map((p) => [p.id, p.statement]));
  const schema = testCedarSchema();
  const rolePolicies = integrationRolePolicies();
  const sessions = new Map<string, { roleArn: string; policy: any; sourceIdentity: string }>();
  let sessionCounter = 0;

  const h = {
    clock: { now: TUESDAY_10 },
    env: {
      ENVIRONMENT: ENV,
      ACCOUNT_ID: ACCOUNT,
      AWS_REGION: REGION,
      ROLE_NAME_PREFIX: PREFIX,
      INTEGRATION_ROLE_PATH: '/governed/prod/integration/',
      ROUTE_PARAMETER_PREFIX: ROUTE_PREFIX,
      AGENT_PARAMETER_PREFIX: AGENT_PREFIX,
      POLICY_STORE_ID: POLICY_STORE,
      APPROVAL_TABLE,
      APPROVER_KEYS: JSON.stringify({ [APPROVERS.lead.email]: APPROVERS.lead.keyArn, [APPROVERS.other.email]: APPROVERS.other.keyArn }),
    } as Record<string, string | undefined>,
    ssm: { parameters: new Map<string, string>(), calls: [] as string[], fail: undefined as Error | undefined },
    stsCalls: [] as any[],
    vpCalls: [] as any[],
    vpAnswer: undefined as ((input: any) => any) | undefined,
    ddb: { items: new Map<string, Record<string, any>>(), calls: [] as any[] },
    kmsCalls: [] as any[],
    awsCalls: [] as Harness['awsCalls'],
    modelFailure: undefined as Error | undefined,
    lambdaAnswers: new Map<string, (event: any) => any>([[KUBECTL_FN, () => ({ statusCode: 200, headers: { 'content-type': 'application/json', 'set-cookie': 'a=b' }, body: '{"pods":3}' })]]),
    lambdaEvents: [] as any[],
    secrets: new Map<string, string>([[TICKETING_SECRET, TICKETING_CREDENTIAL], [RUNBOOKS_SECRET, RUNBOOKS_CREDENTIAL]]),
    dns: new Map<string, string[]>([
      ['tickets.internal.example.com', ['3.248.10.10']],
      ['runbooks.internal.example.com', ['3.248.10.20', '2a05:d018:1:2::20']],
    ]),
    servers: new Map<string, ToolServer>(),
    toolRequests: [] as ToolServerRequest[],
    lookupMode: 'single' as 'single' | 'all',
    logs: [] as string[],
  };
  for (const [name, entry] of Object.entries(serviceEntries())) h.ssm.parameters.set(`${ROUTE_PREFIX}${name}`, JSON.stringify(entry));
  const agentsNow = agentEntries();
  if (opts.triageRevoked) agentsNow.triage.revoked = { at: '2026-11-16T09:00:00Z', by: 'ciso@example.com', reason: 'prompt injection incident INC-42' };
  for (const [name, entry] of Object.entries(agentsNow)) h.ssm.parameters.set(`${AGENT_PREFIX}${name}`, JSON.stringify(entry));
  const echo: ToolServer = (req) => ({
    statusCode: 200,
    headers: { 'content-type': 'application/json', etag: '"v1"', 'set-cookie': 'session=tool-side', server: 'tool/1.0', 'x-internal-trace': 'abc' },
    body: JSON.stringify({ path: req.url.pathname, query: req.url.search, method: req.method }),
  });
  h.servers.set('tickets.internal.example.com', echo);
  h.servers.set('runbooks.internal.example.com', echo);

  const ssm = {
    send: async (c: any) => {
      if (nameOf(c) !== 'GetParameterCommand') throw new Error(`unexpected SSM command ${nameOf(c)}`);
      h.ssm.calls.push(c.input.Name);
      if (h.ssm.fail) throw h.ssm.fail;
      const value = h.ssm.parameters.get(c.input.Name);
      if (value === undefined) throw new AwsError('ParameterNotFound');
      return { Parameter: { Name: c.input.Name, Type: 'String', Value: value } };
    },
  };

  const sts = {
    send: async (c: any) => {
      if (nameOf(c) !== 'AssumeRoleCommand') throw new Error(`unexpected STS command ${nameOf(c)}`);
      const input = c.input;
      h.stsCalls.push(input);
      if (!rolePolicies[input.RoleArn]) throw new AwsError('AccessDenied', `not authorized to assume ${input.RoleArn}`);
      // The integration roles trust the gateway function only with a source identity (sts:SourceIdentity).
      if (typeof input.SourceIdentity !== 'string' || input.SourceIdentity.length < 2) throw new AwsError('AccessDenied', 'source identity required');
      if (input.DurationSeconds < 900 || input.DurationSeconds > 3600) throw new AwsError('ValidationError');
      if (!/^[\w+=,.@-]{2,64}$/.test(input.RoleSessionName)) throw new AwsError('ValidationError', 'RoleSessionName');
      const id = `ASIASESSION${++sessionCounter}`;
      sessions.set(id, { roleArn: input.RoleArn, policy: input.Policy ? JSON.parse(input.Policy) : undefined, sourceIdentity: input.SourceIdentity });
      return { Credentials: { AccessKeyId: id, SecretAccessKey: 'secret', SessionToken: `token-${id}`, Expiration: new Date(h.clock.now + input.DurationSeconds * 1000) } };
    },
  };

  const iamAllows = (session: { roleArn: string; policy: any; sourceIdentity: string }, action: string, resource: string, context: Record<string, string> = {}) =>
    simulate(session.roleArn, session.policy, action, resource, { 'aws:SourceIdentity': session.sourceIdentity, ...context });

  const sessionClients = (credentials: any) => (kind: string) => ({
    send: async (c: any) => {
      const session = sessions.get(credentials.AccessKeyId);
      if (!session || credentials.SessionToken !== `token-${credentials.AccessKeyId}`) throw new AwsError('UnrecognizedClientException');
      const input = c.input;
      /** The IAM checks the service makes for this call, as [action, resource, context]. */
      let checks: Array<[string, string, Record<string, string>?]>;
      switch (`${kind}:${nameOf(c)}`) {
        case 'bedrockRuntime:InvokeModelCommand':
          checks = [[`bedrock:InvokeModel`, `arn:aws:bedrock:${REGION}::foundation-model/${input.modelId}`]];
          if (input.guardrailIdentifier) checks.push(['bedrock:ApplyGuardrail', `arn:aws:bedrock:${REGION}:${ACCOUNT}:guardrail/${input.guardrailIdentifier}`]);
          break;
        case 'sagemakerRuntime:InvokeEndpointCommand':
          checks = [['sagemaker:InvokeEndpoint', `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/${String(input.EndpointName).toLowerCase()}`]];
          break;
        case 'secretsManager:GetSecretValueCommand':
          checks = [['secretsmanager:GetSecretValue', input.SecretId]];
          if (input.SecretId === TICKETING_SECRET) checks.push(['kms:Decrypt', TOOL_KEY_ARN, { 'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com` }]);
          break;
        case 'lambda:InvokeCommand':
          checks = [['lambda:InvokeFunction', input.FunctionName]];
          break;
        default:
          throw new Error(`unexpected ${kind} command ${nameOf(c)}`);
      }
      let allowed = true;
      for (const [action, resource, context] of checks) allowed = allowed && (await iamAllows(session, action, resource, context));
      h.awsCalls.push({ service: kind, command: nameOf(c), input, roleArn: session.roleArn, sessionPolicy: session.policy, sourceIdentity: session.sourceIdentity, allowed });
      if (!allowed) throw new AwsError('AccessDeniedException', `User is not authorized to perform ${checks.map((x) => x[0]).join(', ')} because no session policy allows it`);
      if (kind === 'bedrockRuntime') {
        if (h.modelFailure) throw h.modelFailure;
        return { body: new TextEncoder().encode(JSON.stringify({ model: input.modelId, received: Buffer.from(input.body).toString('utf8') })), contentType: 'application/json' };
      }
      if (kind === 'sagemakerRuntime') {
        if (h.modelFailure) throw h.modelFailure;
        return { Body: new Uint8Array([0, 1, 2, 255]), ContentType: 'application/octet-stream' };
      }
      if (kind === 'secretsManager') {
        const value = h.secrets.get(input.SecretId);
        if (value === undefined) throw new AwsError('ResourceNotFoundException');
        return { ARN: input.SecretId, SecretString: value };
      }
      const fn = h.lambdaAnswers.get(input.FunctionName);
      const event = JSON.parse(Buffer.from(input.Payload).toString('utf8'));
      h.lambdaEvents.push(event);
      if (!fn) throw new AwsError('ResourceNotFoundException');
      const answer = fn(event);
      if (answer === 'crash') return { StatusCode: 200, FunctionError: 'Unhandled', Payload: new TextEncoder().encode('{"errorMessage":"boom at /var/task/secret-path"}') };
      return { StatusCode: 200, Payload: new TextEncoder().encode(JSON.stringify(answer)) };
    },
  });

  const verifiedPermissions = {
    send: async (c: any) => {
      if (nameOf(c) !== 'IsAuthorizedCommand') throw new Error(`unexpected Verified Permissions command ${nameOf(c)}`);
      const input = c.input;
      h.vpCalls.push(input);
      if (input.policyStoreId !== POLICY_STORE) throw new AwsError('ResourceNotFoundException');
      if (h.vpAnswer) return h.vpAnswer(input);
      const context = Object.fromEntries(Object.entries(input.context?.contextMap ?? {}).map(([k, v]: [string, any]) => [k, v.long ?? v.string]));
      const answer = cedar.isAuthorized({
        principal: { type: input.principal.entityType, id: input.principal.entityId },
        action: { type: input.action.actionType, id: input.action.actionId },
        resource: { type: input.resource.entityType, id: input.resource.entityId },
        context,
        schema,
        validateRequest: true,
        policies: { staticPolicies: policies },
        entities: [],
      });
      if (answer.type !== 'success') throw new AwsError('ValidationException', JSON.stringify(answer.errors));
      return {
        decision: answer.response.decision.toUpperCase(),
        determiningPolicies: answer.response.diagnostics.reason.map((policyId) => ({ policyId })),
        errors: answer.response.diagnostics.errors.map((e) => ({ errorDescription: JSON.stringify(e) })),
      };
    },
  };

  const dynamodb = {
    send: async (c: any) => {
      if (nameOf(c) !== 'PutItemCommand') throw new Error(`unexpected DynamoDB command ${nameOf(c)}`);
      const input = c.input;
      h.ddb.calls.push(input);
      if (input.TableName !== APPROVAL_TABLE) throw new AwsError('ResourceNotFoundException');
      const jti = input.Item.jti.S;
      if (input.ConditionExpression === 'attribute_not_exists(jti)' && h.ddb.items.has(jti)) throw new AwsError('ConditionalCheckFailedException', 'The conditional request failed');
      h.ddb.items.set(jti, input.Item);
      return {};
    },
  };

  const keys = new Map(Object.values(APPROVERS).map((a) => [a.keyArn, a.publicKey]));
  const kms = {
    send: async (c: any) => {
      if (nameOf(c) !== 'VerifyCommand') throw new Error(`unexpected KMS command ${nameOf(c)}`);
      const input = c.input;
      h.kmsCalls.push(input);
      const key = keys.get(input.KeyId);
      if (!key) throw new AwsError('NotFoundException');
      if (input.MessageType !== 'RAW' || input.SigningAlgorithm !== 'ECDSA_SHA_256') throw new AwsError('ValidationException');
      const valid = crypto.verify('sha256', Buffer.from(input.Message), { key, dsaEncoding: 'der' }, Buffer.from(input.Signature));
      if (!valid) throw new AwsError('KMSInvalidSignatureException');
      return { KeyId: input.KeyId, SignatureValid: true, SigningAlgorithm: 'ECDSA_SHA_256' };
    },
  };

  const lookup = (hostname: string, options: any, callback: any) => {
    const addresses = h.dns.get(hostname);
    if (!addresses) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }));
    return callback(null, addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  };

  /** A stand-in for https.request: connects through options.lookup as net.connect does, then asks the tool server. */
  const request = (url: URL, options: any, onResponse: (res: any) => void) => {
    const req = new EventEmitter() as EventEmitter & { end: (body?: Buffer) => void; destroy: (error?: Error) => void };
    let destroyed = false;
    req.destroy = (error?: Error) => {
      if (destroyed) return;
      destroyed = true;
      if (error) req.emit('error', error);
    };
    req.end = (body?: Buffer) => {
      setImmediate(() => {
        const lookupOptions = h.lookupMode === 'all' ? { all: true, family: 0 } : { family: 0 };
        options.lookup(url.hostname, lookupOptions, (error: Error | null, address: any) => {
          if (error) return req.destroy(error);
          const chosen = Array.isArray(address) ? address[0].address : address;
          const server = h.servers.get(url.hostname);
          const received: ToolServerRequest = { url, method: options.method, headers: options.headers, body: body ?? Buffer.alloc(0), address: chosen };
          h.toolRequests.push(received);
          const answer = server ? server(received) : { statusCode: 404 };
          if (answer === 'hang') {
            req.emit('timeout');
            return;
          }
          if (answer === 'silent') return undefined;
          if (answer instanceof Error) return req.destroy(answer);
          const bytes = answer.body === undefined ? [] : [Buffer.isBuffer(answer.body) ? answer.body : Buffer.from(answer.body)];
          const res = Object.assign(Readable.from(bytes), { statusCode: answer.statusCode, headers: answer.headers ?? {} });
          onResponse(res);
        });
      });
    };
    return req;
  };

  const handler = createHandler({
    ssm,
    sts,
    verifiedPermissions,
    dynamodb,
    kms,
    sessionClients,
    commands: COMMANDS,
    https: { request, lookup },
    now: () => h.clock.now,
    env: h.env,
    log: (line: string) => h.logs.push(line),
  });
  const full = h as unknown as Harness;
  full.handler = handler;
  full.records = () => h.logs.map((line) => JSON.parse(line));
  full.last = () => JSON.parse(h.logs[h.logs.length - 1]);
  return full;
}

export interface EventOptions {
  caller?: string | null;
  method?: string;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  query?: Record<string, string>;
  multiQuery?: Record<string, string[]>;
  body?: string | null;
  isBase64Encoded?: boolean;
  at?: number;
  path?: string;
  requestId?: string;
}

function baseEvent(resource: string, path: string, pathParameters: Record<string, string>, o: EventOptions) {
  const headers = o.headers ?? {};
  return {
    resource,
    path: o.path ?? path,
    httpMethod: o.method ?? 'POST',
    headers,
    multiValueHeaders: o.multiValueHeaders ?? Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: o.query ?? (o.multiQuery ? Object.fromEntries(Object.entries(o.multiQuery).map(([k, v]) => [k, v[v.length - 1]])) : null),
    multiValueQueryStringParameters: o.multiQuery ?? (o.query ? Object.fromEntries(Object.entries(o.query).map(([k, v]) => [k, [v]])) : null),
    pathParameters,
    stageVariables: null,
    requestContext: {
      requestId: o.requestId ?? 'c0ffee00-0000-4000-8000-000000000001',
      requestTimeEpoch: o.at ?? TUESDAY_10,
      stage: 'v1',
      resourcePath: resource,
      httpMethod: o.method ?? 'POST',
      identity: { userArn: o.caller === undefined ? agentCaller('triage') : o.caller, sourceIp: '10.0.0.1', accessKey: 'ASIACALLER' },
    },
    body: o.body ?? null,
    isBase64Encoded: o.isBase64Encoded ?? false,
  };
}

export function toolEvent(agent: string, tool: string, proxy: string, o: EventOptions = {}) {
  return baseEvent('/agents/{agent}/tools/{tool}/{proxy+}', `/agents/${agent}/tools/${tool}/${proxy}`, { agent, tool, proxy }, {
    method: 'GET',
    ...o,
    caller: o.caller === undefined ? agentCaller(agent) : o.caller,
  });
}

export function agentModelEvent(agent: string, model: string, o: EventOptions = {}) {
  return baseEvent('/agents/{agent}/models/{model}/invoke', `/agents/${agent}/models/${model}/invoke`, { agent, model }, {
    body: '{"prompt":"hello"}',
    ...o,
    caller: o.caller === undefined ? agentCaller(agent) : o.caller,
  });
}

export function workloadEvent(workload: string, o: EventOptions = {}) {
  return baseEvent('/workloads/{workload}/invoke', `/workloads/${workload}/invoke`, { workload }, {
    body: '{"prompt":"hello"}',
    ...o,
    caller: o.caller === undefined ? callerArn(`${PREFIX}web-frontend`) : o.caller,
  });
}

/** SHA-256 of no bytes, hex: the approval hash of an empty query string or body. */
export const EMPTY_SHA256 = crypto.createHash('sha256').update('').digest('hex');

/**
 * Signs an approval the way an approver's KMS key would (ECDSA_SHA_256 over the first part, DER).
 * Without `query`/`querySha256` (`body`/`bodySha256`) it approves a call with no query (no body).
 */
export function approve(fields: Partial<Record<string, unknown>>, signer: Approver = APPROVERS.lead): string {
  const nowSeconds = Math.floor(TUESDAY_10 / 1000);
  const payload = {
    env: ENV,
    agent: 'triage',
    tool: 'ticketing',
    method: 'POST',
    path: 'tickets',
    iat: nowSeconds - 60,
    exp: nowSeconds + 540,
    jti: crypto.randomBytes(18).toString('base64url'),
    approvedBy: signer.email,
    ...('query' in fields || 'querySha256' in fields ? {} : { query: {} }),
    ...('body' in fields || 'bodySha256' in fields ? {} : { body: '' }),
    ...fields,
  };
  const payloadPart = approvalModule.approvalPayload(payload);
  const signature = crypto.sign('sha256', Buffer.from(payloadPart, 'utf8'), { key: signer.privateKey, dsaEncoding: 'der' });
  return approvalModule.encodeApproval(payloadPart, signature);
}

/** Builds a token from a raw payload, skipping approvalPayload's checks (for malformed payloads). */
export function rawApproval(payload: object, signer: Approver = APPROVERS.lead): string {
  const payloadPart = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const signature = crypto.sign('sha256', Buffer.from(payloadPart, 'utf8'), { key: signer.privateKey, dsaEncoding: 'der' });
  return `${payloadPart}.${signature.toString('base64url')}`;
}

export function bodyOf(response: any): any {
  return JSON.parse(response.body);
}
