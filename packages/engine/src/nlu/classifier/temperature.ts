import { softmaxInto } from './sparse.ts';

/**
 * Temperature scaling (Guo et al., 2017): one scalar T so that softmax(logits / T) on held-out
 * predictions minimises negative log-likelihood, i.e. "0.8 confident" is right about 80% of the
 * time. Golden-section search: NLL is unimodal in T.
 */
export function fitTemperature(heldOut: readonly { logits: Float64Array; label: number }[]): number {
  if (heldOut.length === 0) return 1;
  const probs = new Float64Array(heldOut[0]!.logits.length);
  const nll = (t: number) => {
    let sum = 0;
    for (const { logits, label } of heldOut) {
      softmaxInto(logits, t, probs);
      sum -= Math.log(Math.max(probs[label]!, 1e-12));
    }
    return sum;
  };
  let lo = 0.05;
  let hi = 10;
  const ratio = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 40; i++) {
    const a = hi - ratio * (hi - lo);
    const b = lo + ratio * (hi - lo);
    if (nll(a) < nll(b)) hi = b;
    else lo = a;
  }
  return (lo + hi) / 2;
}
