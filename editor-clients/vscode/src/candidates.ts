/**
 * Candidates as the server offers them: code actions titled
 * "Candidate 2/4: ✓ 3/3 examples · logp −0.41 · 1.2 ms", and inline items that a
 * user cycles through. Pure: unit-tested in Node.
 */

const TITLE = /^Candidate (\d+)\/(\d+): (.*)$/s;

/** A code action the server titled as one ranked candidate. */
export interface CandidateAction<A> {
  rank: number;
  total: number;
  evidence: string;
  action: A;
}

/** The ranked candidates among code actions, best first. */
export function candidateActions<A extends { title: string }>(actions: readonly A[]): CandidateAction<A>[] {
  const found: CandidateAction<A>[] = [];
  for (const action of actions) {
    const match = TITLE.exec(action.title);
    if (match) {
      found.push({ rank: Number(match[1]), total: Number(match[2]), evidence: match[3] ?? '', action });
    }
  }
  return found.sort((a, b) => a.rank - b.rank);
}

/** The extension's own menu entry, offered while the candidates are being written. */
export const SHOW_ALL_TITLE = 'Show all candidates…';

/**
 * Whether a Ctrl+. menu should offer "Show all candidates…": it holds the comment's
 * action (`generateTitle`) but none of the candidates yet (they are being written).
 */
export function offersShowAll(titles: readonly string[], generateTitle: string): boolean {
  return titles.some((title) => title.startsWith(generateTitle)) && !titles.some((title) => TITLE.test(title));
}

/** A quick pick row: the rank as the label, the evidence next to it, the code's first line below. */
export function pickLabel(candidate: CandidateAction<unknown>): { label: string; description: string } {
  return { label: `${candidate.rank}/${candidate.total}`, description: candidate.evidence };
}

/** The index `step` places from `index` in a ring of `count` (negative steps go back). */
export function cycle(index: number, step: number, count: number): number {
  if (count <= 0) {
    return 0;
  }
  return (((index + step) % count) + count) % count;
}

/**
 * Which inline candidate is shown: reset when a new list arrives, moved by
 * next/previous, read by the status bar ("2/4").
 */
export class CandidateRing {
  private index = 0;
  private count = 0;

  /** A new list of `count` items arrived; the first is shown. */
  reset(count: number): void {
    this.count = count;
    this.index = 0;
  }

  /** Move by `step` and return the new position. */
  move(step: number): number {
    this.index = cycle(this.index, step, this.count);
    return this.index;
  }

  /** "2/4", or "" when there is nothing to cycle. */
  label(): string {
    return this.count > 1 ? `${this.index + 1}/${this.count}` : '';
  }
}
