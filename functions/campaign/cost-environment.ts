/**
 * Environment variable names of the message prices and the run budget (functions/campaign/cost.ts),
 * apart so the campaign stack can set them without loading the function code.
 */
export const COST_ENVIRONMENT = {
  smsSegmentUsd: "SMS_SEGMENT_PRICE_USD",
  emailPer1000Usd: "EMAIL_PRICE_PER_1000_USD",
  gbpPerUsd: "GBP_PER_USD",
  budgetGbp: "RUN_BUDGET_GBP",
} as const;
