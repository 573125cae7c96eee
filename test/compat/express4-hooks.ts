// Module resolution hook registered by express4.test.ts: every `import 'express'` gets Express 4.
type NextResolve = (specifier: string, context: unknown) => Promise<unknown>;

export async function resolve(specifier: string, context: unknown, next: NextResolve): Promise<unknown> {
  return next(specifier === 'express' ? 'express4' : specifier, context);
}
