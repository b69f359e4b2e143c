/** Character classes shared by the extractors; charCode checks keep the hot path free of regex. */

export const isAsciiDigit = (c: number): boolean => c >= 48 && c <= 57;

export const isAsciiLetter = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);

export const isAsciiAlnum = (c: number): boolean => isAsciiDigit(c) || isAsciiLetter(c);

/** CJK unified ideographs (basic block and extension A). */
export const isHan = (c: number): boolean => (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf);

/** Builds a fast membership test for a set of single characters. */
export function charSet(chars: string): (c: number) => boolean {
  const set = new Set<number>();
  for (const ch of chars) set.add(ch.charCodeAt(0));
  return (c) => set.has(c);
}

/**
 * All matches of a global regex. Unlike String.prototype.matchAll this does not clone the regex on
 * every call, which matters on a path run for every message.
 */
export function allMatches(re: RegExp, text: string): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  re.lastIndex = 0;
  for (;;) {
    const m = re.exec(text);
    if (!m) break;
    out.push(m);
    if (m[0].length === 0) re.lastIndex++;
  }
  re.lastIndex = 0;
  return out;
}
