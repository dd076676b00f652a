// Types of bin/tuning.js, which stays plain JavaScript so that it runs before any TypeScript loader.
export declare const MALLOC_ARENA_MAX: string
export declare const MAX_SEMI_SPACE_MIB: number
export declare const HEAP_GROWING_PERCENT: number
export declare const OLD_SPACE_FLOOR_MIB: number
export declare const V8_FLAGS: readonly string[]
export declare function tunedEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv
export declare function missingNodeFlags(execArgv: readonly string[], nodeOptions?: string): string[]
export declare function isServe(args: readonly string[]): boolean
export declare function relaunchNeeded(env?: NodeJS.ProcessEnv, execArgv?: readonly string[], platform?: NodeJS.Platform): boolean
export declare function relaunchTuned(): Promise<void>
export declare function followLauncher(): void
