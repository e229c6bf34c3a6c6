export default async function sweepTask(args: Record<string, unknown>): Promise<void> {
  console.log(JSON.stringify(args, (_, v) => (typeof v === "bigint" ? v.toString() : v)));
}
