/** An operator-visible event, as a statement to put in a batch. */
export function recordEvent(db: D1Database, kind: string, subject: string, message: string, details: unknown): D1PreparedStatement {
  return db
    .prepare('INSERT INTO events (created_at, kind, subject, message, details) VALUES (?, ?, ?, ?, ?)')
    .bind(Date.now(), kind, subject, message, details === null ? null : JSON.stringify(details));
}
