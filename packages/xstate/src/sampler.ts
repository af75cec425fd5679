/**
 * Keeps a fraction `rate` (0..1) of calls, spread evenly and deterministically: with 0.25,
 * calls 4, 8, 12, ... are kept. Deterministic so that a test or an operator can predict it.
 */
export function createSampler(rate: number): () => boolean {
  if (rate >= 1) return () => true;
  if (rate <= 0) return () => false;
  let credit = 0;
  return () => {
    credit += rate;
    if (credit < 1 - 1e-9) return false;
    credit -= 1;
    return true;
  };
}
