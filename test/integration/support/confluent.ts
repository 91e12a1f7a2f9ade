// Whether @confluentinc/kafka-javascript can run here (a native addon, optional): CI builds it and requires it.
import { PRODUCER_CLIENTS } from '../../../src/clients/index.js';

/** Why the confluent client cannot run here, or null; throws where KAFKA_DUP_LAB_REQUIRE_CONFLUENT=1 (CI) and it cannot. */
export const confluentMissing = await PRODUCER_CLIENTS.confluent.unavailable();
if (confluentMissing && process.env.KAFKA_DUP_LAB_REQUIRE_CONFLUENT === '1') throw new Error(`KAFKA_DUP_LAB_REQUIRE_CONFLUENT=1, and ${confluentMissing}`);
