import { describe, expect, it } from "vitest";
import { buildTree, type TreeItem, type TreeNode, treeKeyAction, visibleRows } from "../src/trace/tree.ts";

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds)).toISOString();
const item = (id: string, parentObservationId: string | null, second = 0): TreeItem => ({ id, parentObservationId, startTime: at(second) });
const shape = (nodes: TreeNode<TreeItem>[]): unknown[] => nodes.map((node) => (node.children.length > 0 ? { [node.item.id]: shape(node.children) } : node.item.id));

describe("buildTree", () => {
  it("nests children under their parents, ordered by start time", () => {
    const roots = buildTree([item("gen", "root", 3), item("root", null, 0), item("retrieve", "root", 1), item("lookup", "retrieve", 2)]);
    expect(shape(roots)).toEqual([{ root: [{ retrieve: ["lookup"] }, "gen"] }]);
  });

  it("shows orphans, whose parent is not in the trace, as roots", () => {
    const roots = buildTree([item("root", null, 0), item("late", "missing-parent", 1)]);
    expect(shape(roots)).toEqual(["root", "late"]);
  });

  it("cuts a parent cycle at its earliest member so each observation appears once", () => {
    const roots = buildTree([item("a", "c", 5), item("b", "a", 6), item("c", "b", 4), item("self", "self", 9)]);
    expect(shape(roots)).toEqual([{ c: [{ a: ["b"] }] }, "self"]);
    const ids = visibleRows(roots, new Set()).map((row) => row.node.item.id);
    expect(ids.sort()).toEqual(["a", "b", "c", "self"]);
  });

  it("keeps the first of repeated ids", () => {
    const roots = buildTree([item("x", null, 0), { ...item("x", null, 1) }]);
    expect(roots).toHaveLength(1);
    expect(roots[0]!.item.startTime).toBe(at(0));
  });

  it("handles a chain ten thousand deep without overflowing the stack", () => {
    const items = Array.from({ length: 10_000 }, (_, i) => item(`o${i}`, i === 0 ? null : `o${i - 1}`, i));
    const rows = visibleRows(buildTree(items), new Set());
    expect(rows).toHaveLength(10_000);
    expect(rows[9_999]).toMatchObject({ depth: 9_999, node: { item: { id: "o9999" } } });
  });
});

describe("visibleRows", () => {
  it("lists nodes depth first and leaves out what collapsed nodes hold", () => {
    const roots = buildTree([item("root", null, 0), item("a", "root", 1), item("a1", "a", 2), item("b", "root", 3)]);
    expect(visibleRows(roots, new Set()).map((row) => `${row.depth}:${row.node.item.id}`)).toEqual(["0:root", "1:a", "2:a1", "1:b"]);
    expect(visibleRows(roots, new Set(["a"])).map((row) => row.node.item.id)).toEqual(["root", "a", "b"]);
  });
});

describe("treeKeyAction", () => {
  const rows = [
    { id: "root", depth: 0, hasChildren: true, expanded: true },
    { id: "a", depth: 1, hasChildren: true, expanded: false },
    { id: "b", depth: 1, hasChildren: false, expanded: false },
  ];

  it("moves up and down within the rows", () => {
    expect(treeKeyAction(rows, 0, "ArrowDown")).toEqual({ kind: "select", index: 1 });
    expect(treeKeyAction(rows, 2, "ArrowDown")).toEqual({ kind: "none" });
    expect(treeKeyAction(rows, 1, "ArrowUp")).toEqual({ kind: "select", index: 0 });
    expect(treeKeyAction(rows, 0, "ArrowUp")).toEqual({ kind: "none" });
    expect(treeKeyAction(rows, -1, "ArrowDown")).toEqual({ kind: "select", index: 0 });
  });

  it("opens with right, then enters the first child", () => {
    expect(treeKeyAction(rows, 1, "ArrowRight")).toEqual({ kind: "expand", id: "a" });
    expect(treeKeyAction(rows, 0, "ArrowRight")).toEqual({ kind: "select", index: 1 });
    expect(treeKeyAction(rows, 2, "ArrowRight")).toEqual({ kind: "none" });
  });

  it("closes with left, then climbs to the parent", () => {
    expect(treeKeyAction(rows, 0, "ArrowLeft")).toEqual({ kind: "collapse", id: "root" });
    expect(treeKeyAction(rows, 2, "ArrowLeft")).toEqual({ kind: "select", index: 0 });
    expect(treeKeyAction(rows, 1, "ArrowLeft")).toEqual({ kind: "select", index: 0 });
    expect(treeKeyAction(rows, 1, "Enter")).toEqual({ kind: "none" });
  });
});
