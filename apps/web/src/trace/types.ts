/** Short labels and marks for observation types; unknown types (a newer SDK's) show their own name. */
const TYPE_MARKS: Record<string, string> = {
  TRACE: "◆",
  GENERATION: "✦",
  SPAN: "▬",
  EVENT: "●",
  AGENT: "☺",
  TOOL: "⚒",
  CHAIN: "⛓",
  RETRIEVER: "⌕",
  EVALUATOR: "✓",
  EMBEDDING: "≋",
  GUARDRAIL: "⛨",
};

export function typeMark(type: string): string {
  return TYPE_MARKS[type] ?? "○";
}
