/**
 * The audit trail against a workload that widened its own policy (issue 12 item 4): with a
 * team-added `logs:*` and `s3:PutObject` on `*`, a workload identity still cannot write the
 * environment's audit log groups (`/governed/<env>/audit/*`), the gateway decision log, another
 * workload's log group, the archive's invocation-log prefix or another endpoint's capture prefix
 * (its permission boundary); it can write its own log group, and a SageMaker endpoint its own
 * capture prefix.
 */
import type { AccessRequest } from '../evaluate';
import { environmentsOf, isRevoked, rolesOfKind, workloadOf } from '../identities';
import type { LogGroupView, PolicyWorld } from '../policy-world';
import { teamAdded } from '../principals';

const stream = (g: LogGroupView) => `${g.arn}:log-stream:e2e`;

export function auditWriteRequests(world: PolicyWorld): AccessRequest[] {
  const requests: AccessRequest[] = [];
  const widened = [
    teamAdded('logs:*', { Effect: 'Allow', Action: 'logs:*', Resource: '*' }),
    teamAdded('s3:PutObject *', { Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }),
  ];
  for (const env of environmentsOf(world)) {
    const roles = rolesOfKind(world, 'workload', env).filter((r) => !isRevoked(r));
    const logs = world.endpointFor('logs', env);
    const groups = world.logGroups.filter((g) => g.name.startsWith(`/governed/${env}/`));
    const workloadGroup = (w: string) => groups.find((g) => g.name === `/governed/${env}/${w}`);
    const archives = world.archiveBuckets.filter((b) => b.startsWith(`governed-${env}-audit-`));
    // SageMaker endpoints of the environment, from their route entries: each captures under its own prefix.
    const capturing = new Set(world.routeEntries.filter((e) => e.environment === env && e.entry.kind === 'sagemaker').map((e) => String(e.entry.endpointName)));
    for (const role of roles) {
      const own = workloadOf(role)!;
      const write = (matrix: string, resource: string, expected: 'Allowed' | 'Denied', action = 'logs:PutLogEvents') =>
        requests.push({ matrix, principal: role, action, resource, viaEndpoint: action.startsWith('logs:') ? logs : undefined, teamAdded: widened, expected });
      for (const g of groups) {
        if (g.name.startsWith(`/governed/${env}/audit/`)) write(`issue 12 item 4: workload writes the audit log group ${g.name}`, stream(g), 'Denied');
        else if (g.name.startsWith(`/governed/${env}/gateway/`)) write(`issue 12 item 4: workload writes the gateway decision log ${g.name}`, stream(g), 'Denied');
      }
      for (const g of groups.filter((x) => x !== workloadGroup(own) && roles.some((r) => x === workloadGroup(workloadOf(r)!)))) {
        write("issue 12 item 4: workload writes another workload's log group", stream(g), 'Denied');
        write("issue 12 item 4: workload creates a stream in another workload's log group", stream(g), 'Denied', 'logs:CreateLogStream');
      }
      const mine = workloadGroup(own);
      if (mine) write('issue 12 item 4: workload writes its own log group', stream(mine), 'Allowed');
      for (const bucket of archives) {
        write('issue 12 item 4: workload writes the invocation-log archive prefix', `arn:aws:s3:::${bucket}/bedrock/AWSLogs/e2e.json.gz`, 'Denied', 's3:PutObject');
        for (const other of [...capturing, `${env}-another-endpoint`].filter((n) => n !== `${env}-${own}`)) {
          write("issue 12 item 4: workload writes another endpoint's capture prefix", `arn:aws:s3:::${bucket}/sagemaker/${other}/e2e.jsonl`, 'Denied', 's3:PutObject');
        }
        if (capturing.has(`${env}-${own}`)) write('issue 12 item 4: SageMaker endpoint writes its own capture prefix', `arn:aws:s3:::${bucket}/sagemaker/${env}-${own}/e2e.jsonl`, 'Allowed', 's3:PutObject');
      }
    }
  }
  return requests;
}
