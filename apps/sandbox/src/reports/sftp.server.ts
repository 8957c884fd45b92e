// The sandbox's SFTP server (D16.1): a real SSH server (the `ssh2` package) on loopback that
// serves the published reports read-only, as Antom's isftp.alipay.com serves a merchant's folder. Users
// sign in with a public key (or a password, as Antom's accounts do); every write is refused.
import { timingSafeEqual, createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import ssh2 from 'ssh2';
import type { Attributes, Connection, FileEntry, ParsedKey, SFTPWrapper } from 'ssh2';
import { normalise, type ReportPublisher } from './report.publisher.ts';

const { Server, utils } = ssh2;
const STATUS = utils.sftp.STATUS_CODE;
const OPEN_MODE = utils.sftp.OPEN_MODE;

export interface SftpServerOptions {
  publisher: ReportPublisher;
  username: string;
  /** OpenSSH public keys (`ssh-ed25519 AAAA…`) allowed to sign in. */
  authorizedKeys?: readonly string[];
  /** A password that also signs in (Antom hands out passwords); none by default. */
  password?: string;
  /** The host key (OpenSSH or PEM private key); generated when absent. */
  hostKey?: string;
  onError?: (error: unknown) => void;
}

export interface SftpServer {
  /** Listens (default 127.0.0.1, port 0); resolves to the port. */
  listen(options?: { port?: number; host?: string }): Promise<number>;
  readonly port: number | undefined;
  /** `SHA256:…` of the host key, what a client pins (OpenSSH's fingerprint form). */
  readonly hostKeyFingerprint: string;
  close(): Promise<void>;
}

/** OpenSSH's `SHA256:<base64, no padding>` fingerprint of a public key blob. */
export function fingerprintOf(publicKeyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(publicKeyBlob).digest('base64').replace(/=+$/, '')}`;
}

/**
 * A fresh Ed25519 key pair in OpenSSH form. ssh2's generator sometimes writes a public key one byte short
 * (a leading zero dropped, about 1 in 250) that its own parser then refuses, so such pairs are drawn again.
 */
export function generateSshKeyPair(): { private: string; public: string } {
  for (;;) {
    const pair = utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(pair.public) instanceof Error) && !(utils.parseKey(pair.private) instanceof Error)) {
      return pair;
    }
  }
}

function parsed(key: string): ParsedKey {
  const result = utils.parseKey(key);
  if (result instanceof Error) throw result;
  return Array.isArray(result) ? (result[0] as ParsedKey) : result;
}

const sameText = (a: string, b: string): boolean => {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
};

export function createSftpServer(options: SftpServerOptions): SftpServer {
  const hostKey = options.hostKey ?? generateSshKeyPair().private;
  const hostParsed = parsed(hostKey);
  const hostKeyFingerprint = fingerprintOf(hostParsed.getPublicSSH());
  const allowed = (options.authorizedKeys ?? []).map(parsed);
  const connections = new Set<Connection>();
  let port: number | undefined;

  const server = new Server({ hostKeys: [hostKey] }, (client) => {
    connections.add(client);
    client.on('close', () => connections.delete(client));
    client.on('error', (error) => options.onError?.(error));
    client.on('authentication', (ctx) => {
      if (!sameText(ctx.username, options.username)) return ctx.reject();
      if (ctx.method === 'password' && options.password && sameText(ctx.password, options.password)) {
        return ctx.accept();
      }
      if (ctx.method === 'publickey') {
        const key = allowed.find((k) => k.type === ctx.key.algo && k.getPublicSSH().equals(ctx.key.data));
        if (!key) return ctx.reject();
        // Without a signature the client only asks whether the key would do; with one, it proves it.
        if (!ctx.signature || !ctx.blob) return ctx.accept();
        return key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true ? ctx.accept() : ctx.reject();
      }
      return ctx.reject(['publickey', ...(options.password ? ['password' as const] : [])]);
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        session.on('sftp', (acceptSftp) => serve(acceptSftp(), options.publisher));
      });
    });
  });
  server.on('error', (error: unknown) => options.onError?.(error));

  return {
    get port() {
      return port;
    },
    hostKeyFingerprint,
    listen(listenOptions = {}) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(listenOptions.port ?? 0, listenOptions.host ?? '127.0.0.1', () => {
          server.off('error', reject);
          port = (server.address() as AddressInfo).port;
          resolve(port);
        });
      });
    },
    close() {
      for (const client of connections) client.end();
      return new Promise((resolve) => {
        if (port === undefined) return resolve();
        server.close(() => resolve());
      });
    },
  };
}

const DIRECTORY: Attributes = { mode: 0o040555, uid: 0, gid: 0, size: 0, atime: 0, mtime: 0 };

function fileAttributes(size: number, mtime: number): Attributes {
  const seconds = Math.floor(mtime / 1000);
  return { mode: 0o100444, uid: 0, gid: 0, size, atime: seconds, mtime: seconds };
}

function longname(name: string, attrs: Attributes): string {
  const directory = (attrs.mode & 0o040000) !== 0;
  const date = new Date(attrs.mtime * 1000).toISOString().slice(0, 10);
  return `${directory ? 'dr-xr-xr-x' : '-r--r--r--'} 1 antom antom ${String(attrs.size).padStart(8)} ${date} ${name}`;
}

/** The SFTP subsystem over the published tree: read and list, nothing else. */
function serve(sftp: SFTPWrapper, publisher: ReportPublisher): void {
  type Handle = { kind: 'file'; content: Buffer } | { kind: 'dir'; entries: FileEntry[]; sent: boolean };
  const handles = new Map<string, Handle>();
  let next = 0;
  const open = (handle: Handle): Buffer => {
    const id = Buffer.from(String((next += 1)));
    handles.set(id.toString(), handle);
    return id;
  };
  const statOf = (path: string): Attributes | undefined => {
    const file = publisher.file(path);
    if (file) return fileAttributes(file.content.length, file.mtime);
    return publisher.list(path) ? DIRECTORY : undefined;
  };

  sftp.on('REALPATH', (reqId, path) => {
    const resolved = normalise(path === '.' || path === '' ? '/' : path);
    sftp.name(reqId, [{ filename: resolved, longname: resolved, attrs: DIRECTORY }]);
  });
  const stat = (reqId: number, path: string) => {
    const attrs = statOf(path);
    if (attrs) sftp.attrs(reqId, attrs);
    else sftp.status(reqId, STATUS.NO_SUCH_FILE, 'no such file');
  };
  sftp.on('STAT', stat);
  sftp.on('LSTAT', stat);
  sftp.on('OPEN', (reqId, filename, flags) => {
    if (flags & (OPEN_MODE.WRITE | OPEN_MODE.APPEND | OPEN_MODE.CREAT | OPEN_MODE.TRUNC)) {
      return sftp.status(reqId, STATUS.PERMISSION_DENIED, 'reports are read-only');
    }
    const file = publisher.file(filename);
    if (!file) return sftp.status(reqId, STATUS.NO_SUCH_FILE, 'no such file');
    sftp.handle(reqId, open({ kind: 'file', content: file.content }));
  });
  sftp.on('READ', (reqId, id, offset, length) => {
    const handle = handles.get(id.toString());
    if (handle?.kind !== 'file') return sftp.status(reqId, STATUS.FAILURE, 'bad handle');
    if (offset >= handle.content.length) return sftp.status(reqId, STATUS.EOF);
    sftp.data(reqId, handle.content.subarray(offset, Math.min(handle.content.length, offset + length)));
  });
  sftp.on('FSTAT', (reqId, id) => {
    const handle = handles.get(id.toString());
    if (handle?.kind === 'file') sftp.attrs(reqId, fileAttributes(handle.content.length, Date.now()));
    else if (handle) sftp.attrs(reqId, DIRECTORY);
    else sftp.status(reqId, STATUS.FAILURE, 'bad handle');
  });
  sftp.on('OPENDIR', (reqId, path) => {
    const entries = publisher.list(path);
    if (!entries) return sftp.status(reqId, STATUS.NO_SUCH_FILE, 'no such directory');
    const names = entries.map(({ name, directory, file }) => {
      const attrs = directory || !file ? DIRECTORY : fileAttributes(file.content.length, file.mtime);
      return { filename: name, longname: longname(name, attrs), attrs };
    });
    sftp.handle(reqId, open({ kind: 'dir', entries: names, sent: false }));
  });
  sftp.on('READDIR', (reqId, id) => {
    const handle = handles.get(id.toString());
    if (handle?.kind !== 'dir') return sftp.status(reqId, STATUS.FAILURE, 'bad handle');
    if (handle.sent || handle.entries.length === 0) return sftp.status(reqId, STATUS.EOF);
    handle.sent = true;
    sftp.name(reqId, handle.entries);
  });
  sftp.on('CLOSE', (reqId, id) => {
    handles.delete(id.toString());
    sftp.status(reqId, STATUS.OK);
  });
  for (const write of ['WRITE', 'SETSTAT', 'FSETSTAT', 'REMOVE', 'RMDIR', 'MKDIR', 'RENAME', 'SYMLINK']) {
    sftp.on(write, (reqId: number) => sftp.status(reqId, STATUS.PERMISSION_DENIED, 'reports are read-only'));
  }
  sftp.on('READLINK', (reqId: number) => sftp.status(reqId, STATUS.OP_UNSUPPORTED));
}
