/** Renders duties with deadlines as an iCalendar feed (RFC 5545): one event at each deadline. */
export interface CalendarDuty {
  uid: string;
  deadline: Date;
  summary: string;
  description: string;
}

function escapeText(text: string): string {
  return (
    text
      .replace(/\\/g, "\\\\")
      .replace(/;/g, "\\;")
      .replace(/,/g, "\\,")
      .replace(/\r\n|\r|\n/g, "\\n")
      // Other control characters have no place in a calendar line (and could forge one).
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f]/g, " ")
  );
}

function formatUtc(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

/** Folds a content line at 75 octets, continuing with a space (RFC 5545 §3.1). */
function fold(line: string): string {
  const bytes = Buffer.from(line, "utf8");
  if (bytes.length <= 75) return line;
  const parts: string[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = Math.min(start + (start === 0 ? 75 : 74), bytes.length);
    // Do not split a multi-byte character.
    while (end < bytes.length && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
    parts.push(bytes.subarray(start, end).toString("utf8"));
    start = end;
  }
  return parts.join("\r\n ");
}

export function renderDeadlineCalendar(duties: readonly CalendarDuty[], generatedAt: Date): string {
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//dpdesk//breach deadlines//EN",
    "CALSCALE:GREGORIAN",
    "X-WR-CALNAME:dpdesk deadlines",
  ];
  for (const duty of duties) {
    lines.push(
      "BEGIN:VEVENT",
      `UID:${duty.uid}@dpdesk`,
      `DTSTAMP:${formatUtc(generatedAt)}`,
      `DTSTART:${formatUtc(duty.deadline)}`,
      `DTEND:${formatUtc(duty.deadline)}`,
      `SUMMARY:${escapeText(duty.summary)}`,
      `DESCRIPTION:${escapeText(duty.description)}`,
      "BEGIN:VALARM",
      "ACTION:DISPLAY",
      "TRIGGER:-PT12H",
      `DESCRIPTION:${escapeText(`12 hours left: ${duty.summary}`)}`,
      "END:VALARM",
      "END:VEVENT",
    );
  }
  lines.push("END:VCALENDAR");
  return `${lines.map(fold).join("\r\n")}\r\n`;
}
