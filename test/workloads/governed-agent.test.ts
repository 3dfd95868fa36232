import { cedarSchema } from '../../constructs/agent-authorization/cedar-policies';
import { TAG_KEYS } from '../../constructs/governance/tags';
import { GovernedEnvironment } from '../../constructs/platform/governed-environment';
import { GovernedInferenceService } from '../../constructs/workloads/governed-inference-service';
import { environment, envProps, MODELS, only, resources, serviceProps, statements, synth, testStack, type TfJson } from '../support';
import { agent, agentProps, agentTools, AGENT_OWNER, RUNBOOK_FUNCTION, TICKETING_SECRET } from './agent.support';

/** A second environment of the same app: it shares the account's settings and the first's endpoints. */
const SECOND_ENV = { accountSettings: 'owned-elsewhere' as const, network: { ...envProps().network, interfaceEndpoints: { executeApiEndpointId: 'vpce-0123456789abcdef0', endpointIps: ['10.0.1.10', '10.0.2.10'] } } };

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
const INTEGRATION_ROLE = 'agent_integration-identity_role';
const asList = (v: unknown) => (Array.isArray(v) ? v : [v]);

describe('GovernedAgent: identity', () => {
  let json: TfJson;
  beforeAll(() => {
    json = synthAgent();
  });

  it('has its own role under the environment path, trusted by EKS Pod Identity for its namespace and service account only', () => {
    const role = only(json, 'aws_iam_role', 'agent_identity_role');
    expect([role.name, role.path, JSON.parse(role.assume_role_policy).Statement[0].Condition.StringEquals['aws:RequestTag/kubernetes-service-account']]).toEqual(['dev-euw1-triage', '/governed/dev/', 'triage']);
  });

  it('carries the governance tags of its owner', () => {
    expect(only(json, 'aws_iam_role', 'agent_identity_role').tags).toMatchObject({ [TAG_KEYS.owner]: 'sre', [TAG_KEYS.workload]: 'triage', [TAG_KEYS.revoker]: 'secops@example.com' });
  });

  it('runs as a hardened Kubernetes deployment that serves nothing', () => {
    const container = only(json, 'kubernetes_deployment_v1').spec.template.spec.container[0];
    expect([container.security_context.read_only_root_filesystem, container.security_context.allow_privilege_escalation, resources(json, 'kubernetes_service_v1').length]).toEqual([true, false, 0]);
  });

  it('issue 11 break 2: may send traffic only to the interface endpoints, DNS and the Pod Identity agent, never to the in-cluster gateway', () => {
    const egress = resources(json, 'kubernetes_network_policy_v1').find(([n]) => n.includes('allow-egress'))![1].spec.egress;
    expect(egress.map((e: any) => [Object.keys(e.to[0]), e.ports.map((p: any) => p.port)])).toEqual([
      [['ip_block'], ['443']],
      [['namespace_selector', 'pod_selector'], ['53', '53']],
      [['ip_block'], ['80']],
    ]);
  });

  it('adds no API Gateway resource: its routes are the platform\'s, its entry is data', () => {
    const product = testStack(undefined, 'product');
    agent(product, GovernedEnvironment.fromContract(product, 'env', 'dev', { kubernetes: envProps().kubernetes }));
    const productJson = synth(product);
    expect(Object.keys(productJson.resource).filter((t) => t.startsWith('aws_api_gateway') || t === 'aws_lambda_function')).toEqual([]);
    expect(only(productJson, 'aws_ssm_parameter', 'agent_route-entry').name).toBe('/governance/dev/agents/triage');
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

  it('the agent role holds no Bedrock, Secrets Manager (but its own key) or Lambda permission', () => {
    const actions = roleStatements(json, AGENT_ROLE).filter(({ statement }) => statement.Effect === 'Allow').flatMap(({ statement }) => asList(statement.Action));
    expect(actions.filter((a) => /^(bedrock|lambda):/.test(a))).toEqual([]);
  });

  it('model access is its own policy and names only the agent model routes, POST on the one stage', () => {
    const model = roleStatements(json, AGENT_ROLE).filter(({ policy }) => policy === 'model-access');
    expect(model.flatMap(({ statement }) => asList(statement.Resource))).toEqual([expect.stringMatching(/execution_arn\}\/v1\/POST\/agents\/triage\/models\/anthropic\.claude-3-haiku-20240307-v1-0\/invoke$/)]);
  });

  it('issue 11 break 1 (kind): tool access is its own policy, one ARN per method on the agent\'s own tool path', () => {
    const tool = roleStatements(json, AGENT_ROLE).filter(({ policy }) => policy === 'tool-access');
    expect(tool.flatMap(({ statement }) => asList(statement.Resource)).map((r) => r.replace(/^.*execution_arn\}/, ''))).toEqual(
      ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => `/v1/${m}/agents/triage/tools/*`),
    );
  });

  it('the integration identity holds model access and tool access in separate documents', () => {
    const byPolicy = (policy: string) => roleStatements(json, INTEGRATION_ROLE).filter((p) => p.policy === policy).map(({ statement }) => statement.Sid);
    expect([byPolicy('model-access'), byPolicy('tool-access')]).toEqual([
      ['InvokeGrantedModelsWithGuardrail', 'ApplyGuardrail', 'UseEnvironmentKeyThroughBedrock'],
      ['ReadToolCredentials', 'DecryptToolCredentials', 'InvokeToolFunctions'],
    ]);
  });

  it('the integration identity reads each tool credential and invokes each tool function, nothing else', () => {
    const tool = Object.fromEntries(roleStatements(json, INTEGRATION_ROLE).filter(({ policy }) => policy === 'tool-access').map(({ statement }) => [statement.Sid, [statement.Action, statement.Resource]]));
    expect(tool).toEqual({
      ReadToolCredentials: [['secretsmanager:GetSecretValue'], [TICKETING_SECRET]],
      DecryptToolCredentials: [['kms:Decrypt'], [expect.stringMatching(/aws_kms_key\.env_key/)]],
      InvokeToolFunctions: [['lambda:InvokeFunction'], [RUNBOOK_FUNCTION]],
    });
  });

  it('the model is invoked with the guardrail, by the integration identity only', () => {
    const invoke = roleStatements(json, INTEGRATION_ROLE).find(({ statement }) => statement.Sid === 'InvokeGrantedModelsWithGuardrail')!;
    expect(invoke.statement.Condition.StringEquals['bedrock:GuardrailIdentifier']).toMatch(/guardrail/);
  });

  it('issue 12 item 6: the integration identity is trusted by the gateway function alone, with a source identity', () => {
    const trust = JSON.parse(only(json, 'aws_iam_role', 'agent_integration-identity_role').assume_role_policy).Statement;
    expect(trust).toEqual([{ Sid: 'GatewayFunction', Effect: 'Allow', Principal: { AWS: expect.stringMatching(/role\/governed-platform\/dev\/dev-euw1-platform-gateway$/) }, Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'], Condition: { Null: { 'sts:SourceIdentity': 'false' } } }]);
  });

  it('a tool grant never grants a model: an agent with tools only has no model access and no model policy', () => {
    const onlyTools = synthAgent({ models: [] });
    const policies = resources(onlyTools, 'aws_verifiedpermissions_policy').map(([, p]) => p.definition[0].static[0].statement);
    expect([roleStatements(onlyTools, AGENT_ROLE).filter(({ policy }) => policy === 'model-access'), roleStatements(onlyTools, INTEGRATION_ROLE).filter(({ policy }) => policy === 'model-access'), policies.filter((s) => s.includes('invokeModel'))]).toEqual([[], [], []]);
  });

  it('a model grant never grants a tool: an agent with a model only has no tool route grant and no tool policy', () => {
    const onlyModel = synthAgent({ tools: [] });
    const policies = resources(onlyModel, 'aws_verifiedpermissions_policy').map(([, p]) => p.definition[0].static[0].statement);
    const toolPermits = policies.filter((s) => s.startsWith('permit') && /Governance::Tool|toolAction|Action::"(read|write|delete)"/.test(s));
    expect([roleStatements(onlyModel, AGENT_ROLE).filter(({ policy }) => policy === 'tool-access').length, roleStatements(onlyModel, INTEGRATION_ROLE).filter(({ policy }) => policy === 'tool-access').length, toolPermits.length, policies.length]).toEqual([0, 0, 0, 2]);
    // The second policy forbids every tool call: a permit another team adds to the store cannot give it one.
    expect(policies.filter((s) => s.startsWith('forbid'))).toEqual([expect.stringMatching(/^forbid \(\n  principal == Governance::Agent::"dev\/[a-z-]+",\n  action in Governance::Action::"toolAction",\n  resource\n\);$/)]);
  });

  it('a governed inference service is granted into the model-access policy, not a policy of its own', () => {
    const stack = testStack();
    const env = environment(stack);
    const chat = new GovernedInferenceService(stack, 'chat', serviceProps(env));
    agent(stack, env, { models: [chat] });
    const json2 = synth(stack);
    const policiesWithChat = roleStatements(json2, AGENT_ROLE).filter(({ statement }) => JSON.stringify(statement).includes('/v1/POST/workloads/chat/invoke'));
    expect(policiesWithChat.map(({ policy }) => policy)).toEqual(['model-access']);
  });
});

describe('GovernedAgent: route entry and key', () => {
  let json: TfJson;
  beforeAll(() => {
    json = synthAgent();
  });

  it('the route entry tells the gateway function the agent\'s models, guardrail and tools, never a credential value', () => {
    const value = only(json, 'aws_ssm_parameter', 'agent_route-entry').value;
    expect(value).toMatch(/"agent" = "triage", "models" = \{"anthropic\.claude-3-haiku-20240307-v1-0" = \{"modelId" = "anthropic\.claude-3-haiku-20240307-v1:0"/);
    expect(value).toMatch(/"ticketing-write" = \{"target" = \{"kind" = "http", "url" = "https:\/\/tickets\.example\.com\/api"\}, "credential" = \{"secretArn" = "arn:aws:secretsmanager:[^"]*", "header" = "Authorization"/);
    expect(value).toMatch(/"runbook-search" = \{"target" = \{"kind" = "lambda", "functionArn" = "arn:aws:lambda:eu-west-1:123456789012:function:runbook-search"\}, "credential" = null\}/);
  });

  it('the agent has its own gateway API key, readable by its role only, on its quota tier', () => {
    const secret = only(json, 'aws_secretsmanager_secret', 'agent_gateway-key');
    const [deny] = statements(only(json, 'aws_secretsmanager_secret_policy', 'agent_gateway-key').policy);
    expect([secret.tags['governance:quota-tier'], deny.Condition.ArnNotEquals['aws:PrincipalArn'][0]]).toEqual(['standard', expect.stringMatching(/aws_iam_role\.agent_identity_role/)]);
  });

  it('issue 10 item 7: its handles are Terraform outputs', () => {
    expect(Object.keys((json as any).output).filter((o) => o.startsWith('triage-')).sort()).toEqual(['triage-gateway-key-secret-arn', 'triage-gateway-url', 'triage-integration-role-arn', 'triage-role-arn']);
  });
});

describe('GovernedAgent: Cedar policies in Verified Permissions', () => {
  let json: TfJson;
  beforeAll(() => {
    json = synthAgent();
  });

  it('the environment\'s policy store validates strictly against the generated schema', () => {
    expect([only(json, 'aws_verifiedpermissions_policy_store').validation_settings, JSON.parse(only(json, 'aws_verifiedpermissions_schema').definition.value)]).toEqual([[{ mode: 'STRICT' }], cedarSchema()]);
  });

  it('one policy per tool action and model, in the environment\'s store', () => {
    const policies = resources(json, 'aws_verifiedpermissions_policy');
    expect(policies.map(([n, p]) => [n.replace(/_[0-9A-F]{8}$/, ''), p.policy_store_id]).sort()).toEqual([
      ['agent_cedar-actions-triage-runbook-search', expect.stringMatching(/aws_verifiedpermissions_policy_store\.env_agent-policy-store_.*\.policy_store_id/)],
      ['agent_cedar-actions-triage-ticketing-read', expect.anything()],
      ['agent_cedar-actions-triage-ticketing-write', expect.anything()],
      ['agent_cedar-approval-triage-ticketing-write-write', expect.anything()],
      ['agent_cedar-model-triage-0', expect.anything()],
      ['agent_cedar-tenants-triage', expect.anything()],
      ['agent_cedar-tool-triage-runbook-search-read', expect.anything()],
      ['agent_cedar-tool-triage-ticketing-read-read', expect.anything()],
      ['agent_cedar-tool-triage-ticketing-write-write', expect.anything()],
      ['agent_cedar-tools-triage', expect.anything()],
      ['agent_cedar-window-triage-ticketing-write', expect.anything()],
    ]);
  });

  it('a write is forbidden outside the window and without a named approver (forbids no added permit can lift)', () => {
    const statementOf = (name: string) => resources(json, 'aws_verifiedpermissions_policy').find(([n]) => n.includes(name))![1].definition[0].static[0].statement;
    expect(statementOf('window-triage-ticketing-write')).toMatch(/^forbid [\s\S]*unless \{ .*context\.minuteOfDay >= 420 && context\.minuteOfDay < 1140/);
    expect(statementOf('approval-triage-ticketing-write')).toMatch(/^forbid [\s\S]*action == Governance::Action::"write"[\s\S]*unless \{ context has approvedBy && \["incident-commander@example\.com"\]\.contains\(context\.approvedBy\) \}/);
    expect(statementOf('tool-triage-ticketing-write-write')).not.toMatch(/when|unless/);
  });

  it('the policy store is the platform\'s and carries the platform accountability', () => {
    expect(only(json, 'aws_verifiedpermissions_policy_store', 'env_').tags).toMatchObject({ [TAG_KEYS.owner]: 'ai-platform', [TAG_KEYS.workload]: 'platform' });
  });

  it('two agents of one environment share the environment\'s one policy store', () => {
    const stack = testStack();
    const env = environment(stack);
    agent(stack, env);
    agent(stack, env, { name: 'deployer' }, 'agent2');
    expect(resources(synth(stack), 'aws_verifiedpermissions_policy_store').length).toBe(1);
  });
});

describe('GovernedAgent: revocation is one switch (issue 12 items 1 and 2)', () => {
  let json: TfJson;
  beforeAll(() => {
    json = synthAgent({ revoked: REVOKED, runtime: { kubernetes: agentProps(undefined as never).runtime.kubernetes, bedrockAgent: { foundationModel: MODELS[0], instruction: 'Triage incidents: read tickets and runbooks, propose next steps.' } } });
  });

  it('denies everything on every role of the agent, sessions issued before the revocation included', () => {
    for (const role of [AGENT_ROLE, INTEGRATION_ROLE]) {
      const revocation = roleStatements(json, role).filter(({ policy }) => policy === 'revocation').map(({ statement }) => statement);
      expect([role, revocation]).toEqual([role, [
        { Sid: 'RevokedDenyAll', Effect: 'Deny', Action: '*', Resource: '*' },
        { Sid: 'RevokedDenyEarlierSessions', Effect: 'Deny', Action: '*', Resource: '*', Condition: { DateLessThan: { 'aws:TokenIssueTime': REVOKED.at } } },
      ]]);
    }
  });

  it('scales the agent to zero and removes its Pod Identity association', () => {
    expect([only(json, 'kubernetes_deployment_v1').spec.replicas, json.resource.aws_eks_pod_identity_association]).toEqual(['0', undefined]);
  });

  it('removes the prepared Bedrock agent', () => {
    expect([json.resource.aws_bedrockagent_agent, resources(json, 'aws_iam_role').filter(([n]) => n.includes('bedrock-agent'))]).toEqual([undefined, []]);
  });

  it('disables its gateway key at apply and stops rotating it', () => {
    const invocation = only(json, 'aws_lambda_invocation', 'agent_gateway-key');
    expect([JSON.parse(invocation.input).action, invocation.function_name, invocation.triggers.revokedAt]).toEqual(['revoke', expect.stringMatching(/aws_lambda_function\.env_rotation_function/), REVOKED.at]);
    expect(resources(json, 'aws_secretsmanager_secret_rotation').filter(([n]) => n.startsWith('agent_'))).toEqual([]);
  });

  it('marks its route entry revoked: the gateway function refuses it before anything is asked', () => {
    expect(only(json, 'aws_ssm_parameter', 'agent_route-entry').value).toContain(`"revoked" = {"by" = "${REVOKED.by}", "at" = "${REVOKED.at}"`);
  });

  it('adds a Cedar forbid on every action of the agent', () => {
    const forbid = resources(json, 'aws_verifiedpermissions_policy').find(([n]) => n.includes('revoked'))![1].definition[0].static[0];
    expect(forbid).toEqual({ description: `dev/triage revoked by ${REVOKED.by} at ${REVOKED.at}: ${REVOKED.reason}`, statement: 'forbid (\n  principal == Governance::Agent::"dev/triage",\n  action,\n  resource\n);' });
  });

  it('records who revoked, when and why in the tags', () => {
    expect(only(json, 'aws_iam_role', 'agent_identity_role').tags).toMatchObject({
      [TAG_KEYS.revokedBy]: REVOKED.by,
      [TAG_KEYS.revokedAt]: REVOKED.at,
      [TAG_KEYS.revokedReason]: 'INC-4711: prompt injection wrote to tickets',
    });
  });

  it('a scheduled revocation denies from its time on, and leaves the rest to the first apply after it', () => {
    const scheduled = synthAgent({ revoked: { ...REVOKED, at: '2026-12-24T00:00:00Z', scheduled: true } });
    const revocation = roleStatements(scheduled, AGENT_ROLE).filter(({ policy }) => policy === 'revocation').map(({ statement }) => statement);
    expect(revocation).toEqual([{ Sid: 'RevokedDenyAllFromScheduledTime', Effect: 'Deny', Action: '*', Resource: '*', Condition: { DateGreaterThanEquals: { 'aws:CurrentTime': '2026-12-24T00:00:00Z' } } }]);
    expect(only(scheduled, 'kubernetes_deployment_v1').spec.replicas).toBe('1');
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

  it('runs with an identity Bedrock assumes for this account\'s agents only, which may invoke the granted model only', () => {
    const role = only(json, 'aws_iam_role', 'bedrock-agent-identity');
    const invoke = roleStatements(json, 'agent_bedrock-agent-identity_role').find(({ statement }) => statement.Sid === 'InvokeAgentFoundationModel')!;
    const [trust] = JSON.parse(role.assume_role_policy).Statement;
    expect([trust.Principal.Service, trust.Condition.ArnLike['aws:SourceArn'], invoke.statement.Resource]).toEqual(['bedrock.amazonaws.com', expect.stringMatching(/^arn:aws:bedrock:eu-west-1:\$\{.*\}:agent\/\*$/), `arn:aws:bedrock:eu-west-1::foundation-model/${MODELS[0]}`]);
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
    const prod = new GovernedEnvironment(stack, 'env-prod', envProps({ name: 'prod', tier: 'production', ...SECOND_ENV, accountId: '210987654321', accountSettings: 'owned-here', kubernetes: { ...envProps().kubernetes!, clusterName: 'ai-prod' } }));
    expect(() => agent(stack, prod, { owner: { ...AGENT_OWNER, team: 'platform-sre' } }, 'other-team')).toThrow(/owner\.team: got "platform-sre"; allowed: team sre, which owns agent triage at 'test\/agent' \(dev\)/);
  });

  it('fails when one pod identity would serve the agent in two environments', () => {
    const stack = testStack();
    agent(stack, environment(stack));
    const staging = new GovernedEnvironment(stack, 'env-staging', envProps({ name: 'staging', ...SECOND_ENV }));
    expect(() => agent(stack, staging, {}, 'staging-agent')).toThrow(/runtime\.kubernetes\.namespace: got "triage"; allowed: a namespace not already bound to agent triage on cluster ai-workloads/);
  });

  it('accepts the same agent in two environments on one cluster with a namespace each', () => {
    const stack = testStack();
    agent(stack, environment(stack));
    const staging = new GovernedEnvironment(stack, 'env-staging', envProps({ name: 'staging', ...SECOND_ENV }));
    const kubernetes = { ...agentProps(undefined as never).runtime.kubernetes, namespace: 'triage-staging' };
    expect(() => agent(stack, staging, { runtime: { kubernetes } }, 'staging-agent')).not.toThrow();
  });

  it('fails when a governed service of another environment is granted', () => {
    const stack = testStack();
    const dev = environment(stack);
    const staging = new GovernedEnvironment(stack, 'env-staging', envProps({ name: 'staging', ...SECOND_ENV }));
    const chat = new GovernedInferenceService(stack, 'chat', serviceProps(staging));
    expect(() => agent(stack, dev, { models: [chat] })).toThrow(/models\[0\]: got "chat in staging"; allowed: a governed service of environment dev/);
  });

  it('issue 11 break 8: fails when a tool URL carries a user name and password, and does not echo them', () => {
    const tool = { ...agentTools()[0], target: { kind: 'http' as const, url: 'https://bot:s3cr3t@tickets.example.com/api' } };
    expect(build({ tools: [tool] })).toThrow(/tools\[0\] \(ticketing-read\)\.target\.url: got "https:\/\/REDACTED:REDACTED@tickets\.example\.com\/api"; allowed: a URL without user name or password/);
    expect(build({ tools: [tool] })).not.toThrow(/s3cr3t/);
  });

  it('issue 11 break 8: fails when a tool URL is loopback with a key in the query', () => {
    const tool = { ...agentTools()[0], target: { kind: 'http' as const, url: 'https://localhost:8443/admin?api_key=abc123' } };
    expect(build({ tools: [tool] })).toThrow(/a URL without credential-like query parameters \(found api_key\)[\s\S]*a public host name \(not loopback/);
    expect(build({ tools: [tool] })).not.toThrow(/abc123/);
  });

  it('issue 11 break 8: fails when a tool URL is the instance metadata address', () => {
    const tool = { ...agentTools()[0], target: { kind: 'http' as const, url: 'https://169.254.169.254/latest/meta-data' } };
    expect(build({ tools: [tool] })).toThrow(/target\.url: got "https:\/\/169\.254\.169\.254\/latest\/meta-data"; allowed: a public host name/);
  });

  it('fails when a tool URL is not https', () => {
    expect(build({ tools: [{ ...agentTools()[0], target: { kind: 'http', url: 'http://tickets.example.com/api' } }] })).toThrow(/target\.url: got "http:\/\/tickets\.example\.com\/api"; allowed: an https URL/);
  });

  it('issue 11 break 8: fails when a Lambda tool lives in a region the environment does not allow', () => {
    const tool = { ...agentTools()[2], target: { kind: 'lambda' as const, functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:runbook-search' } };
    expect(build({ tools: [tool] })).toThrow(/tools \(runbook-search\)\.target\.functionArn: got "arn:aws:lambda:us-east-1:123456789012:function:runbook-search"; allowed: a function in one of dev's allowed regions \["eu-west-1"\]/);
  });

  it('fails when a Lambda tool or a tool credential is not one the platform allows', () => {
    const fn = { ...agentTools()[2], target: { kind: 'lambda' as const, functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:delete-everything' } };
    const cred = { ...agentTools()[0], credential: { secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-root-AbCdEf', rotationDays: 30 } };
    expect(build({ tools: [fn] })).toThrow(/allowed: a function on dev's allowedToolTargets\.functions \["arn:aws:lambda:eu-west-1:123456789012:function:runbook-\*"\]; fix: ask the platform team \(sam\.ortiz@example\.com\)/);
    expect(build({ tools: [cred] })).toThrow(/credential\.secretArn: got "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod\/db-root-AbCdEf"; allowed: a secret on dev's allowedToolTargets\.credentialSecrets/);
  });

  it('issue 11 item 4: fails when an approver is not registered with the environment (no key of their own to sign with)', () => {
    const tool = { ...agentTools()[1], approval: { approvers: ['someone-else@example.com'] } };
    expect(build({ tools: [tool] })).toThrow(/approval\.approvers\[0\]: got "someone-else@example\.com"; allowed: an approver registered with dev \(incident-commander@example\.com, sre-lead@example\.com\)/);
  });

  it('fails when a tool targets a governed service (the gateway decides tools outside the VPC)', () => {
    const tool = { name: 'summarize', target: { kind: 'governed-service' as const, service: { name: 'summarizer' } }, actions: ['write' as const], sensitivity: 'low' as const, credential: { secretArn: TICKETING_SECRET, rotationDays: 30 } };
    expect(build({ tools: [tool] })).toThrow(/tools \(summarize\)\.target: got .*; allowed: an http or lambda tool; fix: call the service as a model instead \(models: \[summarizer\]\)/);
  });

  it('issue 12 item 2: fails when a revoked service is given as a model', () => {
    const stack = testStack();
    const env = environment(stack);
    const chat = new GovernedInferenceService(stack, 'chat', serviceProps(env, { revoked: REVOKED }));
    expect(() => agent(stack, env, { models: [chat] })).toThrow(/models: got "chat"; allowed: services that are not revoked; fix: remove chat from the agent's models: it was revoked \(test\/chat\)/);
  });

  it('issue 12 item 2: fails when someone other than a named revoker revokes', () => {
    expect(build({ revoked: { ...REVOKED, by: 'mallory@example.com' } })).toThrow(/revoked\.by: got "mallory@example\.com"; allowed: a named revoker of this workload or its environment \(secops@example\.com\)/);
  });

  it('issue 12 item 2: fails when a revocation is dated in the future without being scheduled', () => {
    expect(build({ revoked: { ...REVOKED, at: '2031-01-01T00:00:00Z' } })).toThrow(/revoked\.at: got "2031-01-01T00:00:00Z"; allowed: a time not after today \(2026-11-22\), or a scheduled revocation; fix: .*add revoked\.scheduled: true/);
  });

  it('reports every problem at once', () => {
    expect(build({ owner: undefined as never, tools: [{ ...agentTools()[0], actions: [] }] })).toThrow(/\(2 problems\)/);
  });
});
