// Whether this machine has an NVIDIA GPU PyTorch's CUDA wheels could use, and which PyTorch wheels to install:
// without one, Linux's default torch wheels still pull about 3 GB of nvidia-* libraries that nothing will use.
import { run } from './process';

/** PyTorch's CPU-only wheels (https://pytorch.org/get-started/locally/). */
export const TORCH_CPU_INDEX = 'https://download.pytorch.org/whl/cpu';

export interface GpuCheck {
  readonly nvidia: boolean;
  /** Why, in words for the log and the message ("nvidia-smi is not installed", "GPU 0: NVIDIA …"). */
  readonly detail: string;
}

/** Runs `nvidia-smi -L` (it lists "GPU 0: NVIDIA GeForce RTX 3060 (UUID: …)"); absent or failing: no GPU. */
export async function findNvidiaGpu(env: NodeJS.ProcessEnv = process.env): Promise<GpuCheck> {
  const r = await run('nvidia-smi', ['-L'], { env, timeoutMs: 10_000 });
  if (r.spawnError) return { nvidia: false, detail: 'nvidia-smi is not installed' };
  const gpu = r.stdout.split(/\r?\n/).find((l) => /^GPU \d+:/.test(l.trim()));
  if (r.code === 0 && gpu) return { nvidia: true, detail: gpu.trim() };
  const said = (r.stderr || r.stdout).trim().split(/\r?\n/).pop() ?? '';
  return { nvidia: false, detail: `nvidia-smi failed${said ? `: ${said}` : ` (exit code ${r.code})`}` };
}

export type TorchWheels = 'cpu' | 'default';

/** CPU wheels on Linux and Windows without an NVIDIA GPU; macOS's default wheels are already CPU/MPS ones. */
export function chooseTorchWheels(platform: NodeJS.Platform, gpu: GpuCheck): TorchWheels {
  return platform !== 'darwin' && !gpu.nvidia ? 'cpu' : 'default';
}

/**
 * The lines that go first in the PyTorch template's requirements.txt for `wheels`, so that the project reinstalls
 * the same way. An extra index (not the primary one): the mirror stays primary for everything else, and pip
 * prefers torch's "+cpu" build there, whose local version sorts above the same release without one.
 */
export function torchRequirementLines(wheels: TorchWheels): string[] {
  if (wheels === 'default') return [];
  return [
    '# No NVIDIA GPU was found when this project was made: PyTorch CPU-only wheels',
    '# (about 200 MB instead of about 3 GB with CUDA). Delete these lines for CUDA.',
    `--extra-index-url ${TORCH_CPU_INDEX}`,
  ];
}
