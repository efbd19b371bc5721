/**
 * A compact set of byte-string keys for de-duplicating people: open addressing over typed arrays, the keys'
 * bytes one after another in a growing arena. Exact (a hash match is confirmed byte for byte), about 20 bytes
 * per key plus the key itself, and no object or string per key: ten million people fit in a few hundred
 * megabytes.
 */

/**
 * A key set's keys as plain data: key i is arena[offsets[i] .. offsets[i + 1]) (the last ends at the arena's
 * end). The arrays may be views of larger buffers.
 */
export interface KeySetData {
  arena: Uint8Array;
  offsets: Uint32Array;
  size: number;
}

/** Grows a typed array to at least `needed` elements, by half again each time (less memory held than doubling). */
function grown<T extends Uint8Array | Uint32Array>(array: T, needed: number, make: (size: number) => T): T {
  let size = Math.max(array.length + (array.length >> 1), 1024);
  while (size < needed) size += size >> 1;
  const bigger = make(size);
  bigger.set(array);
  return bigger;
}

export class KeySet {
  private slots: Int32Array; // index + 1 of the key in each slot; 0 for an empty slot
  private slotHashes: Uint32Array;
  private mask: number;
  private arena: Uint8Array;
  private arenaUsed = 0;
  private offsets: Uint32Array;
  private count = 0;
  /** Rehash past this many keys (a load of three quarters). */
  private limit: number;

  constructor(expected = 1 << 16) {
    let capacity = 1024;
    while (capacity * 0.75 < expected) capacity *= 2;
    this.slots = new Int32Array(capacity);
    this.slotHashes = new Uint32Array(capacity);
    this.mask = capacity - 1;
    this.limit = capacity * 0.75;
    this.arena = new Uint8Array(Math.max(1 << 16, expected * 24));
    this.offsets = new Uint32Array(Math.max(1024, expected));
  }

  get size(): number {
    return this.count;
  }

  /** Whether the key of the last `intern` was new. */
  lastWasNew = false;

  /** The key's index (0, 1, 2… in order of first sight), adding it if new (then `lastWasNew` is true). */
  intern(bytes: Uint8Array, start: number, end: number): number {
    // FNV-1a, 32-bit.
    let hash = 0x811c9dc5;
    for (let at = start; at < end; at++) hash = Math.imul(hash ^ (bytes[at] ?? 0), 0x01000193);
    hash >>>= 0;
    const length = end - start;
    let slot = hash & this.mask;
    for (;;) {
      const entry = this.slots[slot] ?? 0;
      if (entry === 0) break;
      if (this.slotHashes[slot] === hash && this.sameKey(entry - 1, bytes, start, length)) {
        this.lastWasNew = false;
        return entry - 1;
      }
      slot = (slot + 1) & this.mask;
    }
    const index = this.count++;
    this.store(index, bytes, start, length);
    this.slots[slot] = index + 1;
    this.slotHashes[slot] = hash;
    if (this.count > this.limit) this.rehash();
    this.lastWasNew = true;
    return index;
  }

  /**
   * Makes room for `keys` more keys of `bytes` more bytes in one step (before absorbing another set), so that
   * the arrays grow once, to size, instead of by half again each time.
   */
  reserve(keys: number, bytes: number): void {
    const count = this.count + keys;
    if (count > this.limit) {
      let capacity = this.slots.length;
      while (capacity * 0.75 < count) capacity *= 2;
      this.rehash(capacity);
    }
    if (count > this.offsets.length) {
      const offsets = new Uint32Array(count);
      offsets.set(this.offsets.subarray(0, this.count));
      this.offsets = offsets;
    }
    if (this.arenaUsed + bytes > this.arena.length) {
      const arena = new Uint8Array(this.arenaUsed + bytes);
      arena.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = arena;
    }
  }

  /** The keys, in order of first sight, as views of this set's arrays (hand them off; do not add after). */
  data(): KeySetData {
    return {
      arena: this.arena.subarray(0, this.arenaUsed),
      offsets: this.offsets.subarray(0, this.count),
      size: this.count,
    };
  }

  private sameKey(index: number, bytes: Uint8Array, start: number, length: number): boolean {
    const offset = this.offsets[index] ?? 0;
    const end = index + 1 < this.count ? (this.offsets[index + 1] ?? 0) : this.arenaUsed;
    if (end - offset !== length) return false;
    const arena = this.arena;
    for (let at = 0; at < length; at++) if (arena[offset + at] !== bytes[start + at]) return false;
    return true;
  }

  private store(index: number, bytes: Uint8Array, start: number, length: number): void {
    if (index >= this.offsets.length)
      this.offsets = grown(this.offsets, index + 1, (size) => new Uint32Array(size));
    if (this.arenaUsed + length > this.arena.length)
      this.arena = grown(this.arena, this.arenaUsed + length, (size) => new Uint8Array(size));
    const arena = this.arena;
    const base = this.arenaUsed;
    for (let at = 0; at < length; at++) arena[base + at] = bytes[start + at] ?? 0;
    this.offsets[index] = base;
    this.arenaUsed += length;
  }

  private rehash(capacity = this.slots.length * 2): void {
    const slots = new Int32Array(capacity);
    const hashes = new Uint32Array(capacity);
    const mask = capacity - 1;
    for (let old = 0; old < this.slots.length; old++) {
      const entry = this.slots[old] ?? 0;
      if (entry === 0) continue;
      const hash = this.slotHashes[old] ?? 0;
      let slot = hash & mask;
      while ((slots[slot] ?? 0) !== 0) slot = (slot + 1) & mask;
      slots[slot] = entry;
      hashes[slot] = hash;
    }
    this.slots = slots;
    this.slotHashes = hashes;
    this.mask = mask;
    this.limit = capacity * 0.75;
  }
}
