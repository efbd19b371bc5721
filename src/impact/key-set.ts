/**
 * A compact set of byte-string keys for de-duplicating people: open addressing over typed arrays, the keys'
 * bytes in one growing arena. Exact (a hash match is confirmed byte for byte), about 30 bytes per key plus the
 * key itself, and no object or string per key — ten million people fit in a few hundred megabytes.
 */
/** A key set's keys as plain data: key i is arena[offsets[i] .. offsets[i] + lengths[i]). */
export interface KeySetData {
  arena: Uint8Array;
  offsets: Uint32Array;
  lengths: Uint32Array;
  size: number;
}

export class KeySet {
  private slots: Int32Array; // index + 1 of the key in each slot; 0 for an empty slot
  private slotHashes: Uint32Array;
  private mask: number;
  private arena: Uint8Array;
  private arenaUsed = 0;
  private offsets: Uint32Array;
  private lengths: Uint32Array;
  private count = 0;

  constructor(expected = 1 << 16) {
    let capacity = 1024;
    while (capacity < expected * 2) capacity *= 2;
    this.slots = new Int32Array(capacity);
    this.slotHashes = new Uint32Array(capacity);
    this.mask = capacity - 1;
    this.arena = new Uint8Array(Math.max(1 << 16, expected * 24));
    this.offsets = new Uint32Array(Math.max(1024, expected));
    this.lengths = new Uint32Array(Math.max(1024, expected));
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
    if (this.count * 2 > this.slots.length) this.rehash();
    this.lastWasNew = true;
    return index;
  }

  /** The keys, in order of first sight, as trimmed copies. */
  data(): KeySetData {
    return {
      arena: this.arena.slice(0, this.arenaUsed),
      offsets: this.offsets.slice(0, this.count),
      lengths: this.lengths.slice(0, this.count),
      size: this.count,
    };
  }

  private sameKey(index: number, bytes: Uint8Array, start: number, length: number): boolean {
    if (this.lengths[index] !== length) return false;
    const offset = this.offsets[index] ?? 0;
    for (let at = 0; at < length; at++) if (this.arena[offset + at] !== bytes[start + at]) return false;
    return true;
  }

  private store(index: number, bytes: Uint8Array, start: number, length: number): void {
    if (index >= this.offsets.length) {
      const offsets = new Uint32Array(this.offsets.length * 2);
      offsets.set(this.offsets);
      this.offsets = offsets;
      const lengths = new Uint32Array(this.lengths.length * 2);
      lengths.set(this.lengths);
      this.lengths = lengths;
    }
    if (this.arenaUsed + length > this.arena.length) {
      let size = this.arena.length * 2;
      while (this.arenaUsed + length > size) size *= 2;
      const arena = new Uint8Array(size);
      arena.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = arena;
    }
    const arena = this.arena;
    const base = this.arenaUsed;
    for (let at = 0; at < length; at++) arena[base + at] = bytes[start + at] ?? 0;
    this.offsets[index] = this.arenaUsed;
    this.lengths[index] = length;
    this.arenaUsed += length;
  }

  private rehash(): void {
    const capacity = this.slots.length * 2;
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
  }
}
