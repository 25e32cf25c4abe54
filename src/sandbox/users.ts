import { readFileSync, statSync } from 'node:fs';
import { UmdError } from '../core/errors.js';

export interface Account {
  name: string;
  id: number;
}

interface Databases {
  passwd: string;
  group: string;
}

/** Identity of a file's current content (inode, size, change time), or '' when it cannot be read. */
function version(file: string): string {
  try {
    const st = statSync(file, { bigint: true });
    return `${st.dev}:${st.ino}:${st.size}:${st.ctimeNs}:${st.mtimeNs}`;
  } catch {
    return '';
  }
}

let cached: { versions: string; db: Databases } | null = null;

/**
 * /etc/passwd and /etc/group as they are now: read again whenever either
 * file changed (a new inode, size or change time), else the last reading,
 * so a load does not read and split both each time.
 */
function readDatabases(): Databases {
  const versions = `${version('/etc/passwd')}|${version('/etc/group')}`;
  if (cached?.versions === versions) return cached.db;
  const read = (file: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return '';
    }
  };
  cached = { versions, db: { passwd: read('/etc/passwd'), group: read('/etc/group') } };
  return cached.db;
}

type Entry = { name: string; id: number; gid: number };

const parsed = new Map<string, Entry[]>();

/** `name:x:id:...` lines of /etc/passwd or /etc/group; for passwd, `gid` is the user's own group. The last two texts' are kept. */
function entries(text: string): Entry[] {
  let list = parsed.get(text);
  if (!list) {
    list = text.split('\n').flatMap((line) => {
      const [name, , id, gid] = line.split(':');
      return name && /^\d+$/.test(id ?? '') ? [{ name, id: Number(id), gid: Number(gid) }] : [];
    });
    if (parsed.size >= 2) parsed.delete(parsed.keys().next().value as string);
    parsed.set(text, list);
  }
  return list;
}

function find(list: Entry[], spec: string | number) {
  return list.find((e) => (typeof spec === 'number' ? e.id === spec : e.name === spec));
}

/**
 * The uid and gid a handler runs as: driver.json's "user" and "group", by
 * default `nobody` and `nogroup` (or nobody's own group where there is no
 * `nogroup`), looked up in /etc/passwd and /etc/group when the driver loads.
 * A number needs no entry; a name without one is EINVAL.
 */
export function resolveAccounts(driver: string, user: string | number = 'nobody', group?: string | number, db: Databases = readDatabases()): { user: Account; group: Account } {
  const users = entries(db.passwd);
  const groups = entries(db.group);
  const foundUser = find(users, user);
  if (!foundUser && typeof user === 'string') {
    throw new UmdError('EINVAL', `driver ${driver}: no user named ${user} in /etc/passwd to run the handler as`, {
      suggestions: [`Create the user (useradd --system --no-create-home ${user}), or set "user" in driver.json to one that exists`],
    });
  }
  const userAccount = { name: foundUser?.name ?? String(user), id: foundUser?.id ?? (user as number) };
  const groupSpec = group ?? (find(groups, 'nogroup') ? 'nogroup' : foundUser?.gid);
  if (groupSpec === undefined) {
    throw new UmdError('EINVAL', `driver ${driver}: user ${userAccount.name} has no group of its own; set "group" in driver.json`);
  }
  const foundGroup = find(groups, groupSpec);
  if (!foundGroup && typeof groupSpec === 'string') {
    throw new UmdError('EINVAL', `driver ${driver}: no group named ${groupSpec} in /etc/group to run the handler as`, {
      suggestions: ['Set "group" in driver.json to a group that exists, or to a number'],
    });
  }
  const groupAccount = { name: foundGroup?.name ?? String(groupSpec), id: foundGroup?.id ?? (groupSpec as number) };
  if (userAccount.id === 0 || groupAccount.id === 0) {
    throw new UmdError('EINVAL', `driver ${driver}: the handler may not run as root (user ${userAccount.name}, group ${groupAccount.name}) in the sandbox`, {
      suggestions: ['Pick an unprivileged "user" and "group" in driver.json'],
    });
  }
  return { user: userAccount, group: groupAccount };
}

/** The daemon's own user and group (what a handler runs as when the daemon cannot switch), with names where known. */
export function ownAccounts(uid: number, gid: number, userName: string, db: Databases = readDatabases()): { user: Account; group: Account } {
  const group = find(entries(db.group), gid);
  return { user: { name: userName, id: uid }, group: { name: group?.name ?? String(gid), id: gid } };
}
