/**
 * @module router/rendezvous-hash
 * Weighted rendezvous (highest random weight) hashing: each target scores −weight / ln(h(key,id))
 * and the highest wins, so removing a target moves only the keys it owned and adding one takes a
 * weight-proportional share (Schindelhauer & Schomaker, "Weighted distributed hash tables").
 */

/** 32-bit FNV-1a over the UTF-16 code units, finished with murmur3's avalanche. */
export function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

export function rendezvousScore(key: string, targetId: string, weight: number): number {
  // (h + 0.5) / 2^32 lies strictly inside (0, 1), so the logarithm is finite and negative.
  const unit = (hash32(`${targetId}\u0000${key}`) + 0.5) / 4294967296;
  return -weight / Math.log(unit);
}
