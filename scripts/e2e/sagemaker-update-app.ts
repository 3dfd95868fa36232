/**
 * A product repository's SageMaker service, synthesized twice by the e2e tier's update phase
 * (scripts/e2e/sagemaker-update.ts): once with the instance type it is applied with, once with the
 * instance type it is changed to ($SCORER_INSTANCE_TYPE). The environment comes from the pinned
 * contract ($PINNED_CONTRACT) the pinned-contract phase wrote.
 */
import { GovernedApp } from '../../constructs/policy-engine/governed-app';
import { GovernedInferenceService } from '../../constructs/workloads/governed-inference-service';
import { EXAMPLE_REGION } from '../../examples/platform-app';
import { appOptions } from '../../stacks/app-options';
import { WorkloadStack } from '../../stacks/workload-stack';

const file = process.env.PINNED_CONTRACT;
const instanceType = process.env.SCORER_INSTANCE_TYPE;
if (!file || !instanceType) throw new Error('sagemaker-update-app: set PINNED_CONTRACT (the pinned contract file) and SCORER_INSTANCE_TYPE (an ml.* instance type)');

const app = new GovernedApp({ ...appOptions() });
const stack = new WorkloadStack(app, 'scorer-dev', { environmentName: 'dev', region: EXAMPLE_REGION, contract: { file } });
new GovernedInferenceService(stack, 'update-scorer', {
  environment: stack.environment,
  name: 'update-scorer',
  owner: { team: 'risk-ml', accountable: 'ken.ito@example.com', approver: 'sam.ortiz@example.com', revoker: 'secops-oncall@example.com', reviewBy: '2027-03-31' },
  dataClassification: 'restricted',
  tenants: ['acme'],
  model: { sageMaker: { image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/fraud-model@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', instanceType } },
});
app.synth();
