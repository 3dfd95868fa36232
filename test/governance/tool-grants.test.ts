import { ProblemCollector } from '../../constructs/governance/errors';
import { checkToolGrants, type ToolGrant } from '../../constructs/agent-authorization/tool-grants';
import { describeTimeWindow, parseTimeWindow } from '../../constructs/agent-authorization/time-window';
import { TRIAGE_TOOLS } from './agent-grants.fixture';

const PATH = 'product-prod/incident-triage';

/** Validates grants the way GovernedAgent does: collect, then throw once with the construct path. */
function check(tools: unknown) {
  const problems = new ProblemCollector(PATH);
  const resolved = checkToolGrants(problems, 'tools', tools as ToolGrant[]);
  problems.throwIfAny();
  return resolved;
}

const ticketing = TRIAGE_TOOLS[0];
const runbooks = TRIAGE_TOOLS[1];

describe('tool grants: valid input', () => {
  it('resolves the window shorthand to days and minutes of the UTC day', () => {
    expect(check([ticketing])[0].timeWindows).toEqual([{ days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'], startMinuteUtc: 480, endMinuteUtc: 1080 }]);
  });

  it('accepts a window across midnight, closing the next day', () => {
    expect(check([{ ...ticketing, timeWindow: 'Mon-Fri 22:00-06:00' }])[0].timeWindows).toEqual([{ days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'], startMinuteUtc: 1320, endMinuteUtc: 360 }]);
  });

  it('accepts several windows on one tool (one grant, not two grants of one name)', () => {
    const [tool] = check([{ ...ticketing, timeWindow: ['Mon-Fri 22:00-06:00', 'Sat,Sun 10:00-14:30', { days: ['Sun'], startHourUtc: 23, endHourUtc: 1 }] }]);
    expect(tool.timeWindows).toEqual([
      { days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'], startMinuteUtc: 1320, endMinuteUtc: 360 },
      { days: ['Sat', 'Sun'], startMinuteUtc: 600, endMinuteUtc: 870 },
      { days: ['Sun'], startMinuteUtc: 1380, endMinuteUtc: 60 },
    ]);
  });

  it('accepts minutes: the gateway sends the minute of the UTC day', () => {
    expect(check([{ ...ticketing, timeWindow: { days: ['Mon'], start: '08:30', end: '17:45' } }])[0].timeWindows).toEqual([{ days: ['Mon'], startMinuteUtc: 510, endMinuteUtc: 1065 }]);
  });

  it('lower-cases approvers once: Cedar compares them case-sensitively', () => {
    expect(check([{ ...ticketing, approval: { approvers: ['Incident-Commander@Example.com'] } }])[0].approval?.approvers).toEqual(['incident-commander@example.com']);
  });

  it('defaults the approval to every granted action except read', () => {
    expect(check([ticketing])[0].approval).toEqual({ approvers: ['oncall-lead@example.com'], actions: ['write'] });
  });

  it('defaults the credential header to Authorization', () => {
    expect(check([runbooks])[0].credential?.header).toBe('Authorization');
  });

  it('accepts a lambda tool without a credential', () => {
    expect(() => check([{ name: 'kubectl', target: { kind: 'lambda', functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:kubectl' }, actions: ['read'], sensitivity: 'low' }])).not.toThrow();
  });
});

describe('tool grants: bad input', () => {
  it('fails when a tool has no actions', () => {
    expect(() => check([{ ...runbooks, actions: [] }])).toThrow(/product-prod\/incident-triage[\s\S]*tools\[0\] \(runbooks\)\.actions: got \[\]; allowed: one or more of read, write, delete; fix: grant the actions/);
  });

  it('fails when a tool names an unknown action', () => {
    expect(() => check([{ ...runbooks, actions: ['read', 'search'] }])).toThrow(/tools\[0\] \(runbooks\)\.actions: got "search"; allowed: one or more of read, write, delete; fix: replace "search": the gateway maps GET\/HEAD to read/);
  });

  it('fails when the time window cannot be parsed', () => {
    expect(() => check([{ ...ticketing, timeWindow: 'weekdays 9 to 5' }])).toThrow(/tools\[0\] \(ticketing\)\.timeWindow: got "weekdays 9 to 5"; allowed: '<days> <HH:MM>-<HH:MM>' in UTC.*fix: write the window as e\.g\. 'Mon-Fri 08:00-18:00' or 'Mon-Fri 22:00-06:00' \(problem: does not read as/);
  });

  it('fails when the time window names an unknown day', () => {
    expect(() => check([{ ...ticketing, timeWindow: 'Mon-Fry 08:00-18:00' }])).toThrow(/timeWindow: got "Mon-Fry 08:00-18:00".*\(problem: unknown day 'Fry'\)/);
  });

  it('fails when the time window starts and ends at the same time', () => {
    expect(() => check([{ ...ticketing, timeWindow: { days: ['Mon'], startHourUtc: 18, endHourUtc: 18 } }])).toThrow(/timeWindow: got \{"days":\["Mon"\],"startHourUtc":18,"endHourUtc":18\}; allowed: .*; fix: .*\(problem: the window starts and ends at the same time \(write 00:00-24:00 for a whole day\)\)/);
  });

  it('fails when the time window has minutes past 59', () => {
    expect(() => check([{ ...ticketing, timeWindow: 'Mon-Fri 08:75-18:00' }])).toThrow(/timeWindow: got "Mon-Fri 08:75-18:00".*\(problem: start '08:75' has minutes past 59\)/);
  });

  it('fails when the second of several windows cannot be parsed, naming its index', () => {
    expect(() => check([{ ...ticketing, timeWindow: ['Mon-Fri 22:00-06:00', 'weekends'] }])).toThrow(/tools\[0\] \(ticketing\)\.timeWindow\[1\]: got "weekends"; allowed: '<days> <HH:MM>-<HH:MM>' in UTC/);
  });

  it('fails when an approver e-mail has an empty part between dots', () => {
    expect(() => check([{ ...ticketing, approval: { approvers: ['oncall..lead@example.com'] } }])).toThrow(/approval\.approvers\[0\]: got "oncall\.\.lead@example\.com"; allowed: an e-mail address like "maria\.chen@example\.com" \(no spaces, no empty part between dots\)/);
  });

  it('fails when two approvers are one person in two cases', () => {
    expect(() => check([{ ...ticketing, approval: { approvers: ['oncall-lead@example.com', 'OnCall-Lead@example.com'] } }])).toThrow(/approval\.approvers\[1\]: got "OnCall-Lead@example\.com"; allowed: each address once \(it is tools\[0\] \(ticketing\)\.approval\.approvers\[0\] "oncall-lead@example\.com" in another case/);
  });

  it('fails when a high-sensitivity tool has no approver', () => {
    const { approval: _approval, ...noApproval } = ticketing;
    expect(() => check([noApproval])).toThrow(/tools\[0\] \(ticketing\)\.approval: got nothing; allowed: an approval \{ approvers: \['<e-mail>'\] \} for a high-sensitivity tool; fix: name the people who approve/);
  });

  it('fails when the approvers list is empty', () => {
    expect(() => check([{ ...ticketing, approval: { approvers: [] } }])).toThrow(/approval\.approvers: got \[\]; allowed: a non-empty list of e-mail addresses/);
  });

  it('fails when approval covers an action the tool does not grant', () => {
    expect(() => check([{ ...ticketing, approval: { approvers: ['a@example.com'], actions: ['delete'] } }])).toThrow(/approval\.actions: got "delete"; allowed: actions the tool grants \(read, write\); fix: grant delete/);
  });

  it('fails when a read-only high-sensitivity tool leaves approval covering nothing', () => {
    expect(() => check([{ ...ticketing, actions: ['read'] }])).toThrow(/approval\.actions: got nothing;.*fix: this tool only reads: set approval\.actions: \['read'\]/);
  });

  it('fails when the tool credential has no rotation', () => {
    expect(() => check([{ ...runbooks, credential: { secretArn: runbooks.credential!.secretArn } }])).toThrow(/tools\[0\] \(runbooks\)\.credential\.rotationDays: got nothing; allowed: a rotation period of 1\.\.90 days; fix: turn on rotation of the tool-side secret/);
  });

  it('fails when the tool credential rotates less often than every 90 days', () => {
    expect(() => check([{ ...runbooks, credential: { ...runbooks.credential!, rotationDays: 365 } }])).toThrow(/credential\.rotationDays: got 365; allowed: a rotation period of 1\.\.90 days/);
  });

  it('fails when an http tool has no credential', () => {
    const { credential: _c, ...noCredential } = runbooks;
    expect(() => check([noCredential])).toThrow(/tools\[0\] \(runbooks\)\.credential: got nothing; allowed: \{ secretArn, rotationDays \}/);
  });

  it('fails when a lambda tool is given a credential', () => {
    expect(() => check([{ ...runbooks, target: { kind: 'lambda', functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:x' } }])).toThrow(/credential: got .*allowed: no credential for a lambda target/);
  });

  it('fails when an http tool is not https', () => {
    expect(() => check([{ ...runbooks, target: { kind: 'http', url: 'http://runbooks.example.com' } }])).toThrow(/target\.url: got "http:\/\/runbooks\.example\.com\/"; allowed: an https URL \(the tool credential travels in a header\)/);
  });

  it('fails when the target kind is unknown', () => {
    expect(() => check([{ ...runbooks, target: { kind: 'ssh', host: 'x' } }])).toThrow(/target\.kind: got "ssh"; allowed: http, lambda, governed-service/);
  });

  it('fails when the sensitivity is unknown', () => {
    expect(() => check([{ ...runbooks, sensitivity: 'medium' }])).toThrow(/sensitivity: got "medium"; allowed: low or high/);
  });

  it('fails when two tools share a name, with the fix to give one grant several windows', () => {
    expect(() => check([runbooks, runbooks])).toThrow(/tools\[1\] \(runbooks\)\.name: got "runbooks"; allowed: a tool name used once per agent; fix: merge the two grants into one \(one grant may carry several windows/);
  });

  it('fails when a tool name is not a slug', () => {
    expect(() => check([{ ...runbooks, name: 'Run Books' }])).toThrow(/\.name: got "Run Books"; allowed: a lowercase slug/);
  });

  it('reports every problem of every tool in one error', () => {
    expect(() => check([{ ...runbooks, actions: [] }, { ...ticketing, timeWindow: 'never' }])).toThrow(/\(2 problems\)/);
  });
});

describe('time windows', () => {
  it('reads day lists and ranges together', () => {
    expect(parseTimeWindow('Mon,Wed-Thu 00:00-24:00')).toEqual({ days: ['Mon', 'Wed', 'Thu'], startMinuteUtc: 0, endMinuteUtc: 1440 });
  });

  it('reads an end of 00:00 as midnight at the end of the opening day', () => {
    expect(parseTimeWindow('Sat 18:00-00:00')).toEqual({ days: ['Sat'], startMinuteUtc: 1080, endMinuteUtc: 1440 });
  });

  it('describes a window the way people write it', () => {
    expect(describeTimeWindow({ days: ['Sat', 'Sun'], startMinuteUtc: 360, endMinuteUtc: 1440 })).toBe('Sat,Sun 06:00-24:00 UTC');
  });

  it('says when a window closes the next day', () => {
    expect(describeTimeWindow({ days: ['Sun'], startMinuteUtc: 1320, endMinuteUtc: 390 })).toBe('Sun 22:00-06:30 UTC (closes the next day)');
  });

  it('fails when a day range runs backwards', () => {
    expect(parseTimeWindow('Fri-Mon 08:00-18:00')).toEqual({ error: "day range 'Fri-Mon' runs backwards (weeks start on Mon; write 'Fri,Mon' or two ranges)" });
  });

  it('fails when an hour is out of range', () => {
    expect(parseTimeWindow({ days: ['Mon'], startHourUtc: 0, endHourUtc: 25 })).toEqual({ error: 'end hour 25 is not a whole hour 0..24' });
  });

  it('fails when a start is 24:00 (only an end may be)', () => {
    expect(parseTimeWindow('Mon 24:00-06:00')).toEqual({ error: "start '24:00' is not a time of day 00:00..23:59" });
  });
});
