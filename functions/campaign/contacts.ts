/**
 * Which contact details the campaign may send to: UK mobile numbers and well-formed e-mail
 * addresses. The practice system's records are generic (E.164 allows any country, landlines and
 * premium-rate numbers; e-mail is free text), and a text message to a landline or a foreign or
 * premium number is wasted or worse, while an address with a line break is a header-injection
 * attempt. The planner and the reminder select only valid details (the SQL patterns below, used
 * in dispatch.ts CONTACT_COLUMNS) and report the others by patient id; the send worker checks
 * again (the JS patterns) before every message, so nothing invalid is ever sent to.
 */

/**
 * UK mobile ranges (Ofcom): 071-075 and 077-079, plus 07624 (Isle of Man mobiles), then the rest
 * of an 11-digit national number. 070 (personal numbering, charged at premium rates) and 076
 * (pagers) are not mobiles.
 */
const UK_MOBILE = "^[+]447([1-57-9][0-9]{8}|624[0-9]{6})$";
/**
 * An e-mail address as SES and mail clients take it: ASCII local part (RFC 5322 atext and dots),
 * a domain of letters, digits and hyphens (internationalised domains in their xn-- form), a
 * top-level domain of letters. No spaces, no control characters, no CR/LF, nothing quoted.
 */
const EMAIL = "^[A-Za-z0-9.!#$%&'*+/=?^_{|}~-]+@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?[.])+([A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$";

export const UK_MOBILE_PATTERN = new RegExp(UK_MOBILE);
export const EMAIL_PATTERN = new RegExp(EMAIL);

/** The same patterns as SQL string literals (quotes doubled), for REGEXP in MySQL 8 and MariaDB alike. */
export const UK_MOBILE_SQL = `'${UK_MOBILE.replace(/'/g, "''")}'`;
export const EMAIL_SQL = `'${EMAIL.replace(/'/g, "''")}'`;

export const isUkMobile = (phone: string | null | undefined): boolean => typeof phone === "string" && UK_MOBILE_PATTERN.test(phone);

/** Why an address cannot be sent to, or undefined when it can. */
export function emailProblem(email: string | null | undefined): string | undefined {
  if (typeof email !== "string") return "no address";
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(email)) return "contains control characters or a line break";
  if (email.length > 254) return "longer than 254 characters";
  if (email.split("@")[0].length > 64) return "local part longer than 64 characters";
  if (!EMAIL_PATTERN.test(email) || /(^|[.@])[.]|[.]@/.test(email)) return "not an e-mail address (name@example.org)";
  return undefined;
}

/** Why a phone number cannot be texted, or undefined when it can. */
export function phoneProblem(phone: string | null | undefined): string | undefined {
  if (typeof phone !== "string") return "no number";
  if (isUkMobile(phone)) return undefined;
  if (/^[+]447(0|6)/.test(phone)) return "a UK personal (premium-rate) or pager number, not a mobile";
  if (/^[+]44/.test(phone)) return "a UK landline or non-mobile number";
  return "not a UK number";
}
