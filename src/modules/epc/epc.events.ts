import { TOPICS, type PubSub } from '../realtime/pubsub';
import type { EpcContract } from './epc-contract.entity';

/** What `epcContractChanged` subscribers receive. */
export interface EpcChangedPayload {
  contractId: number;
  institutionId: number;
  escoId: number;
}

/** After a contract was created, moved or paid (the mutation has committed). */
export function publishEpcChanged(pubsub: PubSub, c: EpcContract): void {
  const payload: EpcChangedPayload = { contractId: c.id, institutionId: c.institution.id, escoId: c.esco.id };
  pubsub.publish(TOPICS.EPC_CHANGED, payload);
}
