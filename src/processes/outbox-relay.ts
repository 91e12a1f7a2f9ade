// The outbox relay process: publishes outbox rows in order, each batch in one Kafka transaction, and
// finds where to resume from the topic itself, so a crash between publish and bookkeeping cannot repeat an event.
import { createKafka, createProducer, readTopic, type Producer } from '../kafka/client.js';
import { exitWithLab, reportToLab as send, runReportingFailure } from './lab-link.js';
import { decodeMessage } from '../workload/messages.js';
import { openSink } from '../workload/sinks/index.js';
import type { Sink } from '../workload/sinks/sink.js';
import type { RelayConfig, ToWorker } from '../workload/worker-protocol.js';

const config = JSON.parse(process.argv[2] ?? '{}') as RelayConfig;
exitWithLab();

const BATCH = 20;
let stopping = false;
let producer: Producer | undefined;
let sink: Sink | undefined;

/** The highest outbox id among the committed events: everything up to it is published. */
async function publishedUpTo(): Promise<number> {
  const { records, complete } = await readTopic(config.bootstrap, config.outputTopic, { isolation: 'read_committed', timeoutMs: 15_000 });
  // Resuming from half the topic would publish events again.
  if (!complete) throw new Error('could not read the event topic to its end to find where to resume');
  return records.reduce((max, r) => Math.max(max, Number(decodeMessage(r.value)?.payload.outboxId ?? 0)), 0);
}

async function main(): Promise<void> {
  sink = await openSink(config.sink);
  producer = createProducer(createKafka(config.bootstrap, { clientId: `dup-lab-${config.workerId}` }), {
    transactionalId: config.transactionalId,
    transactionTimeout: config.transactionTimeout,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  // Fences any earlier relay with this transactional id and aborts its open transaction first.
  await producer.connect();
  let position = await publishedUpTo();
  let transactions = 0;
  let crashed = false;
  for (;;) {
    const rows = await sink.readOutbox(position, BATCH);
    if (rows.length === 0) {
      if (stopping) return;
      await new Promise((r) => setTimeout(r, 50));
      continue;
    }
    transactions++;
    const tx = await producer.transaction();
    for (const [i, row] of rows.entries()) {
      const event = { ...(JSON.parse(row.event) as Record<string, unknown>), outboxId: row.outboxId };
      await tx.send({ topic: config.outputTopic, messages: [{ value: JSON.stringify(event) }] });
      // In the crash transaction, after `after` events (or all of them, in a smaller transaction).
      if (config.crashAt && !crashed && transactions >= config.crashAt.transaction && i + 1 >= Math.min(config.crashAt.after, rows.length)) {
        crashed = true;
        send({ type: 'stop-point', action: 'crash', point: { applied: i + 1, appliedNotCommitted: i + 1, committedNotApplied: 0, remainingInBatch: rows.length - i - 1 } });
        await new Promise<never>(() => undefined); // the lab SIGKILLs the relay here, its transaction open
      }
    }
    await tx.commit();
    position = rows.at(-1)!.outboxId;
    send({ type: 'relayed', upTo: position });
  }
}

process.on('message', (message: ToWorker) => {
  // Stop once the outbox is drained (the consumers are done by then).
  if (message.type === 'stop') stopping = true;
});

runReportingFailure(async () => {
  await main();
  await producer?.disconnect().catch(() => undefined);
  await sink?.close().catch(() => undefined);
  send({ type: 'stopped', applied: 0, skipped: 0 });
  process.exit(0);
});
