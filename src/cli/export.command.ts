import { writeFileSync } from 'node:fs';
import type { Principal } from '../access/principal';
import type { Config } from '../config';
import { csvField } from '../csv';
import { parseFlags, UsageError } from './args';

const USAGE = 'usage: export assessment --year <YYYY> [--out <file.csv>]';

/** The CLI runs as the operator of the hub, with GOA's read rights. */
const OPERATOR: Principal = { keyId: 0, keyName: 'cli', role: 'viewer', subject: 'GOA', agencyCode: 'GOA', institutionId: null, escoId: null };


export async function exportCommand(config: Config, argv: string[]): Promise<void> {
  const [what, ...rest] = argv;
  if (what !== 'assessment') throw new UsageError(USAGE);
  const { flags, positional } = parseFlags(rest, ['year', 'out']);
  if (positional.length || !flags.year || !/^\d{4}$/.test(flags.year)) throw new UsageError(`--year takes a four-digit year\n${USAGE}`);
  const year = Number(flags.year);
  // Loaded once the arguments are good: a usage error answers without loading the ORM.
  const [{ openDatabase }, { AssessmentService }, { IndicatorKind }, { Institution }] = await Promise.all([
    import('../db/database.js'),
    import('../modules/compliance/assessment.service.js'),
    import('../modules/compliance/compliance.enums.js'),
    import('../modules/registry/institution.entity.js'),
  ]);
  const db = await openDatabase(config, { admin: true });
  try {
    const service = new AssessmentService(db, db.orm.em.fork(), OPERATOR);
    const round = await service.round(year);
    if (!round) throw new UsageError(`no assessment round for ${year}`);
    const kinds = Object.values(IndicatorKind);
    const header = ['rank', 'institution', 'institution_zh', 'credit_code', 'score', 'open_rectifications', 'energy_kgce', 'water_m3',
      ...kinds.flatMap((k) => [`${k.toLowerCase()}`, `${k.toLowerCase()}_status`, `${k.toLowerCase()}_constraint`]), 'comment'];
    const lines = [header.join(',')];
    for (let after: string | null = null; ; ) {
      const page = await service.entries(round, 100, after);
      const institutions = await db.orm.em.fork().find(Institution, { id: { $in: page.nodes.map((e) => e.institution.id) } });
      const byId = new Map(institutions.map((i) => [i.id, i]));
      for (const e of page.nodes) {
        const inst = byId.get(e.institution.id)!;
        const ind = new Map(e.indicators.map((i) => [i.indicator, i]));
        lines.push(
          [e.rank, inst.name, inst.nameZh, inst.creditCode, e.score, e.openRectifications, e.energyKgce, e.waterM3,
            ...kinds.flatMap((k) => [ind.get(k)?.value, ind.get(k)?.status, ind.get(k)?.constraintValue]), e.comment]
            .map(csvField)
            .join(','),
        );
      }
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    const csv = lines.join('\r\n') + '\r\n';
    if (flags.out) {
      writeFileSync(flags.out, csv);
      console.log(`wrote ${lines.length - 1} entries of the ${year} round (${round.status}) to ${flags.out}`);
    } else process.stdout.write(csv);
  } finally {
    await db.close();
  }
}
