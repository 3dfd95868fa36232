import { TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { today } from '../governance/clock';
import { GovernanceValidationError } from '../governance/errors';
import { exceptionProblems, ExceptionProps } from './exceptions';
import type { ExceptionRecord } from './terraform-json';

/** Construct metadata type under which exceptions are recorded on the excepted construct. */
export const EXCEPTION_METADATA_TYPE = 'governance:exception';

const STACK_EXCEPTIONS = Symbol.for('cdktf-ai-governance/exceptions');

/**
 * Entry points that act on constructs. Exceptions are recorded twice: as construct metadata on
 * the excepted construct (for tools that walk the tree) and in the stack's top-level `//`
 * metadata as `governance.exceptions` (so the synthesized JSON carries them to `check` and to the
 * report, whichever app synthesized it).
 */
export class Governance {
  /**
   * Excepts `construct` and every resource under it from one rule, with a reason, an approver,
   * a ticket and an expiry at most 90 days ahead.
   *
   * @throws GovernanceValidationError when a field is missing or out of range (names the construct path).
   */
  public static except(construct: IConstruct, props: ExceptionProps, now: Date = today(construct)): void {
    const path = construct.node.path;
    const problems = exceptionProblems(props, now);
    if (problems.length) throw new GovernanceValidationError(path, problems);
    const record: ExceptionRecord = {
      ruleId: props.ruleId,
      reason: props.reason.trim(),
      approver: props.approver,
      expires: props.expires,
      ticket: props.ticket,
      constructPath: path,
    };
    construct.node.addMetadata(EXCEPTION_METADATA_TYPE, record);
    const stack = TerraformStack.of(construct);
    const holder = stack as unknown as { [STACK_EXCEPTIONS]?: ExceptionRecord[] };
    if (!holder[STACK_EXCEPTIONS]) {
      holder[STACK_EXCEPTIONS] = [];
      // The override keeps a reference to the array: exceptions added later are synthesized too.
      stack.addOverride('//.governance.exceptions', holder[STACK_EXCEPTIONS]);
    }
    holder[STACK_EXCEPTIONS].push(record);
  }
}
