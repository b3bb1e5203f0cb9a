/**
 * Questions a link puts to the person before Ferry acts on it (see main.ts): relays a link names,
 * and an address that moved to another room. One question at a time; a newer one answers the
 * older "no".
 */
export type LinkPrompt = { kind: 'relays'; relays: readonly string[] } | { kind: 'switch' }

export class LinkPrompts {
  current = $state<LinkPrompt | null>(null)
  #answer: ((yes: boolean) => void) | null = null

  /** Resolves true if the person takes the link's relays for its room. */
  askRelays(relays: readonly string[]): Promise<boolean> {
    return this.#ask({ kind: 'relays', relays })
  }

  /** Resolves true if the person leaves the room they are in for the one the address now names. */
  askSwitch(): Promise<boolean> {
    return this.#ask({ kind: 'switch' })
  }

  answer(yes: boolean): void {
    const answer = this.#answer
    this.#answer = null
    this.current = null
    answer?.(yes)
  }

  #ask(prompt: LinkPrompt): Promise<boolean> {
    this.answer(false)
    this.current = prompt
    return new Promise((resolve) => (this.#answer = resolve))
  }
}
