// The words of "New AI Project" that more than one step shows: the template picker's labels and name problems.
import { t } from '../common/l10n';
import type { ProjectNameProblem } from './projectName';
import type { TemplateId } from './templates';

/** How the template picker names a template. */
export function templateLabel(id: TemplateId): { label: string; description: string } {
  switch (id) {
    case 'keras-mnist':
      return {
        label: t('Keras MNIST (from the article)'),
        description: t("TensorFlow · the article's CNN · TensorBoard logs"),
      };
    case 'pytorch-mnist':
      return {
        label: t('PyTorch MNIST'),
        description: t('PyTorch · the same CNN · torch.utils.tensorboard logs'),
      };
    case 'data-science':
      return { label: t('Minimal data science'), description: t('NumPy · Matplotlib · a Jupyter notebook') };
  }
}

/** What is wrong with a project name, in the words the input box and the error show. */
export function nameProblemMessage(problem: ProjectNameProblem): string {
  switch (problem) {
    case 'empty':
      return t('Type a name for the project folder.');
    case 'tooLong':
      return t('The name is too long (at most 100 characters).');
    case 'separator':
      return t('The name cannot contain / or \\: it names one folder.');
    case 'invalidCharacter':
      return t('The name cannot contain < > : " | ? * or control characters.');
    case 'dots':
      return t('"." and ".." are not folder names.');
    case 'edgeSpaceOrDot':
      return t('The name cannot start or end with a space, or end with a dot.');
    case 'reserved':
      return t('Windows reserves this name (CON, PRN, AUX, NUL, COM1–9, LPT1–9).');
  }
}
