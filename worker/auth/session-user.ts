/** Who a dashboard or management request is from, once its session is verified (api/session.ts). */
export interface SessionUser {
  id: number;
  role: 'admin' | 'user';
  username: string;
}
