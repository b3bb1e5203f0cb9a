/**
 * Imported before Trystero: a test may choose the hostile peer's Trystero id (`?selfId=` in the page
 * URL), e.g. one that sorts first and so makes it the initiator of Trystero's password handshake.
 * With `?skipPasswordCheck`, its Trystero also accepts any answer to its password challenge. The
 * test's esbuild plugin (build.ts) makes Trystero read both.
 */
const params = new URLSearchParams(location.search)
const chosen = params.get('selfId')
if (chosen) Object.assign(globalThis, { __hostileSelfId: chosen })
// An attacker's Trystero need not check the other side's password answer (build.ts).
if (params.has('skipPasswordCheck')) Object.assign(globalThis, { __hostileSkipPasswordCheck: true })
