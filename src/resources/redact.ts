// Hides passwords in service URLs before they reach a message or a report header.

/** A service URL without its password (redis://:secret@host has no user name), for messages. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/:[^:/@]*@/, ':***@');
  }
}
