import type { RecyclingRowInput } from '../../src/generated/graphql';

export const recyclingRow = (institutionId: string, month: string, stream: string, disposition: string, quantityKg: number) =>
  ({ institutionId, month, stream, disposition, quantityKg }) as RecyclingRowInput;

/**
 * A month worked by hand: 360.85 kg recycled of 500.925 kg (rate 0.720367). 0.1 + 0.2 kg of
 * e-waste is 0.30000000000000004 in floats: the sums must be numeric.
 */
export const handWorkedMonth = (institutionId: string, month: string): RecyclingRowInput[] => [
  recyclingRow(institutionId, month, 'PAPER', 'RECYCLED', 120.5),
  recyclingRow(institutionId, month, 'PAPER', 'LANDFILLED', 30),
  recyclingRow(institutionId, month, 'PLASTICS', 'RECYCLED', 40.25),
  recyclingRow(institutionId, month, 'PLASTICS', 'INCINERATED', 59.75),
  recyclingRow(institutionId, month, 'KITCHEN_WASTE', 'RECYCLED', 200),
  recyclingRow(institutionId, month, 'KITCHEN_WASTE', 'LANDFILLED', 50.125),
  recyclingRow(institutionId, month, 'E_WASTE', 'RECYCLED', 0.1),
  recyclingRow(institutionId, month, 'E_WASTE', 'INCINERATED', 0.2),
];
