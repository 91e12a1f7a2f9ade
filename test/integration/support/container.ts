// The container engine for the container tests: the locally built stand-in image, and an independent view of the lab's containers (the docker CLI).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Built by test/container-image/build-image.sh (.ci/run builds it; no registry is reachable in CI). */
export const TEST_IMAGE = process.env.KAFKA_DUP_LAB_TEST_IMAGE ?? 'kafka-dup-lab-test/kafka:4.1.1';
/** Built by test/container-image/build-fixture-images.sh. */
export const BROKEN_IMAGES = { noShell: 'kafka-dup-lab-test/no-shell:1', noKafka: 'kafka-dup-lab-test/no-kafka:1', diesAtStart: 'kafka-dup-lab-test/dies-at-start:1' };

function docker(args: string[]): { status: number | null; stdout: string } {
  const result = spawnSync('docker', args, { encoding: 'utf8', timeout: 20_000 });
  return { status: result.status, stdout: result.stdout ?? '' };
}

const engineAnswers = existsSync('/var/run/docker.sock') && docker(['info', '--format', '{{.ServerVersion}}']).status === 0;
const imagesHere = engineAnswers && [TEST_IMAGE, ...Object.values(BROKEN_IMAGES)].every((i) => docker(['image', 'inspect', i]).status === 0);

/**
 * Whether the container tests can run here. CI sets KAFKA_DUP_LAB_REQUIRE_CONTAINER=1: there a missing
 * engine or image fails the tests instead of skipping them.
 */
export const containerTestsRun = imagesHere || process.env.KAFKA_DUP_LAB_REQUIRE_CONTAINER === '1';
export const containerSkipReason = engineAnswers
  ? `no ${TEST_IMAGE} here: bash test/container-image/build-image.sh 4.1.1 ${TEST_IMAGE} && bash test/container-image/build-fixture-images.sh`
  : 'no Docker engine answers at /var/run/docker.sock';

/**
 * What the lab's container runs need in the tests: no reaper (its image cannot be pulled here), the
 * host as a laptop resolves it (localhost, not the bridge gateway), and the stand-in image.
 */
export const CONTAINER_ENV = {
  TESTCONTAINERS_RYUK_DISABLED: 'true',
  TESTCONTAINERS_HOST_OVERRIDE: 'localhost',
  KAFKA_DUP_LAB_KAFKA_IMAGE: TEST_IMAGE,
};

/** The lab's containers (by its label), as `docker ps` sees them; `ownerPid` narrows to one lab process. */
export function labContainers(ownerPid?: number): { id: string; ports: string }[] {
  const filter = ownerPid ? `label=org.kafka-dup-lab.owner-pid=${ownerPid}` : 'label=org.kafka-dup-lab';
  return docker(['ps', '-a', '--filter', filter, '--format', '{{.ID}} {{.Ports}}'])
    .stdout.split('\n')
    .filter(Boolean)
    .map((line) => ({ id: line.split(' ')[0]!, ports: line.slice(line.indexOf(' ') + 1) }));
}
