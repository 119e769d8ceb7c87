// The Restricted Mode suite's entry: the host suite's mocha runner over the *.test.js files next to it
// (out/test/trust/). scripts/test-host.ts runs it with workspace trust on and the workspace untrusted.
export { run } from '../host/index';
