// Where a commit puts the devices it adds, for the Delivery Service's membership view: RFC 9420 §12.1.1 / §7.7,
// removals are applied first, then each Add takes the leftmost blank leaf (docs/call-keys.md §5.2).

export function predictLeaves(
  members: readonly { leafIndex: number; deviceId: string }[],
  added: readonly string[],
  removed: readonly string[] = [],
): { deviceId: string; leafIndex: number }[] {
  const used = new Set(members.filter((m) => !removed.includes(m.deviceId)).map((m) => m.leafIndex));
  return added.map((deviceId) => {
    let leafIndex = 0;
    while (used.has(leafIndex)) leafIndex++;
    used.add(leafIndex);
    return { deviceId, leafIndex };
  });
}
