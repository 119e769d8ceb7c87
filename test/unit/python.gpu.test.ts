// Which PyTorch wheels a project gets: nvidia-smi absent, failing or listing a GPU (real programs on PATH), the
// choice per OS, and the lines the PyTorch template's requirements.txt then starts with.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  chooseTorchWheels,
  findNvidiaGpu,
  TORCH_CPU_INDEX,
  torchRequirementLines,
} from '../../src/extension/python/gpu';
import { writeTemplate } from '../../src/extension/scaffold/templates';
import { fakeInterpreter } from './pythonFixtures';

const root = path.resolve(__dirname, '../..');

describe('python: NVIDIA GPU and PyTorch wheels', function () {
  let tmp: string;
  before(function () {
    if (process.platform === 'win32') this.skip();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'onramp-gpu-'));
  });
  after(() => tmp && rmSync(tmp, { recursive: true, force: true }));

  const withPath = (dir: string): NodeJS.ProcessEnv => ({ ...process.env, PATH: `${dir}:/usr/bin:/bin` });

  it('no nvidia-smi on PATH: no GPU, and the reason', async () => {
    const gpu = await findNvidiaGpu(withPath(path.join(tmp, 'empty')));
    assert.deepEqual(gpu, { nvidia: false, detail: 'nvidia-smi is not installed' });
  });

  it('nvidia-smi listing a GPU: found, named', async () => {
    const bin = path.join(tmp, 'gpu-bin');
    fakeInterpreter(path.join(bin, 'nvidia-smi'), 'echo "GPU 0: NVIDIA GeForce RTX 3060 (UUID: GPU-1234)"');
    const gpu = await findNvidiaGpu(withPath(bin));
    assert.deepEqual(gpu, { nvidia: true, detail: 'GPU 0: NVIDIA GeForce RTX 3060 (UUID: GPU-1234)' });
  });

  it('nvidia-smi without a working driver: no GPU, with its words', async () => {
    const bin = path.join(tmp, 'broken-bin');
    fakeInterpreter(
      path.join(bin, 'nvidia-smi'),
      `echo "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver." ; exit 9`,
    );
    const gpu = await findNvidiaGpu(withPath(bin));
    assert.equal(gpu.nvidia, false);
    assert.equal(
      gpu.detail,
      "nvidia-smi failed: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.",
    );
  });

  it('CPU wheels on Linux and Windows without a GPU; default wheels with one, and always on macOS', () => {
    const none = { nvidia: false, detail: '' };
    const one = { nvidia: true, detail: '' };
    assert.equal(chooseTorchWheels('linux', none), 'cpu');
    assert.equal(chooseTorchWheels('win32', none), 'cpu');
    assert.equal(chooseTorchWheels('darwin', none), 'default');
    assert.equal(chooseTorchWheels('linux', one), 'default');
  });

  it("the PyTorch template's requirements.txt starts with the CPU index line, then its packages", async () => {
    const projectDir = path.join(tmp, 'torch project');
    await writeTemplate({
      templatesRoot: path.join(root, 'src/extension/scaffold/templates'),
      id: 'pytorch-mnist',
      projectDir,
      requirementsHead: torchRequirementLines('cpu'),
    });
    const lines = readFileSync(path.join(projectDir, 'requirements.txt'), 'utf8').split('\n');
    assert.equal(lines[2], `--extra-index-url ${TORCH_CPU_INDEX}`);
    assert.deepEqual(lines.slice(3).filter(Boolean), ['torch', 'torchvision', 'tensorboard', 'ipykernel']);
    assert.deepEqual(torchRequirementLines('default'), []);
  });
});
