/**
 * The session-generations facet: one integer per user that grows whenever all of the user's
 * sessions must end ("sign out everywhere", a factor removed, a password changed). A session
 * records the generation it started in; a later one ends it. Conventions: see ./core.ts.
 */
export interface SessionGenerationStore {
  /** The user's current generation: 0 until the first bump(). */
  get(userId: string): Promise<number>;

  /**
   * ATOMIC. Add one to the user's generation and return the new value. Of 30 parallel bumps none
   * is lost: they return 30 distinct values and the generation ends 30 higher.
   *
   * `INSERT INTO session_generations (user_id, generation) VALUES (:userId, 1)
   *  ON CONFLICT (user_id) DO UPDATE SET generation = session_generations.generation + 1
   *  RETURNING generation`
   */
  bump(userId: string): Promise<number>;
}
