// `npm start -- --class <host:port> <code> [--name NAME]`: the lab server's class options,
// parsed apart from main.ts so the refusals (and their Korean wording) are unit-tested.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { checkReporterOptions } from './reporter.ts';

export type ClassArgs = { server: string; code: string; name: string };

/** null: no class wanted; a string: what is wrong, in Korean; else the options. */
export function parseClassArgs(argv: readonly string[]): ClassArgs | null | string {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, options: { class: { type: 'string' }, name: { type: 'string' } } });
  } catch (error) {
    return `${error instanceof Error ? error.message : String(error)}\n사용법: npm start -- --class <주소:포트> <참가 코드> [--name 이름]`;
  }
  const { values, positionals } = parsed;
  if (values.class === undefined) {
    return positionals.length || values.name !== undefined ? '사용법: npm start -- --class <주소:포트> <참가 코드> [--name 이름]' : null;
  }
  if (positionals.length !== 1) return '참가 코드가 필요합니다: npm start -- --class <주소:포트> <참가 코드> [--name 이름]';
  // Not the login name: what the instructor sees is only what the attendee chose to show.
  const name = values.name ?? `참가자-${randomBytes(2).toString('hex')}`;
  const problem = checkReporterOptions(values.class, name);
  return problem ?? { server: values.class, code: positionals[0]!, name: name.normalize('NFC').trim() };
}
