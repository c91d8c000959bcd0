import { Construct } from "constructs";
import { EnvironmentConfig } from "../config/schema";
import { MedicareStack } from "../core/medicare-stack";
import { PermissionBoundary } from "../iam/permission-boundary";
import { KeyRing } from "./keys";

/**
 * `<env>-security`: the keys every other stack encrypts with and the permission boundary
 * every workload role carries. Deployed first; other stacks receive its constructs.
 */
export class SecurityStack extends MedicareStack {
  readonly keys: KeyRing;
  readonly workloadBoundary: PermissionBoundary;

  constructor(scope: Construct, env: EnvironmentConfig) {
    super(scope, { env, component: "security", dataClassification: "confidential" });
    this.keys = new KeyRing(this, "keys");
    this.workloadBoundary = new PermissionBoundary(this, "workload-boundary");
  }
}
