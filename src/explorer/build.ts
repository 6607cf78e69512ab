/** Placeholder replaced by the explorer build (esbuild bundle of src/explorer/app into dist/explorer). */
export {};
