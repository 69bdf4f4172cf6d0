// Types for node-gate.cjs, which stays plain JavaScript so an old Node can parse it; the
// doctor imports it from TypeScript through these declarations.

export declare const RECOMMENDED_MAJOR: number;
/** package.json engines.node, the one place the required version is written. */
export declare function requiredRange(): string;
export declare function satisfies(version: string, range: string): boolean;
export declare function minimumVersion(range: string): string;
export declare const HEADLINE: string;
export declare const AFTER_INSTALL: string;
export declare function installedText(installed: string): string;
export declare function neededText(range: string): string;
export declare function problemText(installed: string, range: string): string;
export declare function installSteps(): string[];
export declare function englishLine(installed: string, range: string): string;
export declare function refusalLines(installed: string, range: string, options?: { staleNodeModules?: boolean }): string[];
export declare function checkNode(installed?: string): { ok: boolean; installed: string; range: string };
/** Prints the refusal and sets exit code 1 when this Node is too old; true then. */
export declare function refuseIfTooOld(): boolean;
