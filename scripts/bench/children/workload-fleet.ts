import * as path from 'path';
import { App } from 'cdktf';
import { packageRoot } from '../../../constructs/package-files';
import { EXAMPLE_REGION } from '../../../examples/platform-app';
import { appOptions } from '../../../stacks/app-options';
import { WorkloadStack } from '../../../stacks/workload-stack';
import { GovernedInferenceService } from '../../../constructs/workloads/governed-inference-service';

/** dev's pinned contract (the e2e tier exported it from the platform example applied to moto). */
const CONTRACT = path.join(packageRoot(), 'test', 'fixtures', 'contracts', 'dev.json');

/**
 * N Bedrock inference services in one environment (dev, read from its pinned contract), as a
 * product team would write them in its own repository: the workload the scaling and rule-engine
 * measurements grow. The app is a plain App, governed at synth like any app with governed constructs;
 * `app` lets a test build the fleet in a GovernedApp (the quota tests), and `outdir` is then unused.
 */
export function workloadFleet(outdir: string, count: number, app: App = new App({ ...appOptions(), outdir })): { app: App; stack: WorkloadStack } {
  const stack = new WorkloadStack(app, 'fleet-dev', { environmentName: 'dev', region: EXAMPLE_REGION, contract: { file: CONTRACT } });
  for (let i = 0; i < count; i++) {
    new GovernedInferenceService(stack, `fraud-svc-${i}`, {
      environment: stack.environment,
      name: `fraud-svc-${i}`,
      owner: {
        // A team the example platform declares (deploymentTeams: risk-ml deploys `fraud-*`).
        team: 'risk-ml',
        accountable: 'owner@example.com',
        approver: 'approver@example.com',
        revoker: 'revoker@example.com',
        reviewBy: '2027-03-31',
      },
      dataClassification: 'internal',
      model: { bedrock: { modelId: 'anthropic.claude-3-haiku-20240307-v1:0' } },
    });
  }
  return { app, stack };
}
