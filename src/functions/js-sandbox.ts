/**
 * @module functions/js-sandbox
 * JavaScript user-defined functions (`CREATE FUNCTION … LANGUAGE javascript`) run in QuickJS
 * compiled to WebAssembly: a separate heap with no host object in it (no `process`, `require`,
 * `fetch`, file system, module loader or timers), so the only way out is the value returned.
 * Each function has its own runtime with a memory limit, a stack limit and a per-call deadline
 * enforced by QuickJS's interrupt handler. The WebAssembly module is loaded on first need
 * (`loadJsSandbox`): loading is asynchronous, so a statement that needs it first waits for it
 * (runtime/hydration's WaitThenRetryError) and is then run again.
 */
import type {
  QuickJSContext,
  QuickJSHandle,
  QuickJSRuntime,
  QuickJSSyncVariant,
  QuickJSWASMModule,
} from 'quickjs-emscripten-core';
import { DataError, FeatureNotSupportedError, SqlState, type SqlStateCode } from '../common/errors.ts';
import { type SqlType, T, typeName } from '../common/types.ts';
import type { Value } from '../common/value.ts';
import { formatText, parseText } from './text-io.ts';

/** All functions' sandboxes together: the WebAssembly memory's maximum, in MiB. */
export const JS_SANDBOX_MAX_MIB = 256;
const WASM_PAGES_PER_MIB = 16;
/** Bounds of one function's sandbox (QuickJS's heap limit counts allocations: see docs/sql.md). */
export const JS_MEMORY_LIMIT_BYTES = 32 * 1024 * 1024;
export const JS_STACK_LIMIT_BYTES = 64 * 1024;
export const JS_CALL_TIMEOUT_MS = 100;

/** The largest magnitude an integer result takes as a number without a range check by text. */
const INT_LIMITS: Partial<Record<string, number>> = {
  int2: 32767,
  int4: 2147483647,
  int8: Number.MAX_SAFE_INTEGER,
};

/** SQLSTATE 38000: the function threw, or returned a value its result type cannot hold. */
const externalRoutineException = '38000' as SqlStateCode;

/** WebAssembly.Memory's constructor (the DOM lib that types it is not in this project's tsconfig). */
type WasmMemoryConstructor = new (descriptor: { initial: number; maximum: number }) => object;

let loaded: QuickJSWASMModule | null = null;
let loading: Promise<void> | null = null;

/** Loads the QuickJS WebAssembly module once; later calls return at once. */
export function loadJsSandbox(): Promise<void> {
  loading ??= (async () => {
    const [{ newQuickJSWASMModuleFromVariant, newVariant }, base] = await Promise.all([
      import('quickjs-emscripten-core'),
      import('@jitl/quickjs-wasmfile-release-sync'),
    ]);
    // The hard bound on memory: every function's heap lives in this one WebAssembly memory, which
    // cannot grow past its maximum (an allocation beyond it fails: "out of memory", 38000).
    const wasmMemory = new (
      globalThis as unknown as { WebAssembly: { Memory: WasmMemoryConstructor } }
    ).WebAssembly.Memory({
      initial: 16 * WASM_PAGES_PER_MIB,
      maximum: JS_SANDBOX_MAX_MIB * WASM_PAGES_PER_MIB,
    });
    // The package's typings describe its CommonJS shape; its default export is the sync variant.
    const variant = base.default as unknown as QuickJSSyncVariant;
    loaded = await newQuickJSWASMModuleFromVariant(newVariant(variant, { wasmMemory: wasmMemory as never }));
  })();
  return loading;
}

/** Whether `loadJsSandbox` has finished (a JS function can then be compiled synchronously). */
export function jsSandboxLoaded(): boolean {
  return loaded !== null;
}

/** The SQL types a JS function may take and return, and how each is seen in JavaScript. */
export function checkJsType(type: SqlType, where: string): void {
  switch (type.id) {
    case 'bool':
    case 'int2':
    case 'int4':
    case 'int8':
    case 'float4':
    case 'float8':
    case 'numeric':
    case 'text':
    case 'varchar':
    case 'jsonb':
      return;
    default:
      throw new FeatureNotSupportedError(
        `LANGUAGE javascript functions cannot have ${where} of type ${typeName(type)}`,
      );
  }
}

/** One compiled function: its runtime, context and function value, kept for its lifetime. */
export class JsFunction {
  readonly name: string;
  private readonly runtime: QuickJSRuntime;
  private readonly context: QuickJSContext;
  private readonly fn: QuickJSHandle;
  private readonly argTypes: readonly SqlType[];
  private readonly returns: SqlType;
  private deadline = 0;
  private timedOut = false;
  private disposed = false;
  private broken = false;

  /** Compiles `body` as the body of a function of `argNames`; throws 42P13 on a syntax error. */
  constructor(
    name: string,
    argNames: readonly string[],
    argTypes: readonly SqlType[],
    returns: SqlType,
    body: string,
  ) {
    if (!loaded) throw new Error('js-sandbox: loadJsSandbox() has not finished');
    this.name = name;
    this.argTypes = argTypes;
    this.returns = returns;
    this.runtime = loaded.newRuntime();
    this.runtime.setMemoryLimit(JS_MEMORY_LIMIT_BYTES);
    this.runtime.setMaxStackSize(JS_STACK_LIMIT_BYTES);
    this.runtime.setInterruptHandler(() => {
      if (performance.now() <= this.deadline) return false;
      this.timedOut = true;
      return true;
    });
    this.context = this.runtime.newContext();
    try {
      this.deadline = performance.now() + JS_CALL_TIMEOUT_MS;
      // Nothing nondeterministic: the clock and the random generator are taken away.
      const prelude = this.context.evalCode('delete Math.random; delete globalThis.Date; Function');
      const ctor = this.context.unwrapResult(prelude);
      const params = argNames.map((a) => this.context.newString(a));
      const source = this.context.newString(`"use strict";\n${body}`);
      const made = this.context.callFunction(ctor, this.context.undefined, ...params, source);
      for (const h of params) h.dispose();
      source.dispose();
      ctor.dispose();
      if (made.error) {
        const message = this.describe(made.error);
        made.error.dispose();
        throw new DataError('42P13' as SqlStateCode, `function ${name}: ${message}`);
      }
      this.fn = made.value;
    } catch (e) {
      this.context.dispose();
      this.runtime.dispose();
      throw e;
    }
  }

  /** Calls the function on SQL values; throws 38000 (threw, bad result) or 57014 (time). */
  call(args: readonly Value[]): Value {
    if (this.disposed) throw new DataError(externalRoutineException, `function ${this.name} was dropped`);
    if (this.broken)
      throw new DataError(
        externalRoutineException,
        `function ${this.name} cannot run: its sandbox was discarded`,
        {
          hint: 'CREATE OR REPLACE FUNCTION makes a new one.',
        },
      );
    const ctx = this.context;
    const handles = args.map((v, i) => this.toJs(v, this.argTypes[i]!));
    this.timedOut = false;
    this.deadline = performance.now() + JS_CALL_TIMEOUT_MS;
    let result: ReturnType<QuickJSContext['callFunction']>;
    try {
      result = ctx.callFunction(this.fn, ctx.undefined, ...handles);
    } catch (e) {
      // A host error thrown through QuickJS's frames (V8's own stack ran out before QuickJS's
      // stack limit tripped) leaves this runtime in an unknown state: it is never used again.
      this.broken = true;
      throw new DataError(externalRoutineException, `function ${this.name} failed: ${String(e)}`, {
        detail: 'Its sandbox was discarded; CREATE OR REPLACE FUNCTION makes a new one.',
      });
    }
    for (const h of handles) if (h.alive) h.dispose();
    if (result.error) {
      const message = this.describe(result.error);
      if (result.error.alive) result.error.dispose();
      if (this.timedOut)
        throw new DataError(SqlState.queryCanceled, `function ${this.name} exceeded its time limit`, {
          detail: `A call may run for at most ${JS_CALL_TIMEOUT_MS} ms.`,
        });
      throw new DataError(externalRoutineException, `function ${this.name} failed: ${message}`);
    }
    try {
      return this.fromJs(result.value);
    } finally {
      if (result.value.alive) result.value.dispose();
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.broken) return;
    this.fn.dispose();
    this.context.dispose();
    this.runtime.dispose();
  }

  private toJs(v: Value, type: SqlType): QuickJSHandle {
    const ctx = this.context;
    if (v === null) return ctx.null;
    switch (type.id) {
      case 'bool':
        return v ? ctx.true : ctx.false;
      case 'int8':
        if (typeof v === 'bigint')
          throw new DataError(
            SqlState.numericValueOutOfRange,
            `function ${this.name}: bigint argument ${v} is beyond JavaScript's safe integers`,
          );
        return ctx.newNumber(v as number);
      case 'int2':
      case 'int4':
      case 'float4':
      case 'float8':
        return ctx.newNumber(v as number);
      case 'numeric':
        return ctx.newString(formatText(v, T.numeric));
      case 'jsonb': {
        const parsed = ctx.unwrapResult(ctx.evalCode(`(${JSON.stringify(formatText(v, T.jsonb))})`));
        const json = ctx.getProp(ctx.global, 'JSON');
        const parse = ctx.getProp(json, 'parse');
        const out = ctx.callFunction(parse, json, parsed);
        parse.dispose();
        json.dispose();
        parsed.dispose();
        return ctx.unwrapResult(out);
      }
      default:
        return ctx.newString(v as string);
    }
  }

  private fromJs(h: QuickJSHandle): Value {
    const ctx = this.context;
    const kind = ctx.typeof(h);
    if (kind === 'undefined') return null;
    if (kind === 'object' && ctx.sameValue(h, ctx.null)) return null;
    const type = this.returns;
    const wrong = () =>
      new DataError(
        externalRoutineException,
        `function ${this.name} returned a JavaScript ${kind} where ${typeName(type)} was expected`,
      );
    switch (type.id) {
      case 'bool':
        if (kind !== 'boolean') throw wrong();
        return ctx.dump(h) as boolean;
      case 'int2':
      case 'int4':
      case 'int8':
      case 'float4':
      case 'float8':
      case 'numeric': {
        if (kind !== 'number' && kind !== 'bigint' && !(type.id === 'numeric' && kind === 'string'))
          throw wrong();
        if (kind === 'number') {
          // The common cases without a round trip through text.
          const n = ctx.getNumber(h);
          if (type.id === 'float8') return n;
          if (Number.isSafeInteger(n) && Math.abs(n) <= (INT_LIMITS[type.id] ?? -1)) return n === 0 ? 0 : n;
        }
        const text = kind === 'number' ? String(ctx.getNumber(h)) : ctx.getString(h);
        if (type.id !== 'float4' && type.id !== 'float8' && type.id !== 'numeric' && !/^-?\d+$/.test(text))
          throw new DataError(
            externalRoutineException,
            `function ${this.name} returned ${text}, not an integer`,
          );
        return parseText(text, type);
      }
      case 'jsonb': {
        const json = ctx.getProp(ctx.global, 'JSON');
        const stringify = ctx.getProp(json, 'stringify');
        const out = ctx.callFunction(stringify, json, h);
        stringify.dispose();
        json.dispose();
        if (out.error) {
          out.error.dispose();
          throw wrong();
        }
        const text = ctx.typeof(out.value) === 'string' ? ctx.getString(out.value) : null;
        out.value.dispose();
        if (text === null) throw wrong();
        return parseText(text, T.jsonb);
      }
      default:
        if (kind !== 'string') throw wrong();
        return parseText(ctx.getString(h), type);
    }
  }

  private describe(error: QuickJSHandle): string {
    const dumped: unknown = this.context.dump(error);
    if (dumped && typeof dumped === 'object' && 'message' in dumped) {
      const e = dumped as { name?: unknown; message?: unknown };
      return `${typeof e.name === 'string' ? `${e.name}: ` : ''}${String(e.message)}`;
    }
    return String(dumped);
  }
}
