import type { MessageId } from './catalogue';
import type { MessageValues } from './intl';

/** A translator as `useT` returns it; code outside components takes one rather than writing English. */
export type Translate = (id: MessageId, values?: MessageValues) => string;

/**
 * A failure whose words are a catalogue message: thrown by code that has no translator at hand, and said in the
 * reader's language by the component that shows it.
 */
export class SaidError extends Error {
  constructor(
    readonly id: MessageId,
    readonly values?: MessageValues,
  ) {
    super(id);
  }
}

/** The words for a failure: a `SaidError` in the reader's language, anything else as its own message. */
export function sayError(t: Translate, err: unknown, fallback: MessageId): string {
  if (err instanceof SaidError) return t(err.id, err.values);
  return err instanceof Error && err.message ? err.message : t(fallback);
}
