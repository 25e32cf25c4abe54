import { readFileSync } from 'node:fs';
import { UmdError } from '../core/errors.js';

export interface Account {
  name: string;
  id: number;
}

interface Databases {
  passwd: string;
  group: string;
}

function readDatabases(): Databases {
  const read = (file: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return '';
    }
  };
  return { passwd: read('/etc/passwd'), group: read('/etc/group') };
}

/** `name:x:id:...` lines of /etc/passwd or /etc/group; for passwd, `gid` is the user's own group. */
function entries(text: string): Array<{ name: string; id: number; gid: number }> {
  return text.split('\n').flatMap((line) => {
    const [name, , id, gid] = line.split(':');
    return name && /^\d+$/.test(id ?? '') ? [{ name, id: Number(id), gid: Number(gid) }] : [];
  });
}

function find(list: Array<{ name: string; id: number; gid: number }>, spec: string | number) {
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
