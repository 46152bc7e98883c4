/** The observation tree of a trace, built from parent ids, and the rows it shows with some nodes collapsed. */

export interface TreeItem {
  id: string;
  parentObservationId: string | null;
  startTime: string;
}

export interface TreeNode<T extends TreeItem> {
  item: T;
  children: TreeNode<T>[];
}

export interface TreeRow<T extends TreeItem> {
  node: TreeNode<T>;
  depth: number;
}

/**
 * Roots are the items without a parent, and the orphans whose parent is not in the trace (a late
 * or lost event must not hide them). Items caught in a parent cycle are reachable from no root;
 * each cycle is cut at its earliest item, which becomes a root, so every item is shown once.
 */
export function buildTree<T extends TreeItem>(items: readonly T[]): TreeNode<T>[] {
  const nodes = new Map<string, TreeNode<T>>();
  for (const item of items) if (!nodes.has(item.id)) nodes.set(item.id, { item, children: [] });
  // Parsed once per item: sorting ten thousand siblings compares far more often than that.
  const starts = new Map([...nodes.values()].map((node) => [node, Date.parse(node.item.startTime)]));
  const byStart = (a: TreeNode<T>, b: TreeNode<T>) => starts.get(a)! - starts.get(b)! || a.item.id.localeCompare(b.item.id);
  const roots: TreeNode<T>[] = [];
  for (const node of nodes.values()) {
    const parentId = node.item.parentObservationId;
    const parent = parentId !== null && parentId !== node.item.id ? nodes.get(parentId) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  const reached = new Set<string>();
  const visit = (start: TreeNode<T>) => {
    const stack = [start];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (reached.has(node.item.id)) continue;
      reached.add(node.item.id);
      stack.push(...node.children);
    }
  };
  for (const root of roots) visit(root);
  const stranded = [...nodes.values()].filter((node) => !reached.has(node.item.id)).sort(byStart);
  for (const node of stranded) {
    if (reached.has(node.item.id)) continue;
    const parent = nodes.get(node.item.parentObservationId!)!;
    parent.children = parent.children.filter((child) => child !== node);
    roots.push(node);
    visit(node);
  }
  const sortAll = (list: TreeNode<T>[]) => {
    const stack = [list];
    while (stack.length > 0) {
      const children = stack.pop()!;
      children.sort(byStart);
      for (const child of children) if (child.children.length > 0) stack.push(child.children);
    }
  };
  sortAll(roots);
  return roots;
}

/** The rows shown top to bottom; children of collapsed nodes are left out. Iterative, so deep chains cannot overflow the stack. */
export function visibleRows<T extends TreeItem>(roots: readonly TreeNode<T>[], collapsed: ReadonlySet<string>): TreeRow<T>[] {
  const rows: TreeRow<T>[] = [];
  const stack: TreeRow<T>[] = [...roots].reverse().map((node) => ({ node, depth: 0 }));
  while (stack.length > 0) {
    const row = stack.pop()!;
    rows.push(row);
    if (collapsed.has(row.node.item.id)) continue;
    for (let i = row.node.children.length - 1; i >= 0; i--) stack.push({ node: row.node.children[i]!, depth: row.depth + 1 });
  }
  return rows;
}

export interface KeyRow {
  id: string;
  depth: number;
  hasChildren: boolean;
  expanded: boolean;
}

export type TreeKeyAction = { kind: "select"; index: number } | { kind: "expand"; id: string } | { kind: "collapse"; id: string } | { kind: "none" };

/** What an arrow key does in the tree, as in a file explorer: up/down move, right opens or enters, left closes or climbs. */
export function treeKeyAction(rows: readonly KeyRow[], selected: number, key: string): TreeKeyAction {
  const row = rows[selected];
  if (!row) return rows.length > 0 && (key === "ArrowDown" || key === "ArrowUp") ? { kind: "select", index: 0 } : { kind: "none" };
  switch (key) {
    case "ArrowDown":
      return selected + 1 < rows.length ? { kind: "select", index: selected + 1 } : { kind: "none" };
    case "ArrowUp":
      return selected > 0 ? { kind: "select", index: selected - 1 } : { kind: "none" };
    case "ArrowRight":
      if (!row.hasChildren) return { kind: "none" };
      return row.expanded ? { kind: "select", index: selected + 1 } : { kind: "expand", id: row.id };
    case "ArrowLeft": {
      if (row.hasChildren && row.expanded) return { kind: "collapse", id: row.id };
      for (let i = selected - 1; i >= 0; i--) if (rows[i]!.depth < row.depth) return { kind: "select", index: i };
      return { kind: "none" };
    }
    default:
      return { kind: "none" };
  }
}
