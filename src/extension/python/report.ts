// The Check Python Environment report as Markdown: what the check found (check.ts) and the preflight lines
// (preflight.ts). Apart from check.ts because it reads both, and preflight itself builds on check.
import { describeProblem, type PythonCheck, type Translate } from './check';
import type { ProbedCandidate, UsableInterpreter } from './interpreters';
import type { PreflightLine } from './preflight';
import { supportedRangeText } from './versions';

function yesNo(v: boolean): string {
  return v ? '✅' : '❌';
}

function sourceLabel(p: ProbedCandidate, t: Translate): string {
  switch (p.source) {
    case 'pythonExtension':
      return t('Python extension');
    case 'setting':
      return t('setting aiOnramp.pythonPath');
    default:
      return t('PATH: {0}', [p.command, ...p.args].join(' '));
  }
}

function escapeCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/`/g, '\\`');
}

/** The report as Markdown, for a read-only preview; `preflight` adds the preflight lines (preflight.ts). */
export function renderCheckReport(
  check: PythonCheck,
  t: Translate,
  preflight: readonly PreflightLine[] = [],
): string {
  const lines: string[] = [];
  const errors = check.problems.filter((p) => p.severity === 'error');
  const warnings = check.problems.filter((p) => p.severity === 'warning');
  lines.push(`# ${t('Python environment check')}`, '');
  if (check.chosen && errors.length === 0) {
    lines.push(
      `✅ ${t('Ready: Python {0} can make virtual environments and install packages.', check.chosen.info.version.join('.'))}`,
    );
    if (warnings.length) lines.push('', `⚠️ ${t('With a warning; see below.')}`);
  } else {
    lines.push(`❌ ${t('Not ready yet. Follow the steps below, then run the check again.')}`);
  }
  lines.push('');
  if (check.problems.length) {
    lines.push(`## ${t('What to do')}`, '');
    check.problems.forEach((problem, i) => {
      const { title, fix } = describeProblem(problem, check.os, t);
      const mark = problem.severity === 'error' ? '❌' : problem.severity === 'warning' ? '⚠️' : 'ℹ️';
      lines.push(`${i + 1}. ${mark} **${title}**`, '', `   ${fix.text}`, '');
      if (fix.command) lines.push('   ```sh', `   ${fix.command}`, '   ```', '');
      if (fix.link) lines.push(`   ${fix.link}`, '');
    });
  }
  if (preflight.length) {
    lines.push(`## ${t('Before a project is created')}`, '');
    const marks = { ok: '✅', info: 'ℹ️', warning: '⚠️', error: '❌' } as const;
    for (const line of preflight) {
      lines.push(`- ${marks[line.status]} ${line.title}`);
      if (line.fix) {
        lines.push(`  ${line.fix.text}`);
        if (line.fix.command) lines.push('  ```sh', `  ${line.fix.command}`, '  ```');
        if (line.fix.link) lines.push(`  ${line.fix.link}`);
      }
    }
    lines.push('');
  }
  const found = check.interpreters.filter((p): p is UsableInterpreter => p.ok);
  lines.push(`## ${t('Interpreters found')}`, '');
  if (found.length === 0) {
    lines.push(t('None.'), '');
  } else {
    lines.push(
      `| | ${t('Version')} | ${t('Interpreter')} | ${t('Found through')} | venv | ensurepip | pip |`,
      '|---|---|---|---|---|---|---|',
    );
    for (const p of found) {
      const chosen = p === check.chosen ? '➡️' : '';
      const pip = p.info.modules.pip ? `✅ ${p.info.pipVersion ?? ''}`.trim() : '❌';
      lines.push(
        `| ${chosen} | ${p.info.version.join('.')} | \`${escapeCell(p.info.executable)}\` | ${escapeCell(sourceLabel(p, t))} | ${yesNo(p.info.modules.venv)} | ${yesNo(p.info.modules.ensurepip)} | ${pip} |`,
      );
    }
    lines.push('');
  }
  const missing = check.interpreters.filter((p) => !p.ok);
  if (missing.length) {
    lines.push(`## ${t('Also looked for')}`, '');
    for (const p of missing) {
      if (p.ok) continue;
      lines.push(
        `- ${escapeCell(sourceLabel(p, t))}: ${p.failure.code === 'notFound' ? t('not found') : p.failure.code}`,
      );
    }
    lines.push('');
  }
  lines.push(
    `## ${t('Details')}`,
    '',
    `- ${t('Operating system: {0}', check.os.name)}`,
    `- ${t('Python versions TensorFlow supports: {0}', supportedRangeText())}`,
    `- ${t('Checked in {0} ms', check.durationMs)}`,
    '',
  );
  return lines.join('\n');
}
