import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { MedicareStack } from "../core/medicare-stack";
import { DomainKey } from "../security/keys";

/** CloudFront's certificate and web ACL, and Route 53's DNSSEC keys and query logs, live here. */
export const EDGE_REGION = "us-east-1";

/**
 * What the edge stack keeps in us-east-1, where AWS requires it: a provider alias for that
 * region and a logs key there (log groups can only use a key of their own region). The key
 * lives with its only users, the edge stack's us-east-1 log groups, rather than in the
 * security stack, whose keys serve the primary and backup regions.
 */
export class EdgeRegion extends Construct {
  readonly provider: AwsProvider;
  readonly logsKey: DomainKey;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    this.provider = new AwsProvider(this, "provider", {
      alias: "us_east_1",
      region: EDGE_REGION,
      allowedAccountIds: [stack.accountId],
    });
    this.logsKey = new DomainKey(this, "logs", { region: EDGE_REGION, provider: this.provider });
  }
}
