import { GovernedInferenceService } from '../../constructs/workloads/governed-inference-service';
import { WorkloadStack } from '../../stacks/workload-stack';
import { serviceProps, synth, testApp, type TfJson } from '../support';
import { agent } from './agent.support';

/**
 * Found by the e2e tier (terraform plan of the product stacks): the AWS provider marks an SSM
 * parameter's value sensitive whatever its type, so an output computed from the environment
 * contract failed the plan with "Output refers to sensitive values". The URLs are no secret.
 */
let json: TfJson & { output: Record<string, { value: string }> };
beforeAll(() => {
  const stack = new WorkloadStack(testApp(), 'product-dev', { environmentName: 'dev', region: 'eu-west-1', contract: { kubernetes: 'from-contract' } });
  new GovernedInferenceService(stack, 'chat', serviceProps(stack.environment));
  agent(stack, stack.environment);
  json = synth(stack) as typeof json;
});

describe('outputs read from the contract', () => {
  test("a service's route URL is output as a non-sensitive value", () => {
    expect(json.output['chat-route-url'].value).toMatch(/^\$\{nonsensitive\(".*data\.aws_ssm_parameter\..*gateway\.invokeUrl.*\/workloads\/chat\/invoke"\)\}$/);
  });

  test("an agent's gateway URL is output as a non-sensitive value", () => {
    expect(json.output['triage-gateway-url'].value).toMatch(/^\$\{nonsensitive\(".*data\.aws_ssm_parameter\..*gateway\.invokeUrl.*\/agents\/triage"\)\}$/);
  });
});
