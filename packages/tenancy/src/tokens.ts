import { createHash, randomBytes } from 'node:crypto';

/** An unguessable bearer secret with a recognisable prefix (kfs_ session, kfk_ API key). */
export const newSecret = (prefix: 'kfs_' | 'kfk_'): string => prefix + randomBytes(24).toString('base64url');

/** Secrets are stored and cached only as this hash, never in clear. */
export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');
