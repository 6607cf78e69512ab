/** Placeholder replaced by the dashboard build (esbuild bundle of src/dashboard/app into dist/dashboard). */
export {};
