import { strict as assert } from 'node:assert';
import { Demand } from '../../src/extension/common/demand';

describe('Demand (deferred start-up work)', () => {
  it('starts nothing until raised, then each waiting start once, with the first reason', () => {
    const demand = new Demand();
    const calls: string[] = [];
    demand.whenRaised((reason) => calls.push(`a: ${reason}`));
    demand.whenRaised((reason) => calls.push(`b: ${reason}`));
    assert.deepEqual(calls, []);
    assert.equal(demand.raised, false);
    demand.raise('a walkthrough is shown');
    demand.raise('a Python check started');
    assert.deepEqual(calls, ['a: a walkthrough is shown', 'b: a walkthrough is shown']);
    assert.equal(demand.raised, true);
  });

  it('runs work registered after the raise at once', () => {
    const demand = new Demand();
    demand.raise('Show Welcome');
    let reason: string | undefined;
    demand.whenRaised((r) => (reason = r));
    assert.equal(reason, 'Show Welcome');
  });

  it('forgets waiting work once disposed', () => {
    const demand = new Demand();
    let started = false;
    demand.whenRaised(() => (started = true));
    demand.dispose();
    demand.raise('late');
    assert.equal(started, false);
  });
});
