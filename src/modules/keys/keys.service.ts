import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { ConflictError, NotFoundError, ValidationError } from '../../errors/domain-errors';
import type { PageWindow, WindowRows } from '../../db/window';
import { KeyRole } from '../../access/access.enums';
import { hashKey, newKeyString } from '../../access/key-auth';
import type { Principal } from '../../access/principal';
import { Agency } from '../registry/agency.entity';
import { Esco } from '../epc/esco.entity';
import { Institution } from '../registry/institution.entity';
import { flushAudited } from '../audit/audit.service';
import { ApiKey } from './api-key.entity';
import { agencyByCode } from '../registry/registry.repository';
import type { AgencyRow } from '../registry/registry.types';
import { apiKeyWindow } from './keys.repository';
import type { ApiKeyRow } from './keys.types';

export interface KeyOwner {
  agencyCode?: string | null;
  institutionId?: number | null;
  escoId?: number | null;
}

export interface CreatedKey {
  apiKey: ApiKey;
  /** The secret, returned once and never stored. */
  key: string;
}

/** The largest budget a key may be given: far above any real use, and within an int column. */
export const MAX_BUDGET = 1_000_000_000;

function checkBudget(budget: number | null | undefined): void {
  if (budget === undefined || budget === null) return;
  if (!Number.isSafeInteger(budget) || budget < 1 || budget > MAX_BUDGET) {
    throw ValidationError.single('budget', `cost points per minute: a whole number from 1 to ${MAX_BUDGET}, got ${budget}`);
  }
}

export class ApiKeyService {
  /** `actor`: who creates or revokes keys, for the audit trail (a GOA admin key, or the CLI operator). */
  constructor(
    private readonly em: EntityManager,
    private readonly actor: Principal,
    /** Where reads take plain rows (writes go through the EntityManager). */
    private readonly pool?: pg.Pool,
  ) {}

  private readPool(): pg.Pool {
    if (!this.pool) throw new Error('ApiKeyService: reads need the pool');
    return this.pool;
  }

  /** Keys newest first, in a window (the caller has checked that its key may manage keys). */
  list(window: PageWindow): Promise<WindowRows<ApiKeyRow>> {
    return apiKeyWindow(this.readPool(), window);
  }

  /** The agency a key of that agency code belongs to (`viewer.agency`). */
  agency(code: string): Promise<AgencyRow | null> {
    return agencyByCode(this.readPool(), code);
  }

  /** `budget`: cost points per minute; none means the role's default. */
  async create(owner: KeyOwner, role: string, name: string | undefined, opts: { budget?: number | null; seed?: Buffer } = {}): Promise<CreatedKey> {
    checkBudget(opts.budget);
    if (!(Object.values(KeyRole) as string[]).includes(role)) {
      throw ValidationError.single('role', `expected one of admin, editor, viewer, got "${role}"`);
    }
    const hasAgency = !!owner.agencyCode;
    const hasInstitution = owner.institutionId !== undefined && owner.institutionId !== null;
    const hasEsco = owner.escoId !== undefined && owner.escoId !== null;
    if (Number(hasAgency) + Number(hasInstitution) + Number(hasEsco) !== 1) {
      throw ValidationError.single('owner', 'give exactly one of agency, institution or ESCO');
    }
    const { key, prefix } = newKeyString(opts.seed);
    const apiKey = this.em.create(ApiKey, {
      name: '',
      prefix,
      hash: hashKey(key),
      role: role as KeyRole,
      budget: opts.budget ?? null,
    });
    if (hasAgency) {
      const agency = await this.em.findOne(Agency, { code: owner.agencyCode! });
      if (!agency) throw new NotFoundError(`no agency with code "${owner.agencyCode}"`);
      apiKey.agency = this.em.getReference(Agency, agency.id, { wrapped: true });
      apiKey.name = name?.trim() || `${agency.code} ${role}`;
    } else if (hasEsco) {
      const esco = await this.em.findOne(Esco, { id: owner.escoId! });
      if (!esco) throw new NotFoundError(`no ESCO with id ${owner.escoId}`);
      apiKey.esco = this.em.getReference(Esco, esco.id, { wrapped: true });
      apiKey.name = name?.trim() || `${esco.name} ${role}`;
    } else {
      const institution = await this.em.findOne(Institution, { id: owner.institutionId! });
      if (!institution) throw new NotFoundError(`no institution with id ${owner.institutionId}`);
      apiKey.institution = this.em.getReference(Institution, institution.id, { wrapped: true });
      apiKey.name = name?.trim() || `${institution.name} ${role}`;
    }
    await flushAudited(this.em, this.actor);
    return { apiKey, key };
  }

  /** Sets a key's budget (null: back to its role's default). */
  async setBudget(id: number, budget: number | null): Promise<ApiKey> {
    checkBudget(budget);
    const apiKey = await this.em.findOne(ApiKey, { id });
    if (!apiKey) throw new NotFoundError(`no API key with id ${id}`);
    apiKey.budget = budget;
    await flushAudited(this.em, this.actor);
    return apiKey;
  }

  async revoke(id: number): Promise<ApiKey> {
    const apiKey = await this.em.findOne(ApiKey, { id });
    if (!apiKey) throw new NotFoundError(`no API key with id ${id}`);
    if (apiKey.revokedAt) throw new ConflictError(`API key ${id} was already revoked at ${apiKey.revokedAt.toISOString()}`);
    apiKey.revokedAt = new Date();
    await flushAudited(this.em, this.actor);
    return apiKey;
  }
}
