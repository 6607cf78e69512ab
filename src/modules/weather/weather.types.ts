import { LocalDateScalar } from '../../graphql/scalars';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Node, toGlobalId } from '../../graphql/relay';
import type { StationRow } from './weather.repository';

@ObjectType({ implements: Node, description: 'A weather station: the daily mean temperatures of a region (and, up the tree, of its children).' })
export class WeatherStation {
  @Field(() => ID)
  id!: string;

  rowId!: number;

  @Field()
  code!: string;

  @Field()
  name!: string;

  regionId!: number | null;

  @Field({ description: 'Where the temperatures come from (a weather service, a site sensor...).' })
  source!: string;

  @Field({ description: 'Unit of every temperature of the station: always °C (Fahrenheit input is converted on import).' })
  unit!: string;

  @Field()
  createdAt!: Date;

  static of(r: StationRow): WeatherStation {
    return Object.assign(new WeatherStation(), { id: toGlobalId('WeatherStation', r.id), rowId: r.id, code: r.code, name: r.name, regionId: r.region_id, source: r.source, unit: '°C', createdAt: r.created_at });
  }
}

@ObjectType({ description: 'One day of a station: the daily mean temperature in °C.' })
export class WeatherDay {
  @Field(() => LocalDateScalar)
  day!: string;

  @Field(() => Float)
  meanTempC!: number;

  @Field()
  source!: string;
}

@ObjectType({ description: 'Heating and cooling degree days of one month (or the part of it in the span), °C·day.' })
export class DegreeDayMonth {
  @Field(() => LocalDateScalar)
  month!: string;

  @Field(() => Int)
  days!: number;

  @Field(() => Int, { description: 'Days with a temperature; degree days are summed over these only.' })
  daysWithTemperature!: number;

  @Field(() => [LocalDateScalar], { description: 'Days of the span with no temperature.' })
  missingDays!: string[];

  @Field(() => Float)
  hdd!: number;

  @Field(() => Float)
  cdd!: number;
}

@ObjectType()
export class WeatherImportResult {
  @Field(() => Int, { description: 'Rows in the file.' })
  rows!: number;

  @Field(() => Int, { description: 'Days added or changed (a repeated file changes nothing).' })
  changed!: number;

  @Field(() => [String], { description: 'Station codes the file touched.' })
  stations!: string[];
}
