// Conversations, kept only in this browser (localStorage); the hub stores nothing about them.

const KEY = "idleclaw.conversations.v1";
/** Oldest conversations beyond this are dropped, so the list stays usable and within localStorage's quota. */
const MAX_CONVERSATIONS = 200;
/** A title from the first message: long enough to recognise, short enough for one line. */
const TITLE_CHARS = 60;

export function load() {
  try {
    const list = JSON.parse(localStorage.getItem(KEY) ?? "[]");
    if (!Array.isArray(list)) return [];
    const kept = list.filter((c) => c && typeof c.id === "string" && Array.isArray(c.messages));
    // an answer still streaming when the page was closed ended there
    for (const m of kept.flatMap((c) => c.messages)) if (m.state === "waiting" || m.state === "streaming") m.state = "stopped";
    return kept;
  } catch {
    return [];
  }
}

export function save(list) {
  const kept = [...list].sort((a, b) => b.updated - a.updated).slice(0, MAX_CONVERSATIONS);
  try {
    localStorage.setItem(KEY, JSON.stringify(kept));
  } catch { /* storage full or disabled: the page still works, only without history */ }
}

export function create(model) {
  const now = Date.now();
  return { id: crypto.randomUUID(), title: "New chat", model, created: now, updated: now, messages: [], titled: false };
}

/** A title from the first user message, unless the person named it. */
export function autoTitle(conversation) {
  if (conversation.titled) return;
  const first = conversation.messages.find((m) => m.role === "user");
  if (!first) return;
  const text = first.content.replace(/\s+/g, " ").trim();
  conversation.title = text.length > TITLE_CHARS ? `${text.slice(0, TITLE_CHARS - 1)}…` : text || "New chat";
}
