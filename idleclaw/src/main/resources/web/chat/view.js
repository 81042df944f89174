// Builds and updates the page's DOM: the thread of messages, the conversation list, model options, status.
// Model output only ever reaches the DOM through renderMarkdown (sanitised) or textContent.

const LOGO = new URL("../logo.svg", import.meta.url).href;
const $ = (id) => document.getElementById(id);

function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? "" : v);
  }
  e.append(...children);
  return e;
}

/** What the page says while a server-side tool runs, by the tool's name. */
const TOOL_TEXT = { web_search: "Searching the web…", web_fetch: "Reading a page…" };

/** `url` as a link target when it is an http(s) URL, else null: a source's URL comes from the web, untrusted. */
function safeLink(url) {
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u : null;
  } catch {
    return null;
  }
}

/** The list of sources under an answer: titles as text, only http(s) links, opened without opener or referrer. */
function sourceList(sources) {
  const items = [];
  for (const s of sources) {
    const u = safeLink(s.url);
    if (!u) continue;
    const a = h("a", { href: u.href, target: "_blank", rel: "noopener noreferrer", text: s.title || u.hostname });
    items.push(h("li", {}, a, h("span", { class: "host", text: u.hostname })));
  }
  if (!items.length) return null;
  return h("nav", { class: "sources", "aria-label": "Sources" }, h("p", { class: "sources-title", text: "Sources" }), h("ol", {}, ...items));
}

const ICON = {
  rename: "M4 20h4L19 9l-4-4L4 16v4z",
  remove: "M5 7h14M10 11v6M14 11v6M7 7l1 13h8l1-13M9 7V4h6v3",
};

function icon(name) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("d", ICON[name]);
  path.setAttribute("fill", "none");
  path.setAttribute("stroke", "currentColor");
  path.setAttribute("stroke-width", "2");
  path.setAttribute("stroke-linecap", "round");
  path.setAttribute("stroke-linejoin", "round");
  svg.append(path);
  return svg;
}

export function view({ renderMarkdown, copyButton, onRetry }) {
  const cards = new WeakMap();
  let shown = null;

  function thread() {
    let t = $("messages").querySelector(".thread");
    if (!t) {
      t = h("div", { class: "thread" });
      $("messages").append(t);
    }
    return t;
  }

  /** Whether the reader is at the bottom, so new text should keep it there. */
  function atBottom() {
    const m = $("messages");
    return m.scrollHeight - m.scrollTop - m.clientHeight < 80;
  }

  function scrollDown() {
    const m = $("messages");
    m.scrollTop = m.scrollHeight;
  }

  function userCard(msg) {
    return { element: h("article", { class: "message user", "data-role": "user", "aria-label": "Your message" },
      h("div", { class: "bubble", text: msg.content })), update() {} };
  }

  function assistantCard(conversation, msg) {
    const thought = h("div", { class: "thought" });
    const summary = h("summary", { text: "Thinking…" });
    const thinking = h("details", { class: "thinking", hidden: true }, summary, thought);
    const typingText = h("span", { class: "typing-text" });
    const typing = h("div", { class: "typing", hidden: true }, h("span", { class: "dots", "aria-hidden": "true" }, h("i"), h("i"), h("i")), typingText);
    const toolText = h("span", { class: "tool-text" });
    const toolStatus = h("div", { class: "tool-status", role: "status", hidden: true },
      h("span", { class: "dots", "aria-hidden": "true" }, h("i"), h("i"), h("i")), toolText);
    const content = h("div", { class: "content" });
    const sources = h("div", { class: "sources-slot" });
    const notice = h("div", { class: "notice", hidden: true });
    const meta = h("div", { class: "meta", hidden: true });
    const element = h("article", { class: "message assistant", "data-role": "assistant", "aria-label": "Answer" },
      h("img", { class: "avatar", src: LOGO, alt: "" }),
      h("div", { class: "body" }, thinking, typing, content, toolStatus, sources, notice, meta));
    let rendered = null, frame = 0, countdown = 0, listed = null;

    function renderContent() {
      frame = 0;
      if (rendered === msg.content) return;
      const follow = atBottom();
      content.replaceChildren(renderMarkdown(msg.content));
      rendered = msg.content;
      if (follow) scrollDown();
    }

    function renderNotice() {
      clearInterval(countdown);
      notice.replaceChildren();
      notice.className = "notice";
      if (msg.state === "stopped") {
        notice.className = "notice stopped";
        notice.append(h("span", { text: "Stopped." }));
      } else if (msg.state === "error" && msg.error) {
        notice.className = "notice error";
        notice.setAttribute("role", "alert");
        const text = h("span", { class: "error-text", text: msg.error.text });
        const wait = h("span", { class: "countdown" });
        const retry = h("button", { class: "btn small retry", type: "button", text: "Retry" });
        retry.addEventListener("click", () => onRetry(conversation, msg));
        notice.append(text, wait, retry);
        const tick = () => {
          const left = msg.error.until ? Math.ceil((msg.error.until - Date.now()) / 1000) : 0;
          wait.textContent = left > 0 ? `Try again in ${left} s.` : "";
          retry.disabled = left > 0;
          if (left <= 0) clearInterval(countdown);
        };
        tick();
        if (msg.error.until && msg.error.until > Date.now()) countdown = setInterval(tick, 250);
      }
      notice.hidden = notice.childElementCount === 0;
    }

    function renderMeta() {
      const finished = ["done", "stopped", "error"].includes(msg.state);
      meta.hidden = !finished || (!msg.content && msg.state !== "done");
      if (meta.hidden) return;
      const parts = [msg.model];
      if (msg.node) parts.push(`served by ${msg.node}`);
      if (msg.queuePosition) parts.push(`waited in line at #${msg.queuePosition}`);
      if (msg.tokensPerSecond) parts.push(`${msg.tokensPerSecond.toFixed(1)} tokens/s`);
      meta.replaceChildren(h("span", { text: parts.join(" · ") }), copyButton(() => msg.content, "Copy answer"));
    }

    function renderSources() {
      if (listed === msg.sources) return;
      listed = msg.sources;
      const list = Array.isArray(msg.sources) ? sourceList(msg.sources) : null;
      sources.replaceChildren(...(list ? [list] : []));
    }

    function update() {
      element.dataset.state = msg.state ?? "done";
      const waiting = msg.state === "waiting";
      toolStatus.hidden = !msg.tool;
      toolText.textContent = msg.tool ? TOOL_TEXT[msg.tool] ?? "Using a tool…" : "";
      typing.hidden = !waiting || Boolean(msg.tool);
      typingText.textContent = msg.waiting ?? "";
      element.setAttribute("aria-busy", String(waiting || msg.state === "streaming"));
      if (msg.thinking) {
        thinking.hidden = false;
        thought.textContent = msg.thinking;
        summary.textContent = msg.state === "streaming" && !msg.content ? "Thinking…" : "Thoughts";
      }
      if (!frame) frame = requestAnimationFrame(renderContent);
      if (!["waiting", "streaming"].includes(msg.state)) {
        cancelAnimationFrame(frame);
        renderContent();
      }
      renderSources();
      renderNotice();
      renderMeta();
    }

    update();
    return { element, update };
  }

  return {
    /** Shows `conversation` (null: the welcome screen). */
    showThread(conversation) {
      shown = conversation;
      $("messages").querySelector(".thread")?.remove();
      const empty = !conversation || conversation.messages.length === 0;
      $("welcome").hidden = !empty;
      if (!conversation) return;
      for (const msg of conversation.messages) this.append(conversation, msg, false);
      scrollDown();
    },

    /** Adds `msg` to the thread if its conversation is shown; returns its card ({update}). */
    append(conversation, msg, scroll = true) {
      const card = msg.role === "user" ? userCard(msg) : assistantCard(conversation, msg);
      cards.set(msg, card);
      if (conversation !== shown) return card;
      $("welcome").hidden = true;
      thread().append(card.element);
      if (scroll) scrollDown();
      return card;
    },

    remove(msg) {
      cards.get(msg)?.element.remove();
    },

    listItem(c, { current, open, rename, remove }) {
      const li = h("li", { class: `conversation${current ? " current" : ""}` });
      const openButton = h("button", { class: "open", type: "button", text: c.title, "aria-current": current ? "page" : null });
      openButton.addEventListener("click", open);
      const renameButton = h("button", { class: "btn ghost icon rename", type: "button", "aria-label": `Rename “${c.title}”` }, icon("rename"));
      const removeButton = h("button", { class: "btn ghost icon delete", type: "button", "aria-label": `Delete “${c.title}”` }, icon("remove"));
      renameButton.addEventListener("click", () => {
        const input = h("input", { type: "text", value: c.title, "aria-label": "New name", maxlength: "120" });
        const finish = (save) => {
          const title = input.value.trim();
          if (save && title) rename(title);
          else li.replaceChildren(openButton, actions);
        };
        input.addEventListener("keydown", (e) => {
          if (e.key === "Enter") { e.preventDefault(); finish(true); }
          if (e.key === "Escape") { e.preventDefault(); e.stopPropagation(); finish(false); }
        });
        input.addEventListener("blur", () => finish(true));
        li.replaceChildren(input);
        input.focus();
        input.select();
      });
      removeButton.addEventListener("click", () => {
        // a second click within a few seconds confirms
        if (removeButton.classList.contains("confirm")) return remove();
        removeButton.classList.add("confirm");
        removeButton.replaceChildren("Delete?");
        setTimeout(() => { removeButton.classList.remove("confirm"); removeButton.replaceChildren(icon("remove")); }, 3000);
      });
      const actions = h("span", { class: "actions" }, renameButton, removeButton);
      li.append(openButton, actions);
      return li;
    },

    modelOption(m) {
      const parts = [m.name];
      if (m.size) parts.push(m.size);
      if (m.thinking) parts.push("thinking");
      if (m.tools) parts.push("tools");
      if (m.nodes != null) parts.push(`${m.nodes} node${m.nodes === 1 ? "" : "s"}`);
      return new Option(parts.join(" · "), m.name);
    },

    chips(m) {
      if (!m) return [];
      const out = [];
      if (m.size) out.push(h("span", { class: "chip", text: m.size }));
      if (m.thinking) out.push(h("span", { class: "chip accent", text: "Thinking" }));
      if (m.tools) out.push(h("span", { class: "chip accent", text: "Tools" }));
      if (m.nodes != null) out.push(h("span", { class: "chip", text: `${m.nodes} node${m.nodes === 1 ? "" : "s"}` }));
      return out;
    },

    connection(level, text) {
      $("connection-dot").className = `dot ${level}`;
      $("connection-text").textContent = text;
      $("connection").dataset.level = level;
    },

    flash(text) {
      const note = h("div", { class: "notice error flash", role: "alert", text });
      $("composer").prepend(note);
      setTimeout(() => note.remove(), 4000);
    },
  };
}
