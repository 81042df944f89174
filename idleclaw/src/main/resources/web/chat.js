import { marked } from "marked";
import DOMPurify from "dompurify";

const status = document.getElementById("status");
const ready = typeof marked.parse === "function" && typeof DOMPurify.sanitize === "function" && typeof hljs === "object";
status.textContent = ready ? "Ready" : "Libraries missing";
document.documentElement.dataset.ready = String(ready);
