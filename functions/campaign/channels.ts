/** How the campaign reaches a patient: the values of `deliveries.channel` and `contact_preferences.channel`. */
export const CHANNELS = ["sms", "email"] as const;
export type Channel = (typeof CHANNELS)[number];

/** The status detail of a delivery skipped because the patient opted out of its channel (planner, opt-out page). */
export const OPTED_OUT_DETAIL = "opted out before sending";
