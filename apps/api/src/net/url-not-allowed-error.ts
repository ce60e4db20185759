/** A URL the server refuses to fetch or post to (scheme, address, redirect): the client must change it. */
export class UrlNotAllowedError extends Error {
  override readonly name = 'UrlNotAllowedError';
}
