// Where a shared lab broker (`broker --share`) listens and what it tells clients: the machine's LAN address, or the one given.
import { networkInterfaces } from 'node:os';
import { UsageError } from '../core/errors.js';

/** How a broker for the whole room is reached: every interface bound, this host advertised. */
export interface ShareSettings {
  /** What clients are told to connect to (an address or a name they can resolve). */
  advertise: string;
}

type Interfaces = ReturnType<typeof networkInterfaces>;

/**
 * The address attendees' laptops can reach: the first IPv4 address that is not loopback, not
 * link-local, and not a container bridge (docker0, podman, br-…, veth…), whose 172.17.x addresses
 * only this machine knows.
 */
export function lanAddress(interfaces: Interfaces = networkInterfaces()): string | undefined {
  for (const [name, addresses] of Object.entries(interfaces)) {
    if (/^(docker|br-|veth|podman|cni|virbr|lo)/.test(name)) continue;
    const found = (addresses ?? []).find((a) => a.family === 'IPv4' && !a.internal && !a.address.startsWith('169.254.'));
    if (found) return found.address;
  }
  return undefined;
}

export function shareSettings(advertise: string | undefined, interfaces?: Interfaces): ShareSettings {
  if (advertise) {
    if (!/^[A-Za-z0-9.:-]+$/.test(advertise)) throw new UsageError(`--advertise ${advertise}: not a host name or address`);
    return { advertise };
  }
  const found = lanAddress(interfaces);
  if (!found) throw new UsageError('--share: this machine has no network address besides loopback; pass --advertise <host> with the name or address attendees can reach');
  return { advertise: found };
}
