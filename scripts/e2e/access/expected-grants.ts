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
  dev: { 'ticket-summarizer': ['support-chat'] },
  // test/e2e/fixtures/app.ts: each fixture workload is granted its own route
  fixture: { alpha: ['alpha'], beta: ['beta'], gamma: ['gamma'] },
};

/** Secrets named `.../<workload>/gateway-api-key` are read by the workload's granted callers. */
export const GATEWAY_KEY_SECRET = /\/gateway-api-key$/;

export function isGranted(environment: string | undefined, caller: string | undefined, service: string | undefined): boolean {
  if (!environment || !caller || !service) return false;
  return EXPECTED_INVOKE_GRANTS[environment]?.[caller]?.includes(service) ?? false;
}
