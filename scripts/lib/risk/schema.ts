// A small validator for the subset of JSON Schema that scenarios/schema.json uses (type, enum, const, properties,
// required, additionalProperties: false, minimum / maximum / exclusiveMinimum, minLength, minItems / maxItems,
// items, $ref to #/$defs, oneOf picked by the `kind` const). The published schema is the one source of the format:
// the same file documents it and checks it. Each problem is one line naming the field by its path.
import { readFileSync } from "node:fs";

export type JsonSchema = {
  type?: string;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
  $ref?: string;
  oneOf?: JsonSchema[];
  $defs?: Record<string, JsonSchema>;
};

export const SCHEMA_FILE = new URL("../../../scenarios/schema.json", import.meta.url);

let cached: JsonSchema | undefined;
export function scenarioSchema(): JsonSchema {
  cached ??= JSON.parse(readFileSync(SCHEMA_FILE, "utf8")) as JsonSchema;
  return cached;
}

const show = (value: unknown): string => {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 40 ? `${text.slice(0, 37)}...` : text;
};

function typeOk(type: string, value: unknown): boolean {
  switch (type) {
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    case "array":
      return Array.isArray(value);
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "null":
      return value === null;
    default:
      return typeof value === type;
  }
}

/** The first problem of `value` against `schema`, as "<path>: <problem>", or undefined. */
export function firstProblem(value: unknown, schema: JsonSchema, at = "", root = schema): string | undefined {
  if (schema.$ref !== undefined) {
    const name = schema.$ref.replace("#/$defs/", "");
    const target = root.$defs?.[name];
    if (!target) throw new Error(`schema: unknown $ref ${schema.$ref}`);
    const problem = firstProblem(value, target, at, root);
    if (problem !== undefined) return problem;
    schema = { ...schema, $ref: undefined };
  }
  const where = at === "" ? "(the file)" : at;
  if (schema.type !== undefined && !typeOk(schema.type, value)) {
    if (schema.type === "null") return `${where}: reserved for a mechanism not on main yet: leave it out`;
    return `${where}: must be ${schema.type === "integer" ? "an integer" : `a ${schema.type}`}, got ${show(value)}`;
  }
  if (schema.const !== undefined && value !== schema.const) return `${where}: must be ${show(schema.const)}`;
  if (schema.enum !== undefined && !schema.enum.includes(value)) {
    return `${where}: must be one of ${schema.enum.map(show).join(", ")}, got ${show(value)}`;
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) {
      return `${where}: must be at least ${schema.minimum}, got ${value}`;
    }
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) {
      return `${where}: must be above ${schema.exclusiveMinimum}, got ${value}`;
    }
    if (schema.maximum !== undefined && value > schema.maximum) {
      return `${where}: must be at most ${schema.maximum}, got ${value}`;
    }
  }
  if (typeof value === "string" && schema.minLength !== undefined && value.length < schema.minLength) {
    return `${where}: must not be empty`;
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      return value.length === 0 ? `${where}: must not be empty` : `${where}: needs at least ${schema.minItems} items`;
    }
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      return `${where}: at most ${schema.maxItems} items, got ${value.length}`;
    }
    if (schema.items) {
      for (let i = 0; i < value.length; i++) {
        const problem = firstProblem(value[i], schema.items, `${at}[${i}]`, root);
        if (problem !== undefined) return problem;
      }
    }
  }
  if (typeOk("object", value)) {
    const object = value as Record<string, unknown>;
    if (schema.oneOf !== undefined) return oneOfProblem(object, schema, at, root);
    const prefix = at === "" ? "" : `${at}.`;
    if (schema.properties !== undefined && schema.additionalProperties === false) {
      for (const key of Object.keys(object)) {
        if (!(key in schema.properties)) {
          return `${prefix}${key}: unknown field (known here: ${Object.keys(schema.properties).join(", ")})`;
        }
      }
    }
    for (const key of schema.required ?? []) {
      if (!(key in object)) return `${prefix}${key}: required field missing`;
    }
    for (const [key, sub] of Object.entries(schema.properties ?? {})) {
      if (!(key in object)) continue;
      const problem = firstProblem(object[key], sub, `${prefix}${key}`, root);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}

/** oneOf by the `kind` discriminator: the branch whose `kind` const matches. */
function oneOfProblem(object: Record<string, unknown>, schema: JsonSchema, at: string, root: JsonSchema) {
  const kinds = schema.oneOf!.map((branch) => branch.properties?.kind?.const);
  const prefix = at === "" ? "" : `${at}.`;
  if (!("kind" in object)) return `${prefix}kind: required field missing (one of ${kinds.map(show).join(", ")})`;
  const branch = schema.oneOf!.find((b) => b.properties?.kind?.const === object.kind);
  if (!branch) return `${prefix}kind: must be one of ${kinds.map(show).join(", ")}, got ${show(object.kind)}`;
  return firstProblem(object, { ...branch, oneOf: undefined }, at, root);
}
