/**
 * The access matrix's declared intent: which workload may call which, per environment, exactly as
 * the apps grant it (`service.grantInvoke(caller)`). The matrix expects every other call denied, so
 * a grant added to an example without a line here fails the e2e tier until a reviewer adds it.
 * A caller granted a service may invoke its gateway route and read its gateway API key (the key
 * the caller presents; DESIGN.md, "The gateway, concretely"); every other secret is read by its
 * owner only.
 */
export const EXPECTED_INVOKE_GRANTS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  // examples/product-app.ts: chat.grantInvoke(summarizer)
  // examples/incident-triage-agent.ts: an agent calls its own model routes
  dev: { 'ticket-summarizer': ['support-chat'], 'incident-triage': ['incident-triage'] },
  // test/e2e/fixtures/app.ts: each fixture workload is granted its own route
  fixture: { alpha: ['alpha'], beta: ['beta'], gamma: ['gamma'] },
};

/** Secrets named `.../<workload>/gateway-api-key` are read by the workload's granted callers. */
export const GATEWAY_KEY_SECRET = /\/gateway-api-key$/;

export function isGranted(environment: string | undefined, caller: string | undefined, service: string | undefined): boolean {
  if (!environment || !caller || !service) return false;
  return EXPECTED_INVOKE_GRANTS[environment]?.[caller]?.includes(service) ?? false;
}

/**
 * Secrets no workload identity reads, whoever owns them: the approval signing key is read only by
 * the tool authorizer that verifies approvals (an agent that could read it could forge them).
 */
export const SECRETS_NO_WORKLOAD_READS: ReadonlyArray<{ name: RegExp; reason: string }> = [
  { name: /\/approval-signing-key$/, reason: 'only the tool authorizer verifies approvals with it' },
];

/**
 * Gateway methods that do not use AWS_IAM, each with its reason. Anything not listed here must be
 * AWS_IAM. Remove a line and the e2e tier fails until the routes are IAM-authenticated again.
 */
export const REQUEST_AUTHORIZER_ROUTES: ReadonlyArray<{ path: RegExp; reason: string }> = [
  {
    path: /^\/agents\/[^/]+\/tools\//,
    reason: 'GovernedAgent tool route: a request authorizer (Verified Permissions) decides each call; the REST API policy admits it only through the environment endpoint',
  },
];
