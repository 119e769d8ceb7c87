// The import rules of the three roots, checked by `npm run lint` (dependency-cruiser resolves every import to a
// file, so a relative path cannot slip past a rule as it could past a pattern on the import's text).
//   src/extension/  runs in the extension host: may import vscode, Node and src/shared/
//   src/shared/     imported by both sides: neither vscode, Node, DOM code nor either side
//   src/webview/    runs in the page: the DOM and src/shared/, never vscode, Node or the host's code
// Inside src/extension/ the capability folders sit on a ladder (low to high); an import may only go down it:
//   common → webview (the panels' host) → python → scaffold, walkthrough, training, tensorboard → extension.ts
//   (examples, the learner's drawn digits, sits below training, which hands it the panel's messages)
// and so do the page folders in src/webview/:
//   common → engine, charts → playground → examples → training;   common, charts → tensorboard
// ESLint's no-restricted-imports (eslint.config.mjs) says the same for `vscode` and `node:` as you type.
const capability = '^src/extension/(scaffold|walkthrough|training|tensorboard)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle ties its files into one unit that cannot be read, tested or moved apart.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'shared-stays-shared',
      severity: 'error',
      comment: 'src/shared/ is imported by the host and the pages alike, so it may import only src/shared/.',
      from: { path: '^src/shared/' },
      to: { pathNot: '^src/shared/' },
    },
    {
      name: 'webview-not-host',
      severity: 'error',
      comment: 'Page code runs in a browser: it cannot load vscode, Node modules or the host code.',
      from: { path: '^src/webview/' },
      to: { path: ['^src/extension/', '^scripts/', '^test/'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'webview-no-node',
      severity: 'error',
      comment: 'Page code runs in a browser: Node built-ins and vscode are not there.',
      from: { path: '^src/webview/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'no-vscode-outside-host',
      severity: 'error',
      comment: 'Only the extension host has the vscode module.',
      from: { path: ['^src/webview/', '^src/shared/'] },
      to: { path: '(^|/)(@types/)?vscode(/|$)' },
    },
    {
      name: 'host-not-page',
      severity: 'error',
      comment: 'The host talks to the pages through src/shared/protocol/, never by importing page code.',
      from: { path: '^src/extension/' },
      to: { path: '^src/webview/' },
    },
    {
      name: 'src-not-tests',
      severity: 'error',
      comment: 'Product code never imports tests or build scripts (they do not ship).',
      from: { path: '^src/' },
      to: { path: ['^test/', '^scripts/'] },
    },
    {
      name: 'common-is-lowest',
      severity: 'error',
      comment: 'src/extension/common/ is what every capability receives; it imports no capability folder.',
      from: { path: '^src/extension/common/' },
      to: { path: '^src/extension/(?!common/)' },
    },
    {
      name: 'webview-host-below-capabilities',
      severity: 'error',
      comment: 'The one webview host serves the panels; it knows none of them.',
      from: { path: '^src/extension/webview/' },
      to: { path: '^src/extension/(?!common/|webview/)' },
    },
    {
      name: 'python-below-capabilities',
      severity: 'error',
      comment:
        'python/ finds interpreters, venvs and pip for the capabilities above it; it imports none of them.',
      from: { path: '^src/extension/python/' },
      to: { path: [capability, '^src/extension/extension\\.ts$'] },
    },
    {
      name: 'capabilities-apart',
      severity: 'error',
      comment: 'Capability folders do not import one another: what two of them need lives lower down.',
      from: { path: '^src/extension/(scaffold|walkthrough|training|tensorboard)/' },
      to: { path: capability, pathNot: '^src/extension/$1/' },
    },
    {
      name: 'page-parts-below-pages',
      severity: 'error',
      comment:
        'The page-side host link, the engine and the charts serve the pages; they import none of them.',
      from: { path: '^src/webview/(common|engine|charts)/' },
      to: { path: '^src/webview/(playground|inside|examples|training|tensorboard)/' },
    },
    {
      name: 'playground-below-training',
      severity: 'error',
      comment:
        'The training page mounts the playground and the inside views; they do not reach back into the page.',
      from: { path: '^src/webview/(playground|inside)/' },
      to: { path: '^src/webview/(examples|training|tensorboard)/' },
    },
    {
      name: 'examples-below-training',
      severity: 'error',
      comment:
        'The training page mounts Your examples (and runs its fine-tune); Your examples does not reach back.',
      from: { path: '^src/(webview|extension)/examples/' },
      to: { path: ['^src/webview/(training|tensorboard)/', capability] },
    },
    {
      name: 'pages-apart',
      severity: 'error',
      comment: 'The training page and the TensorBoard page are two apps; what both need lives lower down.',
      from: { path: '^src/webview/(training|tensorboard)/' },
      to: { path: '^src/webview/(training|tensorboard)/', pathNot: '^src/webview/$1/' },
    },
    {
      name: 'only-extension-ts-wires',
      severity: 'error',
      comment: 'extension.ts wires the capabilities; nothing imports it back.',
      from: { path: '^src/' },
      to: { path: '^src/extension/extension\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^src/extension/scaffold/templates/', '^src/webview/engine/assembly/'] },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.mjs', '.js', '.json'] },
  },
};
