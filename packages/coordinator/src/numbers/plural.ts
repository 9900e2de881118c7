/**
 * A count with its noun in agreement, for what the report prints: `1 leader`, `2 leaders`,
 * `0 entries`. English adds an -s to most nouns; the rest name their plural.
 */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : pluralForm}`;
}
