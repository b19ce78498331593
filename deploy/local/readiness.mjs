// Start-up is over when the gateway says the mesh is ready: GET /readyz answers 200.

const POLL_EVERY_MS = 200;

/**
 * Polls `url` until it answers 200, `deadlineMs` passes, or `cancelled()` turns true.
 * @param {string} url @param {number} deadlineMs @param {() => boolean} cancelled
 * @returns {Promise<{ ready: boolean, lastAnswer: string }>} the last answer explains a failure
 */
export async function waitUntilReady(url, deadlineMs, cancelled) {
  const deadline = Date.now() + deadlineMs;
  let lastAnswer = "no answer yet";
  while (!cancelled()) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (response.status === 200) return { ready: true, lastAnswer: "200" };
      lastAnswer = `${response.status} ${(await response.text()).slice(0, 200)}`;
    } catch (error) {
      const cause = /** @type {{ cause?: { code?: string } }} */ (error).cause?.code;
      lastAnswer = cause ?? (error instanceof Error ? error.message : String(error));
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_EVERY_MS));
  }
  return { ready: false, lastAnswer };
}
