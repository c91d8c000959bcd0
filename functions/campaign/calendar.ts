/**
 * The booked appointment as an iCalendar file (RFC 5545), for "add to your calendar": the
 * time, the place and the practice's phone number; nothing clinical, no patient name.
 */
import type { Booking } from "./booking";

/** How long the calendar entry lasts: slots carry only a start time. */
export const APPOINTMENT_MINUTES = 15;

/** RFC 5545 TEXT: backslash, semicolon and comma escaped, line breaks as \n, other controls dropped. */
export const icsText = (value: string): string =>
  value
    .replace(/[\\;,]/g, (c) => `\\${c}`)
    .replace(/\r\n|\r|\n/g, "\\n")
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, "");

const icsTime = (at: Date): string => at.toISOString().replace(/[-:]/g, "").replace(/\.[0-9]{3}/, "");

/** Lines longer than 75 octets are folded (CRLF then a space), without splitting a UTF-8 character. */
function fold(line: string): string {
  const out: string[] = [];
  let current = "";
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char, "utf8");
    if (octets + size > (out.length === 0 ? 75 : 74)) {
      out.push(current);
      current = "";
      octets = 0;
    }
    current += char;
    octets += size;
  }
  out.push(current);
  return out.join("\r\n ");
}

export interface CalendarPractice {
  readonly name: string;
  readonly phone: string;
}

export function appointmentCalendar(booking: Booking, practice: CalendarPractice, now: Date): string {
  const end = new Date(booking.startsAt.getTime() + APPOINTMENT_MINUTES * 60_000);
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//mediCARE//campaign booking//EN",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    "BEGIN:VEVENT",
    // Stable per booking: re-downloading after a change updates the same entry.
    `UID:appointment-${booking.invitationId}@medicare.campaign`,
    `DTSTAMP:${icsTime(now)}`,
    `DTSTART:${icsTime(booking.startsAt)}`,
    `DTEND:${icsTime(end)}`,
    `SUMMARY:${icsText(`Appointment at ${practice.name}`)}`,
    `LOCATION:${icsText(booking.site)}`,
    `DESCRIPTION:${icsText(`To change or cancel, open the link in your message or call ${practice.name} on ${practice.phone}.`)}`,
    "END:VEVENT",
    "END:VCALENDAR",
  ];
  return lines.map(fold).join("\r\n") + "\r\n";
}
