import { strict as assert } from 'node:assert';
import { format } from '../../src/shared/l10n/format';

describe('l10n: format', () => {
  it('fills {0}, {1}, … in order, numbers as written, a placeholder used twice twice', () => {
    assert.equal(format('Saved {0} to {1}.', 'model.json', '/tmp/x'), 'Saved model.json to /tmp/x.');
    assert.equal(format('{1} of {0}', 10, 3), '3 of 10');
    assert.equal(format('{0}→0 (cosine), {0} at the start', 0.003), '0.003→0 (cosine), 0.003 at the start');
    assert.equal(format('{0}%', 0), '0%');
    assert.equal(format('Epoch {10}', ...Array.from({ length: 11 }, (_, i) => i)), 'Epoch 10');
  });

  it('keeps a placeholder that has no argument, and text that only looks like one', () => {
    assert.equal(format('{0} and {1}', 'a'), 'a and {1}');
    assert.equal(format('{x} {} {-1} { 0 }', 'a'), '{x} {} {-1} { 0 }');
    assert.equal(format('no placeholders', 'a'), 'no placeholders');
  });

  it('does not read placeholders inside the arguments again', () => {
    assert.equal(format('{0} {1}', '{1}', 'b'), '{1} b');
    assert.equal(format('{0}', '$& $1'), '$& $1');
  });
});
