/**
 * The push method's wake-up topics (see Wakeup in src/transports/wakeup.ts): `user:<userId>`
 * when a challenge was created for the user, `challenge:<id>` when it was answered.
 */
export const userTopic = (userId: string): string => `user:${userId}`;
export const challengeTopic = (challengeId: string): string => `challenge:${challengeId}`;
