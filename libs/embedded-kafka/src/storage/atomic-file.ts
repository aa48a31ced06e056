import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Replaces `filePath` so that after a crash it holds either the old or the new content, never a mix:
 * write a temp file, fsync it, rename over the target, fsync the directory so the rename itself is durable.
 */
export function writeFileAtomicSync(filePath: string, data: string | Buffer): void {
  const tmpPath = `${filePath}.tmp`;
  const fd = fs.openSync(tmpPath, 'w');
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmpPath, filePath);
  fsyncDirectory(path.dirname(filePath));
}

/** Makes creations, renames and deletions inside `dirPath` durable. */
export function fsyncDirectory(dirPath: string): void {
  const fd = fs.openSync(dirPath, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes all of `data` at `position`, looping over short writes. */
export function writeFullySync(fd: number, data: Buffer, position: number): void {
  let written = 0;
  while (written < data.length) {
    written += fs.writeSync(fd, data, written, data.length - written, position + written);
  }
}

/** Reads up to `length` bytes at `position` into `target`, looping over short reads; returns bytes read. */
export function readFullySync(fd: number, target: Buffer, offset: number, length: number, position: number): number {
  let read = 0;
  while (read < length) {
    const n = fs.readSync(fd, target, offset + read, length - read, position + read);
    if (n === 0) break;
    read += n;
  }
  return read;
}
