// Deliberately damaged rule files: a test copies a typed document and breaks one field of it.

/** A value of the wrong shape, put on purpose where the type wants another (the parser must refuse it). */
export const malformed = <T>(value: unknown): T => value as T;

/** A deep copy of a parsed document as plain JSON, with the document's type. */
export const jsonCopy = <T>(doc: T): T => JSON.parse(JSON.stringify(doc)) as T;
