/** esbuild bundles imported stylesheets into main.css. */
declare module '*.css';
