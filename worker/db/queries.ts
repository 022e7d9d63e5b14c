/**
 * Request-log columns shared by the API and the dashboard: whether this row is the first use of
 * its IP by its key. Needs `logs l` joined with `token_ips ti`.
 */
export const IP_FIRST_SEEN_JOIN = 'LEFT JOIN token_ips ti ON ti.token_id = l.token_id AND ti.ip = l.ip';
export const IP_FIRST_SEEN_COLUMN = '(ti.first_request_id IS NOT NULL AND ti.first_request_id = l.request_id) AS ip_first_seen';

/** Remembers the first request from each (key, IP); later ones leave the row as it is. */
export function noteTokenIp(db: D1Database, tokenId: number, ip: string, requestId: string, at: number): D1PreparedStatement {
  return db.prepare('INSERT OR IGNORE INTO token_ips (token_id, ip, first_request_id, first_seen_at) VALUES (?, ?, ?, ?)').bind(tokenId, ip, requestId, at);
}
