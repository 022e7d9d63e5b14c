export interface AdmitInput {
  tokenId: number;
  requestId: string;
  rpmLimit: number | null;
  tpmLimit: number | null;
  maxConcurrency: number | null;
}

export interface RateInfo {
  rpmLimit: number | null;
  rpmRemaining: number | null;
  tpmLimit: number | null;
  tpmRemaining: number | null;
  resetSeconds: number;
}

export type AdmitResult =
  | { ok: true; rate: RateInfo }
  | { ok: false; reason: 'rate'; message: string; retryAfter: number; rate: RateInfo };
