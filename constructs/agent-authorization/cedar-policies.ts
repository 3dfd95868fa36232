import { Fn } from 'cdktf';
import { crossesMidnight, describeTimeWindow, nextDays, type TimeWindow, type Weekday } from './time-window';
import { TOOL_ACTIONS, type ResolvedToolGrant, type ToolAction } from './tool-grants';
import { isEmail, normalizeEmail } from '../governance/emails';
import { isUnresolved } from '../governance/errors';
import type { Revocation } from '../governance/governance-tags';

/**
 * Request-time authorization in Cedar, generated from an agent's grants. Pure functions: the
 * GovernedAgent construct turns their output into Verified Permissions resources, the tests
 * evaluate it with the real Cedar engine, and the gateway authorizer asks with the same names.
 *
 * Shape:
 * - principal `Governance::Agent::"<env>/<agent>"`;
 * - tool actions `read | write | delete` (group `toolAction`) on `Governance::Tool::"<env>/<agent>/<tool>"`;
 * - model action `invokeModel` (group `modelAction`) on `Governance::Model::"<model>"`.
 * The schema lets tool actions apply only to tools and the model action only to models, so a
 * model permit can never match a tool request and a tool permit never a model request.
 */
export const CEDAR_NAMESPACE = 'Governance';
export const CEDAR_TYPES = {
  agent: `${CEDAR_NAMESPACE}::Agent`,
  tool: `${CEDAR_NAMESPACE}::Tool`,
  model: `${CEDAR_NAMESPACE}::Model`,
  action: `${CEDAR_NAMESPACE}::Action`,
} as const;
export const MODEL_ACTION = 'invokeModel';
export const TOOL_ACTION_GROUP = 'toolAction';
export const MODEL_ACTION_GROUP = 'modelAction';

/**
 * Context attributes the gateway function sends with every tool request:
 * `{ dayOfWeek: 'Mon'..'Sun', hourUtc: 0..23, minuteOfDay: 0..1439, approvedBy?, approvalId?, tenant? }`,
 * all from API Gateway's request time in UTC.
 */
export const TOOL_CONTEXT = {
  /** UTC hour of API Gateway's request time, 0..23. */
  hourUtc: 'hourUtc',
  /** UTC weekday of the request time, Mon..Sun. */
  dayOfWeek: 'dayOfWeek',
  /**
   * Minute of the UTC day of the request time, 0..1439: what time windows compare. Required: the
   * schema (validation mode STRICT) refuses a request without it, so no window is decided on a
   * coarser clock.
   */
  minuteOfDay: 'minuteOfDay',
  /** Present when the call names a tenant (header `x-governance-tenant`), already checked by the gateway function against the agent's tenants. */
  tenant: 'tenant',
  /** Present only when the request carried a valid signed approval: the approver's e-mail. */
  approvedBy: 'approvedBy',
  /** Present with approvedBy: the approval's id, for the action log. */
  approvalId: 'approvalId',
} as const;

export function agentEntityId(environment: string, agent: string): string {
  return `${environment}/${agent}`;
}

export function toolEntityId(environment: string, agent: string, tool: string): string {
  return `${environment}/${agent}/${tool}`;
}

/** A model the agent may use: a Bedrock model id, or a governed inference service's id. */
export interface ModelGrant {
  /** Cedar resource id: the Bedrock model id, or `<env>/service/<name>` for a governed service. */
  readonly model: string;
}

export function governedServiceModelId(environment: string, service: string): string {
  return `${environment}/service/${service}`;
}

export interface AgentAuthorizationInput {
  readonly environment: string;
  readonly agent: string;
  readonly tools: readonly ResolvedToolGrant[];
  readonly models: readonly ModelGrant[];
  readonly revoked?: Revocation;
  /**
   * Tenants the agent may act for (tenants.ts); a Terraform list when they come from a contract.
   * A tool call whose `context.tenant` is not one of them is forbidden; `[]` forbids every call that names a tenant.
   * @default - no tenant policy (the agent serves every tenant of an environment that does not publish them)
   */
  readonly tenants?: readonly string[];
}

/** One Cedar policy: a Verified Permissions static policy (one statement each). */
export interface CedarPolicy {
  /** Stable id: the Terraform construct id and the id the tests see in Cedar's diagnostics. */
  readonly id: string;
  readonly effect: 'permit' | 'forbid';
  /** One line for reviewers, stored as the Verified Permissions policy description. */
  readonly description: string;
  readonly statement: string;
}

/** The Cedar schema (JSON form, as Verified Permissions stores it) for every agent of an environment. */
export function cedarSchema(): Record<string, unknown> {
  const toolContext = { type: 'ToolRequestContext' };
  const actions: Record<string, unknown> = {
    [TOOL_ACTION_GROUP]: {},
    [MODEL_ACTION_GROUP]: {},
    [MODEL_ACTION]: {
      memberOf: [{ id: MODEL_ACTION_GROUP }],
      appliesTo: { principalTypes: ['Agent'], resourceTypes: ['Model'], context: { type: 'ModelRequestContext' } },
    },
  };
  for (const action of TOOL_ACTIONS) {
    actions[action] = {
      memberOf: [{ id: TOOL_ACTION_GROUP }],
      appliesTo: { principalTypes: ['Agent'], resourceTypes: ['Tool'], context: toolContext },
    };
  }
  return {
    [CEDAR_NAMESPACE]: {
      commonTypes: {
        ToolRequestContext: {
          type: 'Record',
          attributes: {
            [TOOL_CONTEXT.hourUtc]: { type: 'Long', required: true },
            [TOOL_CONTEXT.dayOfWeek]: { type: 'String', required: true },
            [TOOL_CONTEXT.minuteOfDay]: { type: 'Long', required: true },
            [TOOL_CONTEXT.approvedBy]: { type: 'String', required: false },
            [TOOL_CONTEXT.approvalId]: { type: 'String', required: false },
            [TOOL_CONTEXT.tenant]: { type: 'String', required: false },
          },
        },
        ModelRequestContext: {
          type: 'Record',
          attributes: {
            [TOOL_CONTEXT.hourUtc]: { type: 'Long', required: true },
            [TOOL_CONTEXT.dayOfWeek]: { type: 'String', required: true },
          },
        },
      },
      entityTypes: { Agent: {}, Tool: {}, Model: {} },
      actions,
    },
  };
}

/**
 * Every Cedar policy of one agent. The grants are permits without conditions; every restriction is
 * a `forbid ... unless`, so that no permit, including one another team adds to the shared policy
 * store (`permit (principal, action, resource);`), can lift it: in Cedar a forbid that matches wins
 * over any number of permits (Cedar reference, "Authorization": deny overrides allow).
 *
 * Per tool: a permit per granted action; a forbid of every other tool action; a forbid outside the
 * tool's time windows; a forbid of each action that needs approval unless a named approver's
 * approval is in the context. Per agent: a forbid of any tool that is not the agent's own; a permit
 * per model; a forbid on tool calls for tenants the agent does not serve; and, when revoked, a
 * forbid on everything.
 */
export function agentPolicies(input: AgentAuthorizationInput): CedarPolicy[] {
  const { environment, agent } = input;
  const principal = entityRef(CEDAR_TYPES.agent, agentEntityId(environment, agent));
  const policies: CedarPolicy[] = [];
  const toolGroup = `in ${actionRef(TOOL_ACTION_GROUP)}`;

  for (const tool of input.tools) {
    const resource = entityRef(CEDAR_TYPES.tool, toolEntityId(environment, agent, tool.name));
    for (const action of tool.actions) {
      policies.push({
        id: `tool.${agent}.${tool.name}.${action}`,
        effect: 'permit',
        description: `${environment}/${agent} may ${action} ${tool.name} (${tool.sensitivity} sensitivity; the forbids of ${tool.name} restrict it)`,
        statement: statement('permit', principal, actionRef(action), resource, []),
      });
    }
    if (TOOL_ACTIONS.some((a) => !tool.actions.includes(a))) {
      policies.push({
        id: `actions.${agent}.${tool.name}`,
        effect: 'forbid',
        description: `${environment}/${agent} may only ${tool.actions.join(', ')} ${tool.name}: any other action is denied`,
        statement: statement('forbid', principal, toolGroup, resource, [], [`action in [${tool.actions.map(actionRef).join(', ')}]`]),
      });
    }
    if (tool.timeWindows?.length) {
      policies.push({
        id: `window.${agent}.${tool.name}`,
        effect: 'forbid',
        description: `${environment}/${agent} may call ${tool.name} only ${tool.timeWindows.map(describeTimeWindow).join(' or ')}`,
        statement: statement('forbid', principal, toolGroup, resource, [], [timeWindowsCondition(tool.timeWindows)]),
      });
    }
    for (const action of tool.actions.filter((a) => tool.approval?.actions.includes(a))) {
      policies.push({
        id: `approval.${agent}.${tool.name}.${action}`,
        effect: 'forbid',
        description: `${environment}/${agent} may ${action} ${tool.name} only with the approval of ${tool.approval!.approvers.join(' or ')}`,
        statement: statement('forbid', principal, actionRef(action), resource, [], [approvalCondition(tool.approval!.approvers)]),
      });
    }
  }
  // The agent's own tools only: a permit another team adds cannot open another agent's tool to it.
  policies.push({
    id: `tools.${agent}`,
    effect: 'forbid',
    description: input.tools.length ? `${environment}/${agent} may call its own tools only (${input.tools.map((t) => t.name).join(', ')})` : `${environment}/${agent} has no tools: every tool call is denied`,
    statement: statement('forbid', principal, toolGroup, undefined, [], input.tools.length ? [`resource in [${input.tools.map((t) => entityRef(CEDAR_TYPES.tool, toolEntityId(environment, agent, t.name))).join(', ')}]`] : []),
  });

  input.models.forEach((model, index) => {
    policies.push({
      id: `model.${agent}.${index}`,
      effect: 'permit',
      description: `${environment}/${agent} may invoke model ${model.model}`,
      statement: statement('permit', principal, actionRef(MODEL_ACTION), entityRef(CEDAR_TYPES.model, model.model), []),
    });
  });

  // Only tool calls carry a tenant: an agent without tools needs no tenant policy.
  if (input.tenants !== undefined && input.tools.length > 0) {
    const tenants = input.tenants;
    const known = !isUnresolved(tenants);
    const served = known ? (tenants.length ? `[${tenants.map(cedarString).join(', ')}]` : undefined) : Fn.jsonencode(tenants);
    policies.push({
      id: `tenants.${agent}`,
      effect: 'forbid',
      description: known
        ? `${environment}/${agent} acts for ${tenants.length ? `tenants ${tenants.join(', ')} only` : 'no tenant'}: tool calls for any other tenant are denied`
        : `${environment}/${agent} acts for the tenants of ${environment} only: tool calls for any other tenant are denied`,
      // A JSON list of slugs is a Cedar set literal: a contract's list is written in by Terraform.
      statement: statement('forbid', principal, `in ${actionRef(TOOL_ACTION_GROUP)}`, undefined, [
        served ? `context has ${TOOL_CONTEXT.tenant} && !${served}.contains(context.${TOOL_CONTEXT.tenant})` : `context has ${TOOL_CONTEXT.tenant}`,
      ]),
    });
  }

  if (input.revoked) {
    const { at, reason } = input.revoked;
    const by = isEmail(input.revoked.by) ? normalizeEmail(input.revoked.by) : input.revoked.by;
    policies.push({
      id: `revoked.${agent}`,
      effect: 'forbid',
      description: `${environment}/${agent} revoked by ${by} at ${at}: ${reason}`,
      // No action or resource constraint: the forbid covers tools, models and any action added later.
      statement: statement('forbid', principal, undefined, undefined, []),
    });
  }
  return policies;
}

/**
 * Inside any of the windows (time-window.ts `isInsideWindow` is the same rule in TypeScript), on
 * dayOfWeek and minuteOfDay.
 */
function timeWindowsCondition(windows: readonly TimeWindow[]): string {
  return anyOf(windows.flatMap((w) => windowParts(w, TOOL_CONTEXT.minuteOfDay, 1)));
}

function anyOf(parts: readonly string[]): string {
  return parts.length === 1 ? `(${parts[0]})` : `(${parts.map((p) => `(${p})`).join(' || ')})`;
}

/**
 * One window as day-and-time ranges on `attribute` (in units of `unit` minutes): a same-day
 * window is one range; a window across midnight is the evening of its days and the morning of the
 * days after them (Sun's morning after is Mon's).
 */
function windowParts(window: TimeWindow, attribute: string, unit: number): string[] {
  const start = window.startMinuteUtc / unit;
  const end = window.endMinuteUtc / unit;
  const day = MINUTES_PER_DAY / unit;
  if (!crossesMidnight(window)) return [dayRange(window.days, attribute, start, end, day)];
  return [dayRange(window.days, attribute, start, day, day), dayRange(nextDays(window.days), attribute, 0, end, day)];
}

const MINUTES_PER_DAY = 1440;

function dayRange(days: readonly Weekday[], attribute: string, from: number, to: number, day: number): string {
  const conditions = [`[${days.map(cedarString).join(', ')}].contains(context.${TOOL_CONTEXT.dayOfWeek})`];
  // 0 and the end of the day bound every time of the day: no comparison needed.
  if (from > 0) conditions.push(`context.${attribute} >= ${from}`);
  if (to < day) conditions.push(`context.${attribute} < ${to}`);
  return conditions.join(' && ');
}

function approvalCondition(approvers: readonly string[]): string {
  // `has` first: approvedBy is absent unless the authorizer verified a signed approval.
  return `context has ${TOOL_CONTEXT.approvedBy} && [${approvers.map(cedarString).join(', ')}].contains(context.${TOOL_CONTEXT.approvedBy})`;
}

/**
 * `action` is an action reference (`action == ...`) or a group constraint starting with `in `;
 * `conditions` become `when` clauses, `exceptions` `unless` clauses.
 */
function statement(effect: 'permit' | 'forbid', principal: string, action: string | undefined, resource: string | undefined, conditions: readonly string[], exceptions: readonly string[] = []): string {
  const scope = [
    `  principal == ${principal},`,
    action ? (action.startsWith('in ') ? `  action ${action},` : `  action == ${action},`) : '  action,',
    resource ? `  resource == ${resource}` : '  resource',
  ];
  const when = conditions.map((c) => `\nwhen { ${c} }`).join('');
  const unless = exceptions.map((c) => `\nunless { ${c} }`).join('');
  return `${effect} (\n${scope.join('\n')}\n)${when}${unless};`;
}

function entityRef(type: string, id: string): string {
  return `${type}::${cedarString(id)}`;
}

function actionRef(action: ToolAction | typeof MODEL_ACTION | typeof TOOL_ACTION_GROUP): string {
  return entityRef(CEDAR_TYPES.action, action);
}

/** A Cedar string literal. Ids here are slugs, e-mails and model ids; control characters are refused. */
export function cedarString(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new Error(`Cedar string ${JSON.stringify(value)} contains a control character`);
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
