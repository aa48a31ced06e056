/**
 * Keys users choose ("constructor", "toString", "__proto__") must never reach Object.prototype: reading one from a
 * plain object answers an inherited function, and assigning "__proto__" replaces the prototype instead of adding a key.
 */
export function ownValue(object: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

export function setOwn(object: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}
