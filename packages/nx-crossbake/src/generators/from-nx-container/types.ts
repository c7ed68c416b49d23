/** Something of an nx-container target that the converted target does not carry: reported, never dropped silently. */
export interface Unsupported {
  /** The option, e.g. `network`, or the part of it, e.g. `metadata.tags`. */
  option: string;
  /** Why it was not converted, and what to do instead when there is something. */
  reason: string;
}

/** One options object (a target's `options` or one configuration) converted. */
export interface OptionsConversion {
  options: Record<string, unknown>;
  unsupported: Unsupported[];
  /** Converted, but differently than copied: worth a look (e.g. a string made a list, an option inlined). */
  notes: string[];
}
