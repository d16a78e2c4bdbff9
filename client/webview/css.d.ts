// esbuild emits a CSS file next to the panel bundle for `import './x.css'`; TypeScript only needs
// to know such imports exist.
declare module '*.css';
