// passport-mfa/redis: wake-ups shared through Redis pub/sub (needs the optional peer `redis`).
export { RedisWakeup, REDIS_WAKEUP_DEFAULTS } from './transports/redis-wakeup.js';
export type { RedisWakeupOptions } from './transports/redis-wakeup.js';
export type { ReconnectOptions } from './transports/shared-wakeup.js';
