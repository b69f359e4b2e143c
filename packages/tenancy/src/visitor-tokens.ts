import { createHash } from 'node:crypto';
import { AppError } from '@kefu/contracts';
import { errors, jwtVerify, SignJWT } from 'jose';

export interface VisitorClaims {
  tenantId: string;
  customerId: string;
  channel: string;
}

/**
 * Signed tokens for shoppers in the web widget: HS256 JWTs keyed by a key derived from
 * KEFU_SECRET, so every node of a cluster can verify them without a lookup.
 */
export class VisitorTokens {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly ttlSeconds: number,
  ) {
    this.key = createHash('sha256').update(`kefu-visitor:${secret}`).digest();
  }

  async issue(claims: VisitorClaims): Promise<{ token: string; expiresAt: number }> {
    const expiresAt = Math.floor(Date.now() / 1000) + this.ttlSeconds;
    const token = await new SignJWT({ tid: claims.tenantId, ch: claims.channel })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.customerId)
      .setIssuedAt()
      .setExpirationTime(expiresAt)
      .setAudience('kefu-visitor')
      .sign(this.key);
    return { token, expiresAt: expiresAt * 1000 };
  }

  async verify(token: string): Promise<VisitorClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        audience: 'kefu-visitor',
        algorithms: ['HS256'],
      });
      if (
        typeof payload.tid !== 'string' ||
        typeof payload.sub !== 'string' ||
        typeof payload.ch !== 'string'
      ) {
        throw new AppError('unauthenticated', 'auth.invalid_token', 'The visitor token is malformed');
      }
      return { tenantId: payload.tid, customerId: payload.sub, channel: payload.ch };
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (err instanceof errors.JWTExpired) {
        throw new AppError(
          'unauthenticated',
          'auth.token_expired',
          'The visitor token has expired; open a new widget session',
        );
      }
      throw new AppError('unauthenticated', 'auth.invalid_token', 'The visitor token is not valid');
    }
  }
}
