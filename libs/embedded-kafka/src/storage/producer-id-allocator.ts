import * as fs from 'node:fs';
import { writeFileAtomicSync } from './atomic-file';

const DEFAULT_BLOCK_SIZE = 1000;

/**
 * Hands out producer ids for InitProducerId. The upper end of the reserved block is made durable before any id in
 * it is issued, so after a crash the allocator restarts above every id it could have given out (like Kafka's
 * ProducerIdManager blocks). A restart wastes the rest of a block; ids are plentiful.
 */
export class ProducerIdAllocator {
  private nextId: bigint;
  private reservedUntil: bigint;

  private constructor(
    private readonly filePath: string,
    start: bigint,
    private readonly blockSize: bigint,
  ) {
    this.nextId = start;
    this.reservedUntil = start;
  }

  static open(filePath: string, blockSize = DEFAULT_BLOCK_SIZE): ProducerIdAllocator {
    let start = 0n;
    if (fs.existsSync(filePath)) {
      const parsed = JSON.parse(fs.readFileSync(filePath, 'utf8')) as { reservedUntil: string };
      start = BigInt(parsed.reservedUntil);
    }
    return new ProducerIdAllocator(filePath, start, BigInt(blockSize));
  }

  next(): bigint {
    if (this.nextId >= this.reservedUntil) {
      const reservedUntil = this.nextId + this.blockSize;
      writeFileAtomicSync(this.filePath, JSON.stringify({ reservedUntil: reservedUntil.toString() }));
      this.reservedUntil = reservedUntil;
    }
    return this.nextId++;
  }
}
