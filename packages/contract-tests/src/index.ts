/**
 * Placeholder entry: the package arrives with its own issue.
 *
 * @packageDocumentation
 */
export {};
