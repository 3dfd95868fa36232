/**
 * The access matrix's declared intent, written from the apps (never from the policies under test):
 * which gateway routes each workload identity may call, per environment. Every other route, and
 * every disguised path, is expected denied, so a grant added to an example without a line here
 * fails the e2e tier until a reviewer adds it.
 *
 * A route grant's path is concrete, or ends in `/*` for "anything below" (an agent's tools). The
 * stage is always the gateway's one stage (`v1`).
 */
import { HTTP_GRANT_METHODS } from '../../../constructs/governance/gateway-routes';

export interface RouteGrant {
  readonly methods: readonly string[];
  /** Path without the stage: `workloads/support-chat/invoke`, `agents/incident-triage/tools/*`. */
  readonly path: string;
}

export const EXPECTED_ROUTE_GRANTS: Readonly<Record<string, Readonly<Record<string, readonly RouteGrant[]>>>> = {
  dev: {
    // examples/product-app.ts: chat.grantInvoke(summarizer) (support-chat is Bedrock-backed: POST invoke).
    'ticket-summarizer': [{ methods: ['POST'], path: 'workloads/support-chat/invoke' }],
    // examples/incident-triage-agent.ts: an agent calls its own model route and its own tools
    // (which tool, action, time and approval is Cedar's decision, after IAM).
    'incident-triage': [
      { methods: ['POST'], path: 'agents/incident-triage/models/anthropic.claude-3-5-sonnet-20240620-v1-0/invoke' },
      { methods: HTTP_GRANT_METHODS, path: 'agents/incident-triage/tools/*' },
    ],
    // triage-prototype was granted the same shape of routes; it is revoked, so the revocation
    // rows expect every one of them denied.
  },
  // test/e2e/fixtures/app.ts: each fixture workload is granted its own route.
  fixture: {
    alpha: [{ methods: ['POST'], path: 'workloads/alpha' }],
    beta: [{ methods: ['POST'], path: 'workloads/beta' }],
  },
};

/** Deployer roles the example environments declare (examples/platform-app.ts `deployerRoleArns`). */
export const DECLARED_DEPLOYERS: readonly string[] = ['arn:aws:iam::123456789012:role/platform-ci'];

/** True when `path` is one of the grant's paths: equal, or below a grant ending in `/*`. */
export function pathCovered(grant: RouteGrant, path: string): boolean {
  if (grant.path.endsWith('/*')) {
    const base = grant.path.slice(0, -1);
    return path.startsWith(base) && path.length > base.length;
  }
  return path === grant.path;
}

/** Whether a workload of an environment was granted `method` on `path` (stage `v1`). */
export function isGranted(environment: string | undefined, workload: string | undefined, method: string, path: string): boolean {
  if (!environment || !workload) return false;
  return (EXPECTED_ROUTE_GRANTS[environment]?.[workload] ?? []).some((g) => g.methods.includes(method) && pathCovered(g, path));
}
