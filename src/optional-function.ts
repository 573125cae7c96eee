import { z } from 'zod';

/** An optional option that must be a function; `what` shows its shape in the error message. */
export const optionalFunction = <T>(what: string) =>
  z.custom<T>((v) => typeof v === 'function', { message: `must be a function (${what})` }).optional();
