import { ApiKey } from '../modules/keys/api-key.entity';
import { Meter } from '../modules/metering/meter.entity';
import { Reading } from '../modules/metering/reading.entity';
import { ReadingBatch } from '../modules/metering/reading-batch.entity';
import { ReadingRevision } from '../modules/metering/reading-revision.entity';
import { YearClosure, YearRecalculation } from '../modules/accounting/year-closure.entity';
import { AssessmentEntry, AssessmentRound, AssessmentSignature, ScoringRule } from '../modules/compliance/assessment.entity';
import { ComplianceAlert } from '../modules/compliance/compliance-alert.entity';
import { QuotaStandard } from '../modules/compliance/quota-standard.entity';
import { RectificationCase, RectificationEvent } from '../modules/compliance/rectification.entity';
import { ConversionFactor } from '../modules/factors/conversion-factor.entity';
import { EmissionFactor } from '../modules/factors/emission-factor.entity';
import { UnitConversion } from '../modules/factors/unit-conversion.entity';
import { VersionedFactor } from '../modules/factors/versioned.entity';
import { EnergyAudit } from '../modules/audits/energy-audit.entity';
import { EpcAsset, EpcContract, EpcPayment, EpcTransition } from '../modules/epc/epc-contract.entity';
import { Esco } from '../modules/epc/esco.entity';
import { PvProject } from '../modules/solar/pv-project.entity';
import { ChargingPoint } from '../modules/fleet/charging-point.entity';
import { Vehicle } from '../modules/fleet/vehicle.entity';
import { VehicleEnergyRecord } from '../modules/fleet/vehicle-energy.entity';
import { CityTarget } from '../modules/targets/city-target.entity';
import { RecyclingRecord } from '../modules/recycling/recycling-record.entity';
import { Agency } from '../modules/registry/agency.entity';
import { Institution } from '../modules/registry/institution.entity';
import { InstitutionProfile } from '../modules/registry/institution-profile.entity';
import { Region } from '../modules/registry/region.entity';

/** Every entity, listed rather than globbed so the build and Jest see the same set. */
export const ENTITIES = [
  Region, Agency, Institution, InstitutionProfile, Meter, Reading, ReadingBatch, ReadingRevision, ApiKey,
  VersionedFactor, ConversionFactor, EmissionFactor, UnitConversion,
  YearClosure, YearRecalculation,
  QuotaStandard, RectificationCase, RectificationEvent, ComplianceAlert, ScoringRule, AssessmentRound, AssessmentEntry, AssessmentSignature,
  Esco, EpcContract, EpcTransition, EpcAsset, EpcPayment, EnergyAudit, PvProject,
  Vehicle, ChargingPoint, VehicleEnergyRecord, CityTarget,
  RecyclingRecord,
];
