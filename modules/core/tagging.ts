import { TerraformResource, Token } from "cdktf";
import { IConstruct } from "constructs";

/** The tags every taggable resource carries; keys as they appear in AWS. */
export interface RequiredTags {
  readonly owner: string;
  readonly environment: string;
  readonly "data-classification": string;
  readonly component: string;
}

/** A provider resource class whose schema has a `tags` map (taggable in AWS). */
interface TaggableResource extends TerraformResource {
  tags: Record<string, string>;
  readonly tagsInput?: Record<string, string>;
}

function isTaggable(node: IConstruct): node is TaggableResource {
  return node instanceof TerraformResource && "tagsInput" in node && "tags" in node;
}

/**
 * Writes the required tags onto every taggable resource of the scope it is added to.
 * Tags a construct set itself (Name, tier) are kept; the required keys always win, so
 * no construct can mislabel its owner, environment or data classification.
 */
export class RequiredTagsAspect {
  constructor(private readonly required: RequiredTags) {}

  visit(node: IConstruct): void {
    if (!isTaggable(node)) return;
    const own = node.tagsInput ?? {};
    if (Token.isUnresolved(own)) {
      throw new Error(`${node.node.path}: tags are a token, so required tags cannot be merged; pass a plain object`);
    }
    node.tags = { ...own, ...this.required };
  }
}
