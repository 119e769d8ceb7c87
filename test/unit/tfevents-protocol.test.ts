import assert from 'node:assert/strict';
import {
  decodePoints,
  encodePoints,
  parseHostMessage,
  parseWebviewMessage,
} from '../../src/shared/protocol/tensorboard';
import { chartPlacement, groupTags } from '../../src/shared/tensorboard/tags';

describe('TensorBoard logs protocol', () => {
  it('accepts the webview messages it defines', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseWebviewMessage({ type: 'shown', run: 'a/train', tag: 'loss', count: 3 }), {
      type: 'shown',
      run: 'a/train',
      tag: 'loss',
      count: 3,
    });
    const file = {
      filename: 'train_loss.csv',
      mime: 'text/csv',
      content: 'Wall time,Step,Value\n',
      encoding: 'utf8',
    };
    assert.deepEqual(parseWebviewMessage({ type: 'saveFile', ...file, extra: 1 }), {
      type: 'saveFile',
      ...file,
    });
  });

  it('rejects anything else from the webview', () => {
    const bad: unknown[] = [
      null,
      'ready',
      { type: 'nope' },
      { type: 'shown', run: '', tag: 'loss', count: 1 },
      { type: 'shown', run: 'a', tag: 'loss', count: -1 },
      { type: 'shown', run: 'a', tag: 'loss', count: 1.5 },
      { type: 'saveFile', filename: '../evil.csv', mime: 'text/csv', content: '', encoding: 'utf8' },
      { type: 'saveFile', filename: 'C:evil.csv', mime: 'text/csv', content: '', encoding: 'utf8' },
      { type: 'saveFile', filename: '..', mime: 'text/csv', content: '', encoding: 'utf8' },
      { type: 'saveFile', filename: 'a.html', mime: 'text/html', content: '', encoding: 'utf8' },
      { type: 'saveFile', filename: 'a.csv', mime: 'text/csv', content: 1, encoding: 'utf8' },
      { type: 'saveFile', filename: 'a.csv', mime: 'text/csv', content: '', encoding: 'hex' },
    ];
    for (const message of bad) assert.equal(parseWebviewMessage(message), undefined, JSON.stringify(message));
  });

  it('carries NaN and infinities through JSON', () => {
    const points = [
      { step: 1, wallTime: 10, value: NaN },
      { step: 2, wallTime: 11, value: Infinity },
      { step: 3, wallTime: 12, value: -Infinity },
      { step: 4, wallTime: 13, value: 0.25 },
    ];
    const wire = JSON.parse(
      JSON.stringify({ type: 'points', run: 'r', tag: 't', points: encodePoints(points) }),
    );
    const received = parseHostMessage(wire);
    assert.ok(received && received.type === 'points');
    assert.deepEqual(received.points, points);
    const finite = [{ step: 1, wallTime: 1, value: 1 }];
    assert.equal(encodePoints(finite), finite, 'finite points are sent as they are');
    assert.deepEqual(decodePoints(finite), finite);
  });

  it('rejects malformed host messages in the webview', () => {
    assert.equal(
      parseHostMessage({ type: 'points', run: 'r', tag: 't', points: [{ step: 1, wallTime: 1 }] }),
      undefined,
    );
    assert.equal(
      parseHostMessage({
        type: 'points',
        run: 'r',
        tag: 't',
        points: [{ step: 'x', wallTime: 1, value: 1 }],
      }),
      undefined,
    );
    assert.equal(
      parseHostMessage({ type: 'runs', folder: 'logs', runs: [{ name: 'a', tags: [1] }] }),
      undefined,
    );
    assert.deepEqual(
      parseHostMessage({ type: 'runs', folder: 'logs', runs: [{ name: 'a', tags: ['loss'] }] }),
      {
        type: 'runs',
        folder: 'logs',
        runs: [{ name: 'a', tags: ['loss'] }],
      },
    );
  });

  it('groups tags by the prefix before the first slash, as TensorBoard does', () => {
    assert.deepEqual(
      groupTags(['train/loss', 'epoch_loss', 'train/acc', 'eval/x/y', 'eval/z', 'epoch_loss']),
      [
        { name: 'epoch_loss', tags: ['epoch_loss'] },
        { name: 'eval', tags: ['eval/x/y', 'eval/z'] },
        { name: 'train', tags: ['train/acc', 'train/loss'] },
      ],
    );
    assert.deepEqual(
      groupTags(['layer10/w', 'layer2/w']).map((g) => g.name),
      ['layer2', 'layer10'],
    );
  });

  it('places Keras, PyTorch and split-named tags so that train and validation share a chart', () => {
    const cases: [string, string, string, string, string][] = [
      // run, tag → chart run, card, series
      ['20240101-120000/train', 'epoch_loss', '20240101-120000', 'epoch_loss', 'train'],
      ['20240101-120000/validation', 'epoch_loss', '20240101-120000', 'epoch_loss', 'validation'],
      [
        'fit/20240101/validation',
        'evaluation_loss_vs_iterations',
        'fit/20240101',
        'evaluation_loss_vs_iterations',
        'validation',
      ],
      ['train', 'epoch_accuracy', '.', 'epoch_accuracy', 'train'],
      ['Mar01_12-00-00_host/Loss_train', 'Loss', 'Mar01_12-00-00_host', 'Loss', 'train'],
      ['Mar01_12-00-00_host/Loss_val', 'Loss', 'Mar01_12-00-00_host', 'Loss', 'validation'],
      ['exp/Loss_sin', 'Loss', 'exp', 'Loss', 'sin'],
      ['Mar01_12-00-00_host', 'Loss/train', 'Mar01_12-00-00_host', 'Loss', 'train'],
      ['Mar01_12-00-00_host', 'Loss/test', 'Mar01_12-00-00_host', 'Loss', 'test'],
      ['run', 'val/accuracy', 'run', 'accuracy', 'validation'],
      ['run', 'layer1/weights', 'run', 'layer1/weights', 'train'],
      ['run', 'a/b/train', 'run', 'a/b/train', 'train'],
      ['.', 'loss', '.', 'loss', 'train'],
      ['keras1', 'val_loss', 'keras1', 'loss', 'validation'],
      ['keras1', 'val_acc', 'keras1', 'acc', 'validation'],
      ['script', 'train_accuracy', 'script', 'accuracy', 'train'],
      ['script', 'test_accuracy', 'script', 'accuracy', 'test'],
      ['script', 'loss_val', 'script', 'loss', 'validation'],
      ['script', 'epoch_loss', 'script', 'epoch_loss', 'train'],
      ['script', 'learning_rate', 'script', 'learning_rate', 'train'],
    ];
    for (const [run, tag, chartRun, card, series] of cases) {
      assert.deepEqual(chartPlacement(run, tag), { chartRun, card, series }, `${run} ${tag}`);
    }
  });

  it('passes a folder status, a replacing points message and where the page drew a tag', () => {
    const status = {
      folders: 3,
      eventFiles: 2,
      skippedLinks: 0,
      bytes: 1000,
      bytesRead: 1000,
      points: 0,
      otherTags: [{ plugin: 'histograms', count: 4, examples: ['dense/kernel_0'] }],
      otherRecords: { file_version: 2, graph: 1 },
    };
    assert.deepEqual(parseHostMessage({ type: 'status', status }), { type: 'status', status });
    assert.equal(parseHostMessage({ type: 'status', status: { ...status, folders: -1 } }), undefined);
    assert.equal(
      parseHostMessage({ type: 'status', status: { ...status, otherTags: [{ plugin: 'x' }] } }),
      undefined,
    );
    assert.equal(
      parseHostMessage({ type: 'status', status: { ...status, otherRecords: { graph: 'x' } } }),
      undefined,
    );
    const replaced = parseHostMessage({ type: 'points', run: 'r', tag: 't', points: [], replace: true });
    assert.ok(replaced && replaced.type === 'points' && replaced.replace);
    const shown = {
      type: 'shown',
      run: 'a/train',
      tag: 'loss',
      count: 1,
      chartRun: 'a',
      card: 'loss',
      series: 'train',
    };
    assert.deepEqual(parseWebviewMessage(shown), shown);
    assert.equal(parseWebviewMessage({ ...shown, card: '' }), undefined);
  });
});
