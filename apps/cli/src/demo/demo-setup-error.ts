/** The demo cannot start on this machine as it is (a missing program); the message says what to do. Not retryable as is. */
export class DemoSetupError extends Error {
  override readonly name = 'DemoSetupError';
}
