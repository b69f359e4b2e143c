/**
 * True when a write failed on a unique constraint, in either dialect. Services turn it
 * into their own `conflict` error: a check-then-insert can always lose a race.
 */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
