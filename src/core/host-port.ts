// Parses "host:port[,host:port]" lists (IPv6 in brackets), the one parser the CLI and the proxy share.
import { UsageError } from './errors.js';

export interface HostPort {
  /** Without brackets, also for IPv6 ("::1"). */
  host: string;
  port: number;
}

/** Checks and splits a bootstrap list without touching the network; `flag` names the option in errors. */
export function parseHostPorts(list: string, flag = '--bootstrap'): HostPort[] {
  const entries = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new UsageError(`${flag} needs host:port, e.g. ${flag} localhost:9092`);
  return entries.map((entry) => {
    const match = /^(?:\[([0-9a-fA-F:]+)\]|([^:\s[\]]+)):(\d{1,5})$/.exec(entry);
    const port = match ? Number(match[3]) : 0;
    if (!match || port < 1 || port > 65535) throw new UsageError(`${flag} "${entry}" is not host:port (for example localhost:9092)`);
    return { host: (match[1] ?? match[2])!, port };
  });
}

/** "host:port", with brackets around an IPv6 host. */
export function formatHostPort({ host, port }: HostPort): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
