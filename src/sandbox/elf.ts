import { closeSync, openSync, readSync } from 'node:fs';

const PT_INTERP = 3;

/**
 * Does this executable need the dynamic loader (and so /usr, the /lib*
 * links and /etc/ld.so.cache in its root)? A script (`#!`) does, for its
 * interpreter; an ELF file does when it names an interpreter (PT_INTERP); a
 * static one does not. Anything unreadable or unknown is taken to need it.
 */
export function needsLoader(file: string): boolean {
  const head = Buffer.alloc(4096);
  let length: number;
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return true;
  }
  try {
    length = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (length >= 2 && head[0] === 0x23 && head[1] === 0x21) return true;
  if (length < 64 || head.readUInt32BE(0) !== 0x7f454c46 || head[4] !== 2 || head[5] !== 1) return true; // ELF64 little-endian only
  const phoff = Number(head.readBigUInt64LE(32));
  const phentsize = head.readUInt16LE(54);
  const phnum = head.readUInt16LE(56);
  if (phoff + phentsize * phnum > length || phentsize < 4) return true;
  for (let i = 0; i < phnum; i++) {
    if (head.readUInt32LE(phoff + i * phentsize) === PT_INTERP) return true;
  }
  return false;
}
