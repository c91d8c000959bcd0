import { Construct } from "constructs";
import { SsmMaintenanceWindow } from "@cdktf/provider-aws/lib/ssm-maintenance-window";
import { SsmMaintenanceWindowTarget } from "@cdktf/provider-aws/lib/ssm-maintenance-window-target";
import { SsmMaintenanceWindowTask } from "@cdktf/provider-aws/lib/ssm-maintenance-window-task";
import { SsmPatchBaseline } from "@cdktf/provider-aws/lib/ssm-patch-baseline";
import { SsmPatchGroup } from "@cdktf/provider-aws/lib/ssm-patch-group";
import { PatchingConfig } from "../config/schema";
import { MedicareStack } from "../core/medicare-stack";
import { EncryptedLogGroup } from "../logs/encrypted-log-group";
import { PATCH_GROUP_TAG } from "./app-fleet";

/** CONTROLS.md, ssm row: security updates are approved (and so installed) within 7 days of release. */
export const SECURITY_PATCH_APPROVAL_DAYS = 7;

export interface PatchingProps {
  readonly config: PatchingConfig;
  /** The `Patch Group` tag value of the instances to patch. */
  readonly patchGroup: string;
  /** Where Run Command writes each patch run's output (encrypted). */
  readonly outputLogs: EncryptedLogGroup;
}

/**
 * Patch Manager for the app fleet: an Amazon Linux 2023 baseline that approves security
 * updates of every severity after 7 days (and bugfixes after 14), registered for the fleet's
 * patch group, and a maintenance window that installs it on that group, rebooting as
 * needed, with its output in an encrypted log group.
 */
export class Patching extends Construct {
  readonly baseline: SsmPatchBaseline;

  constructor(scope: Construct, id: string, props: PatchingProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    const name = stack.resourceName("app-patching");

    this.baseline = new SsmPatchBaseline(this, "baseline", {
      name,
      description: `Security updates within ${SECURITY_PATCH_APPROVAL_DAYS} days, bugfixes within 14`,
      operatingSystem: "AMAZON_LINUX_2023",
      approvedPatchesComplianceLevel: "CRITICAL",
      approvalRule: [
        {
          approveAfterDays: SECURITY_PATCH_APPROVAL_DAYS,
          complianceLevel: "CRITICAL",
          enableNonSecurity: false,
          patchFilter: [
            { key: "CLASSIFICATION", values: ["Security"] },
            { key: "SEVERITY", values: ["Critical", "Important", "Medium", "Low", "None"] },
          ],
        },
        {
          approveAfterDays: 14,
          complianceLevel: "MEDIUM",
          patchFilter: [{ key: "CLASSIFICATION", values: ["Bugfix"] }],
        },
      ],
    });
    new SsmPatchGroup(this, "patch-group", { baselineId: this.baseline.id, patchGroup: props.patchGroup });

    const window = new SsmMaintenanceWindow(this, "window", {
      name,
      description: "Installs approved patches on the app fleet",
      schedule: props.config.windowSchedule,
      scheduleTimezone: "Europe/London",
      duration: props.config.windowHours,
      cutoff: 1,
      allowUnassociatedTargets: false,
    });
    const target = new SsmMaintenanceWindowTarget(this, "target", {
      windowId: window.id,
      name: "app-fleet",
      description: `Instances tagged ${PATCH_GROUP_TAG}=${props.patchGroup}`,
      resourceType: "INSTANCE",
      targets: [{ key: `tag:${PATCH_GROUP_TAG}`, values: [props.patchGroup] }],
    });
    new SsmMaintenanceWindowTask(this, "install-patches", {
      windowId: window.id,
      name: "install-patches",
      description: "AWS-RunPatchBaseline Install on the app fleet, one instance at a time",
      taskType: "RUN_COMMAND",
      taskArn: "AWS-RunPatchBaseline",
      priority: 1,
      // One at a time keeps the rest of the group serving while each instance reboots.
      maxConcurrency: "1",
      maxErrors: "0",
      targets: [{ key: "WindowTargetIds", values: [target.id] }],
      taskInvocationParameters: {
        runCommandParameters: {
          timeoutSeconds: 3600,
          parameter: [
            { name: "Operation", values: ["Install"] },
            { name: "RebootOption", values: ["RebootIfNeeded"] },
          ],
          cloudwatchConfig: { cloudwatchLogGroupName: props.outputLogs.name, cloudwatchOutputEnabled: true },
        },
      },
    });
  }
}
