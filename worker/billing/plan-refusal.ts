import { ApiError } from '../lib/errors';
import type { PlanRefusal, ReserveResult } from '../account/types';

export const isPlanRefusal = (r: ReserveResult): r is PlanRefusal =>
  !r.ok && (r.reason === 'plan_window_exhausted' || r.reason === 'plan_required');

/**
 * The answer to a `plan_only` key's call that no plan could hold: 429 while a covering window is
 * full (with when it has room again), 403 when no active plan covers the model.
 */
export function planRefusal(r: PlanRefusal): ApiError {
  if (r.reason === 'plan_required')
    return new ApiError(
      403,
      'plan_required',
      'this key is served from a plan only, and no active plan of yours covers this model',
    );
  const wait = r.resetsAt === null ? 60 : Math.max(1, Math.ceil((r.resetsAt - Date.now()) / 1000));
  return new ApiError(
    429,
    'plan_window_exhausted',
    'every window of your plan that covers this model is full, and this key is served from the plan only',
    { 'retry-after': String(wait) },
  );
}
