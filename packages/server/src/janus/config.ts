import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

/** Janus and ICE settings, read from the environment by `janusOptionsFromEnv`. */
export interface JanusOptions {
  /** Start the Janus child (or connect to `url`) with the server. */
  enabled: boolean;
  /** An external Janus WebSocket API (ws://…); when set, no child is started. */
  url: string | null;
  /** Admin API secret and VideoRoom admin_key of the external Janus (random per start for the child). */
  adminSecret: string | null;
  adminKey: string | null;
  binary: string;
  /** Folder holding plugins/ and transports/ of the Debian package. */
  libDir: string;
  /** Where to write the private configuration; a fresh temporary folder when null. */
  configDir: string | null;
  debugLevel: number;
  /** Unprivileged account the child runs as when Parley runs as root. */
  runAs: string;
  ice: IceOptions;
  /** Several external media servers (JANUS_NODES); when set, `url` and the child are not used. */
  nodes: JanusNodeSpec[];
  /** How long a node may stay unreachable before its calls move to another node (JANUS_FAILOVER_MS). */
  failoverMs: number;
}

export interface IceOptions {
  /** host[:port] of a STUN server Janus uses to learn its public address. */
  stunServer: string | null;
  /** Public address(es) to advertise in host candidates (1:1 NAT, e.g. a cloud VM). */
  nat1to1Mapping: string | null;
  keepPrivateHost: boolean;
  /** Only these interfaces/addresses gather candidates ("lo" for loopback tests). */
  enforceList: string | null;
  ignoreList: string | null;
  /** "min-max" UDP ports for RTP; must match the firewall. */
  rtpPortRange: string | null;
}

/** One media server of `JANUS_NODES`: an id stored with each call placed on it, its WebSocket API and admin key. */
export interface JanusNodeSpec {
  id: string;
  url: string;
  adminKey: string;
}

const NODE_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * `JANUS_NODES="media-1 ws://10.0.0.5:8188 KEY1; media-2 ws://10.0.0.6:8188 KEY2"`: entries separated by `;` or
 * new lines, each an id, a ws:// or wss:// URL and the VideoRoom admin_key of that Janus.
 */
export function parseJanusNodes(value: string | undefined): JanusNodeSpec[] {
  const nodes: JanusNodeSpec[] = [];
  for (const entry of (value ?? '').split(/[;\n]/)) {
    const fields = entry.trim().split(/\s+/).filter(Boolean);
    if (fields.length === 0) continue;
    const [id, url, adminKey] = fields;
    if (fields.length !== 3 || !id || !url || !adminKey)
      throw new Error(`JANUS_NODES: each entry is "<id> <ws-url> <admin-key>", got ${fields.length} fields`);
    if (!NODE_ID.test(id)) throw new Error(`JANUS_NODES: invalid node id "${id}" (letters, digits, . _ -)`);
    if (!/^wss?:\/\/\S+$/.test(url)) throw new Error(`JANUS_NODES: node ${id} needs a ws:// or wss:// URL`);
    if (nodes.some((n) => n.id === id)) throw new Error(`JANUS_NODES: node id "${id}" is listed twice`);
    nodes.push({ id, url, adminKey });
  }
  return nodes;
}

/** How long a node may stay unreachable before its calls move (a supervised child restarts well within it). */
export const DEFAULT_FAILOVER_MS = 4_000;

const DEBIAN_MULTIARCH: Record<string, string> = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' };

function str(env: NodeJS.ProcessEnv, name: string): string | null {
  const v = env[name]?.trim();
  return v ? v : null;
}

/** Values end up inside quoted jcfg strings: refuse anything that could break out of them. */
function safe(name: string, value: string | null, pattern: RegExp): string | null {
  if (value !== null && !pattern.test(value)) throw new Error(`${name} has an invalid value: "${value}"`);
  return value;
}

const HOST_PORT = /^[A-Za-z0-9.:[\]-]+$/;
const LIST = /^[A-Za-z0-9.:,_-]+$/;

export function janusOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): JanusOptions {
  const url = safe('JANUS_URL', str(env, 'JANUS_URL'), /^wss?:\/\/\S+$/);
  const debugLevel = Number(env.JANUS_DEBUG_LEVEL ?? 4);
  if (!Number.isInteger(debugLevel) || debugLevel < 0 || debugLevel > 7)
    throw new Error(`JANUS_DEBUG_LEVEL must be 0-7, got "${env.JANUS_DEBUG_LEVEL}"`);
  const range = safe('JANUS_RTP_PORT_RANGE', str(env, 'JANUS_RTP_PORT_RANGE'), /^\d{1,5}-\d{1,5}$/);
  if (range) {
    const [lo, hi] = range.split('-').map(Number) as [number, number];
    if (lo < 1024 || hi > 65535 || lo >= hi) throw new Error(`JANUS_RTP_PORT_RANGE is not a usable range: "${range}"`);
  }
  const nodes = parseJanusNodes(env.JANUS_NODES);
  const failoverMs = Number(env.JANUS_FAILOVER_MS ?? DEFAULT_FAILOVER_MS);
  if (!Number.isInteger(failoverMs) || failoverMs < 500)
    throw new Error(`JANUS_FAILOVER_MS must be a whole number of milliseconds >= 500, got "${env.JANUS_FAILOVER_MS}"`);
  return {
    enabled: nodes.length > 0 || url !== null || /^(1|true|on|yes)$/i.test(env.JANUS ?? ''),
    nodes,
    failoverMs,
    url,
    adminSecret: str(env, 'JANUS_ADMIN_SECRET'),
    adminKey: str(env, 'JANUS_ADMIN_KEY'),
    binary: str(env, 'JANUS_BINARY') ?? 'janus',
    libDir:
      str(env, 'JANUS_LIB_DIR') ?? `/usr/lib/${DEBIAN_MULTIARCH[process.arch] ?? `${process.arch}-linux-gnu`}/janus`,
    configDir: str(env, 'JANUS_CONFIG_DIR'),
    debugLevel,
    runAs: safe('JANUS_RUN_AS', str(env, 'JANUS_RUN_AS'), /^[a-z_][a-z0-9_-]*$/) ?? 'nobody',
    ice: {
      stunServer: safe('ICE_STUN_SERVER', str(env, 'ICE_STUN_SERVER'), HOST_PORT),
      nat1to1Mapping: safe('JANUS_NAT_1_1_MAPPING', str(env, 'JANUS_NAT_1_1_MAPPING'), LIST),
      keepPrivateHost: /^(1|true|on|yes)$/i.test(env.JANUS_KEEP_PRIVATE_HOST ?? ''),
      enforceList: safe('JANUS_ICE_ENFORCE_LIST', str(env, 'JANUS_ICE_ENFORCE_LIST'), LIST),
      ignoreList: safe('JANUS_ICE_IGNORE_LIST', str(env, 'JANUS_ICE_IGNORE_LIST'), LIST),
      rtpPortRange: range,
    },
  };
}

export interface WrittenConfig {
  dir: string;
  wsPort: number;
  adminPort: number;
  url: string;
  adminUrl: string;
}

export interface Secrets {
  adminSecret: string;
  adminKey: string;
}

export const newSecrets = (): Secrets => ({
  adminSecret: randomBytes(24).toString('base64url'),
  adminKey: randomBytes(24).toString('base64url'),
});

/** A port the kernel just handed out on loopback; Janus binds it a moment later (a lost race makes Janus exit
 * and the supervisor retry with new ports). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const q = (s: string) => `"${s.replace(/[\\"]/g, '\\$&')}"`;

function splitStun(s: string): [string, number] {
  const m = /^(.*?)(?::(\d+))?$/.exec(s.replace(/^\[(.*)\](:\d+)?$/, '$1$2'))!;
  return [m[1]!, m[2] ? Number(m[2]) : 3478];
}

export function janusJcfg(dir: string, opts: JanusOptions, secrets: Secrets): string {
  const { ice } = opts;
  const nat = [
    'nice_debug = false',
    // mDNS candidates from browsers only help on the same LAN and stall ICE elsewhere.
    'ignore_mdns = true',
    // Janus always has a public or 1:1-mapped address (docs/deploy.md, NAT), so it needs no checks of its own. As an
    // ICE-lite agent it takes the browser's nominated pair the moment that check arrives; with the browser answering
    // as the DTLS server, Janus then opens the handshake itself. As a full agent it took its pair later, dropped the
    // browser's first DTLS message and waited for its resend a second later in some joins (docs/call-keys.md §11).
    'ice_lite = true',
    ice.stunServer ? `stun_server = ${q(splitStun(ice.stunServer)[0])}` : null,
    ice.stunServer ? `stun_port = ${splitStun(ice.stunServer)[1]}` : null,
    ice.nat1to1Mapping ? `nat_1_1_mapping = ${q(ice.nat1to1Mapping)}` : null,
    ice.nat1to1Mapping && ice.keepPrivateHost ? 'keep_private_host = true' : null,
    ice.enforceList ? `ice_enforce_list = ${q(ice.enforceList)}` : null,
    // Janus ignores the ignore list when an enforce list is set (and warns): write only the one in effect.
    ice.enforceList ? null : `ice_ignore_list = ${q(ice.ignoreList ?? 'vmnet')}`,
  ].filter(Boolean);
  return `# Written by Parley for one run of its Janus child; edits are lost at the next start.
general: {
  configs_folder = ${q(dir)}
  plugins_folder = ${q(path.join(dir, 'plugins'))}
  transports_folder = ${q(path.join(dir, 'transports'))}
  events_folder = ${q(path.join(dir, 'none'))}
  loggers_folder = ${q(path.join(dir, 'none'))}
  debug_level = ${opts.debugLevel}
  debug_colors = false
  admin_secret = ${q(secrets.adminSecret)}
  server_name = "parley"
  session_timeout = 60
  reclaim_session_timeout = 0
  hide_dependencies = true
  protected_folders = ["/bin", "/boot", "/dev", "/etc", "/lib", "/lib64", "/proc", "/sbin", "/sys", "/usr", "/var", "/root", "/home"]
}
media: {
${ice.rtpPortRange ? `  rtp_port_range = ${q(ice.rtpPortRange)}\n` : ''}}
nat: {
${nat.map((l) => `  ${l}`).join('\n')}
}
plugins: {
}
transports: {
}
events: {
  broadcast = false
}
loggers: {
}
`;
}

export function websocketsJcfg(wsPort: number, adminPort: number): string {
  return `general: {
  json = "plain"
  ws = true
  ws_ip = "127.0.0.1"
  ws_port = ${wsPort}
  ws_acl = "127.0.0.1"
  wss = false
}
admin: {
  admin_ws = true
  admin_ws_ip = "127.0.0.1"
  admin_ws_port = ${adminPort}
  admin_ws_acl = "127.0.0.1"
  admin_wss = false
}
`;
}

export function videoroomJcfg(secrets: Secrets): string {
  return `general: {
  admin_key = ${q(secrets.adminKey)}
  lock_rtp_forward = true
  string_ids = false
}
`;
}

/**
 * Writes the private configuration folder: janus.jcfg, the WebSocket transport (loopback only) and the VideoRoom
 * plugin, plus plugins/ and transports/ folders holding only links to the VideoRoom plugin and the WebSocket
 * transport, so nothing else can be loaded even if the package adds modules later.
 */
export async function writeJanusConfig(
  dir: string,
  opts: JanusOptions,
  secrets: Secrets,
  owner: { uid: number; gid: number } | null,
): Promise<WrittenConfig> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  for (const sub of ['plugins', 'transports', 'none']) {
    await fs.rm(path.join(dir, sub), { recursive: true, force: true });
    await fs.mkdir(path.join(dir, sub), { mode: 0o700 });
  }
  const links: [string, string][] = [
    ['plugins', 'libjanus_videoroom.so'],
    ['transports', 'libjanus_websockets.so'],
  ];
  for (const [sub, so] of links) {
    const target = path.join(opts.libDir, sub, so);
    await fs.access(target).catch(() => {
      throw new Error(`Janus module not found: ${target} (install the Debian "janus" package or set JANUS_LIB_DIR)`);
    });
    await fs.symlink(target, path.join(dir, sub, so));
  }
  const [wsPort, adminPort] = await distinctPorts();
  const files: Record<string, string> = {
    'janus.jcfg': janusJcfg(dir, opts, secrets),
    'janus.transport.websockets.jcfg': websocketsJcfg(wsPort, adminPort),
    'janus.plugin.videoroom.jcfg': videoroomJcfg(secrets),
  };
  for (const [name, text] of Object.entries(files))
    await fs.writeFile(path.join(dir, name), text, { mode: 0o600, flag: 'w' });
  if (owner) {
    for (const p of [dir, ...Object.keys(files).map((f) => path.join(dir, f))]) await fs.chown(p, owner.uid, owner.gid);
    for (const sub of ['plugins', 'transports', 'none']) await fs.chown(path.join(dir, sub), owner.uid, owner.gid);
  }
  return {
    dir,
    wsPort,
    adminPort,
    url: `ws://127.0.0.1:${wsPort}`,
    adminUrl: `ws://127.0.0.1:${adminPort}`,
  };
}

async function distinctPorts(): Promise<[number, number]> {
  const a = await freePort();
  let b = await freePort();
  while (b === a) b = await freePort();
  return [a, b];
}
