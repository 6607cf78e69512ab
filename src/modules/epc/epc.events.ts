import { TOPICS, type PubSub } from '../realtime/pubsub';
import type { EpcContractRow } from './epc.types';

/** What `epcContractChanged` subscribers receive. */
export interface EpcChangedPayload {
  contractId: number;
  institutionId: number;
  escoId: number;
}

/** After a contract was created, moved or paid (the mutation has committed). */
export function publishEpcChanged(pubsub: PubSub, c: Pick<EpcContractRow, 'id' | 'institution' | 'esco'>): void {
  const payload: EpcChangedPayload = { contractId: c.id, institutionId: c.institution.id, escoId: c.esco.id };
  pubsub.publish(TOPICS.EPC_CHANGED, payload);
}
