import type { ProblemCollector } from './errors';

/**
 * E-mail addresses of the people who answer for an identity. They are compared as text in many
 * places (Cedar compares `context.approvedBy` with the approvers of a grant, case-sensitively;
 * reports and the inventory group by them), so they are validated and lower-cased once, where the
 * props are read, and every tag, label, Cedar policy and report uses the lower-cased form.
 *
 * The accepted shape is the dot-atom form of RFC 5322 section 3.4.1 with the characters people
 * actually use (letters, digits, `_ % + -` in the local part), and a domain of RFC 1035 labels
 * (letters, digits, inner dashes) ending in an alphabetic top-level label: no empty atom or label,
 * so `maria..chen@example..com` is refused. Lengths follow RFC 5321 section 4.5.3.1 (local part
 * at most 64 octets, the whole address at most 254).
 * Local parts are lower-cased too: RFC 5321 allows case-sensitive local parts, but no mail system
 * the library's users route to distinguishes them, and two spellings of one person must never be
 * two approvers.
 */
const LOCAL_ATOM = '[A-Za-z0-9_%+-]+';
const DOMAIN_LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const EMAIL = new RegExp(`^${LOCAL_ATOM}(?:\\.${LOCAL_ATOM})*@(?:${DOMAIN_LABEL}\\.)+[A-Za-z]{2,63}$`);
export const MAX_EMAIL_LENGTH = 254;
export const MAX_EMAIL_LOCAL_PART = 64;

/** The shape, for error messages. */
export const EMAIL_SHAPE = 'like "maria.chen@example.com" (no spaces, no empty part between dots)';
/** What an e-mail prop accepts, for error messages. */
export const EMAIL_ALLOWED = `an e-mail address ${EMAIL_SHAPE}`;

export function isEmail(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > MAX_EMAIL_LENGTH || !EMAIL.test(value)) return false;
  return value.indexOf('@') <= MAX_EMAIL_LOCAL_PART;
}

/** The one spelling of an address the library writes anywhere: lower case. Call on valid addresses. */
export function normalizeEmail(value: string): string {
  return value.toLowerCase();
}

/**
 * Checks one address; returns it lower-cased, or undefined after recording the problem.
 * `fix` says what to put there.
 */
export function checkEmail(problems: ProblemCollector, prop: string, value: unknown, fix: string): string | undefined {
  if (isEmail(value)) return normalizeEmail(value);
  problems.add(prop, value, EMAIL_ALLOWED, fix);
  return undefined;
}

/**
 * Checks a list of addresses: each valid, none twice once lower-cased. Returns the lower-cased
 * list (valid entries only; meaningful only when no problem was recorded).
 */
export function checkEmailList(problems: ProblemCollector, prop: string, values: readonly unknown[], fix: string): string[] {
  const seen = new Map<string, number>();
  const out: string[] = [];
  values.forEach((value, i) => {
    const email = checkEmail(problems, `${prop}[${i}]`, value, fix);
    if (email === undefined) return;
    const first = seen.get(email);
    if (first !== undefined) {
      problems.add(`${prop}[${i}]`, value, `each address once (it is ${prop}[${first}] ${JSON.stringify(values[first])} in another case; addresses are compared in lower case)`, `remove ${prop}[${i}]`);
      return;
    }
    seen.set(email, i);
    out.push(email);
  });
  return out;
}
