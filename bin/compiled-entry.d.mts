export declare const BUILD_STAMP: string;
export declare const COMPILED_MAIN: string;
export declare const SOURCE_MAIN: string;
export declare function newestMtime(dir: string): number;
export declare function chooseEntry(
  root: string,
  env?: Record<string, string | undefined>,
): { kind: 'compiled' | 'source'; file: string; reason: string };
