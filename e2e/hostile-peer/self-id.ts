/**
 * Imported before Trystero: a test may choose the hostile peer's Trystero id (`?selfId=` in the page
 * URL), e.g. one that sorts first and so makes it the initiator of Trystero's password handshake.
 * The test's esbuild plugin (build.ts) makes Trystero read it.
 */
const chosen = new URLSearchParams(location.search).get('selfId')
if (chosen) Object.assign(globalThis, { __hostileSelfId: chosen })
