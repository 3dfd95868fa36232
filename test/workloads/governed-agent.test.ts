import { cedarSchema } from '../../constructs/agent-authorization/cedar-policies';
import { TAG_KEYS } from '../../constructs/governance/tags';
import { GovernedEnvironment } from '../../constructs/platform/governed-environment';
import { GovernedInferenceService } from '../../constructs/workloads/governed-inference-service';
import { environment, envProps, MODELS, only, resources, serviceProps, statements, synth, testStack, type TfJson } from '../support';
import { agent, agentProps, agentTools, AGENT_OWNER, RUNBOOK_FUNCTION, TICKETING_SECRET } from './agent.support';

const REVOKED = { by: 'secops@example.com', at: '2026-11-21T09:30:00Z', reason: 'INC-4711: prompt injection wrote to tickets' };

function synthAgent(overrides: Parameters<typeof agentProps>[1] = {}): TfJson {
  const stack = testStack();
  agent(stack, environment(stack), overrides);
  return synth(stack);
}

/** Every inline policy statement attached to a role, by the role's Terraform resource name fragment. */
function roleStatements(json: TfJson, roleName: string): Array<{ policy: string; statement: any }> {
  return resources(json, 'aws_iam_role_policy')
    .filter(([, p]) => String(p.role).includes(`aws_iam_role.${roleName}`))
    .flatMap(([, p]) => statements(p.policy).map((statement) => ({ policy: p.name, statement })));
}

const AGENT_ROLE = 'agent_identity_role';
const asList = (v: unknown) => (Array.isArray(v) ? v : [v]);

describe('GovernedAgent: identity', () => {
  let json: TfJson;
  beforeAll(() => {
    json = synthAgent();
  });

  it('has its own role under the environment path, trusted by EKS Pod Identity for its namespace and service account only', () => {
    const role = only(json, 'aws_iam_role', 'agent_identity');
    expect([role.name, role.path, JSON.parse(role.assume_role_policy).Statement[0].Condition.StringEquals['aws:RequestTag/kubernetes-service-account']]).toEqual(['dev-triage', '/governed/dev/', 'triage']);
  });

  it('carries the governance tags of its owner', () => {
    expect(only(json, 'aws_iam_role', 'agent_identity').tags).toMatchObject({ [TAG_KEYS.owner]: 'sre', [TAG_KEYS.workload]: 'triage', [TAG_KEYS.revoker]: 'secops@example.com' });
  });

  it('runs as a hardened Kubernetes deployment that serves nothing', () => {
    const container = only(json, 'kubernetes_deployment_v1').spec.template.spec.container[0];
    expect([container.security_context.read_only_root_filesystem, container.security_context.allow_privilege_escalation, resources(json, 'kubernetes_service_v1').length]).toEqual([true, false, 0]);
  });

  it('may send traffic only to the gateway, the VPC endpoints and DNS', () => {
    const egress = resources(json, 'kubernetes_network_policy_v1').find(([n]) => n.includes('allow-egress'))![1].spec.egress;
    expect(egress.map((e: any) => Object.keys(e.to[0]))).toEqual([['namespace_selector', 'pod_selector'], ['ip_block'], ['namespace_selector', 'pod_selector']]);
  });

  it('writes its tool decisions to an encrypted, retained log group of its own', () => {
    const log = resources(json, 'aws_cloudwatch_log_group').find(([n]) => n.includes('decision-log'))![1];
    expect([log.name, log.retention_in_days, log.kms_key_id]).toEqual(['/governed/dev/triage/tool-decisions', 90, expect.stringMatching(/aws_kms_key/)]);
  });
});

describe('GovernedAgent: model access and tool access are separate grants', () => {
  let json: TfJson;
  beforeAll(() => {
    json = synthAgent();
  });

  it('the agent role cannot read any tool credential', () => {
    const resourcesNamed = roleStatements(json, AGENT_ROLE).flatMap(({ statement }) => asList(statement.Resource));
    expect(resourcesNamed.filter((r) => r === TICKETING_SECRET || /secret:tools\//.test(r))).toEqual([]);
  });

  it('the agent role cannot read the approval signing key (it cannot approve itself)', () => {
    const resourcesNamed = roleStatements(json, AGENT_ROLE).flatMap(({ statement }) => asList(statement.Resource));
    expect(resourcesNamed.filter((r) => /approval-key/.test(r))).toEqual([]);
  });

  it('only the authorizer role reads the tool credentials', () => {
    const read = roleStatements(json, 'agent_tool-authorizer_role').find(({ statement }) => statement.Sid === 'ReadToolCredentials')!;
    expect(read.statement.Resource).toEqual([TICKETING_SECRET]);
  });

  it('the approval key resource policy denies every reader but the authorizer and the rotation function', () => {
    const policy = resources(json, 'aws_secretsmanager_secret_policy').find(([n]) => n.includes('approval-key'))![1].policy;
    expect(statements(policy)[0].Condition.ArnNotEquals['aws:PrincipalArn']).toEqual([expect.stringMatching(/role\/governed-platform\/dev\/dev-triage-tool-authz$/), expect.stringMatching(/dev-secret-rotation$/)]);
  });

  it('approval tooling granted signing reads the approval key and is admitted by its resource policy', () => {
    const stack = testStack();
    const env = environment(stack);
    const triage = agent(stack, env);
    const approvals = new GovernedInferenceService(stack, 'approvals', serviceProps(env, { name: 'approvals' }));
    triage.grantApprovalSigning(approvals);
    const json2 = synth(stack);
    const policy = resources(json2, 'aws_secretsmanager_secret_policy').find(([n]) => n.includes('agent_approval-key'))![1].policy;
    expect(statements(policy)[0].Condition.ArnNotEquals['aws:PrincipalArn']).toContainEqual(expect.stringMatching(/aws_iam_role\.approvals_identity_role.*\.arn/));
  });

  it('fails when approval signing is granted on an agent without tools', () => {
    const stack = testStack();
    const env = environment(stack);
    const noTools = agent(stack, env, { tools: [] });
    expect(() => noTools.grantApprovalSigning(noTools)).toThrow(/test\/agent: agent triage has no tools, so nothing to approve/);
  });

  it('model access is its own policy and names only the agent model routes', () => {
    const model = roleStatements(json, AGENT_ROLE).filter(({ policy }) => policy === 'model-access');
    expect(model.flatMap(({ statement }) => asList(statement.Resource))).toEqual([expect.stringMatching(/\/triage\/POST\/agents\/triage\/models\/anthropic\.claude-3-haiku-20240307-v1-0\/invoke$/)]);
  });

  it('no statement of the agent role names a tool route', () => {
    const resourcesNamed = roleStatements(json, AGENT_ROLE).flatMap(({ statement }) => asList(statement.Resource));
    expect(resourcesNamed.filter((r) => /\/tools\//.test(r))).toEqual([]);
  });

  it('the agent role never holds bedrock:InvokeModel; the model gateway identity does, with the guardrail', () => {
    const agentActions = roleStatements(json, AGENT_ROLE).flatMap(({ statement }) => asList(statement.Action));
    const gateway = roleStatements(json, 'agent_model-gateway-identity_role').find(({ statement }) => asList(statement.Action).includes('bedrock:InvokeModel'))!;
    expect([agentActions.filter((a) => a.startsWith('bedrock:')), gateway.statement.Condition.StringEquals['bedrock:GuardrailIdentifier']]).toEqual([[], expect.stringMatching(/guardrail/)]);
  });

  it('the model gateway identity may decrypt the guardrail with the environment key through Bedrock only', () => {
    const kms = roleStatements(json, 'agent_model-gateway-identity_role').find(({ statement }) => statement.Sid === 'UseEnvironmentKeyThroughBedrock')!;
    expect(kms.statement.Condition.StringEquals['kms:ViaService']).toBe('bedrock.eu-west-1.amazonaws.com');
  });

  it('a tool grant never grants a model: an agent with tools only has no model access and no model policy', () => {
    const only_tools = synthAgent({ models: [] });
    const policies = resources(only_tools, 'aws_verifiedpermissions_policy').map(([, p]) => p.definition[0].static[0].statement);
    expect([roleStatements(only_tools, AGENT_ROLE).filter(({ policy }) => policy === 'model-access'), policies.filter((s) => s.includes('invokeModel'))]).toEqual([[], []]);
  });

  it('a model grant never grants a tool: an agent with a model only has no tool route, no authorizer and no tool policy', () => {
    const onlyModel = synthAgent({ tools: [] });
    const policies = resources(onlyModel, 'aws_verifiedpermissions_policy').map(([, p]) => p.definition[0].static[0].statement);
    expect([resources(onlyModel, 'aws_api_gateway_authorizer').length, policies.filter((s) => s.includes('Governance::Tool')).length, policies.length]).toEqual([0, 0, 1]);
  });

  it('a governed inference service is granted into the model-access policy, not a policy of its own', () => {
    const stack = testStack();
    const env = environment(stack);
    const chat = new GovernedInferenceService(stack, 'chat', serviceProps(env));
    agent(stack, env, { models: [chat] });
    const json2 = synth(stack);
    const policiesWithChat = roleStatements(json2, AGENT_ROLE).filter(({ statement }) => JSON.stringify(statement).includes('/chat/POST/workloads/chat/invoke'));
    expect(policiesWithChat.map(({ policy }) => policy)).toEqual(['model-access']);
  });
});

describe('GovernedAgent: tool routes', () => {
  let json: TfJson;
  beforeAll(() => {
    json = synthAgent();
  });

  it('every tool route is decided by the agent authorizer and needs the agent API key', () => {
    const methods = resources(json, 'aws_api_gateway_method').filter(([n]) => n.startsWith('agent_tool-'));
    expect(methods.map(([, m]) => [m.authorization, m.authorizer_id, m.api_key_required])).toEqual(
      Array(3).fill(['CUSTOM', expect.stringMatching(/aws_api_gateway_authorizer\.agent_tool-authorizer/), true]),
    );
  });

  it('one route per tool under /agents/triage/tools/<tool>/{proxy+}', () => {
    const parts = resources(json, 'aws_api_gateway_resource').filter(([n]) => /agent_tool-.*_tool_/.test(n)).map(([, r]) => r.path_part);
    expect(parts.sort()).toEqual(['runbook-search', 'ticketing-read', 'ticketing-write']);
  });

  it('the http integration injects the tool credential from the authorizer and strips the identity headers', () => {
    const integration = resources(json, 'aws_api_gateway_integration').find(([n]) => n.includes('tool-ticketing-write'))![1];
    expect(integration.request_parameters).toEqual({
      'integration.request.path.proxy': 'method.request.path.proxy',
      'integration.request.header.Authorization': 'context.authorizer.toolCredential',
      'integration.request.header.x-governance-identity': "'removed-by-gateway'",
      'integration.request.header.x-governance-approval': "'removed-by-gateway'",
    });
  });

  it('the lambda tool is invoked by an integration role that may invoke that function only', () => {
    const role = roleStatements(json, 'agent_tool-lambda-integration_role');
    expect(role.map(({ statement }) => [statement.Action, statement.Resource])).toEqual([[['lambda:InvokeFunction'], [RUNBOOK_FUNCTION]]]);
  });

  it('a governed-service tool goes through the VPC link to the in-cluster gateway, by workload name', () => {
    const summarizer = { name: 'ticket-summarizer', target: { kind: 'governed-service' as const, service: { name: 'ticket-summarizer' } }, actions: ['write' as const], sensitivity: 'low' as const, credential: { secretArn: TICKETING_SECRET, rotationDays: 30 } };
    const integration = resources(synthAgent({ tools: [summarizer] }), 'aws_api_gateway_integration').find(([n]) => n.includes('tool-ticket-summarizer'))![1];
    expect([integration.connection_type, integration.connection_id, integration.uri]).toEqual(['VPC_LINK', expect.stringMatching(/vl4test/), 'http://gw.internal.example.com/ticket-summarizer/{proxy}']);
  });

  it('the authorizer never caches a decision and reads the caller identity header', () => {
    const authorizer = only(json, 'aws_api_gateway_authorizer');
    expect([authorizer.type, authorizer.authorizer_result_ttl_in_seconds, authorizer.identity_source]).toEqual(['REQUEST', 0, 'method.request.header.x-governance-identity']);
  });

  it('the authorizer knows the policy store, the agent role and which tools carry credentials', () => {
    const vars = only(json, 'aws_lambda_function', 'tool-authorizer').environment.variables;
    expect(vars).toMatchObject({
      POLICY_STORE_ID: expect.stringMatching(/aws_verifiedpermissions_policy_store\..*policy_store_id/),
      AGENT_ROLE_ARN: expect.stringMatching(/aws_iam_role\.agent_identity_role.*\.arn/),
      AUDIENCE: 'dev/agents',
      TOOL_CREDENTIALS: JSON.stringify({ 'ticketing-read': TICKETING_SECRET, 'ticketing-write': TICKETING_SECRET }),
    });
  });

  it('the authorizer function may ask the policy store and nothing else of Verified Permissions', () => {
    const ask = roleStatements(json, 'agent_tool-authorizer_role').find(({ statement }) => statement.Sid === 'AskAgentPolicyStore')!;
    expect([ask.statement.Action, ask.statement.Resource]).toEqual([['verifiedpermissions:IsAuthorized'], expect.stringMatching(/aws_verifiedpermissions_policy_store\..*\.arn/)]);
  });

  it('the gateway resource policy lets tool routes through the environment endpoint to their authorizer', () => {
    const tool = statements(only(json, 'aws_api_gateway_rest_api_policy').policy).find((s) => s.Sid === 'AgentToolRoutesThroughEnvironmentEndpoint');
    expect([tool.Resource, tool.Condition.StringEquals['aws:SourceVpce']]).toEqual([expect.stringMatching(/\/\*\/\*\/agents\/\*\/tools\/\*$/), expect.stringMatching(/execute-api/)]);
  });
});

describe('GovernedAgent: Cedar policies in Verified Permissions', () => {
  let json: TfJson;
  beforeAll(() => {
    json = synthAgent();
  });

  it('the policy store validates strictly against the generated schema', () => {
    expect([only(json, 'aws_verifiedpermissions_policy_store').validation_settings, JSON.parse(only(json, 'aws_verifiedpermissions_schema').definition.value)]).toEqual([[{ mode: 'STRICT' }], cedarSchema()]);
  });

  it('one policy per tool action and model, each after the schema', () => {
    const policies = resources(json, 'aws_verifiedpermissions_policy');
    const afterSchema = [expect.stringMatching(/aws_verifiedpermissions_schema/)];
    expect(policies.map(([n, p]) => [n.replace(/_[0-9A-F]{8}$/, ''), p.depends_on]).sort()).toEqual([
      ['agent_cedar-model-triage-0', afterSchema],
      ['agent_cedar-tenants-triage', afterSchema],
      ['agent_cedar-tool-triage-runbook-search-read', afterSchema],
      ['agent_cedar-tool-triage-ticketing-read-read', afterSchema],
      ['agent_cedar-tool-triage-ticketing-write-write', afterSchema],
    ]);
  });

  it('the write policy needs the window and a named approver', () => {
    const write = resources(json, 'aws_verifiedpermissions_policy').find(([n]) => n.includes('ticketing-write'))![1].definition[0].static[0].statement;
    expect(write).toMatch(/context\.minuteOfDay >= 420 && context\.minuteOfDay < 1140[\s\S]*\["incident-commander@example\.com"\]\.contains\(context\.approvedBy\)/);
  });

  it('the policy store carries the platform accountability, not an agent owner', () => {
    expect(only(json, 'aws_verifiedpermissions_policy_store').tags).toMatchObject({ [TAG_KEYS.owner]: 'ai-platform', [TAG_KEYS.workload]: 'platform' });
  });

  it('two agents of one environment share one policy store', () => {
    const stack = testStack();
    const env = environment(stack);
    agent(stack, env);
    agent(stack, env, { name: 'deployer' }, 'agent2');
    expect(resources(synth(stack), 'aws_verifiedpermissions_policy_store').length).toBe(1);
  });
});

describe('GovernedAgent: revocation is one switch', () => {
  let json: TfJson;
  beforeAll(() => {
    json = synthAgent({ revoked: REVOKED });
  });

  it('denies everything on the agent role, sessions issued before the revocation included', () => {
    const revocation = roleStatements(json, AGENT_ROLE).filter(({ policy }) => policy === 'revocation').map(({ statement }) => statement);
    expect(revocation).toEqual([
      { Sid: 'RevokedDenyAll', Effect: 'Deny', Action: '*', Resource: '*' },
      { Sid: 'RevokedDenyEarlierSessions', Effect: 'Deny', Action: '*', Resource: '*', Condition: { DateLessThan: { 'aws:TokenIssueTime': REVOKED.at } } },
    ]);
  });

  it('denies everything on the model gateway identity too', () => {
    const revocation = roleStatements(json, 'agent_model-gateway-identity_role').filter(({ policy }) => policy === 'revocation');
    expect(revocation.map(({ statement }) => statement.Sid)).toEqual(['RevokedDenyAll', 'RevokedDenyEarlierSessions']);
  });

  it('scales the agent to zero', () => {
    expect(only(json, 'kubernetes_deployment_v1').spec.replicas).toBe('0');
  });

  it('adds a Cedar forbid on every action of the agent', () => {
    const forbid = resources(json, 'aws_verifiedpermissions_policy').find(([n]) => n.includes('revoked'))![1].definition[0].static[0];
    expect(forbid).toEqual({ description: `dev/triage revoked by ${REVOKED.by} at ${REVOKED.at}: ${REVOKED.reason}`, statement: 'forbid (\n  principal == Governance::Agent::"dev/triage",\n  action,\n  resource\n);' });
  });

  it('makes the authorizer deny every tool call outright', () => {
    expect(only(json, 'aws_lambda_function', 'tool-authorizer').environment.variables.REVOKED_AT).toBe(REVOKED.at);
  });

  it('records who revoked, when and why in the tags', () => {
    expect(only(json, 'aws_iam_role', 'agent_identity').tags).toMatchObject({
      [TAG_KEYS.revokedBy]: REVOKED.by,
      [TAG_KEYS.revokedAt]: REVOKED.at,
      [TAG_KEYS.revokedReason]: 'INC-4711: prompt injection wrote to tickets',
    });
  });
});

describe('GovernedAgent: Bedrock agent runtime', () => {
  let json: TfJson;
  beforeAll(() => {
    json = synthAgent({
      runtime: {
        kubernetes: agentProps(undefined as never).runtime.kubernetes,
        bedrockAgent: { foundationModel: MODELS[0], instruction: 'Triage incidents: read tickets and runbooks, propose next steps, never close tickets.' },
      },
    });
  });

  it('uses the environment guardrail and customer managed key', () => {
    const b = only(json, 'aws_bedrockagent_agent');
    expect([b.guardrail_configuration[0].guardrail_identifier, b.customer_encryption_key_arn]).toEqual([expect.stringMatching(/aws_bedrock_guardrail\..*guardrail_id/), expect.stringMatching(/aws_kms_key\..*\.arn/)]);
  });

  it('runs with an identity Bedrock assumes for this account only, which may invoke the granted model only', () => {
    const role = only(json, 'aws_iam_role', 'bedrock-agent-identity');
    const invoke = roleStatements(json, 'agent_bedrock-agent-identity_role').find(({ statement }) => statement.Sid === 'InvokeAgentFoundationModel')!;
    expect([JSON.parse(role.assume_role_policy).Statement[0].Principal.Service, invoke.statement.Resource]).toEqual(['bedrock.amazonaws.com', `arn:aws:bedrock:eu-west-1::foundation-model/${MODELS[0]}`]);
  });
});

describe('GovernedAgent: bad input', () => {
  const build = (overrides: Parameters<typeof agentProps>[1]) => () => synthAgent(overrides);

  it('fails when a tool has no actions', () => {
    expect(build({ tools: [{ ...agentTools()[0], actions: [] }] })).toThrow(/Invalid governance props at 'test\/agent'[\s\S]*tools\[0\] \(ticketing-read\)\.actions: got \[\]; allowed: one or more of read, write, delete/);
  });

  it('fails when a tool names an unknown action', () => {
    expect(build({ tools: [{ ...agentTools()[0], actions: ['read', 'approve' as never] }] })).toThrow(/'test\/agent'[\s\S]*actions: got "approve"; allowed: one or more of read, write, delete/);
  });

  it('fails when a time window cannot be parsed', () => {
    expect(build({ tools: [{ ...agentTools()[1], timeWindow: 'office hours' }] })).toThrow(/'test\/agent'[\s\S]*timeWindow: got "office hours"/);
  });

  it('fails when a high-sensitivity tool has no approver', () => {
    const { approval: _a, ...noApproval } = agentTools()[1];
    expect(build({ tools: [noApproval] })).toThrow(/'test\/agent'[\s\S]*tools\[0\] \(ticketing-write\)\.approval: got nothing; allowed: an approval/);
  });

  it('fails when a tool credential has no rotation', () => {
    expect(build({ tools: [{ ...agentTools()[0], credential: { secretArn: TICKETING_SECRET } }] })).toThrow(/'test\/agent'[\s\S]*credential\.rotationDays: got nothing; allowed: a rotation period of 1\.\.90 days/);
  });

  it('fails when a model is not on the environment allow-list', () => {
    expect(build({ models: [{ bedrockModelId: 'meta.llama3-70b-instruct-v1:0' }] })).toThrow(/'test\/agent'[\s\S]*models\[0\]\.bedrockModelId: got "meta\.llama3-70b-instruct-v1:0"; allowed: one of the environment's allowed models/);
  });

  it('fails when a revocation has no reason', () => {
    expect(build({ revoked: { ...REVOKED, reason: '' } })).toThrow(/'test\/agent'[\s\S]*revoked\.reason: got ""; allowed: a reason of at least 10 characters/);
  });

  it('fails when a revocation has no revoker', () => {
    expect(build({ revoked: { ...REVOKED, by: undefined as never } })).toThrow(/'test\/agent'[\s\S]*revoked\.by: got nothing; allowed: the e-mail address of the person who revoked/);
  });

  it('fails when the agent has no owner', () => {
    expect(build({ owner: undefined as never })).toThrow(/'test\/agent'[\s\S]*owner: got nothing; allowed: an object \{ team, accountable, approver, revoker \}/);
  });

  it('fails when the image is not pinned by digest', () => {
    expect(build({ runtime: { kubernetes: { image: 'ghcr.io/example/triage-agent:latest', resources: { cpu: '1', memory: '1Gi' } } } })).toThrow(/runtime\.kubernetes\.image: got "ghcr\.io\/example\/triage-agent:latest"; allowed: an image pinned by digest/);
  });

  it('fails when the Bedrock agent model is not one of the agent models', () => {
    const kubernetes = agentProps(undefined as never).runtime.kubernetes;
    expect(build({ runtime: { kubernetes, bedrockAgent: { foundationModel: MODELS[1], instruction: 'x'.repeat(50) } } })).toThrow(/runtime\.bedrockAgent\.foundationModel: got "amazon\.titan-embed-text-v2:0"; allowed: one of the agent's Bedrock models/);
  });

  it('fails when the same agent name is used twice in one environment', () => {
    const stack = testStack();
    const env = environment(stack);
    agent(stack, env);
    expect(() => agent(stack, env, {}, 'again')).toThrow(/'test\/again'[\s\S]*name: got "triage"; allowed: a name not yet used in environment dev \(already used by GovernedAgent at 'test\/agent', team sre\)/);
  });

  it('fails when the same agent name is used by two owners', () => {
    const stack = testStack();
    agent(stack, environment(stack));
    const prod = new GovernedEnvironment(stack, 'env-prod', envProps({ name: 'prod', tier: 'production', logRetentionDays: 365, kubernetes: { ...envProps().kubernetes!, clusterName: 'ai-prod' } }));
    expect(() => agent(stack, prod, { owner: { ...AGENT_OWNER, team: 'platform-sre' } }, 'other-team')).toThrow(/owner\.team: got "platform-sre"; allowed: team sre, which owns agent triage at 'test\/agent' \(dev\)/);
  });

  it('fails when one pod identity would serve the agent in two environments', () => {
    const stack = testStack();
    agent(stack, environment(stack));
    const staging = new GovernedEnvironment(stack, 'env-staging', envProps({ name: 'staging' }));
    expect(() => agent(stack, staging, {}, 'staging-agent')).toThrow(/runtime\.kubernetes\.namespace: got "triage"; allowed: a namespace not already bound to agent triage on cluster ai-workloads/);
  });

  it('accepts the same agent in two environments on one cluster with a namespace each', () => {
    const stack = testStack();
    agent(stack, environment(stack));
    const staging = new GovernedEnvironment(stack, 'env-staging', envProps({ name: 'staging' }));
    const kubernetes = { ...agentProps(undefined as never).runtime.kubernetes, namespace: 'triage-staging' };
    expect(() => agent(stack, staging, { runtime: { kubernetes } }, 'staging-agent')).not.toThrow();
  });

  it('fails when a governed service of another environment is granted', () => {
    const stack = testStack();
    const dev = environment(stack);
    const staging = new GovernedEnvironment(stack, 'env-staging', envProps({ name: 'staging' }));
    const chat = new GovernedInferenceService(stack, 'chat', serviceProps(staging));
    expect(() => agent(stack, dev, { models: [chat] })).toThrow(/models\[0\]: got "chat in staging"; allowed: a governed service of environment dev/);
  });

  it('reports every problem at once', () => {
    expect(build({ owner: undefined as never, tools: [{ ...agentTools()[0], actions: [] }] })).toThrow(/\(2 problems\)/);
  });
});
