import { classifyChanges, type ResourceChange } from '../../scripts/e2e/emulator-gaps';
import { substituteEchoGapReads, substituteStandIns, templateToHcl } from '../../scripts/e2e/stand-ins';
import type { TerraformJson } from '../../scripts/e2e/terraform-json';

const update = (type: string, before: Record<string, unknown>, after: Record<string, unknown>): ResourceChange => ({
  address: `${type}.x`,
  type,
  change: { actions: ['update'], before, after, after_unknown: {} },
});

describe('second plan: emulator echo gaps', () => {
  test('tolerates a KMS rotation period moto does not return', () => {
    expect(classifyChanges([update('aws_kms_key', { rotation_period_in_days: 0 }, { rotation_period_in_days: 365 })])[0].tolerated).toMatch(/RotationPeriodInDays/);
  });

  test('does not tolerate another change on the same resource', () => {
    const v = classifyChanges([update('aws_kms_key', { rotation_period_in_days: 0, description: 'a' }, { rotation_period_in_days: 365, description: 'b' })]);
    expect(v[0].tolerated).toBeUndefined();
  });

  test('does not tolerate a replacement', () => {
    const rc: ResourceChange = { address: 'aws_kms_key.x', type: 'aws_kms_key', change: { actions: ['delete', 'create'], before: {}, after: {} } };
    expect(classifyChanges([rc])[0].tolerated).toBeUndefined();
  });

  test("tolerates a stage's client certificate id moto does not keep", () => {
    expect(classifyChanges([update('aws_api_gateway_stage', { client_certificate_id: '' }, { client_certificate_id: 'e2estandin' })])[0].tolerated).toMatch(/no client certificates/);
  });

  test("does not tolerate a stage's new deployment", () => {
    expect(classifyChanges([update('aws_api_gateway_stage', { client_certificate_id: '', deployment_id: 'a' }, { client_certificate_id: 'x', deployment_id: 'b' })])[0].tolerated).toBeUndefined();
  });

  test('ignores no-op and read', () => {
    const rc: ResourceChange = { address: 'aws_kms_key.x', type: 'aws_kms_key', change: { actions: ['no-op'] } };
    expect(classifyChanges([rc])).toEqual([]);
  });
});

describe('stand-ins for references to left-out resources', () => {
  const platform = (): TerraformJson => ({
    resource: {
      aws_bedrock_guardrail: { g: { name: 'g' } },
      aws_api_gateway_client_certificate: { cert: { description: 'c' } },
      aws_api_gateway_rest_api: { api: { name: 'api' } },
      aws_api_gateway_rest_api_policy: { policy: { rest_api_id: '${aws_api_gateway_rest_api.api.id}', policy: '{"Resource":"${aws_api_gateway_rest_api.api.execution_arn}/*"}' } },
      aws_api_gateway_deployment: {
        d: { rest_api_id: '${aws_api_gateway_rest_api.api.id}', triggers: { redeployment: '${sha1(jsonencode([aws_api_gateway_rest_api_policy.policy.policy]))}' }, depends_on: ['aws_api_gateway_rest_api_policy.policy'] },
      },
      aws_api_gateway_stage: { s: { deployment_id: '${aws_api_gateway_deployment.d.id}', client_certificate_id: '${aws_api_gateway_client_certificate.cert.id}' } },
      aws_ssm_parameter: {
        contract: { name: '/governance/dev/contract', type: 'String', value: '${jsonencode({"guardrail" = aws_bedrock_guardrail.g.guardrail_arn})}' },
        pem: { name: '/x/pem', type: 'String', value: '${aws_api_gateway_client_certificate.cert.pem_encoded_certificate}' },
      },
    },
  });
  const seeds = new Set(['aws_bedrock_guardrail.g', 'aws_api_gateway_client_certificate.cert', 'aws_api_gateway_rest_api_policy.policy']);

  test('puts a guardrail ARN of the right shape into the contract', () => {
    const json = platform();
    substituteStandIns(json, seeds, 'eu-west-1', '123456789012');
    expect(json.resource!.aws_ssm_parameter.contract.value).toBe('${jsonencode({"guardrail" = "arn:aws:bedrock:eu-west-1:123456789012:guardrail/e2estandin00001"})}');
  });

  test('names the stage a client certificate id moto never issued', () => {
    const json = platform();
    substituteStandIns(json, seeds, 'eu-west-1', '123456789012');
    expect(json.resource!.aws_api_gateway_stage.s.client_certificate_id).toBe('${"e2estandin"}');
  });

  test('hashes the left-out REST API policy by its configured value', () => {
    const json = platform();
    substituteStandIns(json, seeds, 'eu-west-1', '123456789012');
    expect(json.resource!.aws_api_gateway_deployment.d.triggers).toEqual({
      redeployment: '${sha1(jsonencode([(join("", ["{\\"Resource\\":\\"", tostring(aws_api_gateway_rest_api.api.execution_arn), "/*\\"}"]))]))}',
    });
  });

  test('drops a left-out resource from depends_on and says why', () => {
    const json = platform();
    const done = substituteStandIns(json, seeds, 'eu-west-1', '123456789012');
    expect([json.resource!.aws_api_gateway_deployment.d.depends_on, done.find((d) => d.reference.startsWith('depends_on'))?.why]).toEqual([
      undefined,
      'aws_api_gateway_rest_api_policy.policy is left out, so there is nothing to wait for',
    ]);
  });

  test('leaves a resource alone when one of its references has no stand-in (a certificate PEM)', () => {
    const json = platform();
    substituteStandIns(json, seeds, 'eu-west-1', '123456789012');
    expect(json.resource!.aws_ssm_parameter.pem.value).toBe('${aws_api_gateway_client_certificate.cert.pem_encoded_certificate}');
  });

  test('lists every substitution with the reference, the value and the reason', () => {
    const done = substituteStandIns(platform(), seeds, 'eu-west-1', '123456789012');
    expect(done.find((d) => d.address === 'aws_api_gateway_stage.s')).toEqual({
      address: 'aws_api_gateway_stage.s',
      reference: 'aws_api_gateway_client_certificate.cert.id',
      value: '"e2estandin"',
      why: expect.stringMatching(/GenerateClientCertificate answers 404/),
    });
  });

  test('has no stand-in for a configured value that names another left-out resource', () => {
    const json: TerraformJson = {
      resource: {
        aws_budgets_budget: { b: { name: 'b' } },
        aws_api_gateway_rest_api_policy: { policy: { rest_api_id: 'x', policy: '${aws_budgets_budget.b.name}' } },
        aws_ssm_parameter: { p: { name: '/p', value: '${aws_api_gateway_rest_api_policy.policy.policy}' } },
      },
    };
    expect(substituteStandIns(json, new Set(['aws_budgets_budget.b', 'aws_api_gateway_rest_api_policy.policy']), 'r', 'a')).toEqual([]);
  });

  test("lets a redeployment trigger read an integration's configured connection id (moto returns none)", () => {
    const json: TerraformJson = {
      resource: {
        aws_api_gateway_integration: { http: { connection_id: 'vl4example', type: 'HTTP_PROXY' } },
        aws_api_gateway_deployment: { d: { triggers: { redeployment: '${sha1(jsonencode([aws_api_gateway_integration.http.connection_id, aws_api_gateway_integration.http.type]))}' } } },
      },
    };
    substituteEchoGapReads(json);
    expect(json.resource!.aws_api_gateway_deployment.d.triggers).toEqual({ redeployment: '${sha1(jsonencode(["vl4example", aws_api_gateway_integration.http.type]))}' });
  });

  test('turns a JSON template with interpolations into one HCL expression', () => {
    expect(templateToHcl('{"Resource":"${aws_x.y.arn}"}')).toBe('join("", ["{\\"Resource\\":\\"", tostring(aws_x.y.arn), "\\"}"])');
  });

  test('turns plain text into a quoted string', () => {
    expect(templateToHcl('vl4example')).toBe('"vl4example"');
  });
});
