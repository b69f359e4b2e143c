import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loggerOptions, redactText } from './logger.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  return { log: pino(loggerOptions('info'), stream), lines };
}

describe('redactText', () => {
  it('masks mainland mobile numbers and secrets in URL parameters', () => {
    expect(redactText('call 13812345678 or +86 15900001111')).toBe('call 138****5678 or +86 159****1111');
    expect(redactText('/ws/agent?token=kfs_abc&x=1')).toBe('/ws/agent?token=[redacted]&x=1');
    expect(redactText('/x?a=1&key=kfk_secret')).toBe('/x?a=1&key=[redacted]');
    expect(redactText(`Bearer kfs_${'a'.repeat(32)}`)).toBe('Bearer kfs_[redacted]');
    // Longer digit runs (order numbers) are not phone numbers.
    expect(redactText('order 2026112213812345678')).toBe('order 2026112213812345678');
  });
});

describe('loggerOptions', () => {
  it('serialises a request object through its getters (the url is not lost) and redacts it', () => {
    const { log, lines } = capture();
    class FakeRequest {
      id = 'req-9';
      method = 'GET';
      ip = '127.0.0.1';
      get url() {
        return '/api/v1/customers/13812345678?token=kfs_secret';
      }
    }
    log.info({ req: new FakeRequest() }, 'incoming request');
    expect(lines[0]!.req).toEqual({
      id: 'req-9',
      method: 'GET',
      url: '/api/v1/customers/138****5678?token=[redacted]',
      ip: '127.0.0.1',
    });
  });

  it('redacts messages, nested fields, secrets by name, and error messages', () => {
    const { log, lines } = capture();
    log.info({ customer: { phone: '13912345678', password: 'p4ss', token: 'kfs_x' } }, 'shopper 13912345678');
    const leaked = `kfk_${'L'.repeat(32)}`;
    log.error({ err: new Error(`no customer 13700001111 for key ${leaked}`) }, `rejected ${leaked}`);
    const all = JSON.stringify(lines);
    expect(all).not.toMatch(/13912345678|13700001111|p4ss|kfs_x|LLLLLLLL/);
    expect(lines[0]).toMatchObject({ msg: 'shopper 139****5678', customer: { phone: '139****5678' } });
    expect(lines[1]).toMatchObject({
      msg: 'rejected kfk_[redacted]',
      err: { type: 'Error', message: 'no customer 137****1111 for key kfk_[redacted]' },
    });
  });
});
