const shownLength = 120;

/**
 * Quotes user text for a message: JSON escaping makes control characters and trailing spaces
 * visible, and very long input is cut so one bad value cannot flood a terminal or a log line.
 */
export function quote(text: string): string {
  const shown = text.length > shownLength ? `${text.slice(0, shownLength)}…` : text;
  return JSON.stringify(shown);
}
