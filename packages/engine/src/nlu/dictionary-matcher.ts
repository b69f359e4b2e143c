/**
 * Leftmost-longest dictionary matching over a character trie. Used for shop vocabulary (product names,
 * brands) and the engine's own lexicons; thousands of terms cost nothing per message because each text
 * position only walks as deep as the text agrees with some term.
 */

export interface DictionaryMatch<T> {
  start: number;
  end: number;
  payload: T;
}

export interface DictionaryMatcherOptions {
  /**
   * Refuse a match that would cut an ASCII word or number in two: "air" inside "chair", "15" inside
   * "150". A letter next to a digit is fine ("iPhone" in "iPhone15"). Default true.
   */
  asciiBoundary?: boolean;
}

interface TrieNode<T> {
  next: Map<number, TrieNode<T>> | undefined;
  terminal: boolean;
  payload: T | undefined;
}

const SPACE = 32;

/** ASCII letters compare case-insensitively; full-width ASCII (Ａ, １) folds to half-width. */
function fold(c: number): number {
  if (c >= 0xff01 && c <= 0xff5e) c -= 0xfee0;
  else if (c === 0x3000) return SPACE;
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** 1 for ASCII letters, 2 for ASCII digits, 0 for anything else. */
function asciiClass(c: number): number {
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) return 1;
  return c >= 48 && c <= 57 ? 2 : 0;
}

/**
 * @example
 * const brands = new DictionaryMatcher([['Apple', 'apple'], ['苹果', 'apple'], ['华为', 'huawei']]);
 * brands.findAll('华为和apple哪个好'); // [{ start: 0, end: 2, payload: 'huawei' }, { start: 3, end: 8, payload: 'apple' }]
 */
export class DictionaryMatcher<T> {
  private readonly root = new Map<number, TrieNode<T>>();
  /** Bit per UTF-16 code unit that starts some term: most text positions are rejected without a Map lookup. */
  private readonly firstChars = new Uint32Array(2048);
  private readonly asciiBoundary: boolean;
  /** Number of distinct terms. */
  readonly size: number;

  /**
   * Spaces inside terms are ignored and the text may have or lack them ("iPhone 15" matches
   * "iphone15"). When two entries share a term the first one keeps it.
   */
  constructor(
    entries: Iterable<readonly [term: string, payload: T]>,
    options: DictionaryMatcherOptions = {},
  ) {
    this.asciiBoundary = options.asciiBoundary ?? true;
    let size = 0;
    for (const [term, payload] of entries) {
      let node: TrieNode<T> | undefined;
      let level = this.root;
      for (let i = 0; i < term.length; i++) {
        const c = fold(term.charCodeAt(i));
        if (c === SPACE) continue;
        if (node) level = node.next ??= new Map();
        if (level === this.root) this.markFirst(c);
        node = level.get(c);
        if (!node) {
          node = { next: undefined, terminal: false, payload: undefined };
          level.set(c, node);
        }
      }
      if (node && !node.terminal) {
        node.terminal = true;
        node.payload = payload;
        size++;
      }
    }
    this.size = size;
  }

  /** The longest term starting exactly at `start`, or undefined. */
  matchAt(text: string, start: number): DictionaryMatch<T> | undefined {
    let node = this.root.get(fold(text.charCodeAt(start)));
    if (!node) return undefined;
    if (this.asciiBoundary && start > 0) {
      const cls = asciiClass(text.charCodeAt(start));
      if (cls !== 0 && cls === asciiClass(text.charCodeAt(start - 1))) return undefined;
    }
    let bestEnd = -1;
    let best: T | undefined;
    let i = start + 1;
    for (;;) {
      if (node.terminal && this.endsCleanly(text, i)) {
        bestEnd = i;
        best = node.payload;
      }
      if (!node.next) break;
      let c = text.charCodeAt(i);
      // A space inside a term is optional in the text; a match never ends on one.
      while (c === SPACE || c === 0x3000) c = text.charCodeAt(++i);
      const next = node.next.get(fold(c));
      if (!next) break;
      node = next;
      i++;
    }
    return bestEnd < 0 ? undefined : { start, end: bestEnd, payload: best as T };
  }

  /**
   * Leftmost-longest, non-overlapping matches in text order.
   * @example new DictionaryMatcher([['雾霾蓝', 1], ['蓝', 2]]).findAll('雾霾蓝和蓝') // payloads 1 then 2
   */
  findAll(text: string): DictionaryMatch<T>[] {
    const out: DictionaryMatch<T>[] = [];
    let i = 0;
    const first = this.firstChars;
    while (i < text.length) {
      let c = text.charCodeAt(i);
      // Inline fold: only A–Z, full-width forms and the ideographic space change.
      if (c <= 90) {
        if (c >= 65) c += 32;
      } else if (c >= 0xff01 ? c <= 0xff5e : c === 0x3000) {
        c = fold(c);
      }
      if ((first[c >>> 5]! & (1 << (c & 31))) === 0) {
        i++;
        continue;
      }
      const m = this.matchAt(text, i);
      if (m) {
        out.push(m);
        i = m.end;
      } else {
        i++;
      }
    }
    return out;
  }

  private markFirst(c: number): void {
    this.firstChars[c >>> 5]! |= 1 << (c & 31);
  }

  private endsCleanly(text: string, end: number): boolean {
    if (!this.asciiBoundary || end >= text.length) return true;
    const cls = asciiClass(text.charCodeAt(end));
    return cls === 0 || cls !== asciiClass(text.charCodeAt(end - 1));
  }
}
