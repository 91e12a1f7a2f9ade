// Where a lab container is published and reached, and the labels that mark it as the lab's (pure).

/** Labels on every container the lab starts, so `doctor` can find one whose owner died. */
export const LAB_LABEL = 'org.kafka-dup-lab';
export const OWNER_PID_LABEL = 'org.kafka-dup-lab.owner-pid';
export const OWNER_HOST_LABEL = 'org.kafka-dup-lab.owner-host';

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/**
 * The host address a container's port is published on: loopback when the engine runs on this
 * machine, so nothing the lab starts is open to the room's network; the engine's own address when it
 * is an IP (a bridge gateway, a remote engine), where loopback would not be reachable; every
 * interface only for an engine known by name alone.
 */
export function publishAddress(runtimeHost: string): string {
  if (isLoopback(runtimeHost)) return '127.0.0.1';
  return /^[\d.]+$/.test(runtimeHost) ? runtimeHost : '';
}

/** What the lab and its clients connect to: 127.0.0.1 rather than "localhost", which may resolve to ::1 first. */
export function reachableHost(runtimeHost: string): string {
  return isLoopback(runtimeHost) ? '127.0.0.1' : runtimeHost;
}
