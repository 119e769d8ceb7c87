// The VSIX smoke suite's entry: the same mocha runner as the host suite, over the *.test.js files next to it
// (out/test/vsix/). scripts/test-host.ts loads it with test/vsix/runner as the development extension, so the
// AI Onramp under test is the one `--install-extension` put into the extensions folder.
export { run } from '../host/index';
