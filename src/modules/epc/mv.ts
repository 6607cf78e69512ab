/**
 * Measurement and verification (M&V) maths for energy performance contracts
 * (GB/T 24915 contract types, IPMVP Option C adjustments, CalTRACK/OpenEEmeter-style
 * monthly degree-day baselines).
 *
 * Pure functions: no database, no I/O. The hub computes the monthly figures and calls these.
 *
 * Number conventions
 * - Energy (kgce, kWh, m³ ...) is plain `number`: physical quantities, not rounded here;
 *   the caller rounds for display.
 * - Money never goes through floating point. Prices, shares and rates arrive as decimal
 *   strings ('0.6532', '0.7'), quantities as numbers taken at their shortest round-trip
 *   decimal form (`String(n)`, so 12345.6 means exactly 12345.6). Products are computed
 *   exactly on bigint and rounded once to integer fen (1 yuan = 100 fen), ROUND HALF UP
 *   (a half fen goes away from zero). Money leaves as a yuan string with exactly 2 decimals.
 */
export * from './baseline';
export * from './degree-days';
export * from './settlement';
