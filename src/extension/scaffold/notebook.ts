// The article's script as a Jupyter notebook: one code cell per numbered step of train_mnist.py ("# 1. Load the
// data…"), each after a short explanation in the user's language, with kernelspec metadata naming the project's
// .venv. Made from the script itself, so the two never disagree.

export type NotebookLanguage = 'en' | 'zh-cn';

/** The explanation before each step of each script, by the step's number; `title` opens the notebook. */
type Texts = Readonly<Record<string, readonly [string, string]>>;
const TEXT: Readonly<Record<'keras' | 'torch', Readonly<Record<NotebookLanguage, Texts>>>> = {
  keras: {
    en: {
      title: [
        '# MNIST with Keras',
        'The model from the article, step by step. Run each cell with **Shift+Enter**.',
      ],
      imports: ['## Imports', ''],
      '1': [
        '## 1. Load the data',
        '60,000 training and 10,000 test images of handwritten digits, 28×28 grey pixels.',
      ],
      '2': ['## 2. Prepare it', 'Pixels from 0..255 to 0..1, and the channel axis a convolution expects.'],
      '3': [
        '## 3. Build the model',
        'Conv2D(32, 3×3, relu) → MaxPooling2D(2×2) → Flatten → Dense(10): 54,410 parameters.',
      ],
      '4': ['## 4. Choose how it learns', 'Adam, cross-entropy loss, accuracy as the metric.'],
      '5': ['## 5. Train', 'Five passes over the data; TensorBoard logs go to `logs/`.'],
      '6': ['## 6. Test', 'Accuracy on 10,000 images the model has never seen.'],
    },
    'zh-cn': {
      title: ['# 用 Keras 训练 MNIST', '文章里的模型，一步一步来。按 **Shift+Enter** 运行每个单元格。'],
      imports: ['## 导入', ''],
      '1': ['## 1. 加载数据', '60,000 张训练图片和 10,000 张测试图片，都是 28×28 的手写数字灰度图。'],
      '2': ['## 2. 预处理', '把像素从 0..255 缩放到 0..1，并加上卷积需要的通道维度。'],
      '3': [
        '## 3. 搭建模型',
        'Conv2D(32, 3×3, relu) → MaxPooling2D(2×2) → Flatten → Dense(10)：共 54,410 个参数。',
      ],
      '4': ['## 4. 选择学习方式', 'Adam 优化器、交叉熵损失，用准确率作为指标。'],
      '5': ['## 5. 训练', '把数据完整过五遍；TensorBoard 日志写到 `logs/`。'],
      '6': ['## 6. 测试', '在模型从没见过的 10,000 张图片上的准确率。'],
    },
  },
  torch: {
    en: {
      title: [
        '# MNIST with PyTorch',
        'The same model in PyTorch, step by step. Run each cell with **Shift+Enter**.',
      ],
      imports: ['## Imports and settings', ''],
      '1': ['## 1. Load the data', '`ToTensor()` scales the pixels to 0..1; batches of 32.'],
      '2': [
        '## 2. Build the model',
        'Conv2d(32, 3×3) → ReLU → MaxPool2d(2×2) → Flatten → Linear(10): 54,410 parameters.',
      ],
      '3': ['## 3. Choose how it learns', 'Adam and cross-entropy (which applies the softmax itself).'],
      '4': ['## 4. Logs for TensorBoard', 'The same folders and tags as Keras writes.'],
      '5': ['## 5. Train', 'Five passes over the data, with loss and accuracy after each.'],
      '6': ['## 6. Test', 'Accuracy on 10,000 images the model has never seen.'],
    },
    'zh-cn': {
      title: [
        '# 用 PyTorch 训练 MNIST',
        '同一个模型的 PyTorch 版本，一步一步来。按 **Shift+Enter** 运行每个单元格。',
      ],
      imports: ['## 导入和设置', ''],
      '1': ['## 1. 加载数据', '`ToTensor()` 把像素缩放到 0..1；每批 32 张。'],
      '2': [
        '## 2. 搭建模型',
        'Conv2d(32, 3×3) → ReLU → MaxPool2d(2×2) → Flatten → Linear(10)：共 54,410 个参数。',
      ],
      '3': ['## 3. 选择学习方式', 'Adam 和交叉熵（它自己会做 softmax）。'],
      '4': ['## 4. TensorBoard 日志', '文件夹和标签与 Keras 写的一样。'],
      '5': ['## 5. 训练', '把数据完整过五遍，每遍之后给出损失和准确率。'],
      '6': ['## 6. 测试', '在模型从没见过的 10,000 张图片上的准确率。'],
    },
  },
};

interface Cell {
  readonly cell_type: 'markdown' | 'code';
  readonly id: string;
  readonly metadata: Record<string, never>;
  readonly source: string[];
  readonly execution_count?: null;
  readonly outputs?: [];
}

function lines(text: string): string[] {
  const parts = text.split('\n');
  return parts.map((l, i) => (i < parts.length - 1 ? `${l}\n` : l)).filter((l) => l !== '');
}

/**
 * Splits `script` at its top-level "# N. …" comments (the docstring dropped: the notebook's first cell says it)
 * and returns the notebook's JSON text. `kind` picks the title; `pythonVersion` goes into the kernelspec name.
 */
export function notebookFromScript(options: {
  readonly script: string;
  readonly kind: 'keras' | 'torch';
  readonly language: NotebookLanguage;
  readonly pythonVersion?: string;
}): string {
  const text = TEXT[options.kind][options.language];
  const body = options.script.replace(/^\s*"""[\s\S]*?"""\s*/, '');
  const sections: { step: string; code: string[] }[] = [{ step: 'imports', code: [] }];
  for (const line of body.split('\n')) {
    const m = /^# (\d+)\. /.exec(line);
    if (m) sections.push({ step: m[1], code: [] });
    sections[sections.length - 1].code.push(line);
  }
  const cells: Cell[] = [];
  const add = (cell_type: Cell['cell_type'], source: string): void => {
    const id = `cell-${cells.length + 1}`;
    cells.push(
      cell_type === 'code'
        ? { cell_type, id, metadata: {}, source: lines(source), execution_count: null, outputs: [] }
        : { cell_type, id, metadata: {}, source: lines(source) },
    );
  };
  const [title, intro] = text.title;
  add('markdown', `${title}\n\n${intro}`);
  for (const s of sections) {
    const code = s.code.join('\n').trim();
    if (!code) continue;
    const [heading, explanation] = text[s.step] ?? [`## ${s.step}.`, ''];
    add('markdown', explanation ? `${heading}\n\n${explanation}` : heading);
    add('code', code);
  }
  const notebook = {
    cells,
    metadata: {
      kernelspec: {
        display_name: `.venv${options.pythonVersion ? ` (Python ${options.pythonVersion})` : ''}`,
        language: 'python',
        name: 'python3',
      },
      language_info: { name: 'python', ...(options.pythonVersion ? { version: options.pythonVersion } : {}) },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return JSON.stringify(notebook, null, 1) + '\n';
}
