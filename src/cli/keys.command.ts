import type { Config } from '../config';
import { parseFlags, UsageError } from './args';

const KEYS_USAGE =
  'usage: keys create (--agency <CODE> | --institution <id> | --esco <id>) --role <admin|editor|viewer> [--name <label>] [--budget <points per minute>]\n' +
  '       keys budget <id> <points per minute|default>\n' +
  '       keys revoke <id>';

/** `--budget 5000`: cost points per minute (the service checks the range). */
function parseBudget(raw: string, what: string): number {
  if (!/^\d{1,10}$/.test(raw)) throw new UsageError(`${what} takes a whole number of cost points per minute, got "${raw}"`);
  return Number(raw);
}

/** `keys create` prints the key alone on the last line of stdout, so scripts can take it with `tail -1`. */
export async function keysCommand(config: Config, argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub !== 'create' && sub !== 'revoke' && sub !== 'budget') throw new UsageError(KEYS_USAGE);
  const { flags, positional } = parseFlags(rest, sub === 'create' ? ['agency', 'institution', 'esco', 'role', 'name', 'budget'] : []);
  let budget: number | null = null;
  if (sub === 'create') {
    if ([flags.agency, flags.institution, flags.esco].filter(Boolean).length !== 1) throw new UsageError(`give exactly one of --agency, --institution or --esco\n${KEYS_USAGE}`);
    if (flags.esco && !/^\d+$/.test(flags.esco)) throw new UsageError('--esco takes the numeric id of an ESCO');
    if (!flags.role) throw new UsageError(`--role is required\n${KEYS_USAGE}`);
    if (flags.institution && !/^\d+$/.test(flags.institution)) throw new UsageError('--institution takes the numeric id of an institution');
    if (flags.budget !== undefined) budget = parseBudget(flags.budget, '--budget');
  } else if (sub === 'budget') {
    if (positional.length !== 2 || !/^\d+$/.test(positional[0])) throw new UsageError(`keys budget takes a numeric key id and a budget (or "default")\n${KEYS_USAGE}`);
    budget = positional[1] === 'default' ? null : parseBudget(positional[1], 'keys budget');
  } else if (positional.length !== 1 || !/^\d+$/.test(positional[0])) {
    throw new UsageError(`keys revoke takes one numeric key id\n${KEYS_USAGE}`);
  }

  // Loaded once the arguments are good: a usage error answers without loading the ORM.
  const [{ ApiKeyService }, { openDatabase }, { DomainError }, { PgPubSub }, { TOPICS }] = await Promise.all([
    import('../modules/keys/keys.service.js'),
    import('../app/database.js'),
    import('../errors/domain-errors.js'),
    import('../modules/realtime/pg-pubsub.js'),
    import('../modules/realtime/pubsub.js'),
  ]);
  const { cliOperator, cliScope, runAudited } = await import('../modules/audit/audit.scope.js');
  const db = await openDatabase(config, { admin: true });
  try {
    const service = new ApiKeyService(db.orm.em.fork(), cliOperator());
    if (sub === 'create') {
      const { apiKey, key } = await runAudited(cliScope('keys create'), () => service.create(
        { agencyCode: flags.agency ?? null, institutionId: flags.institution ? Number(flags.institution) : null, escoId: flags.esco ? Number(flags.esco) : null },
        flags.role,
        flags.name,
        { budget },
      ));
      const spend = apiKey.budget ? `, ${apiKey.budget} points per minute` : '';
      console.log(`created API key ${apiKey.id} "${apiKey.name}" (${apiKey.role}${spend}); it is shown this once:`);
      console.log(key);
    } else if (sub === 'budget') {
      const apiKey = await runAudited(cliScope('keys budget'), () => service.setBudget(Number(positional[0]), budget));
      // Running hubs drop their cached copy of the key and apply the budget at once.
      const pubsub = new PgPubSub(db);
      pubsub.publish(TOPICS.KEY_CHANGED, apiKey.id);
      await pubsub.close();
      console.log(`API key ${apiKey.id} "${apiKey.name}": ${apiKey.budget === null ? "its role's default budget" : `${apiKey.budget} points per minute`}`);
    } else {
      const apiKey = await runAudited(cliScope('keys revoke'), () => service.revoke(Number(positional[0])));
      // Running hubs drop the key at once: cached principals and open subscriptions (LISTEN/NOTIFY).
      const pubsub = new PgPubSub(db);
      pubsub.publish(TOPICS.KEY_REVOKED, apiKey.id);
      await pubsub.close();
      console.log(`revoked API key ${apiKey.id} "${apiKey.name}"`);
    }
  } catch (err) {
    if (err instanceof DomainError) throw new UsageError(err.message);
    throw err;
  } finally {
    await db.close();
  }
}
