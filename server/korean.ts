// Korean particles (조사) after names the server only knows at run time: topic and group
// names, broker numbers, container names. "kafka-3이(가)" reads like a form letter and
// "브로커 3가" is simply wrong, so the particle follows how the word is read aloud.
// es-hangul's josa() covers Hangul only; our words end in digits and Latin letters.

export type JosaPair = '이/가' | '을/를' | '은/는' | '와/과' | '으로/로';

/** 영 일 이 삼 사 오 육 칠 팔 구: the digits read with a final consonant, and which is ㄹ. */
const DIGIT_FINAL: Record<string, 'none' | 'rieul' | 'other'> = {
  '0': 'other', // 영 (also 십, 백, 천, 만 for round numbers: all closed)
  '1': 'rieul', // 일
  '2': 'none',
  '3': 'other', // 삼
  '4': 'none',
  '5': 'none',
  '6': 'other', // 육
  '7': 'rieul', // 칠
  '8': 'rieul', // 팔
  '9': 'none',
};

type Final = 'none' | 'rieul' | 'other' | 'unknown';

function finalSound(word: string): Final {
  const trimmed = word.trimEnd();
  const last = trimmed.at(-1);
  if (!last) return 'unknown';
  const code = last.charCodeAt(0);
  if (code >= 0xac00 && code <= 0xd7a3) {
    const jong = (code - 0xac00) % 28;
    return jong === 0 ? 'none' : jong === 8 ? 'rieul' : 'other';
  }
  if (last in DIGIT_FINAL) return DIGIT_FINAL[last]!;
  const lower = trimmed.toLowerCase();
  if (/[a-z]$/.test(lower)) {
    // How loanwords end up in Hangul: -l is ㄹ (콘솔), -m/-n/-ng close the syllable (스트림,
    // 토큰, 링), a vowel then -b/-p/-ck too (랩, 그룹, 락). Most other endings get a vowel
    // (티커, 리더스, 네트워크, 업비트).
    if (lower.endsWith('l')) return 'rieul';
    if (/(?:m|n|ng|[aeiou][bp]|ck)$/.test(lower)) return 'other';
    return 'none';
  }
  return 'unknown';
}

/** The particle alone, e.g. josaFor('kafka-3', '이/가') === '이'. Unknown endings get "이(가)". */
export function josaFor(word: string, pair: JosaPair): string {
  const [closed, open] = pair.split('/') as [string, string];
  const final = finalSound(word);
  if (final === 'unknown') return pair === '으로/로' ? '(으)로' : `${closed}(${open})`;
  // 와/과 is the other way round: 과 after a consonant.
  if (pair === '와/과') return final === 'none' ? '와' : '과';
  // 으로 drops its 으 after a vowel and after ㄹ (서울로, 7로).
  if (pair === '으로/로') return final === 'other' ? '으로' : '로';
  return final === 'none' ? open : closed;
}

/** The word with its particle: withJosa('upbit-ticker', '이/가') === 'upbit-ticker가'. */
export function withJosa(word: string | number, pair: JosaPair): string {
  const text = String(word);
  return `${text}${josaFor(text, pair)}`;
}
