import { v7 } from 'uuid';

/**
 * Time-ordered ids (UUIDv7, monotonic within a process): sorting by id sorts by
 * creation, which makes cursor pagination a plain `id < cursor`.
 */
export const newId = (): string => v7();
