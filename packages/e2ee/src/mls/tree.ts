// Read-only views of a ts-mls ratchet tree: the member list, and a pre-flight check for a ts-mls 1.6.4 quirk.
import type { RatchetTree } from 'ts-mls';
import { directPath, leafWidth, toNodeIndex } from 'ts-mls/treemath.js';
import { type DeviceRef, parseCredential } from './identity.js';

export interface MlsMember extends DeviceRef {
  leafIndex: number;
  /** Raw Ed25519 key of the member's device; compare with the device-key log. */
  signaturePublicKey: Uint8Array;
}

// ts-mls trees are immutable values, so a tree's member list can be computed once and shared.
const memberCache = new WeakMap<RatchetTree, readonly MlsMember[]>();

/** Members in leaf order. Every leaf passed ts-mls validation through our AuthenticationService, so it parses. */
export function listMembers(tree: RatchetTree): MlsMember[] {
  let cached = memberCache.get(tree);
  if (!cached) {
    cached = Object.freeze(computeMembers(tree));
    memberCache.set(tree, cached);
  }
  // Copies, so a caller writing into a returned key cannot reach the group state.
  return cached.map((member) => ({ ...member, signaturePublicKey: member.signaturePublicKey.slice() }));
}

function computeMembers(tree: RatchetTree): MlsMember[] {
  const members: MlsMember[] = [];
  for (let nodeIndex = 0; nodeIndex < tree.length; nodeIndex += 2) {
    const node = tree[nodeIndex];
    if (node?.nodeType !== 'leaf') continue;
    const ref = parseCredential(node.leaf.credential);
    if (!ref) throw new Error(`leaf ${nodeIndex / 2} carries a credential that is not a Parley identity`);
    members.push({ ...ref, leafIndex: nodeIndex / 2, signaturePublicKey: node.leaf.signaturePublicKey });
  }
  return members;
}

/**
 * ts-mls 1.6.4 validates a joiner's ratchet tree with an over-strict unmerged_leaves rule: for every parent node
 * listing leaf L as unmerged, *every* non-blank node on L's direct path (even above that node) must carry an
 * identical unmerged_leaves list (RFC 9420 §7.9.2 only asks that the intermediate nodes list L; fixed upstream in
 * 2.0). Two not-yet-updated joiners under a shared ancestor, or one such joiner plus any other member's path
 * commit, are enough to make every Welcome for that tree fail at the joiner. Returns the leaves whose unmerged
 * entries trip the rule (empty when a joiner would accept the tree), so the adder can refuse to send a Welcome
 * that cannot be used.
 */
export function unmergedLeavesBlockingJoin(tree: RatchetTree): number[] {
  const width = leafWidth(tree.length);
  const blocking = new Set<number>();
  for (let i = 1; i < tree.length; i += 2) {
    const node = tree[i];
    if (node?.nodeType !== 'parent') continue;
    const list = node.parent.unmergedLeaves;
    for (const leaf of list) {
      for (const ancestor of directPath(toNodeIndex(leaf * 2), width)) {
        const other = tree[ancestor];
        if (other?.nodeType !== 'parent') continue;
        const otherList = other.parent.unmergedLeaves;
        if (otherList.length !== list.length || otherList.some((value, k) => value !== list[k])) blocking.add(leaf);
      }
    }
  }
  return [...blocking].sort((a, b) => a - b);
}

export interface TreeShape {
  leaves: number;
  members: number;
  parents: number;
  blankParents: number;
  /** Sum of unmerged_leaves list lengths: each entry widens the resolution commits must encrypt to. */
  unmergedEntries: number;
}

/** How populated the tree is: a blank or unmerged-heavy tree makes each commit encrypt to many more nodes. */
export function treeShape(tree: RatchetTree): TreeShape {
  const shape: TreeShape = {
    leaves: leafWidth(tree.length),
    members: 0,
    parents: 0,
    blankParents: 0,
    unmergedEntries: 0,
  };
  tree.forEach((node, i) => {
    if (i % 2 === 0) {
      if (node) shape.members++;
      return;
    }
    shape.parents++;
    if (node?.nodeType !== 'parent') shape.blankParents++;
    else shape.unmergedEntries += node.parent.unmergedLeaves.length;
  });
  return shape;
}
