/** Bump when featureKeys or tokenise change: cached and stored models of another version are retrained. */
export const FEATURES_VERSION = 1;

/**
 * Feature keys of one utterance for the linear models: words from the tokeniser plus character
 * 1–3-grams of the canonical text (word bigrams and 4-grams measured no better on held-out data). Character n-grams carry the signal
 * when jieba splits a typo (物留, 块递) or a shop word differently; words carry it for longer
 * phrases. Digit runs are collapsed so that every order number looks alike.
 */
export function featureKeys(canonical: string, tokens: readonly string[]): string[] {
  const keys: string[] = [];
  if (canonical === '' && tokens.length === 0) return keys;
  for (const token of tokens) keys.push(`w${token}`);
  const chars = `^${canonical}$`;
  for (let i = 0; i < chars.length; i++) {
    if (i > 0 && i < chars.length - 1) keys.push(`c${chars[i]}`);
    if (i + 2 <= chars.length) keys.push(`c${chars.slice(i, i + 2)}`);
    if (i + 3 <= chars.length) keys.push(`c${chars.slice(i, i + 3)}`);
  }
  return keys;
}

const PUNCTUATION = /[\s,.;:'"`~@#$%^&*()\-_=+[\]{}\\|<>/，。、；：‘’“”…·～（）【】《》「」『』〔〕]+/g;
const DIGITS = /[0-9]+/g;

/**
 * The character stream n-grams are taken from: lower case, digit runs as one '0', separators
 * dropped, question and exclamation marks kept (they tell a question from a complaint).
 */
export function canonicalForNgrams(normalised: string): string {
  return normalised.toLowerCase().replace(DIGITS, '0').replace(PUNCTUATION, '');
}
