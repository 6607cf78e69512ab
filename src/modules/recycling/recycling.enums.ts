import { registerEnumType } from 'type-graphql';

/** The waste streams an institution sorts (GB/T 19095 groups, kitchen waste apart). */
export enum RecyclingStream {
  PAPER = 'PAPER',
  PLASTICS = 'PLASTICS',
  METALS = 'METALS',
  GLASS = 'GLASS',
  /** Waste electrical and electronic equipment (computers, printers, lamps). */
  E_WASTE = 'E_WASTE',
  KITCHEN_WASTE = 'KITCHEN_WASTE',
  OTHER = 'OTHER',
}

/** Where a stream's kilograms went: only RECYCLED counts towards the recycling rate. */
export enum WasteDisposition {
  RECYCLED = 'RECYCLED',
  LANDFILLED = 'LANDFILLED',
  INCINERATED = 'INCINERATED',
}

registerEnumType(RecyclingStream, { name: 'RecyclingStream', description: 'Paper, plastics, metals, glass, e-waste, kitchen waste or other.' });
registerEnumType(WasteDisposition, { name: 'WasteDisposition', description: 'Recycled (or composted), landfilled or incinerated.' });

export const STREAMS = Object.values(RecyclingStream);
export const DISPOSITIONS = Object.values(WasteDisposition);
