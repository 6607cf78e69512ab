import { registerEnumType } from 'type-graphql';

export enum RegionLevel {
  PROVINCE = 'PROVINCE',
  CITY = 'CITY',
  COUNTY = 'COUNTY',
}

export enum InstitutionCategory {
  GOVERNMENT_OFFICE = 'GOVERNMENT_OFFICE',
  HOSPITAL = 'HOSPITAL',
  SCHOOL = 'SCHOOL',
  OTHER_PUBLIC = 'OTHER_PUBLIC',
}

registerEnumType(RegionLevel, { name: 'RegionLevel', description: 'Administrative level (GB/T 2260).' });
registerEnumType(InstitutionCategory, { name: 'InstitutionCategory' });
