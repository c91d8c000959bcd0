/** How the campaign reaches a patient: the values of `deliveries.channel` and `contact_preferences.channel`. */
export const CHANNELS = ["sms", "email"] as const;
export type Channel = (typeof CHANNELS)[number];
