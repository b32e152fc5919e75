// fileTokenCache(path): a `tokenCache` (new Client(config, { tokenCache })) kept in a file, so that
// Node and Bun scripts reuse one Kingdee app-token across runs instead of fetching one per process
// (the token endpoint allows 2 calls a minute per account set: the third run of a script within a
// minute would otherwise be `rate_limited`).
//
// The file holds a credential: it is created 0600 in a directory created 0700, and written
// atomically (a private temporary file in the same directory, fsync, rename), so a reader sees the
// old token or the new one, never half of one. A lock file next to it (`<path>.lock`, created with
// O_EXCL, holding its owner and a deadline) lets one process refresh while the others wait for its
// token; a lock past its deadline (its owner died) is taken over.
'use strict';
const fs = require('node:fs/promises');
const { randomBytes } = require('node:crypto');
const { dirname, resolve } = require('node:path');

/** A lock file that cannot be read yet (just created, not yet written) counts as held for this long. */
const UNREADABLE_LOCK_GRACE_MS = 5_000;

/**
 * A token cache in the file `path` (one file per account set: two account sets must not share a
 * token). Keep the file private to the account's owner: it holds a live app-token.
 * @param {string} path
 */
function fileTokenCache(path) {
  if (typeof path !== 'string' || path.trim() === '') {
    throw new TypeError('fileTokenCache: path must be a non-empty string (the file that keeps the token)');
  }
  const file = resolve(path);
  const lockFile = `${file}.lock`;
  const holder = randomBytes(12).toString('hex'); // this cache object's lock identity
  let writes = 0;

  const readLock = async (name) => {
    let text, mtimeMs;
    try {
      [text, { mtimeMs }] = await Promise.all([fs.readFile(name, 'utf8'), fs.stat(name)]);
    } catch (e) {
      if (e.code === 'ENOENT') return null;
      throw e;
    }
    try {
      const o = JSON.parse(text);
      if (o && typeof o.holder === 'string' && Number.isFinite(o.until)) return { holder: o.holder, until: o.until };
    } catch {
      // being written: judged by its age below
    }
    return { holder: '', until: mtimeMs + UNREADABLE_LOCK_GRACE_MS };
  };

  const tryCreateLock = async (until) => {
    let fh;
    try {
      fh = await fs.open(lockFile, 'wx', 0o600);
    } catch (e) {
      if (e.code === 'EEXIST') return false;
      throw e;
    }
    try {
      await fh.writeFile(JSON.stringify({ holder, until }));
    } finally {
      await fh.close();
    }
    return true;
  };

  /** Rewrites our own lock with a later deadline (temporary file + rename: never half a lock). */
  const renew = async (until) => {
    const tmp = `${lockFile}.${holder}.${++writes}.tmp`;
    await fs.writeFile(tmp, JSON.stringify({ holder, until }), { mode: 0o600, flag: 'wx' });
    await fs.rename(tmp, lockFile);
    return true;
  };

  return {
    /** The cached token and its expiry (epoch ms), or null (no file yet, or not a token file). */
    async get() {
      let text;
      try {
        text = await fs.readFile(file, 'utf8');
      } catch (e) {
        if (e.code === 'ENOENT') return null;
        throw e;
      }
      try {
        const o = JSON.parse(text);
        if (o && typeof o.value === 'string' && Number.isFinite(o.expiresAt)) return { value: o.value, expiresAt: o.expiresAt };
      } catch {
        // not ours, or damaged: read as empty, and the client fetches a new token
      }
      return null;
    },

    /** Replaces the file atomically with the token and its expiry. */
    async set(value, expiresAt) {
      const dir = dirname(file);
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      const tmp = `${file}.${holder}.${process.pid}.${++writes}.tmp`;
      const fh = await fs.open(tmp, 'wx', 0o600);
      try {
        await fh.chmod(0o600); // whatever the umask
        await fh.writeFile(JSON.stringify({ value, expiresAt }));
        await fh.sync();
      } catch (e) {
        await fh.close();
        await fs.rm(tmp, { force: true });
        throw e;
      }
      await fh.close();
      try {
        await fs.rename(tmp, file);
      } catch (e) {
        await fs.rm(tmp, { force: true });
        throw e;
      }
    },

    /** Asks to be the one refresher for `ttlMs`: true if granted; false while another holds the lock. */
    async lock(ttlMs) {
      await fs.mkdir(dirname(file), { recursive: true, mode: 0o700 });
      const until = Date.now() + Math.max(1, Math.min(600_000, Math.floor(Number(ttlMs) || 0)));
      if (await tryCreateLock(until)) return true;
      const held = await readLock(lockFile);
      if (held === null) return tryCreateLock(until); // released meanwhile
      if (held.holder === holder) return renew(until); // ours: a refresher extends its deadline
      if (held.until > Date.now()) return false; // another's
      // Past its deadline: move it aside (atomic), and only if what was moved is that stale lock
      // take the lock; a fresh lock someone created meanwhile goes back (link: never over a newer one).
      const aside = `${lockFile}.${holder}.stale`;
      try {
        await fs.rename(lockFile, aside);
      } catch (e) {
        if (e.code === 'ENOENT') return tryCreateLock(until);
        throw e;
      }
      const moved = await readLock(aside);
      if (moved && moved.until > Date.now()) {
        await fs.link(aside, lockFile).catch(() => {});
        await fs.rm(aside, { force: true });
        return false;
      }
      await fs.rm(aside, { force: true });
      return tryCreateLock(until);
    },

    /** Gives the lock back if this cache holds it. */
    async unlock() {
      const held = await readLock(lockFile);
      if (held && held.holder === holder) await fs.rm(lockFile, { force: true });
    },
  };
}

module.exports = { fileTokenCache };
