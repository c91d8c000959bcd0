/**
 * The campaign engine's schema, as ordered migrations. Each migration is a list of single
 * statements (the driver runs with multipleStatements off). Written for Aurora MySQL 3
 * (MySQL 8.0) and MariaDB 10.11 alike: utf8mb4 with an explicit collation both have,
 * CHECK constraints, no engine-specific JSON functions.
 *
 * Rules of the road: never edit a migration that has shipped (the runner refuses a changed
 * checksum); add a new one. Times are UTC DATETIME(3). Nothing here holds a raw token:
 * only SHA-256 hashes.
 */
export interface Migration {
  /** Sortable, unique, never renamed: `NNNN-what-it-does`. */
  readonly name: string;
  readonly statements: readonly string[];
}

const TABLE_OPTIONS = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";

export const MIGRATIONS: readonly Migration[] = [
  {
    name: "0001-patients-and-contact-preferences",
    statements: [
      `CREATE TABLE patients (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
        -- The practice system's identifier, for the nightly import and the on-premises pull.
        external_ref VARCHAR(64) NOT NULL,
        given_name VARCHAR(100) NOT NULL,
        family_name VARCHAR(100) NOT NULL,
        -- E.164 (+447700900123); NULL when the patient gave no mobile number.
        phone_e164 VARCHAR(16) NULL,
        email VARCHAR(254) NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
        UNIQUE KEY patients_external_ref (external_ref),
        CONSTRAINT patients_phone_e164 CHECK (phone_e164 IS NULL OR phone_e164 REGEXP '^[+][1-9][0-9]{6,14}$')
      ) ${TABLE_OPTIONS}`,
      // Coded conditions (e.g. 'chronic-respiratory'); campaigns select by code, messages never mention them.
      `CREATE TABLE patient_conditions (
        patient_id BIGINT UNSIGNED NOT NULL,
        condition_code VARCHAR(64) NOT NULL,
        recorded_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (patient_id, condition_code),
        KEY patient_conditions_by_code (condition_code, patient_id),
        CONSTRAINT patient_conditions_patient FOREIGN KEY (patient_id) REFERENCES patients (id)
      ) ${TABLE_OPTIONS}`,
      // One row per patient and channel when the patient has said something; no row = may contact.
      `CREATE TABLE contact_preferences (
        patient_id BIGINT UNSIGNED NOT NULL,
        channel ENUM('sms','email') NOT NULL,
        opted_out_at DATETIME(3) NULL,
        -- Where the opt-out came from: 'patient' (form or reply STOP), 'staff', 'carrier' (SNS opt-out list), 'bounce'.
        opt_out_source VARCHAR(16) NULL,
        updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
        PRIMARY KEY (patient_id, channel),
        CONSTRAINT contact_preferences_patient FOREIGN KEY (patient_id) REFERENCES patients (id)
      ) ${TABLE_OPTIONS}`,
    ],
  },
  {
    name: "0002-campaigns-invitations-deliveries",
    statements: [
      `CREATE TABLE campaigns (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
        name VARCHAR(120) NOT NULL,
        condition_code VARCHAR(64) NOT NULL,
        status ENUM('draft','running','completed','cancelled') NOT NULL DEFAULT 'draft',
        token_ttl_days SMALLINT UNSIGNED NOT NULL,
        reminder_interval_days SMALLINT UNSIGNED NOT NULL,
        max_reminders SMALLINT UNSIGNED NOT NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        UNIQUE KEY campaigns_name (name),
        CONSTRAINT campaigns_token_ttl CHECK (token_ttl_days BETWEEN 1 AND 90),
        CONSTRAINT campaigns_reminder_interval CHECK (reminder_interval_days BETWEEN 1 AND 90),
        CONSTRAINT campaigns_max_reminders CHECK (max_reminders <= 20)
      ) ${TABLE_OPTIONS}`,
      // One invitation per patient per campaign; reminders reuse it with a new token.
      `CREATE TABLE invitations (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
        campaign_id BIGINT UNSIGNED NOT NULL,
        patient_id BIGINT UNSIGNED NOT NULL,
        -- 0 for the first invitation, then 1..max_reminders.
        round SMALLINT UNSIGNED NOT NULL DEFAULT 0,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        -- When the current round was handed to the send queue (NULL: minted, not yet enqueued).
        enqueued_at DATETIME(3) NULL,
        last_contacted_at DATETIME(3) NULL,
        responded_at DATETIME(3) NULL,
        UNIQUE KEY invitations_campaign_patient (campaign_id, patient_id),
        KEY invitations_non_respondents (campaign_id, responded_at, last_contacted_at),
        KEY invitations_unqueued (campaign_id, enqueued_at),
        CONSTRAINT invitations_campaign FOREIGN KEY (campaign_id) REFERENCES campaigns (id),
        CONSTRAINT invitations_patient FOREIGN KEY (patient_id) REFERENCES patients (id)
      ) ${TABLE_OPTIONS}`,
      // Every token ever minted, by SHA-256; at most one per invitation is live (revoked_at IS NULL).
      `CREATE TABLE invitation_tokens (
        token_hash BINARY(32) NOT NULL PRIMARY KEY,
        invitation_id BIGINT UNSIGNED NOT NULL,
        round SMALLINT UNSIGNED NOT NULL,
        issued_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        expires_at DATETIME(3) NOT NULL,
        revoked_at DATETIME(3) NULL,
        redeemed_at DATETIME(3) NULL,
        KEY invitation_tokens_invitation (invitation_id, revoked_at),
        CONSTRAINT invitation_tokens_invitation FOREIGN KEY (invitation_id) REFERENCES invitations (id)
      ) ${TABLE_OPTIONS}`,
      // One row per invitation, round and channel: the claim-before-send state machine
      // pending -> sending -> sent -> delivered|failed|undeliverable, or skipped_opted_out,
      // or unknown (claimed, outcome not recorded: for review, never resent automatically).
      `CREATE TABLE deliveries (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
        invitation_id BIGINT UNSIGNED NOT NULL,
        round SMALLINT UNSIGNED NOT NULL,
        channel ENUM('sms','email') NOT NULL,
        status ENUM('pending','sending','sent','delivered','failed','undeliverable','skipped_opted_out','unknown') NOT NULL DEFAULT 'pending',
        attempts SMALLINT UNSIGNED NOT NULL DEFAULT 0,
        claimed_at DATETIME(3) NULL,
        sent_at DATETIME(3) NULL,
        status_at DATETIME(3) NULL,
        provider_message_id VARCHAR(128) NULL,
        status_detail VARCHAR(255) NULL,
        UNIQUE KEY deliveries_invitation_round_channel (invitation_id, round, channel),
        KEY deliveries_provider_message (provider_message_id),
        KEY deliveries_status (status, claimed_at),
        CONSTRAINT deliveries_invitation FOREIGN KEY (invitation_id) REFERENCES invitations (id)
      ) ${TABLE_OPTIONS}`,
      // The source calls them respondents and non-respondents: views, not copies.
      `CREATE VIEW respondents AS
        SELECT i.id AS invitation_id, i.campaign_id, i.patient_id, i.responded_at
        FROM invitations i WHERE i.responded_at IS NOT NULL`,
      `CREATE VIEW non_respondents AS
        SELECT i.id AS invitation_id, i.campaign_id, i.patient_id, i.round, i.last_contacted_at
        FROM invitations i WHERE i.responded_at IS NULL`,
    ],
  },
  {
    name: "0003-slots-bookings-sessions",
    statements: [
      `CREATE TABLE appointment_slots (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
        campaign_id BIGINT UNSIGNED NOT NULL,
        site VARCHAR(120) NOT NULL,
        starts_at DATETIME(3) NOT NULL,
        capacity SMALLINT UNSIGNED NOT NULL,
        booked SMALLINT UNSIGNED NOT NULL DEFAULT 0,
        KEY appointment_slots_campaign (campaign_id, starts_at),
        CONSTRAINT appointment_slots_campaign FOREIGN KEY (campaign_id) REFERENCES campaigns (id),
        -- The database, not the code, is the last word on overbooking.
        CONSTRAINT appointment_slots_not_overbooked CHECK (booked <= capacity)
      ) ${TABLE_OPTIONS}`,
      `CREATE TABLE bookings (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
        invitation_id BIGINT UNSIGNED NOT NULL,
        slot_id BIGINT UNSIGNED NOT NULL,
        booked_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        UNIQUE KEY bookings_one_per_invitation (invitation_id),
        KEY bookings_slot (slot_id),
        CONSTRAINT bookings_invitation FOREIGN KEY (invitation_id) REFERENCES invitations (id),
        CONSTRAINT bookings_slot FOREIGN KEY (slot_id) REFERENCES appointment_slots (id)
      ) ${TABLE_OPTIONS}`,
      // A redeemed link opens a short booking session (its own random secret, stored hashed),
      // so the one-time token is spent once and booking still knows who is booking.
      `CREATE TABLE booking_sessions (
        session_hash BINARY(32) NOT NULL PRIMARY KEY,
        invitation_id BIGINT UNSIGNED NOT NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        expires_at DATETIME(3) NOT NULL,
        KEY booking_sessions_invitation (invitation_id),
        CONSTRAINT booking_sessions_invitation FOREIGN KEY (invitation_id) REFERENCES invitations (id)
      ) ${TABLE_OPTIONS}`,
    ],
  },
  {
    name: "0004-forms-and-submissions",
    statements: [
      // A definition is data: stored as validated JSON, never turned into table or column names.
      `CREATE TABLE forms (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
        slug VARCHAR(64) NOT NULL,
        version INT UNSIGNED NOT NULL,
        title VARCHAR(200) NOT NULL,
        definition LONGTEXT NOT NULL,
        created_by VARCHAR(128) NOT NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        published_key VARCHAR(512) NULL,
        published_at DATETIME(3) NULL,
        UNIQUE KEY forms_slug_version (slug, version),
        CONSTRAINT forms_definition_json CHECK (JSON_VALID(definition))
      ) ${TABLE_OPTIONS}`,
      `CREATE TABLE form_submissions (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
        form_id BIGINT UNSIGNED NOT NULL,
        invitation_id BIGINT UNSIGNED NULL,
        submitted_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        answers LONGTEXT NOT NULL,
        KEY form_submissions_form (form_id, submitted_at),
        CONSTRAINT form_submissions_form FOREIGN KEY (form_id) REFERENCES forms (id),
        CONSTRAINT form_submissions_invitation FOREIGN KEY (invitation_id) REFERENCES invitations (id),
        CONSTRAINT form_submissions_answers_json CHECK (JSON_VALID(answers))
      ) ${TABLE_OPTIONS}`,
    ],
  },
  {
    name: "0005-invitations-without-unqueued-index",
    statements: [
      // Every planner page marks its invitations enqueued; with this index each mark also moved
      // an index entry, a third of a page's cost. Unqueued invitations are looked for once per
      // run (after a crash), where a scan of the campaign's rows is cheap enough.
      "ALTER TABLE invitations DROP INDEX invitations_unqueued",
    ],
  },
  {
    name: "0006-unqueued-rounds",
    statements: [
      // A page of issued rounds is listed here in the page's own transaction and deleted once its
      // send requests are on the queue: one row per page instead of marking every invitation
      // (growing each row by a timestamp cost a sixth of the planner's time). What is listed
      // after a crash is re-issued, with new tokens, by the next run.
      `CREATE TABLE unqueued_rounds (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
        campaign_id BIGINT UNSIGNED NOT NULL,
        -- JSON array of invitations.id whose current round is not yet on the queue.
        invitation_ids LONGTEXT NOT NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        KEY unqueued_rounds_campaign (campaign_id, id),
        CONSTRAINT unqueued_rounds_campaign FOREIGN KEY (campaign_id) REFERENCES campaigns (id),
        CONSTRAINT unqueued_rounds_ids_json CHECK (JSON_VALID(invitation_ids))
      ) ${TABLE_OPTIONS}`,
      "INSERT INTO unqueued_rounds (campaign_id, invitation_ids) SELECT campaign_id, JSON_ARRAYAGG(id) FROM invitations WHERE enqueued_at IS NULL GROUP BY campaign_id",
      "UPDATE invitations SET enqueued_at = created_at WHERE enqueued_at IS NULL",
      // When the current round was issued (its page's transaction); whether it reached the queue is unqueued_rounds' business.
      "ALTER TABLE invitations CHANGE enqueued_at issued_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)",
    ],
  },
  {
    name: "0007-respond-by-booking",
    statements: [
      // Which link opened a booking session: an expired session goes back to slot choice while
      // that link is still live (not revoked, not expired), instead of ending the journey.
      "ALTER TABLE booking_sessions ADD COLUMN token_hash BINARY(32) NULL",
      // What staff recorded for a patient who answered outside the link (campaign/outcomes.ts):
      // a recorded outcome makes the invitation a respondent, so reminders stop.
      `ALTER TABLE invitations
        ADD COLUMN staff_outcome ENUM('booked-by-phone','vaccinated-elsewhere','declined') NULL,
        ADD COLUMN staff_outcome_at DATETIME(3) NULL,
        ADD COLUMN staff_outcome_by VARCHAR(128) NULL`,
      // A cancelled booking, kept for the audit trail: the bookings row goes (one per invitation,
      // so the patient can book again) and its seat is given back in the same transaction.
      `CREATE TABLE booking_cancellations (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
        invitation_id BIGINT UNSIGNED NOT NULL,
        slot_id BIGINT UNSIGNED NOT NULL,
        booked_at DATETIME(3) NOT NULL,
        cancelled_at DATETIME(3) NOT NULL,
        -- 'patient' (their link) or 'moved' (they changed to another time).
        reason VARCHAR(16) NOT NULL,
        KEY booking_cancellations_invitation (invitation_id),
        CONSTRAINT booking_cancellations_invitation FOREIGN KEY (invitation_id) REFERENCES invitations (id),
        CONSTRAINT booking_cancellations_slot FOREIGN KEY (slot_id) REFERENCES appointment_slots (id)
      ) ${TABLE_OPTIONS}`,
      // Opening a link no longer answers the invitation: only a booking or a staff outcome does.
      // Invitations that were marked by a click alone become non-respondents again (reminders resume).
      `UPDATE invitations i SET i.responded_at = NULL
        WHERE i.responded_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.invitation_id = i.id)`,
    ],
  },
  {
    name: "0008-short-opt-out-codes",
    statements: [
      // SHA-256 of the token's short opt-out code (tokens.ts optOutCodeOf), printed in the SMS as
      // /s/{code}: an alphanumeric sender cannot receive STOP replies. NULL for tokens minted before.
      // Not unique: a 60-bit collision must not fail a planner page; the lookup refuses an ambiguous code.
      "ALTER TABLE invitation_tokens ADD COLUMN opt_out_hash BINARY(32) NULL, ADD KEY invitation_tokens_opt_out (opt_out_hash)",
    ],
  },
];
