/**
 * The longest text a protocol schema accepts, read from the schema itself so a form's counter and the server's
 * refusal can never disagree. Looks through optional, default, nullable and pipe wrappers.
 */
interface SchemaLike {
  maxLength?: unknown;
  _zod?: {
    bag?: { maximum?: unknown };
    def?: { innerType?: SchemaLike; in?: SchemaLike; out?: SchemaLike; shape?: Record<string, SchemaLike> };
  };
}

export function maxLengthOf(schema: unknown): number | undefined {
  let s = schema as SchemaLike | undefined;
  for (let depth = 0; s?._zod && depth < 8; depth++) {
    const max = s.maxLength ?? s._zod.bag?.maximum;
    if (typeof max === 'number' && Number.isFinite(max)) return max;
    const def = s._zod.def;
    s = def?.innerType ?? def?.in;
  }
  return undefined;
}

/** `maxLengthOf` for every field of an object schema: `limits(CreateMeetingBody).title`. */
export function limitsOf(schema: unknown): Record<string, number | undefined> {
  const shape = (schema as SchemaLike)._zod?.def?.shape ?? {};
  return Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, maxLengthOf(v)]));
}
