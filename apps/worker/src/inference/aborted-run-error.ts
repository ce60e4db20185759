/** An aborted run: the error the main thread sees after a cancel or a drain (retry is the caller's decision). */
export class AbortedRunError extends Error {
  override readonly name = 'AbortedRunError';
}
