import { describe, expect, it } from 'vitest';
import { unstorableTextPath } from './storable-text.ts';

const check = (raw: string) => unstorableTextPath(raw, JSON.parse(raw));

describe('unstorableTextPath', () => {
  it('passes ordinary text, CJK, emoji (raw or as a surrogate pair) and an escaped backslash', () => {
    expect(check('{"text":"你好 😀","n":1,"a":[true,null]}')).toBeNull();
    expect(check('{"text":"\\ud83d\\ude00"}')).toBeNull();
    // A literal backslash followed by u0000 is six ordinary characters, not a NUL.
    expect(check('{"text":"\\\\u0000"}')).toBeNull();
  });

  it('names the first NUL, in values, nested objects, arrays and keys', () => {
    expect(check('{"text":"a\\u0000b"}')).toBe('text');
    expect(check('{"message":{"payload":{"k":["ok","\\u0000"]}}}')).toBe('message.payload.k.1');
    expect(check('{"a\\u0000":1}')).toBe('a\u0000');
    expect(check('"\\u0000"')).toBe('(value)');
  });

  it('names unpaired surrogates, high or low', () => {
    expect(check('{"text":"x\\ud800y"}')).toBe('text');
    expect(check('{"text":"x\\udc00"}')).toBe('text');
    expect(check('{"text":"\\ude00\\ud83d"}')).toBe('text');
  });
});
