// Scenario leader-failover: the partition leader crashes while producing; which acknowledged writes does the new leader still have?
import { checkLog, type LogCounts } from '../src/check/log-checker.js';
import type { ClusterControl } from '../src/core/cluster.js';
import type { ReadBackRequest, Scenario, Variant, VariantContext } from '../src/core/scenario.js';
import type { Counts, Op } from '../src/core/types.js';
import { makeMessages } from '../src/workload/messages.js';
import { openFailoverProducer } from '../src/workload/failover-producer.js';
import { BROKER_FAULTS } from '../src/workload/process-faults/index.js';
import { waitForPartition } from '../src/workload/partition-watch.js';

export interface FailoverSettings {
  acks: 1 | -1;
  minInsyncReplicas: 1 | 2;
  uncleanElection: boolean;
  /**
   * Keep the followers stalled until the leader has shrunk the ISR to itself before the sends that
   * matter: the leader is then the only in-sync replica when it crashes.
   */
  leaderAlone: boolean;
}

const KEYS = 8;
const OFFSETS_TOPIC = '__consumer_offsets';
const CONCURRENCY = 5;
/** Sends made while the followers are stalled: what acks=1 (or a leader alone in its ISR) acknowledges without them. */
const STALLED_SENDS = 20;
/** How long the followers stay stalled while those sends go out: well inside the 1.5 s a follower may lag before it leaves the ISR. */
const STALL_WINDOW_MS = 600;
/** How long the leader gets to answer the stalled followers' waiting fetches with the decoy record. */
const DECOY_SETTLE_MS = 200;
/** How long the lab shows a partition with no electable leader before it restarts the crashed broker. */
const OFFLINE_SHOWN_MS = 2_000;
/** How long a failover may take on a loaded machine (fencing alone takes the broker session, 6 s). */
const FAILOVER_TIMEOUT_MS = 30_000;
/** How long the followers may take to leave the ISR (replica.lag.time.max.ms is 1.5 s in the lab cluster; it took 2.3–2.5 s here). */
const ISR_SHRINK_TIMEOUT_MS = 4_500;

const variants: Variant<FailoverSettings>[] = [
  {
    name: 'acks-1',
    title: 'acks=1 (baseline)',
    why: 'The leader answers as soon as it wrote the record itself, before any follower has it.',
    settings: { acks: 1, minInsyncReplicas: 1, uncleanElection: false, leaderAlone: false },
    expect: {},
    needs: ['cluster'],
  },
  {
    name: 'acks-all-min-isr-2',
    title: 'acks=all, min.insync.replicas=2',
    why: 'The leader answers only once every in-sync replica has the record, and refuses writes with fewer than two in sync.',
    settings: { acks: -1, minInsyncReplicas: 2, uncleanElection: false, leaderAlone: false },
    expect: { lost: 0 },
    needs: ['cluster'],
  },
  {
    name: 'acks-all-min-isr-1',
    title: 'acks=all, min.insync.replicas=1, followers out of sync',
    why: '"All in-sync replicas" can be the leader alone: acks=all then waits for nobody else.',
    settings: { acks: -1, minInsyncReplicas: 1, uncleanElection: false, leaderAlone: true },
    expect: { lost: 0 },
    needs: ['cluster'],
  },
  {
    name: 'unclean-election',
    title: 'as above, unclean.leader.election.enable=true',
    why: 'With no in-sync replica alive, the controller may make an out-of-sync follower the leader, to stay available.',
    settings: { acks: -1, minInsyncReplicas: 1, uncleanElection: true, leaderAlone: true },
    expect: { lost: 0 },
    needs: ['cluster'],
  },
];

function clusterOf(ctx: VariantContext): ClusterControl {
  const cluster = ctx.resources.cluster;
  // The runner skips a variant whose need is missing, so this only guards a wiring mistake.
  if (!cluster || !('control' in cluster)) throw new Error('leader-failover ran without a cluster it controls');
  return cluster.control;
}

async function run(ctx: VariantContext, variant: Variant<FailoverSettings>): Promise<ReadBackRequest[]> {
  const cluster = clusterOf(ctx);
  const s = variant.settings;
  // Whole again after the last variant (or failing at once, saying why, when a broker died on its own).
  await cluster.restore();
  // The group coordinator (the leader of __consumer_offsets) is never the broker that crashes: the read-back
  // joins a consumer group, and the one broker left in a shrunken ISR must not take the coordinator down too.
  const coordinator = (await waitForPartition(cluster.addressOf(cluster.brokerIds[0]!), OFFSETS_TOPIC, (p) => p.leader >= 0, FAILOVER_TIMEOUT_MS)).leader;
  const leader = cluster.brokerIds.find((id) => id !== coordinator)!;
  const followers = cluster.brokerIds.filter((id) => id !== leader);
  const topic = await ctx.createTopic(
    'log',
    1,
    { 'min.insync.replicas': String(s.minInsyncReplicas), 'unclean.leader.election.enable': String(s.uncleanElection) },
    [leader, ...followers],
  );
  // Undone last: whatever happened, every broker runs again, unstalled, for the next variant.
  ctx.defer('restore the cluster', () => cluster.restore());
  await waitForPartition(cluster.addressOf(leader), topic, (p) => p.leader === leader && p.isr.length === cluster.brokerIds.length, FAILOVER_TIMEOUT_MS);
  const messages = makeMessages(ctx.runId, ctx.messages, KEYS);
  const before = messages.slice(0, Math.floor(ctx.messages / 3));
  const stalled = messages.slice(before.length, before.length + STALLED_SENDS);
  const after = messages.slice(before.length + stalled.length);
  const producer = await openFailoverProducer({ bootstrap: ctx.bootstrap, topic, acks: s.acks, history: ctx.history, clientId: `dup-lab-${variant.name}` });
  try {
    await producer.sendAll(before, CONCURRENCY);
    // Every follower has everything so far: what follows is the only thing the crash can take.
    await producer.barrier();
    await BROKER_FAULTS['broker-stall'].inject(cluster, followers);
    const stalledAt = performance.now();
    ctx.history.add({ type: 'fault', action: 'stall-followers', detail: `followers ${followers.join(' and ')} stalled (SIGSTOP): they stop fetching from leader ${leader}` });
    // A follower always has a fetch waiting at the leader, answered as soon as something is appended: that
    // answer would reach the stalled follower's socket and be applied when it resumes. A record that is
    // not a lab message takes that answer, so the lab's sends below reach the leader alone.
    await producer.decoy();
    await new Promise((r) => setTimeout(r, DECOY_SETTLE_MS));
    if (s.leaderAlone) {
      // Bounded well inside broker.session.timeout.ms (6 s): past it the stalled followers would be fenced too.
      await waitForPartition(cluster.addressOf(leader), topic, (p) => p.isr.length === 1, ISR_SHRINK_TIMEOUT_MS);
      ctx.history.add({ type: 'fault', action: 'isr-shrink', detail: `after ${ms(stalledAt)} the ISR is leader ${leader} alone` });
    }
    const inFlight = producer.sendAll(stalled, STALLED_SENDS);
    await Promise.race([inFlight, new Promise((r) => setTimeout(r, STALL_WINDOW_MS))]);
    const ids = new Set(stalled.map((m) => m.id));
    const ackedAlone = ctx.history.all().filter((o) => o.type === 'send' && o.outcome === 'ok' && ids.has(o.id)).length;
    await BROKER_FAULTS['broker-crash'].inject(cluster, [leader]);
    const crashedAt = performance.now();
    ctx.history.add({
      type: 'fault',
      action: 'crash-leader',
      detail: `leader ${leader} crashed (SIGKILL) having acknowledged ${ackedAlone} of the ${stalled.length} sends made while its followers were stalled`,
      affected: ackedAlone,
    });
    await BROKER_FAULTS['broker-stall'].wake(cluster, followers);
    ctx.history.add({ type: 'fault', action: 'resume-followers', detail: `followers resumed ${ms(stalledAt)} after they stalled` });
    await awaitNewLeader(ctx, cluster, topic, leader, followers, crashedAt);
    await producer.sendAll(after, CONCURRENCY);
    await inFlight;
    // The read-back asks any broker where the partition lives: each must know the new leader first.
    const now = await waitForPartition(cluster.addressOf(followers[0]!), topic, (p) => p.leader >= 0, FAILOVER_TIMEOUT_MS);
    for (const id of cluster.brokerIds.filter((b) => !cluster.down().includes(b))) {
      await waitForPartition(cluster.addressOf(id), topic, (p) => p.leader === now.leader, FAILOVER_TIMEOUT_MS);
    }
  } finally {
    await producer.close();
  }
  return [{ kind: 'topic', topic, where: 'log', isolation: 'read_uncommitted' }];
}

/**
 * Waits for the partition to have a leader again and records who and when. What happens is observed,
 * not assumed from the variant: with no electable replica (the ISR was the crashed leader alone, on
 * purpose, or because a loaded machine stretched a short stall past replica.lag.time.max.ms; unclean
 * election off) the controller fences the crashed broker and leaves the partition without a leader.
 * The lab shows that for OFFLINE_SHOWN_MS, then restarts the crashed broker, the only one with every
 * acknowledged write.
 */
async function awaitNewLeader(ctx: VariantContext, cluster: ClusterControl, topic: string, crashed: number, followers: number[], crashedAt: number) {
  const ask = cluster.addressOf(followers[0]!);
  const next = await waitForPartition(ask, topic, (p) => p.leader !== crashed, FAILOVER_TIMEOUT_MS);
  if (next.leader >= 0) {
    ctx.history.add({ type: 'fault', action: 'new-leader', detail: `broker ${next.leader} leads after ${ms(crashedAt)} (ISR ${next.isr.join(', ')})` });
    return;
  }
  const offlineAt = performance.now();
  await new Promise((r) => setTimeout(r, OFFLINE_SHOWN_MS));
  const still = await waitForPartition(ask, topic, (p) => p.leader !== crashed, FAILOVER_TIMEOUT_MS);
  if (still.leader >= 0) {
    // A moment without a leader, then an election after all: a failover like any other.
    ctx.history.add({ type: 'fault', action: 'new-leader', detail: `broker ${still.leader} leads after ${ms(crashedAt)} (ISR ${still.isr.join(', ')})` });
    return;
  }
  ctx.history.add({
    type: 'fault',
    action: 'offline',
    detail: `${ms(crashedAt, offlineAt)} after the crash the controller fenced broker ${crashed} and the partition had no leader (no in-sync replica alive, unclean election off); still none ${ms(offlineAt)} later`,
  });
  await BROKER_FAULTS['broker-crash'].wake(cluster, [crashed]);
  const p = await waitForPartition(ask, topic, (p) => p.leader >= 0, FAILOVER_TIMEOUT_MS);
  ctx.history.add({ type: 'fault', action: 'restart-leader', detail: `broker ${crashed} restarted on its own log; broker ${p.leader} leads ${ms(crashedAt)} after the crash` });
}

const ms = (since: number, until = performance.now()) => `${((until - since) / 1000).toFixed(1)} s`;

const faultsOf = (history: readonly Op[], action: string) => history.filter((o): o is Extract<Op, { type: 'fault' }> => o.type === 'fault' && o.action === action);
/** Sends the crashed leader had acknowledged on its own, from the lab's record at the crash. */
const ackedAlone = (history: readonly Op[]) => faultsOf(history, 'crash-leader')[0]?.affected ?? 0;
const cameBack = (history: readonly Op[]) => faultsOf(history, 'restart-leader').length > 0;

/**
 * What the theory predicts: every write the leader acknowledged alone is lost when a replica without
 * it takes over (acks=1; or unclean election), and none when the new leader must come from the ISR,
 * or when the crashed leader itself came back.
 */
function predict(history: readonly Op[], variant: Variant<FailoverSettings>): Partial<Counts> {
  const s = variant.settings;
  const aloneLeaderReplaced = s.acks === 1 || (s.leaderAlone && s.uncleanElection);
  return { lost: aloneLeaderReplaced && !cameBack(history) ? ackedAlone(history) : 0 };
}

function note(variant: Variant<FailoverSettings>, counts: Partial<Counts>, history: readonly Op[]): string {
  const c = counts as LogCounts;
  const story = history.filter((o): o is Extract<Op, { type: 'fault' }> => o.type === 'fault').map((o) => o.detail);
  const what = `${story.join('; ')}.`;
  const dup = c.duplicates
    ? ` ${c.duplicates} duplicate${c.duplicates === 1 ? '' : 's'}: a send the old leader took but never answered reached a follower before the crash, and the retry wrote it again (no idempotence here).`
    : '';
  const s = variant.settings;
  if (!s.leaderAlone && cameBack(history)) {
    return `${what} The stall outlasted replica.lag.time.max.ms on this machine, so the ISR was the leader alone at the crash and no follower could take over; the crashed broker came back with its log: ${c.lost} lost. Run it on a less loaded machine to see the variant's point.${dup}`;
  }
  if (s.acks === 1) {
    return `${what} With acks=1 the leader answered without its followers: ${c.lost} acknowledged writes were only on the broker that crashed, and the new leader never had them.${dup}`;
  }
  if (!s.leaderAlone) {
    return `${what} With acks=all no send was answered while the followers were stalled; the producer retried them on the new leader: ${c.lost} lost.${dup}`;
  }
  if (!s.uncleanElection) {
    return `${what} The leader was alone in its ISR, so acks=all meant only itself, yet no other replica could take over: the partition stayed offline until its old leader came back, and only that kept its ${ackedAlone(history)} lone acknowledgements (${c.lost} lost). With its disk gone they would be gone too. (min.insync.replicas=2 makes a leader alone in its ISR refuse acks=all writes with NOT_ENOUGH_REPLICAS instead of acknowledging them; this variant does not run that.)${dup}`;
  }
  return `${what} Unclean election made a follower that had stopped before those sends the leader: ${c.lost} acknowledged writes lost, though every one had acks=all.${dup}`;
}

export const leaderFailover: Scenario<FailoverSettings> = {
  name: 'leader-failover',
  summary: 'The partition leader crashes while producing: acks=1 and a leader alone in its ISR lose acknowledged writes',
  defaultMessages: 300,
  defaultFaults: 1,
  minMessages: 100,
  columns: [
    { key: 'sent', label: 'sent' },
    { key: 'acked', label: 'acked' },
    { key: 'failed', label: 'failed' },
    { key: 'observed', label: 'in log' },
    { key: 'lost', label: 'acked, lost', predicted: true },
    { key: 'duplicates', label: 'duplicates' },
  ],
  variants,
  faults: ['broker-stall', 'broker-crash'],
  run,
  check: (history) => checkLog(history, 'log'),
  predict,
  note,
  explain: {
    story: [
      'A partition has a leader and followers; the followers copy the leader, and those that keep up are',
      'the in-sync replicas (ISR). When the leader dies the controller makes an in-sync follower the new',
      'leader, and everything the new leader lacks is gone, from every replica.',
      '',
      'The lab starts a cluster of three brokers and one controller (local JVMs) and gives each variant a',
      'topic with three replicas. After a first third of the messages it stalls both followers (SIGSTOP,',
      'as a long GC pause or a frozen VM would), sends 20 more, SIGKILLs the leader, lets the followers',
      'go again, and sends the rest once a new leader is elected. It reads the log back from the survivors.',
      'Right after the stall it sends one record that is not a lab message: a follower always has a fetch',
      'waiting at the leader, answered as soon as anything is appended, and that answer would reach the',
      "stalled follower's socket and be applied when it resumes. The decoy takes that answer, so the 20",
      'reach the leader alone, and the counts below are exact, under CPU load too.',
      '',
      'acks=1: the leader acknowledged the 20 on its own; the new leader never had them (lost = the',
      'acknowledgements the crashed leader gave alone, predicted from the lab\'s record at the crash).',
      'acks=all with min.insync.replicas=2: the leader cannot answer while its followers do not fetch,',
      'so nothing acknowledged is missing; the producer sends the 20 again to the new leader.',
      'acks=all with min.insync.replicas=1, followers stalled until the leader shrank the ISR to itself:',
      'acks=all now means the leader alone. Without unclean election nobody may take over, the partition',
      'is offline until the old leader returns with its disk. With unclean.leader.election.enable=true a',
      'stale follower takes over at once, and the acknowledged writes are lost.',
      '',
      'Lab cluster settings (so a run takes seconds): broker.session.timeout.ms=6000 (a crashed or',
      'stalled broker is fenced after 6 s, not 9 s) and replica.lag.time.max.ms=1500 (a follower that',
      'stops fetching leaves the ISR after 1.5 s, not 30 s).',
    ].join('\n'),
    kafkajs: [
      "producer.send({ topic, acks: 1, messages })    // the leader's word alone",
      'producer.send({ topic, acks: -1, messages })   // every in-sync replica (the default)',
      "admin.createTopics({ topics: [{ topic, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }] })",
    ],
    java: ['acks=all                               # the default since Kafka 3.0', 'min.insync.replicas=2                  # topic or broker config', 'unclean.leader.election.enable=false   # the default: offline rather than lose'],
    kafkajsDiffers: [
      'Nothing here is client-specific: where acknowledged data survives is decided by the broker. The',
      'clients differ in their defaults only: kafkajs sends acks=-1 unless told otherwise; the Java client',
      'has defaulted to acks=all since 3.0 (acks=1 before).',
    ].join('\n'),
  },
};
