/** Message rendering: GSM-7 counting, one SMS segment in the worst case, no clinical words, escaped email HTML. */
import { ConfigurationError } from "../../../functions/lib/environment";
import {
  BASE_URL_MAX_LENGTH, gsm7Length, isGsm7, nonGsm7Characters, PRACTICE_NAME_MAX_SEPTETS, renderEmail, renderSms, SMS_SEGMENT_SEPTETS, TOKEN_LENGTH,
  validateMessagingSettings,
} from "../../../functions/campaign/messages";
import { mintToken, optOutCodeOf } from "../../../functions/campaign/tokens";

describe("GSM-7 counting", () => {
  test("basic characters count one septet each, extension characters two", () => {
    expect(gsm7Length("Hello @£$ äöü")).toBe(13);
    expect(gsm7Length("€")).toBe(2);
    expect(gsm7Length("[x]{y}|~^\\")).toBe(2 * 8 + 2);
    expect(gsm7Length("")).toBe(0);
  });

  test("a character outside GSM-7 is named, not silently counted", () => {
    expect(isGsm7("Café")).toBe(true); // é is in the basic set
    expect(isGsm7("Cafe\u0301")).toBe(false);
    expect(isGsm7("naïve")).toBe(false);
    expect(nonGsm7Characters("naïve – ok")).toEqual(["ï", "–"]);
    expect(() => gsm7Length("smart ’quote")).toThrow(/U\+2019.*not a GSM-7 character/);
  });

  test("token characters are all in the basic set", () => {
    expect(gsm7Length("ABCXYZabcxyz0123456789-_")).toBe(24);
  });
});

describe("SMS", () => {
  // The longest name with the longest URL that still fits: both links carry the URL.
  const longestName = "W".repeat(PRACTICE_NAME_MAX_SEPTETS);
  const fitting = (name: string): string => {
    for (let length = BASE_URL_MAX_LENGTH; length > 12; length--) {
      const url = ("https://" + "b".repeat(length)).slice(0, length);
      try {
        validateMessagingSettings({ practiceName: name, baseUrl: url });
        return url;
      } catch {
        continue;
      }
    }
    throw new Error("no URL fits");
  };
  const longestUrl = fitting(longestName);
  const settings = validateMessagingSettings({ practiceName: longestName, baseUrl: longestUrl });

  test("the longest name leaves room for a realistic URL (both environments' hostnames fit with their names)", () => {
    expect(longestUrl.length).toBeGreaterThanOrEqual(26);
    expect(() => validateMessagingSettings({ practiceName: "mediCARE Blackpool", baseUrl: "https://api.prod.medicare.example" })).not.toThrow();
  });

  test.each([0, 1, 2, 20])("round %i with the longest allowed name and URL and a real token fits one segment, with the opt-out link", (round) => {
    const { token } = mintToken();
    expect(token).toHaveLength(TOKEN_LENGTH);
    const sms = renderSms(settings, round, token);
    expect(sms.septets).toBeLessThanOrEqual(SMS_SEGMENT_SEPTETS);
    expect(sms.septets).toBe(gsm7Length(sms.text));
    expect(sms.text).toContain(`${longestUrl}/i/${token}`);
    expect(sms.text).toContain(` Opt out: ${longestUrl}/s/${optOutCodeOf(token)}`);
    expect(sms.text).not.toMatch(/STOP|reply/i);
  });

  test("invitation and reminder differ; both name the practice, carry the link and the short opt-out link", () => {
    const { token } = mintToken();
    const s = { practiceName: "Riverside Surgery", baseUrl: "https://book.example.org" };
    const code = optOutCodeOf(token);
    expect(code).toMatch(/^[A-Za-z0-9_-]{10}$/);
    expect(code).not.toBe(token.slice(0, 10));
    expect(renderSms(s, 0, token).text).toBe(`Riverside Surgery: book your free flu jab https://book.example.org/i/${token} Opt out: https://book.example.org/s/${code}`);
    expect(renderSms(s, 1, token).text).toMatch(/^Riverside Surgery reminder: /);
  });

  test("settings that could overflow a segment, or need UCS-2, are refused up front with what to change", () => {
    expect(() => validateMessagingSettings({ practiceName: "W".repeat(PRACTICE_NAME_MAX_SEPTETS + 1), baseUrl: "https://book.example.org" })).toThrow(/shorten it to at most 30/);
    // Extension characters count double.
    expect(() => validateMessagingSettings({ practiceName: "€".repeat(16), baseUrl: "https://book.example.org" })).toThrow(/takes 32 GSM-7 septets/);
    expect(() => validateMessagingSettings({ practiceName: "Ysbyty’r Dre", baseUrl: "https://book.example.org" })).toThrow(/cannot carry in GSM-7: "’"/);
    expect(() => validateMessagingSettings({ practiceName: "Riverside", baseUrl: "https://" + "a".repeat(40) })).toThrow(/at most 40/);
    expect(() => validateMessagingSettings({ practiceName: longestName, baseUrl: "https://" + "a".repeat(30) })).toThrow(/appears twice/);
    expect(() => validateMessagingSettings({ practiceName: "Riverside", baseUrl: "http://book.example.org/" })).toThrow(ConfigurationError);
    expect(() => validateMessagingSettings({ practiceName: " ", baseUrl: "https://book.example.org" })).toThrow(/PRACTICE_NAME is empty/);
  });
});

describe("no clinical information", () => {
  const CLINICAL = /lung|respirat|asthma|copd|bronch|condition|chronic|disease|diagnos|illness|medical record/i;
  test.each([0, 1])("round %i: SMS, email subject, text and HTML mention no condition", (round) => {
    const s = { practiceName: "Riverside Surgery", baseUrl: "https://book.example.org" };
    const { token } = mintToken();
    const email = renderEmail(s, round, token);
    for (const text of [renderSms(s, round, token).text, email.subject, email.text, email.html]) expect(text).not.toMatch(CLINICAL);
  });
});

describe("email", () => {
  test("the practice name is escaped in the HTML and the links point at the invitation and its opt-out", () => {
    const { token } = mintToken();
    const email = renderEmail({ practiceName: `<script>alert("x")</script> & Co`, baseUrl: "https://book.example.org" }, 0, token);
    expect(email.html).not.toContain("<script>");
    expect(email.html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co");
    expect(email.html).toContain(`href="https://book.example.org/i/${token}"`);
    expect(email.html).toContain(`href="https://book.example.org/i/${token}/opt-out"`);
    expect(email.text).toContain(`Unsubscribe: to receive no more of these messages, open https://book.example.org/i/${token}/opt-out`);
    expect(email.subject).toBe(`<script>alert("x")</script> & Co: book your free flu vaccination`);
  });
});
