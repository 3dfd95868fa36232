import { isSlug } from '../governance/accountability';
import { checkEmailList } from '../governance/emails';
import { isUnresolved, type ProblemCollector } from '../governance/errors';
import { checkToolUrl } from './tool-target-urls';
import { isTimeWindow, parseTimeWindow, TIME_WINDOW_ALLOWED, type TimeWindow, type TimeWindowInput } from './time-window';

/**
 * A tool grant: what one agent may do with one tool, when, at what risk, with whose approval and
 * with which tool-side credential. Tool access is a grant of its own, never implied by a model
 * grant: the gateway route, the IAM statement and the Cedar policies all come from this record.
 */

/**
 * The actions a tool grant can name. The gateway authorizer derives the action of a request from
 * its HTTP method (functions/gateway keeps the same map; a test holds them equal), so an agent cannot
 * call a write "read" by choosing a path.
 */
export const TOOL_ACTIONS = ['read', 'write', 'delete'] as const;
export type ToolAction = (typeof TOOL_ACTIONS)[number];

export const HTTP_METHOD_ACTIONS: Readonly<Record<string, ToolAction>> = {
  GET: 'read',
  HEAD: 'read',
  POST: 'write',
  PUT: 'write',
  PATCH: 'write',
  DELETE: 'delete',
};

export const TOOL_SENSITIVITIES = ['low', 'high'] as const;
export type ToolSensitivity = (typeof TOOL_SENSITIVITIES)[number];

export const TOOL_TARGET_KINDS = ['http', 'lambda', 'governed-service'] as const;
export type ToolTargetKind = (typeof TOOL_TARGET_KINDS)[number];

/**
 * Another governed service used as a tool: a Kubernetes workload of the same environment, reached
 * through the environment's VPC link and in-cluster gateway, which route by workload name (a
 * GovernedInferenceService fits).
 */
export interface GovernedServiceTarget {
  /** The service's workload name. */
  readonly name: string;
}

export type ToolTarget =
  /** An HTTPS API the gateway calls directly. */
  | { readonly kind: 'http'; readonly url: string }
  /** A Lambda function the gateway integration role invokes; IAM is its credential. */
  | { readonly kind: 'lambda'; readonly functionArn: string }
  /** Another governed service. */
  | { readonly kind: 'governed-service'; readonly service: GovernedServiceTarget };

/**
 * The tool's credential: a secret owned and rotated by the tool side. The agent role is never
 * granted read on it; the gateway side reads it and injects it into the integration request.
 */
export interface ToolCredential {
  /** ARN of the tool-side Secrets Manager secret. */
  readonly secretArn: string;
  /** Days between rotations, as configured on the tool side (1..90). An unrotated credential fails. */
  readonly rotationDays?: number;
  /** KMS key the secret is encrypted with, when it is not the environment key. @default - the environment key */
  readonly kmsKeyArn?: string;
  /** Request header the gateway sets from the secret value. @default 'Authorization' */
  readonly header?: string;
}

/** Step-up approval: who may approve, and which actions need it. */
export interface ToolApproval {
  /** E-mail addresses of the people whose signed approval lets a call through; lower-cased once, each once. */
  readonly approvers: readonly string[];
  /** Actions that need an approval. @default - every granted action except `read` */
  readonly actions?: readonly ToolAction[];
}

export interface ToolGrant {
  /** Tool name, a lowercase slug (at most 32): part of the route path and the Cedar resource id. */
  readonly name: string;
  readonly target: ToolTarget;
  /** Actions granted (at least one of {@link TOOL_ACTIONS}). */
  readonly actions: readonly ToolAction[];
  /** Risk of the tool's actions. `high` needs an approval with named approvers. */
  readonly sensitivity: ToolSensitivity;
  /**
   * When the tool may be used (UTC): one window or several (a call inside any of them is inside).
   * A window may run across midnight: `'Mon-Fri 22:00-06:00'`.
   * @default - at any time
   */
  readonly timeWindow?: TimeWindowInput | readonly TimeWindowInput[];
  /** Human approval for sensitive actions. @default - none; required when sensitivity is `high` */
  readonly approval?: ToolApproval;
  /** The tool-side credential; required for `http` and `governed-service` targets, not used for `lambda`. */
  readonly credential?: ToolCredential;
}

/** A grant after validation: the window parsed, the approval's actions resolved. */
export interface ResolvedToolGrant {
  readonly name: string;
  readonly target: ToolTarget;
  readonly actions: readonly ToolAction[];
  readonly sensitivity: ToolSensitivity;
  /** The windows the tool may be used in; absent when it may be used at any time. */
  readonly timeWindows?: readonly TimeWindow[];
  readonly approval?: { readonly approvers: readonly string[]; readonly actions: readonly ToolAction[] };
  readonly credential?: ToolCredential & { readonly header: string };
}

export const MAX_TOOL_NAME_LENGTH = 32;
export const MAX_CREDENTIAL_ROTATION_DAYS = 90;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/;
const HEADER_NAME = /^[A-Za-z0-9-]{1,64}$/;
const ACTIONS_ALLOWED = `one or more of ${TOOL_ACTIONS.join(', ')}`;

/** A literal Secrets Manager secret ARN (a token is not: Terraform knows it). */
export function isSecretArn(value: unknown): value is string {
  return typeof value === 'string' && SECRET_ARN.test(value);
}

/** A literal Lambda function ARN, optionally with a qualifier. */
export function isLambdaFunctionArn(value: unknown): value is string {
  return typeof value === 'string' && LAMBDA_ARN.test(value);
}

/**
 * Checks every tool grant and returns the resolved grants (only meaningful when no problem was
 * added). `prop` is the prop's name in the construct, e.g. `tools`.
 */
export function checkToolGrants(problems: ProblemCollector, prop: string, tools: readonly ToolGrant[] | undefined): ResolvedToolGrant[] {
  if (tools === undefined) return [];
  if (!Array.isArray(tools)) {
    problems.add(prop, tools, 'an array of tool grants', `set ${prop} to a list of { name, target, actions, sensitivity, credential }`);
    return [];
  }
  const resolved: ResolvedToolGrant[] = [];
  const seen = new Set<string>();
  tools.forEach((tool, index) => {
    const at = `${prop}[${index}]${typeof tool?.name === 'string' ? ` (${tool.name})` : ''}`;
    const r = checkToolGrant(problems, at, tool);
    if (typeof tool?.name === 'string') {
      problems.check(!seen.has(tool.name), `${at}.name`, tool.name, 'a tool name used once per agent', 'merge the two grants into one (one grant may carry several windows: timeWindow: [\'Mon-Fri 08:00-18:00\', \'Sat 10:00-14:00\']) or rename one tool');
      seen.add(tool.name);
    }
    if (r) resolved.push(r);
  });
  return resolved;
}

function checkToolGrant(problems: ProblemCollector, at: string, tool: ToolGrant): ResolvedToolGrant | undefined {
  if (tool === null || typeof tool !== 'object') {
    problems.add(at, tool, 'a tool grant { name, target, actions, sensitivity, credential }', 'describe the tool as an object');
    return undefined;
  }
  problems.check(
    isSlug(tool.name, MAX_TOOL_NAME_LENGTH),
    `${at}.name`,
    tool.name,
    `a lowercase slug of letters, digits and dashes (at most ${MAX_TOOL_NAME_LENGTH})`,
    'name the tool like "ticketing-read"',
  );

  const actions = checkActions(problems, `${at}.actions`, tool.actions, `grant the actions the agent needs, e.g. actions: ['read']`);
  problems.check(
    (TOOL_SENSITIVITIES as readonly unknown[]).includes(tool.sensitivity),
    `${at}.sensitivity`,
    tool.sensitivity,
    TOOL_SENSITIVITIES.join(' or '),
    "set sensitivity to 'low', or to 'high' for actions that change production systems or touch restricted data",
  );
  checkTarget(problems, `${at}.target`, tool.target);

  const timeWindows = checkTimeWindows(problems, `${at}.timeWindow`, tool.timeWindow);

  const approval = checkApproval(problems, at, tool, actions);
  const credential = checkCredential(problems, at, tool);
  return {
    name: tool.name,
    target: tool.target,
    actions,
    sensitivity: tool.sensitivity,
    ...(timeWindows.length ? { timeWindows } : {}),
    ...(approval ? { approval } : {}),
    ...(credential ? { credential } : {}),
  };
}

/** One window or a list of them; several windows of one tool are one grant, never two grants of one name. */
function checkTimeWindows(problems: ProblemCollector, at: string, input: TimeWindowInput | readonly TimeWindowInput[] | undefined): TimeWindow[] {
  if (input === undefined) return [];
  const list = Array.isArray(input) ? (input as readonly TimeWindowInput[]) : [input as TimeWindowInput];
  if (list.length === 0) {
    problems.add(at, input, `${TIME_WINDOW_ALLOWED} (at least one)`, 'remove timeWindow to allow the tool at any time, or list its windows');
    return [];
  }
  const windows: TimeWindow[] = [];
  const seen = new Set<string>();
  list.forEach((w, i) => {
    const where = Array.isArray(input) ? `${at}[${i}]` : at;
    const parsed = parseTimeWindow(w);
    if (!isTimeWindow(parsed)) {
      problems.add(where, w, TIME_WINDOW_ALLOWED, `write the window as e.g. 'Mon-Fri 08:00-18:00' or 'Mon-Fri 22:00-06:00' (problem: ${parsed.error})`);
      return;
    }
    const key = JSON.stringify(parsed);
    if (seen.has(key)) problems.add(where, w, 'each window once', `remove ${where}`);
    seen.add(key);
    windows.push(parsed);
  });
  return windows;
}

function checkActions(problems: ProblemCollector, at: string, actions: readonly unknown[] | undefined, fixWhenEmpty: string): ToolAction[] {
  if (!Array.isArray(actions) || actions.length === 0) {
    problems.add(at, actions, ACTIONS_ALLOWED, fixWhenEmpty);
    return [];
  }
  const valid: ToolAction[] = [];
  for (const action of actions) {
    if ((TOOL_ACTIONS as readonly unknown[]).includes(action)) {
      if (!valid.includes(action as ToolAction)) valid.push(action as ToolAction);
    } else {
      problems.add(at, action, ACTIONS_ALLOWED, `replace ${JSON.stringify(action)}: the gateway maps GET/HEAD to read, POST/PUT/PATCH to write, DELETE to delete`);
    }
  }
  return valid;
}

function checkTarget(problems: ProblemCollector, at: string, target: ToolTarget | undefined): void {
  const kind = (target as { kind?: unknown } | undefined)?.kind;
  if (!target || !(TOOL_TARGET_KINDS as readonly unknown[]).includes(kind)) {
    problems.add(`${at}.kind`, kind, TOOL_TARGET_KINDS.join(', '), "set target to { kind: 'http', url } or { kind: 'lambda', functionArn } or { kind: 'governed-service', service }");
    return;
  }
  if (target.kind === 'http') {
    // One check of the URL (https, no credentials, no internal host), showing it redacted.
    checkToolUrl(problems, `${at}.url`, target.url);
  } else if (target.kind === 'lambda') {
    problems.check(
      typeof target.functionArn === 'string' && (isUnresolved(target.functionArn) || LAMBDA_ARN.test(target.functionArn)),
      `${at}.functionArn`,
      target.functionArn,
      'a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>)',
      'pass the tool function\'s ARN',
    );
  } else {
    problems.check(
      isSlug(target.service?.name),
      `${at}.service`,
      target.service,
      'a governed service of the same environment (an object with its workload name)',
      'pass the GovernedInferenceService, or { name: "<workload>" }',
    );
  }
}

function checkApproval(problems: ProblemCollector, at: string, tool: ToolGrant, granted: readonly ToolAction[]): ResolvedToolGrant['approval'] {
  const approval = tool.approval;
  if (approval === undefined) {
    problems.check(
      tool.sensitivity !== 'high',
      `${at}.approval`,
      approval,
      "an approval { approvers: ['<e-mail>'] } for a high-sensitivity tool",
      'name the people who approve its sensitive calls, e.g. approval: { approvers: ["oncall-lead@example.com"] }',
    );
    return undefined;
  }
  const given = approval.approvers;
  let approvers: string[] = [];
  if (!Array.isArray(given) || given.length === 0) {
    problems.add(`${at}.approval.approvers`, given, 'a non-empty list of e-mail addresses of named people', 'name who approves, e.g. ["oncall-lead@example.com"]');
  } else {
    // Lower-cased once: Cedar compares the approver of a signed approval with these, case-sensitively.
    approvers = checkEmailList(problems, `${at}.approval.approvers`, given, 'name who approves by e-mail, e.g. "oncall-lead@example.com"');
  }
  let actions: ToolAction[];
  if (approval.actions === undefined) {
    actions = granted.filter((a) => a !== 'read');
    problems.check(
      actions.length > 0 || granted.length === 0,
      `${at}.approval.actions`,
      approval.actions,
      `granted actions (${granted.join(', ')}) other than read, which is the default`,
      "this tool only reads: set approval.actions: ['read'] to require approval for its reads",
    );
  } else {
    actions = checkActions(problems, `${at}.approval.actions`, approval.actions, 'list the actions that need approval, or drop approval.actions to default to every non-read action');
    for (const a of actions) {
      problems.check(granted.includes(a), `${at}.approval.actions`, a, `actions the tool grants (${granted.join(', ')})`, `grant ${a} in actions or drop it from approval.actions`);
    }
  }
  return { approvers, actions };
}

function checkCredential(problems: ProblemCollector, at: string, tool: ToolGrant): ResolvedToolGrant['credential'] {
  const kind = tool.target?.kind;
  const credential = tool.credential;
  if (kind === 'lambda') {
    problems.check(
      credential === undefined,
      `${at}.credential`,
      credential,
      'no credential for a lambda target (the gateway integration role invokes it with IAM)',
      'drop credential; grant the integration role lambda:InvokeFunction through the target instead',
    );
    return undefined;
  }
  if (credential === undefined || credential === null || typeof credential !== 'object') {
    problems.add(`${at}.credential`, credential, '{ secretArn, rotationDays } of a secret the tool side owns and rotates', 'pass the tool-side secret; the gateway injects it, the agent never reads it');
    return undefined;
  }
  problems.check(
    typeof credential.secretArn === 'string' && (isUnresolved(credential.secretArn) || SECRET_ARN.test(credential.secretArn)),
    `${at}.credential.secretArn`,
    credential.secretArn,
    'a Secrets Manager secret ARN',
    'pass the ARN of the tool-side secret',
  );
  const days = credential.rotationDays;
  problems.check(
    Number.isInteger(days) && (days as number) >= 1 && (days as number) <= MAX_CREDENTIAL_ROTATION_DAYS,
    `${at}.credential.rotationDays`,
    days,
    `a rotation period of 1..${MAX_CREDENTIAL_ROTATION_DAYS} days`,
    'turn on rotation of the tool-side secret and set rotationDays to its period',
  );
  const header = credential.header ?? 'Authorization';
  problems.check(HEADER_NAME.test(header), `${at}.credential.header`, credential.header, 'an HTTP header name (letters, digits, dashes)', 'use e.g. "Authorization" or "X-Api-Key"');
  return { ...credential, header };
}

