// The floors of the check-in benchmark, in the order they take their turns (bench/floors/server.ts).
export const FLOORS = ['route', 'append', 'fold', 'write'] as const;
export type Floor = (typeof FLOORS)[number];
