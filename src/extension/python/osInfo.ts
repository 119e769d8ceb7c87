// Which operating system (and which Linux family) we are on, so that a fix can be the exact command to type.
import { readFile } from 'node:fs/promises';

export type OsFamily =
  | 'windows'
  | 'macos'
  | 'debian' // Debian, Ubuntu, Mint, Pop!_OS, … (apt)
  | 'fedora' // Fedora, RHEL, CentOS, Rocky, Alma (dnf)
  | 'arch' // Arch, Manjaro (pacman)
  | 'suse' // openSUSE, SLES (zypper)
  | 'alpine' // (apk)
  | 'linux'; // any other Linux

export interface OsInfo {
  readonly family: OsFamily;
  /** e.g. "Debian GNU/Linux 12 (bookworm)", "macOS", "Windows". */
  readonly name: string;
}

/** Parses `/etc/os-release` (`KEY=value` lines, values optionally quoted). */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    let v = m[2];
    if (/^(["']).*\1$/.test(v)) v = v.slice(1, -1);
    out[m[1]] = v.replace(/\\(.)/g, '$1');
  }
  return out;
}

export function linuxFamily(osRelease: Record<string, string>): OsFamily {
  const ids = [osRelease.ID ?? '', ...(osRelease.ID_LIKE ?? '').split(/\s+/)].map((s) => s.toLowerCase());
  if (ids.some((id) => id === 'debian' || id === 'ubuntu')) return 'debian';
  if (ids.some((id) => ['fedora', 'rhel', 'centos', 'rocky', 'almalinux'].includes(id))) return 'fedora';
  if (ids.some((id) => id === 'arch' || id === 'manjaro')) return 'arch';
  if (ids.some((id) => id.startsWith('opensuse') || id === 'suse' || id === 'sles')) return 'suse';
  if (ids.includes('alpine')) return 'alpine';
  return 'linux';
}

export async function detectOs(platform: NodeJS.Platform = process.platform): Promise<OsInfo> {
  if (platform === 'win32') return { family: 'windows', name: 'Windows' };
  if (platform === 'darwin') return { family: 'macos', name: 'macOS' };
  for (const file of ['/etc/os-release', '/usr/lib/os-release']) {
    try {
      const rel = parseOsRelease(await readFile(file, 'utf8'));
      return { family: linuxFamily(rel), name: rel.PRETTY_NAME || rel.NAME || 'Linux' };
    } catch {
      // Try the next location.
    }
  }
  return { family: 'linux', name: 'Linux' };
}
