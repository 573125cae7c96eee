import * as builtIn from '../../src/methods/built-in.js';
import { nextSetupStep as nextStep } from '../../src/methods/registry.js';

const placements = Object.values(builtIn).flatMap((m) => (m.setup ? [m.setup] : []));
/** The built-in methods' setup pages that start the wizard. */
const FIRST_PAGES = placements.flatMap((p) => (p.kind === 'choice' ? [p.page] : []));
/** Every built-in follow-up step, in order (as an instance with an sms transport and appPasswords.findUser offers them). */
export const FOLLOW_UPS = placements.flatMap((p) => (p.kind === 'follow-up' ? [p] : [])).sort((a, b) => a.position - b.position).map((p) => p.page);

/** The built-in wizard's page after `current`, when the instance offers the follow-up steps in `offered` (all by default). */
export function nextSetupStep(current: string, offered: ReadonlySet<string> = new Set(FOLLOW_UPS)): string {
  return nextStep(current, { firstPages: FIRST_PAGES, followUps: FOLLOW_UPS.filter((p) => offered.has(p)) });
}
