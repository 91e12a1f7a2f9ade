// `kafka-dup-lab report <results.json> --html <file>`: the self-contained HTML report from a run saved with --out, with no broker.
import { UsageError } from '../core/errors.js';
import { recheckFile } from './check-command.js';
import { writeHtmlReport } from './html-output.js';
import { EXIT } from './process.js';
import { checkWritable } from './writable.js';

export async function reportCommand(file: string, options: { html?: string }): Promise<number> {
  if (!options.html) throw new UsageError('report needs --html <file>: where to write the page');
  checkWritable('--html', options.html);
  const { header, runs, changes } = recheckFile(file);
  writeHtmlReport(options.html, runs, header);
  for (const change of changes) process.stderr.write(`kafka-dup-lab: ${change}\n`);
  return EXIT.ok;
}
