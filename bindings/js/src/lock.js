// The host's half of the writer lock (docs/spec/mmx.md §5.1; the Go
// half is core/internal/storage/sidecar.go). A writer holds <path>.lock,
// created exclusively and holding its owner as one JSON line
// {"pid":…,"host":…,"flock":…}. The module creates and removes it itself,
// naming this process (POLYFMT_PID, POLYFMT_HOST in its environment), but it
// cannot see processes, so it refuses every existing lock file. This side
// does what it cannot: before a writable open it removes a lock file whose
// writer is gone, and when an instance dies it removes the lock files that
// instance held. Node only; where there are no paths there is nothing to lock.

/** What a path's lock file is called. */
export function lockPath(path) {
  return `${path}.lock`;
}

export class NodeLocks {
  /**
   * @param {typeof import('node:fs')} fs
   * @param {number} pid this process
   * @param {string} host this host's name (os.hostname())
   */
  constructor(fs, pid, host) {
    this.fs = fs;
    this.pid = pid;
    this.host = host;
  }

  /** The environment the module takes its owner from. */
  env() {
    return { POLYFMT_PID: String(this.pid), POLYFMT_HOST: this.host };
  }

  /** The lock file's text and owner, or null when there is none or it does not parse. */
  #read(file) {
    let text;
    try {
      text = this.fs.readFileSync(file, 'utf8');
    } catch {
      return null;
    }
    try {
      const o = JSON.parse(text);
      return o !== null && typeof o === 'object' && Number.isSafeInteger(o.pid) && typeof o.host === 'string' ? { text, owner: o } : null;
    } catch {
      return null;
    }
  }

  /** Whether process pid exists here (signal 0; EPERM: it does, as another user). */
  #alive(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      return err?.code !== 'ESRCH';
    }
  }

  /**
   * Before opening path for writing: removes its lock file when the writer
   * it names is gone (on this host, and its pid is not alive). Anything
   * else (a live writer, another host, an unknown pid, a file that does not
   * parse) is left for the module to refuse with PF_ELOCKED.
   */
  reclaim(path) {
    const file = lockPath(path);
    const got = this.#read(file);
    if (got === null) return;
    const { owner } = got;
    if (owner.host !== this.host || owner.pid <= 0 || this.#alive(owner.pid)) return;
    // Only the file just judged: a writer that replaced it meanwhile keeps
    // its own (the window is one read; natives replace under their flock).
    if (this.#read(file)?.text === got.text) this.#unlink(file);
  }

  /**
   * Removes the lock files a dead instance held, where they still name this
   * process as a module writer (the instance can no longer remove them).
   * @param {Iterable<string>} paths data file paths
   */
  drop(paths) {
    for (const path of paths) {
      const file = lockPath(path);
      const got = this.#read(file);
      if (got !== null && got.owner.pid === this.pid && got.owner.host === this.host && got.owner.flock !== true) this.#unlink(file);
    }
  }

  #unlink(file) {
    try {
      this.fs.unlinkSync(file);
    } catch {
      // gone already
    }
  }
}
