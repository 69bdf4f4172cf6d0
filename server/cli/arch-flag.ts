// `--arch amd64|arm64`, shared by `npm run images` and `npm run workshop:bundle`: which CPU the
// images are for. Node built-ins only (nothing at all): workshop.ts's install path runs before
// `npm install`.
export const IMAGE_ARCHES = ['amd64', 'arm64'] as const;
export type ImageArch = (typeof IMAGE_ARCHES)[number];

/** Splits `--arch X` out of the arguments; `arch` is undefined when absent. Throws, in Korean, on a bad value. */
export function takeArchFlag(args: readonly string[]): { arch: ImageArch | undefined; rest: string[] } {
  const at = args.indexOf('--arch');
  if (at < 0) return { arch: undefined, rest: [...args] };
  const value = args[at + 1];
  if (!IMAGE_ARCHES.includes(value as ImageArch)) throw new Error(`--arch 뒤에는 ${IMAGE_ARCHES.join(' 또는 ')}를 적으세요 (받은 값: ${value ?? '없음'}).`);
  return { arch: value as ImageArch, rest: args.filter((_, index) => index !== at && index !== at + 1) };
}
