import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../access/principal';
import type { Database } from '../db/database';
import type { Loaders } from './loaders';
import type { ComplianceMonitor } from '../modules/compliance/alerts.service';
import type { PubSub } from '../modules/realtime/pubsub';

/** What every resolver gets: who calls, a forked EntityManager and this request's loaders. */
export interface Context {
  principal: Principal;
  em: EntityManager;
  db: Database;
  loaders: Loaders;
  pubsub: PubSub;
  /** Compliance checks after ingests, run after the answer (absent on WebSocket: no mutations there). */
  monitor?: ComplianceMonitor;
  /** This request's id (X-Request-Id): on its log lines and on the audit events it writes. */
  requestId: string;
}
