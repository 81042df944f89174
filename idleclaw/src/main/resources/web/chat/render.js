// Model output is untrusted. Markdown is parsed by marked with raw HTML shown as text, the result is sanitised by
// DOMPurify (no scripts, no event handlers, no javascript: URLs, no styles), and the page's CSP would block a
// script even if one got through. Code blocks get highlight.js colours and a copy button.
import { Marked } from "marked";
import DOMPurify from "dompurify";

const escapeHtml = (s) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

const markdown = new Marked({
  gfm: true,
  renderer: {
    // HTML in an answer is shown as the text it is, never rendered
    html: ({ text }) => escapeHtml(text),
    // an image in an answer becomes a link to it: loading it would tell its host who reads the answer
    image: ({ href, text }) => `<a href="${escapeHtml(href ?? "")}">${escapeHtml(text || "image")}</a>`,
  },
});

const PURIFY = {
  FORBID_TAGS: ["style", "form", "input", "button", "textarea", "select", "iframe", "object", "embed", "svg", "math"],
  FORBID_ATTR: ["style", "srcset"],
  ALLOW_DATA_ATTR: false,
};

DOMPurify.addHook("afterSanitizeAttributes", (node) => {
  if (node.tagName === "A" && node.hasAttribute("href")) {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer nofollow");
  }
});

/** The markdown `text` as a sanitised fragment, code blocks highlighted and given a copy button. */
export function renderMarkdown(text) {
  const html = DOMPurify.sanitize(markdown.parse(text), PURIFY);
  const template = document.createElement("template");
  template.innerHTML = html;
  for (const pre of template.content.querySelectorAll("pre")) decorateCode(pre);
  return template.content;
}

function decorateCode(pre) {
  const code = pre.querySelector("code");
  if (!code) return;
  const lang = [...code.classList].find((c) => c.startsWith("language-"))?.slice("language-".length) ?? "";
  const hljs = globalThis.hljs;
  if (hljs && lang && hljs.getLanguage(lang)) hljs.highlightElement(code);
  const block = document.createElement("div");
  block.className = "code-block";
  const head = document.createElement("div");
  head.className = "code-head";
  const label = document.createElement("span");
  label.textContent = lang || "code";
  head.append(label, copyButton(() => code.textContent, "Copy code"));
  pre.replaceWith(block);
  block.append(head, pre);
}

/** A button that copies `text()` and says so. */
export function copyButton(text, label = "Copy") {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "btn copy";
  button.textContent = "Copy";
  button.setAttribute("aria-label", label);
  button.addEventListener("click", async () => {
    const ok = await copy(text());
    button.textContent = ok ? "Copied" : "Copy failed";
    setTimeout(() => { button.textContent = "Copy"; }, 1600);
  });
  return button;
}

async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // no clipboard API (plain http on another host): the old way
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.append(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    return ok;
  }
}
