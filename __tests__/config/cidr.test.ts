import {
  cidrContains,
  cidrsOverlap,
  formatCidr,
  formatIpv4,
  isPublicIpv4,
  parseCidr,
  parseIpv4,
  subnetOf,
} from "../../modules/config/cidr";

/** Parses a CIDR the test knows to be valid. */
function cidr(text: string) {
  const parsed = parseCidr(text);
  if (!parsed) throw new Error(`test fixture ${text} is not a CIDR`);
  return parsed;
}

function ip(text: string): number {
  const parsed = parseIpv4(text);
  if (parsed === undefined) throw new Error(`test fixture ${text} is not an IPv4 address`);
  return parsed;
}

describe("parseIpv4", () => {
  it.each([
    ["0.0.0.0", 0],
    ["10.20.0.1", 10 * 2 ** 24 + 20 * 2 ** 16 + 1],
    ["255.255.255.255", 2 ** 32 - 1],
    ["203.0.113.10", 203 * 2 ** 24 + 113 * 2 ** 8 + 10],
  ])("parses %s", (text, value) => {
    expect(parseIpv4(text)).toBe(value);
  });

  it("round-trips through formatIpv4", () => {
    for (const text of ["0.0.0.0", "10.20.0.1", "192.168.15.255", "255.255.255.255"]) {
      expect(formatIpv4(ip(text))).toBe(text);
    }
  });

  it.each([
    ["an octet above 255", "256.1.1.1"],
    ["an octet above 255 at the end", "10.0.0.300"],
    ["a negative octet", "10.-1.0.0"],
    ["a leading zero", "10.01.0.0"],
    ["three octets", "10.0.0"],
    ["five octets", "10.0.0.0.0"],
    ["an empty octet", "10..0.0"],
    ["letters", "10.0.0.a"],
    ["spaces", " 10.0.0.1"],
    ["a CIDR", "10.0.0.0/8"],
    ["an empty string", ""],
    ["an IPv6 address", "::1"],
  ])("rejects %s (%j)", (_why, text) => {
    expect(parseIpv4(text)).toBeUndefined();
  });
});

describe("parseCidr", () => {
  it.each([
    ["10.20.0.0/16", 10 * 2 ** 24 + 20 * 2 ** 16, 16],
    ["0.0.0.0/0", 0, 0],
    ["192.168.0.0/20", 192 * 2 ** 24 + 168 * 2 ** 16, 20],
    ["203.0.113.10/32", ip("203.0.113.10"), 32],
  ])("parses %s", (text, network, prefix) => {
    expect(parseCidr(text)).toEqual({ network, prefix });
  });

  it("round-trips through formatCidr", () => {
    for (const text of ["10.20.0.0/16", "0.0.0.0/0", "10.10.64.0/18", "203.0.113.10/32"]) {
      expect(formatCidr(cidr(text))).toBe(text);
    }
  });

  it.each([
    ["host bits set in the last octet", "10.20.0.1/16"],
    ["host bits set in the third octet", "10.20.1.0/16"],
    ["host bits set just below the prefix", "10.20.16.0/19"],
    ["host bits set on a /0", "1.0.0.0/0"],
  ])("rejects a CIDR with %s (%s)", (_why, text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  it.each([
    ["a bad octet", "10.256.0.0/16"],
    ["a prefix above 32", "10.0.0.0/33"],
    ["a three-digit prefix", "10.0.0.0/100"],
    ["a negative prefix", "10.0.0.0/-1"],
    ["no prefix", "10.0.0.0"],
    ["an empty prefix", "10.0.0.0/"],
    ["two prefixes", "10.0.0.0/8/8"],
    ["a non-numeric prefix", "10.0.0.0/ab"],
    ["an empty string", ""],
  ])("rejects %s (%j)", (_why, text) => {
    expect(parseCidr(text)).toBeUndefined();
  });
});

describe("cidrContains", () => {
  it("includes the first and last address of the block and nothing outside", () => {
    const block = cidr("10.20.0.0/16");
    expect(cidrContains(block, ip("10.20.0.0"))).toBe(true);
    expect(cidrContains(block, ip("10.20.255.255"))).toBe(true);
    expect(cidrContains(block, ip("10.19.255.255"))).toBe(false);
    expect(cidrContains(block, ip("10.21.0.0"))).toBe(false);
  });
});

describe("cidrsOverlap", () => {
  it.each([
    ["identical blocks", "10.20.0.0/16", "10.20.0.0/16"],
    ["a block and one inside it", "10.20.0.0/16", "10.20.64.0/18"],
    ["a block inside another (argument order swapped)", "10.20.64.0/18", "10.20.0.0/16"],
    ["the whole space and anything", "0.0.0.0/0", "192.168.0.0/20"],
    ["a block and its last address", "192.168.0.0/20", "192.168.15.255/32"],
  ])("overlap: %s", (_why, a, b) => {
    expect(cidrsOverlap(cidr(a), cidr(b))).toBe(true);
  });

  it.each([
    ["adjacent blocks", "10.20.0.0/16", "10.21.0.0/16"],
    ["adjacent blocks (argument order swapped)", "10.21.0.0/16", "10.20.0.0/16"],
    ["the two environments' VPCs", "10.10.0.0/16", "10.20.0.0/16"],
    ["a VPC and the on-premises network", "10.20.0.0/16", "192.168.0.0/20"],
    ["a block and the address just past it", "192.168.0.0/20", "192.168.16.0/32"],
  ])("no overlap: %s", (_why, a, b) => {
    expect(cidrsOverlap(cidr(a), cidr(b))).toBe(false);
  });
});

describe("subnetOf", () => {
  it("works like Terraform's cidrsubnet()", () => {
    const vpc = cidr("10.20.0.0/16");
    // cidrsubnet("10.20.0.0/16", 2, i) = 10.20.0.0/18, 10.20.64.0/18, 10.20.128.0/18, 10.20.192.0/18
    expect([0, 1, 2, 3].map((i) => formatCidr(subnetOf(vpc, 2, i)))).toEqual([
      "10.20.0.0/18",
      "10.20.64.0/18",
      "10.20.128.0/18",
      "10.20.192.0/18",
    ]);
    // cidrsubnet("10.20.64.0/18", 2, 3) = 10.20.112.0/20
    expect(formatCidr(subnetOf(cidr("10.20.64.0/18"), 2, 3))).toBe("10.20.112.0/20");
    expect(formatCidr(subnetOf(vpc, 8, 255))).toBe("10.20.255.0/24");
    expect(formatCidr(subnetOf(vpc, 0, 0))).toBe("10.20.0.0/16");
  });

  it("returns blocks inside the parent that do not overlap each other", () => {
    const parent = cidr("10.10.0.0/18");
    const children = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => subnetOf(parent, 3, i));
    for (const child of children) {
      expect(cidrContains(parent, child.network)).toBe(true);
      expect(cidrContains(parent, child.network + 2 ** (32 - child.prefix) - 1)).toBe(true);
    }
    children.forEach((a, i) =>
      children.slice(i + 1).forEach((b) => expect(cidrsOverlap(a, b)).toBe(false)),
    );
  });

  it.each([
    ["an index past the last block", 2, 4],
    ["a negative index", 2, -1],
    ["a prefix beyond /32", 17, 0],
  ])("throws for %s", (_why, newBits, index) => {
    expect(() => subnetOf(cidr("10.20.0.0/16"), newBits, index)).toThrow(/cannot take subnet/);
  });
});

describe("isPublicIpv4", () => {
  it.each([
    "203.0.113.10",
    "8.8.8.8",
    "1.1.1.1",
    "52.95.110.1",
    // just outside the non-public blocks
    "100.63.255.255",
    "100.128.0.0",
    "172.15.255.255",
    "172.32.0.0",
    "192.167.255.255",
    "223.255.255.255",
  ])("%s is public", (text) => {
    expect(isPublicIpv4(ip(text))).toBe(true);
  });

  it.each([
    ["RFC 1918 10/8", "10.20.0.1"],
    ["RFC 1918 172.16/12 (first)", "172.16.0.0"],
    ["RFC 1918 172.16/12 (last)", "172.31.255.255"],
    ["RFC 1918 192.168/16", "192.168.1.1"],
    ["loopback", "127.0.0.1"],
    ["link-local", "169.254.169.254"],
    ["CGNAT (first)", "100.64.0.0"],
    ["CGNAT (last)", "100.127.255.255"],
    ["this network", "0.0.0.0"],
    ["multicast", "224.0.0.1"],
    ["reserved", "240.0.0.1"],
    ["broadcast", "255.255.255.255"],
  ])("%s (%s) is not public", (_why, text) => {
    expect(isPublicIpv4(ip(text))).toBe(false);
  });
});
