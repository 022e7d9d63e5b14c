import type { Env } from '../env';

export const accountOf = (env: Env, userId: number) => env.ACCOUNT.get(env.ACCOUNT.idFromName(`user:${userId}`));
export const gateOf = (env: Env, tokenId: number) => env.TOKEN_GATE.get(env.TOKEN_GATE.idFromName(`token:${tokenId}`));
export const healthOf = (env: Env, channelId: number) => env.CHANNEL_HEALTH.get(env.CHANNEL_HEALTH.idFromName(`channel:${channelId}`));
