import { PolicyMutation, addResource } from "./kit";

/** Mutations for the resource-type catalog (TYP-001): a kind of resource nobody reviewed. */
export const TYPE_MUTATIONS: readonly PolicyMutation[] = [
  {
    ruleId: "TYP-001",
    stack: "network",
    description: "an EC2 Instance Connect endpoint (SSH into private subnets) added to the network stack",
    mutate: (doc) => {
      addResource(doc, "aws_ec2_instance_connect_endpoint", "eice", {
        "//": { metadata: { path: "dev-network/vpc/instance-connect" } },
        subnet_id: "${aws_subnet.anything.id}",
        preserve_client_ip: false,
      });
    },
  },
  {
    ruleId: "TYP-001",
    stack: "data",
    description: "a Lightsail database beside Aurora",
    mutate: (doc) => {
      addResource(doc, "aws_lightsail_database", "side", {
        "//": { metadata: { path: "dev-data/side-database" } },
        relational_database_name: "side",
        blueprint_id: "mysql_8_0",
        bundle_id: "micro_2_0",
        master_database_name: "medicare",
        master_username: "admin",
      });
    },
  },
];
