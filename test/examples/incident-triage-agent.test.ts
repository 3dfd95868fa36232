import { Testing } from 'cdktf';
import { incidentTriageApp } from '../../examples/incident-triage-agent';
import { resources, statements, testApp, type TfJson } from '../support';

let json: TfJson;
beforeAll(() => {
  json = JSON.parse(Testing.synth(incidentTriageApp(testApp())));
});

/** The agent's route entry (what the environment's gateway function reads), decoded from its HCL `jsonencode`. */
function routeEntry(agent: string): { name: string; value: string; lifecycle?: any } {
  const [, parameter] = resources(json, 'aws_ssm_parameter').find(([n]) => n.startsWith(`${agent}_route-entry`))!;
  return parameter;
}

/** Every statement of one of the agent's roles' inline policies, by concern. */
function policy(agent: string, role: 'identity' | 'integration-identity', concern: string): any[] {
  const [, p] = resources(json, 'aws_iam_role_policy').find(([n]) => n.startsWith(`${agent}_${role}_policy-${concern}_`))!;
  return statements(p.policy);
}

describe('example: incident-triage agent', () => {
  it('adds no API Gateway resource: its routes are the platform gateway\'s fixed ones', () => {
    expect(Object.keys(json.resource).filter((type) => type.startsWith('aws_api_gateway_'))).toEqual([]);
  });

  it('publishes one route entry with its three tools: ticketing read, ticketing write, runbook search', () => {
    const entry = routeEntry('incident-triage');
    expect(entry.name).toBe('/governance/dev/agents/incident-triage');
    const tools = [...entry.value.matchAll(/"([a-z-]+)" = \{"target"/g)].map((m) => m[1]);
    expect(tools.sort()).toEqual(['runbook-search', 'ticketing-read', 'ticketing-write']);
    expect(entry.value).toContain('"revoked" = null');
  });

  it("may call only its own tool routes, one ARN per method, through the environment's endpoint", () => {
    const [call] = policy('incident-triage', 'identity', 'tool-access');
    const gateway = '${jsondecode(data.aws_ssm_parameter.environment_contract_3499FA03.value).gateway.executionArn}';
    expect(call.Resource).toEqual(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => `${gateway}/v1/${m}/agents/incident-triage/tools/*`));
    expect(call.Condition).toEqual({ StringEquals: { 'aws:SourceVpce': '${jsondecode(data.aws_ssm_parameter.environment_contract_3499FA03.value).vpcEndpoints.executeApi}' } });
  });

  it('keeps model access and tool access apart: its pods call routes, its integration identity holds the model and the tools', () => {
    expect(policy('incident-triage', 'identity', 'model-access').flatMap((s) => s.Action)).toEqual(['execute-api:Invoke']);
    expect(policy('incident-triage', 'integration-identity', 'model-access').map((s) => s.Sid)).not.toContain('ReadToolCredentials');
    expect(policy('incident-triage', 'integration-identity', 'tool-access').map((s) => [s.Sid, s.Resource])).toEqual([
      ['ReadToolCredentials', ['arn:aws:secretsmanager:eu-west-1:123456789012:secret:ticketing/agent-api-token-Q1w2E3']],
      ['DecryptToolCredentials', ['${jsondecode(data.aws_ssm_parameter.environment_contract_3499FA03.value).kmsKeyArn}']],
      ['InvokeToolFunctions', ['arn:aws:lambda:eu-west-1:123456789012:function:runbook-search']],
    ]);
  });

  it('writes to tickets only in working hours with the incident commander or the SRE lead approving', () => {
    const statementOf = (name: string) => resources(json, 'aws_verifiedpermissions_policy').find(([n]) => n.includes(name))![1].definition[0].static[0].statement as string;
    expect(statementOf('approval-incident-triage-ticketing-write')).toMatch(/^forbid [\s\S]*unless \{ context has approvedBy && \["incident-commander@example\.com", "sre-lead@example\.com"\]\.contains\(context\.approvedBy\) \};$/);
    expect(statementOf('window-incident-triage-ticketing-write')).toMatch(/^forbid [\s\S]*unless \{ .*context\.minuteOfDay/);
  });

  it('checks its model against the contract allow-list at plan (the list lives in the platform stack)', () => {
    const [precondition] = routeEntry('incident-triage').lifecycle.precondition;
    expect(precondition.condition).toBe('${contains(jsondecode(data.aws_ssm_parameter.environment_contract_3499FA03.value).allowedModels, "anthropic.claude-3-5-sonnet-20240620-v1:0")}');
    expect(precondition.error_message).toMatch(/anthropic\.claude-3-5-sonnet-20240620-v1:0 is not on dev's allowedModels/);
  });
});

describe('example: the revoked triage-prototype', () => {
  it('denies everything on each of its roles, sessions issued before the revocation included', () => {
    const roles = resources(json, 'aws_iam_role').filter(([n]) => n.startsWith('triage-prototype_')).map(([n]) => n.replace(/_role_[0-9A-F]+$/, ''));
    expect(roles.sort()).toEqual(['triage-prototype_identity', 'triage-prototype_integration-identity']);
    for (const role of ['identity', 'integration-identity'] as const) {
      expect(policy('triage-prototype', role, 'revocation')).toEqual([
        { Sid: 'RevokedDenyAll', Effect: 'Deny', Action: '*', Resource: '*' },
        { Sid: 'RevokedDenyEarlierSessions', Effect: 'Deny', Action: '*', Resource: '*', Condition: { DateLessThan: { 'aws:TokenIssueTime': '2026-11-18T16:30:00Z' } } },
      ]);
    }
  });

  it('runs no pods, has no Pod Identity association and says revoked in its route entry', () => {
    const deployment = resources(json, 'kubernetes_deployment_v1').find(([n]) => n.startsWith('triage-prototype_'))![1];
    expect(deployment.spec.replicas).toBe('0');
    expect(resources(json, 'aws_eks_pod_identity_association').map(([n]) => n.split('_')[0])).toEqual(['incident-triage']);
    expect(routeEntry('triage-prototype').value).toContain('"revoked" = {"by" = "secops-oncall@example.com", "at" = "2026-11-18T16:30:00Z"');
  });

  it('stops rotating its gateway key and revokes the keys already issued at apply', () => {
    const [secretName] = resources(json, 'aws_secretsmanager_secret').find(([n]) => n.startsWith('triage-prototype_gateway-key'))!;
    expect(resources(json, 'aws_secretsmanager_secret_rotation').filter(([, r]) => r.secret_id.includes(secretName))).toEqual([]);
    const [, invocation] = resources(json, 'aws_lambda_invocation').find(([n]) => n.startsWith('triage-prototype_gateway-key'))!;
    expect(JSON.parse(invocation.input)).toEqual({ action: 'revoke', secretId: `\${aws_secretsmanager_secret.${secretName}.arn}` });
  });

  it('gets a Cedar forbid on every tool call', () => {
    const forbid = resources(json, 'aws_verifiedpermissions_policy').filter(([n]) => n.startsWith('triage-prototype_')).map(([, p]) => p.definition[0].static[0].statement).find((st: string) => st.startsWith('forbid') && !/when|unless/.test(st) && /\n  action,\n/.test(st));
    expect(forbid).toBe('forbid (\n  principal == Governance::Agent::"dev/triage-prototype",\n  action,\n  resource\n);');
  });
});
